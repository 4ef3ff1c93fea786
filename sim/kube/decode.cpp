#include "sim/kube/decode.hpp"
#include "controller/net/json.hpp"

#include "controller/net/digest.hpp"
#include "sim/kube/schema.hpp"
#include "sim/kube/validation.hpp"

namespace albc::sim::kube {
namespace {

StatusError cannot_handle(const ResourceType& type, const std::string& body_kind,
                          const std::string& body_version, const std::string& why) {
  return bad_request(body_kind + " in version \"" + body_version + "\" cannot be handled as a " +
                     type.kind + ": " + why);
}

// The package of the internal type a built-in kind converts into, as conversion errors name it.
std::string internal_package(const ResourceType& type) {
  if (type.group.empty()) return "core";
  return type.group.substr(0, type.group.find('.'));
}

std::string version_of(const std::string& api_version) {
  const auto slash = api_version.find('/');
  return slash == std::string::npos ? api_version : api_version.substr(slash + 1);
}

net::Result<void, StatusError> check_type_meta(const ResourceType& type,
                                               const ResourceRegistry& registry, Json& object) {
  const Json api_version = object.value("apiVersion", Json());
  const Json kind = object.value("kind", Json());
  if (!api_version.is_null() && !api_version.is_string()) {
    return net::fail(
        bad_request("apiVersion must be a string, got " + net::dump_json(api_version)));
  }
  if (!kind.is_null() && !kind.is_string()) {
    return net::fail(bad_request("kind must be a string, got " + net::dump_json(kind)));
  }
  const std::string body_version =
      api_version.is_string() ? api_version.get<std::string>() : type.api_version();
  const std::string body_kind = kind.is_string() ? kind.get<std::string>() : type.kind;
  if (type.custom) {
    if (body_kind != type.kind) {
      return net::fail(
          invalid(type, "", "kind", "FieldValueInvalid",
                  "Invalid value: " + net::dump_json(Json(body_kind)) + ": must be " + type.kind));
    }
    if (body_version != type.api_version()) {
      return net::fail(invalid(type, "", "apiVersion", "FieldValueInvalid",
                               "Invalid value: " + net::dump_json(Json(body_version)) +
                                   ": must be " + type.api_version()));
    }
  } else if (body_kind != type.kind) {
    return net::fail(cannot_handle(type, body_kind, version_of(body_version),
                                   "converting (" + version_of(body_version) + "." + body_kind +
                                       ") to (" + internal_package(type) + "." + type.kind +
                                       "): unknown conversion"));
  } else if (body_version != type.api_version()) {
    if (registry.find_kind(body_version, body_kind) != nullptr) {
      return net::fail(bad_request("the API version in the data (" + body_version +
                                   ") does not match the expected API version (" +
                                   type.api_version() + ")"));
    }
    return net::fail(cannot_handle(type, body_kind, version_of(body_version),
                                   "no kind \"" + body_kind + "\" is registered for version \"" +
                                       body_version +
                                       "\" in scheme \"pkg/api/legacyscheme/scheme.go:30\""));
  }
  object["apiVersion"] = type.api_version();
  object["kind"] = type.kind;
  return {};
}

// The position of the first byte Go's base64.StdEncoding rejects, if any: the alphabet, then up
// to two '=' at the very end, in whole quanta of four.
std::optional<std::size_t> base64_error(std::string_view text) {
  const std::size_t data_end = text.find_last_not_of('=') + 1;
  if (text.size() - data_end > 2) return data_end + 2;
  for (std::size_t i = 0; i < data_end; ++i) {
    const char c = text[i];
    const bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (!alphabet) return i;
  }
  if (text.size() % 4 != 0) return text.size() / 4 * 4;
  return std::nullopt;
}

net::Result<void, StatusError> decode_secret(const ResourceType& type, Json& object) {
  if (object.contains("data") && object["data"].is_object()) {
    for (auto it = object["data"].begin(); it != object["data"].end(); ++it) {
      // Go's decoder skips line breaks; the stored value is the decoded bytes, so without them.
      const std::string& text = it->get_ref<const std::string&>();
      std::string joined;
      std::vector<std::size_t> original_position;
      for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' || text[i] == '\n') continue;
        joined += text[i];
        original_position.push_back(i);
      }
      if (const auto position = base64_error(joined)) {
        const std::size_t at =
            *position < original_position.size() ? original_position[*position] : text.size();
        return net::fail(cannot_handle(type, type.kind, type.version,
                                       "illegal base64 data at input byte " + std::to_string(at)));
      }
      if (joined.size() != text.size()) *it = std::move(joined);
    }
  }
  if (object.contains("stringData")) {
    // StringData overwrites Data (the v1 to internal conversion); it is never stored.
    for (auto it = object["stringData"].begin(); it != object["stringData"].end(); ++it)
      object["data"][it.key()] = net::base64_encode(it->get_ref<const std::string&>());
    object.erase("stringData");
  }
  return {};
}

net::Result<std::vector<std::string>, StatusError> report_unknown(
    const ResourceType& type, const std::vector<std::string>& unknown, FieldValidation validation) {
  std::vector<std::string> warnings;
  if (unknown.empty() || validation == FieldValidation::Ignore) return warnings;
  std::string joined;
  for (const std::string& path : unknown) {
    const std::string text = "unknown field " + net::dump_json(Json(path));
    joined += (joined.empty() ? "" : ", ") + text;
    warnings.push_back(text);
  }
  if (validation == FieldValidation::Strict) {
    return net::fail(
        cannot_handle(type, type.kind, type.version, "strict decoding error: " + joined));
  }
  return warnings;
}

}  // namespace

net::Result<std::vector<std::string>, StatusError> decode_object(const ResourceType& type,
                                                                 const ResourceRegistry& registry,
                                                                 Json& object,
                                                                 FieldValidation validation) {
  if (!object.is_object()) {
    return net::fail(bad_request("the object provided is unrecognized (must be of type " +
                                 type.kind + "): the body is not a JSON object"));
  }
  if (auto checked = check_type_meta(type, registry, object); !checked) {
    return net::fail(checked.error());
  }
  const Schema& envelope = *(type.custom ? type.envelope : type.schema);
  DecodeReport decoded = decode_builtin(envelope, object);
  if (decoded.type_error) {
    return net::fail(cannot_handle(type, type.kind, type.version, *decoded.type_error));
  }
  std::vector<std::string> unknown = std::move(decoded.unknown_fields);
  if (type.custom) {
    SchemaReport checked = validate_custom(*type.schema, object);
    if (!checked.causes.empty()) {
      const std::string name = text_of(field_of(field_of(object, "metadata"), "name"));
      return net::fail(invalid(type, name, std::move(checked.causes)));
    }
    unknown.insert(unknown.end(), checked.unknown_fields.begin(), checked.unknown_fields.end());
  }
  if (type.group.empty() && type.kind == "Secret") {
    if (auto secret = decode_secret(type, object); !secret) return net::fail(secret.error());
  }
  return report_unknown(type, unknown, validation);
}

std::string warning_header_value(const std::string& warning) {
  return "299 - " + net::dump_json(Json(warning));
}

}  // namespace albc::sim::kube
