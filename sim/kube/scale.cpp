#include "sim/kube/scale.hpp"

#include <cstdint>
#include <limits>
#include <string>

#include "sim/kube/validation.hpp"

namespace albc::sim::kube {
namespace {

// The selector as label-selector text (metav1.FormatLabelSelector): matchLabels as key=value,
// then each expression, comma-separated.
std::string selector_text(const Json& selector) {
  std::string text;
  const auto add = [&](const std::string& term) { text += (text.empty() ? "" : ",") + term; };
  const Json& labels = field_of(selector, "matchLabels");
  if (labels.is_object()) {
    for (const auto& [key, value] : labels.items())
      add(key + "=" + text_of(value));
  }
  const Json& expressions = field_of(selector, "matchExpressions");
  if (!expressions.is_array()) return text;
  for (const Json& expression : expressions) {
    const std::string key = text_of(field_of(expression, "key"));
    const std::string op = text_of(field_of(expression, "operator"));
    std::string values;
    const Json& listed = field_of(expression, "values");
    if (listed.is_array()) {
      for (const Json& value : listed)
        values += (values.empty() ? "" : ",") + text_of(value);
    }
    if (op == "In") add(key + " in (" + values + ")");
    if (op == "NotIn") add(key + " notin (" + values + ")");
    if (op == "Exists") add(key);
    if (op == "DoesNotExist") add("!" + key);
  }
  return text;
}

StatusError scale_invalid(const std::string& name, const std::string& field,
                          const std::string& detail) {
  Json details = {
      {"name", name},
      {"group", "autoscaling"},
      {"kind", "Scale"},
      {"causes",
       Json::array({{{"reason", "FieldValueInvalid"}, {"message", detail}, {"field", field}}})}};
  return {422, "Invalid", "Scale.autoscaling \"" + name + "\" is invalid: " + field + ": " + detail,
          std::move(details)};
}

}  // namespace

bool serves_scale(const ResourceType& type) {
  return type.group == "apps" && type.kind == "Deployment";
}

Json scale_of(const Json& deployment) {
  const Json& metadata = field_of(deployment, "metadata");
  Json scale_metadata = Json::object();
  for (const char* key : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
    if (field_of(metadata, key).is_string()) scale_metadata[key] = metadata[key];
  }
  const Json& spec = field_of(deployment, "spec");
  const Json& status = field_of(deployment, "status");
  const Json& replicas = field_of(spec, "replicas");
  const Json& current = field_of(status, "replicas");
  return {{"kind", "Scale"},
          {"apiVersion", "autoscaling/v1"},
          {"metadata", scale_metadata},
          {"spec", {{"replicas", replicas.is_number_integer() ? replicas : Json(1)}}},
          {"status",
           {{"replicas", current.is_number_integer() ? current : Json(0)},
            {"selector", selector_text(field_of(spec, "selector"))}}}};
}

net::Result<Json, StatusError> scaled(const Json& live, const Json& scale) {
  const std::string name = text_of(field_of(field_of(live, "metadata"), "name"));
  const auto decode_error = [&](const std::string& why) {
    return net::fail(bad_request("Scale in version \"v1\" cannot be handled as a Scale: " + why));
  };
  if (!scale.is_object()) {
    return decode_error("json: cannot unmarshal " + std::string(scale.type_name()) +
                        " into Go value of type v1.Scale");
  }
  const Json& spec = field_of(scale, "spec");
  if (!spec.is_null() && !spec.is_object()) {
    return decode_error("json: cannot unmarshal " + std::string(spec.type_name()) +
                        " into Go struct field Scale.spec of type v1.ScaleSpec");
  }
  const Json& replicas = field_of(spec, "replicas");
  const bool is_int32 = replicas.is_number_integer() &&
                        replicas.get<std::int64_t>() >= std::numeric_limits<std::int32_t>::min() &&
                        replicas.get<std::int64_t>() <= std::numeric_limits<std::int32_t>::max();
  if (!replicas.is_null() && !is_int32) {
    return decode_error("json: cannot unmarshal " +
                        std::string(replicas.is_number() ? "number" : replicas.type_name()) +
                        " into Go struct field ScaleSpec.spec.replicas of type int32");
  }
  const std::int64_t count = replicas.is_null() ? 0 : replicas.get<std::int64_t>();
  if (count < 0) {
    return net::fail(scale_invalid(
        name, "spec.replicas",
        "Invalid value: " + std::to_string(count) + ": must be greater than or equal to 0"));
  }
  Json updated = live;
  updated["spec"]["replicas"] = count;
  const Json& version = field_of(field_of(scale, "metadata"), "resourceVersion");
  if (version.is_string() && !version.get<std::string>().empty()) {
    updated["metadata"]["resourceVersion"] = version;
  }
  return updated;
}

}  // namespace albc::sim::kube
