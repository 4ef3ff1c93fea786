#include "controller/k8s/fields.hpp"

namespace albc::k8s {

using Json = nlohmann::json;

const Json& any_field(const Json& object, std::string_view key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  const auto found = object.find(key);
  return found == object.end() ? kNull : *found;
}

const Json& map_field(const Json& object, std::string_view key) {
  static const Json kEmpty = Json::object();
  const Json& value = any_field(object, key);
  return value.is_object() ? value : kEmpty;
}

const Json& list_field(const Json& object, std::string_view key) {
  static const Json kEmpty = Json::array();
  const Json& value = any_field(object, key);
  return value.is_array() ? value : kEmpty;
}

std::string text_field(const Json& object, std::string_view key, std::string_view fallback) {
  const Json& value = any_field(object, key);
  return value.is_string() ? value.get<std::string>() : std::string(fallback);
}

long long integer_field(const Json& object, std::string_view key, long long fallback) {
  const Json& value = any_field(object, key);
  return value.is_number_integer() ? value.get<long long>() : fallback;
}

bool boolean_field(const Json& object, std::string_view key, bool fallback) {
  const Json& value = any_field(object, key);
  return value.is_boolean() ? value.get<bool>() : fallback;
}

const Json& metadata_of(const Json& object) {
  return map_field(object, "metadata");
}

std::string name_of(const Json& object) {
  return text_field(metadata_of(object), "name");
}

std::string namespace_of(const Json& object) {
  return text_field(metadata_of(object), "namespace");
}

bool being_deleted(const Json& object) {
  return metadata_of(object).contains("deletionTimestamp");
}

}  // namespace albc::k8s
