#include "controller/net/numbers.hpp"
#include "sim/kube/validation.hpp"
#include "sim/kube/validation_parts.hpp"

namespace albc::sim::kube {
namespace {

void validate_containers(const Json& containers, const std::string& field, FieldErrors& errors) {
  if (!containers.is_array() || containers.empty()) {
    errors.required(field);
    return;
  }
  std::vector<std::string> seen;
  for (std::size_t i = 0; i < containers.size(); ++i) {
    const std::string at = field + "[" + std::to_string(i) + "]";
    const std::string name = text_of(field_of(containers[i], "name"));
    if (name.empty()) {
      errors.required(at + ".name");
    } else {
      errors.invalid_each(at + ".name", Json(name), names::dns1123_label(name));
      if (contains(seen, name)) errors.duplicate(at + ".name", Json(name));
      seen.push_back(name);
    }
    if (text_of(field_of(containers[i], "image")).empty()) errors.required(at + ".image");
    const Json& ports = field_of(containers[i], "ports");
    if (!ports.is_array()) continue;
    for (std::size_t p = 0; p < ports.size(); ++p) {
      const std::string port_field = at + ".ports[" + std::to_string(p) + "]";
      const Json& number = field_of(ports[p], "containerPort");
      if (!number.is_number_integer() || number.get<long long>() == 0) {
        errors.required(port_field + ".containerPort");
      } else {
        validate_port_number(number, port_field + ".containerPort", errors);
      }
      validate_port_number(field_of(ports[p], "hostPort"), port_field + ".hostPort", errors);
      const Json& protocol = field_of(ports[p], "protocol");
      if (protocol.is_string() && !contains(kProtocols, text_of(protocol))) {
        errors.not_supported(port_field + ".protocol", protocol, kProtocols);
      }
      const std::string port_name = text_of(field_of(ports[p], "name"));
      if (!port_name.empty()) {
        errors.invalid_each(port_field + ".name", Json(port_name), names::port_name(port_name));
      }
    }
  }
}

// matchLabels and matchExpressions against a label map, as labels.Selector.Matches does.
bool selector_matches(const Json& selector, const Json& labels) {
  const Json& match_labels = field_of(selector, "matchLabels");
  if (match_labels.is_object()) {
    for (auto it = match_labels.begin(); it != match_labels.end(); ++it) {
      if (field_of(labels, it.key()) != *it) return false;
    }
  }
  const Json& expressions = field_of(selector, "matchExpressions");
  if (!expressions.is_array()) return true;
  for (const Json& expression : expressions) {
    const std::string key = text_of(field_of(expression, "key"));
    const std::string op = text_of(field_of(expression, "operator"));
    const Json& value = field_of(labels, key);
    const Json& values = field_of(expression, "values");
    const bool listed =
        values.is_array() && std::find(values.begin(), values.end(), value) != values.end();
    if (op == "In" && !(value.is_string() && listed)) return false;
    if (op == "NotIn" && value.is_string() && listed) return false;
    if (op == "Exists" && !value.is_string()) return false;
    if (op == "DoesNotExist" && value.is_string()) return false;
  }
  return true;
}

void validate_selector(const Json& selector, const std::string& field, FieldErrors& errors) {
  validate_label_map(field_of(selector, "matchLabels"), field + ".matchLabels", errors);
  const Json& expressions = field_of(selector, "matchExpressions");
  if (!expressions.is_array()) return;
  for (std::size_t i = 0; i < expressions.size(); ++i) {
    const std::string at = field + ".matchExpressions[" + std::to_string(i) + "]";
    const Json& op = field_of(expressions[i], "operator");
    const std::string name = text_of(op);
    const Json& values = field_of(expressions[i], "values");
    const bool has_values = values.is_array() && !values.empty();
    if (name == "In" || name == "NotIn") {
      if (!has_values) {
        errors.required(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
      }
    } else if (name == "Exists" || name == "DoesNotExist") {
      if (has_values) {
        errors.forbidden(at + ".values",
                         "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
      }
    } else {
      errors.invalid(at + ".operator", op, "not a valid selector operator");
    }
    const std::string key = text_of(field_of(expressions[i], "key"));
    errors.invalid_each(at + ".key", Json(key), names::qualified_name(key));
  }
}

// Deployment and ReplicaSet: replicas, selector, and a template the selector selects.
void validate_replicated(const Json& spec, const std::string& noun, FieldErrors& errors) {
  for (const char* key :
       {"replicas", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds"}) {
    const Json& value = field_of(spec, key);
    if (value.is_number_integer() && value.get<long long>() < 0) {
      errors.invalid(std::string("spec.") + key, value, "must be greater than or equal to 0");
    }
  }
  const Json& selector = field_of(spec, "selector");
  const Json& template_labels =
      field_of(field_of(field_of(spec, "template"), "metadata"), "labels");
  if (!selector.is_object()) {
    errors.required("spec.selector");
  } else if (field_of(selector, "matchLabels").empty() &&
             field_of(selector, "matchExpressions").empty()) {
    errors.invalid("spec.selector", selector, "empty selector is invalid for " + noun);
  } else {
    validate_selector(selector, "spec.selector", errors);
    if (!selector_matches(selector,
                          template_labels.is_object() ? template_labels : Json::object())) {
      errors.invalid("spec.template.metadata.labels",
                     template_labels.is_object() ? template_labels : Json::object(),
                     "`selector` does not match template `labels`");
    }
  }
  validate_label_map(template_labels, "spec.template.metadata.labels", errors);
  validate_pod_spec(field_of(field_of(spec, "template"), "spec"), "spec.template.spec", true,
                    errors);
}

void validate_strategy(const Json& spec, FieldErrors& errors) {
  const Json& strategy = field_of(spec, "strategy");
  if (!strategy.is_object()) return;
  const std::string type = text_of(field_of(strategy, "type"));
  if (type != "Recreate" && type != "RollingUpdate") {
    errors.not_supported("spec.strategy", strategy, {"Recreate", "RollingUpdate"});
    return;
  }
  const Json& rolling = field_of(strategy, "rollingUpdate");
  if (type == "Recreate" && !rolling.is_null()) {
    errors.forbidden("spec.strategy.rollingUpdate",
                     "may not be specified when strategy `type` is 'Recreate'");
  }
  if (type != "RollingUpdate" || !rolling.is_object()) return;
  auto is_zero = [](const Json& value) { return value == Json(0) || value == Json("0%"); };
  const Json& unavailable = field_of(rolling, "maxUnavailable");
  if (is_zero(unavailable) && is_zero(field_of(rolling, "maxSurge"))) {
    errors.invalid("spec.strategy.rollingUpdate.maxUnavailable", unavailable,
                   "may not be 0 when `maxSurge` is 0");
  }
  for (const char* key : {"maxUnavailable", "maxSurge"}) {
    const Json& value = field_of(rolling, key);
    const std::string field = std::string("spec.strategy.rollingUpdate.") + key;
    if (value.is_number_integer() && value.get<long long>() < 0) {
      errors.invalid(field, value, "must be greater than or equal to 0");
    }
    if (!value.is_string()) continue;
    const std::string text = text_of(value);
    const bool percent = text.size() >= 2 && text.back() == '%' &&
                         text.find_first_not_of("0123456789") == text.size() - 1;
    if (!percent) {
      errors.invalid(field, value,
                     "a valid percent string must be a numeric string followed by an ending '%' "
                     "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
    } else if (std::string(key) == "maxUnavailable" &&
               net::parse_integer<long long>(text.substr(0, text.size() - 1)).value_or(101) > 100) {
      errors.invalid(field, value, "must not be greater than 100%");
    }
  }
}

}  // namespace

void validate_pod_spec(const Json& spec, const std::string& field, bool in_template,
                       FieldErrors& errors) {
  validate_containers(field_of(spec, "containers"), field + ".containers", errors);
  const Json& restart = field_of(spec, "restartPolicy");
  if (in_template && restart.is_string() && text_of(restart) != "Always") {
    errors.not_supported(field + ".restartPolicy", restart, {"Always"});
  } else if (restart.is_string() && !contains({"Always", "OnFailure", "Never"}, text_of(restart))) {
    errors.not_supported(field + ".restartPolicy", restart, {"Always", "OnFailure", "Never"});
  }
  const Json& grace = field_of(spec, "terminationGracePeriodSeconds");
  if (grace.is_number_integer() && grace.get<long long>() < 0) {
    errors.invalid(field + ".terminationGracePeriodSeconds", grace,
                   "must be greater than or equal to 0");
  }
}

void validate_deployment(const Json& object, FieldErrors& errors) {
  const Json& spec = field_of(object, "spec");
  validate_replicated(spec, "deployment", errors);
  validate_strategy(spec, errors);
  const Json& deadline = field_of(spec, "progressDeadlineSeconds");
  const Json& ready = field_of(spec, "minReadySeconds");
  if (deadline.is_number_integer() && ready.is_number_integer() &&
      deadline.get<long long>() <= ready.get<long long>()) {
    errors.invalid("spec.progressDeadlineSeconds", deadline,
                   "must be greater than minReadySeconds");
  }
}

void validate_replica_set(const Json& object, FieldErrors& errors) {
  validate_replicated(field_of(object, "spec"), "deployment", errors);
}

void validate_pod(const Json& object, FieldErrors& errors) {
  validate_pod_spec(field_of(object, "spec"), "spec", false, errors);
}

}  // namespace albc::sim::kube
