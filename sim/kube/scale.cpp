#include "sim/kube/scale.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "sim/kube/validation.hpp"

namespace albc::sim::kube {
namespace {

// The selector as label-selector text (metav1.FormatLabelSelector): matchLabels as key=value,
// then each expression, comma-separated.
std::string selector_text(const Json& selector) {
  std::vector<std::pair<std::string, std::string>> terms;  // (key, term), sorted by key below
  const Json& labels = field_of(selector, "matchLabels");
  if (labels.is_object()) {
    for (const auto& [key, value] : labels.items())
      terms.emplace_back(key, key + "=" + text_of(value));
  }
  const Json& expressions = field_of(selector, "matchExpressions");
  if (expressions.is_array()) {
    for (const Json& expression : expressions) {
      const std::string key = text_of(field_of(expression, "key"));
      const std::string op = text_of(field_of(expression, "operator"));
      std::vector<std::string> listed;
      const Json& values = field_of(expression, "values");
      if (values.is_array()) {
        for (const Json& value : values)
          listed.push_back(text_of(value));
      }
      std::sort(listed.begin(), listed.end());
      std::string joined;
      for (const std::string& value : listed)
        joined += (joined.empty() ? "" : ",") + value;
      if (op == "In") terms.emplace_back(key, key + " in (" + joined + ")");
      if (op == "NotIn") terms.emplace_back(key, key + " notin (" + joined + ")");
      if (op == "Exists") terms.emplace_back(key, key);
      if (op == "DoesNotExist") terms.emplace_back(key, "!" + key);
    }
  }
  std::stable_sort(terms.begin(), terms.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string text;
  for (const auto& term : terms)
    text += (text.empty() ? "" : ",") + term.second;
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
  return type.group == "apps" && (type.kind == "Deployment" || type.kind == "ReplicaSet");
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
  Json scale = {{"kind", "Scale"},
                {"apiVersion", "autoscaling/v1"},
                {"metadata", scale_metadata},
                {"spec", {{"replicas", replicas.is_number_integer() ? replicas : Json(1)}}},
                {"status", {{"replicas", current.is_number_integer() ? current : Json(0)}}}};
  const std::string selector = selector_text(field_of(spec, "selector"));
  if (!selector.empty()) scale["status"]["selector"] = selector;  // omitted when empty, as in Go
  return scale;
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
  // Large positive numbers are held unsigned: compare them as such, never as a wrapped int64.
  const bool is_int32 =
      replicas.is_number_unsigned()
          ? replicas.get<std::uint64_t>() <=
                static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())
          : replicas.is_number_integer() &&
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
  // The Scale names the object it scales: another name is the real server's 400, another uid
  // its 409 precondition failure.
  const Json& metadata = field_of(scale, "metadata");
  const std::string scale_name = text_of(field_of(metadata, "name"));
  if (!scale_name.empty() && scale_name != name) {
    return net::fail(bad_request("the name of the object (" + scale_name +
                                 ") does not match the name on the URL (" + name + ")"));
  }
  const std::string uid = text_of(field_of(metadata, "uid"));
  const std::string live_uid = text_of(field_of(field_of(live, "metadata"), "uid"));
  if (!uid.empty() && uid != live_uid) {
    return net::fail(StatusError{409,
                                 "Conflict",
                                 "Operation cannot be fulfilled on scale.autoscaling \"" + name +
                                     "\": Precondition failed: UID in precondition: " + uid +
                                     ", UID in object meta: " + live_uid,
                                 {{"name", name}, {"group", "autoscaling"}, {"kind", "scale"}}});
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
