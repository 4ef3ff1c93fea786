#include <algorithm>

#include "controller/ingress/build_task.hpp"

namespace albc::ingress {
namespace {

model::Action fixed_503(std::string body) {
  model::Action action;
  action.type = "fixed-response";
  action.fixed_response = model::FixedResponseConfig{"text/plain", std::move(body), "503"};
  return action;
}

std::string port_text(const Json& port) {
  if (port.is_string()) return port.get<std::string>();
  return port.is_number_integer() ? std::to_string(port.get<long long>()) : port.dump();
}

// Points into `service`: iterate the object itself, not a copy of its port list.
const Json* find_service_port(const Json& service, const Json& wanted) {
  for (const Json& port : k8s::list_field(k8s::map_field(service, "spec"), "ports")) {
    if (wanted.is_string() && k8s::text_field(port, "name") == wanted.get<std::string>())
      return &port;
    if (wanted.is_number_integer() &&
        k8s::integer_field(port, "port", 0) == wanted.get<long long>())
      return &port;
  }
  return nullptr;
}

std::optional<std::string> optional_field(const Json& object, const char* field) {
  if (!object.is_object() || !object.contains(field) || object[field].is_null())
    return std::nullopt;
  const Json& value = object[field];
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

net::Result<std::vector<model::Action>> BuildTask::build_backend_actions(const Member& member,
                                                                         const Json& backend,
                                                                         int port) {
  if (!backend.contains("service"))
    return net::fail("InvalidConfiguration", "missing required \"service\" field");
  const Json& service = k8s::map_field(backend, "service");
  const std::string name = k8s::text_field(service, "name");
  const Json& port_ref = k8s::map_field(service, "port");
  Json service_port;
  if (port_ref.contains("name"))
    service_port = port_ref["name"];
  else if (port_ref.contains("number"))
    service_port = port_ref["number"];
  if (service_port.is_string() && service_port.get<std::string>() == "use-annotation") {
    auto action = action_from_annotation(member, name, port);
    if (!action) return net::fail(action.error());
    return std::vector<model::Action>{*action};
  }
  if (service_port.is_null())
    return net::fail("InvalidConfiguration", "backend service " + name + " names no port");
  auto action = forward_to_service(member, name, service_port, std::nullopt);
  if (!action) return net::fail(action.error());
  return std::vector<model::Action>{*action};
}

net::Result<model::Action> BuildTask::action_from_annotation(const Member& member,
                                                             const std::string& service_name,
                                                             int port) {
  auto parsed = member.annotations.json("actions." + service_name);
  if (!parsed) return net::fail(parsed.error());
  if (!*parsed) {
    if (options_.tolerate_missing_backend_action) return fixed_503("Backend action does not exist");
    return net::fail("InvalidConfiguration", "missing actions." + service_name + " configuration");
  }
  const Json& config = **parsed;
  const std::string type = k8s::text_field(config, "type", k8s::text_field(config, "Type"));
  model::Action action;
  action.type = type;
  if (type == "fixed-response") {
    const Json fixed = k8s::any_field(config, "fixedResponseConfig");
    if (!fixed.is_object()) return net::fail("InvalidConfiguration", "missing FixedResponseConfig");
    if (!fixed.contains("statusCode"))
      return net::fail("InvalidConfiguration",
                       "invalid FixedResponseConfig: statusCode is required");
    action.fixed_response = model::FixedResponseConfig{
        optional_field(fixed, "contentType"), optional_field(fixed, "messageBody"),
        optional_field(fixed, "statusCode").value_or("")};
    return action;
  }
  if (type == "redirect") {
    const Json redirect = k8s::any_field(config, "redirectConfig");
    if (!redirect.is_object()) return net::fail("InvalidConfiguration", "missing RedirectConfig");
    action.redirect = model::RedirectConfig{
        optional_field(redirect, "host"),  optional_field(redirect, "path"),
        optional_field(redirect, "port"),  optional_field(redirect, "protocol"),
        optional_field(redirect, "query"), optional_field(redirect, "statusCode").value_or("")};
    return action;
  }
  if (type != "forward") return net::fail("InvalidConfiguration", "unknown action type: " + type);
  const bool simple = config.contains("targetGroupARN") || config.contains("targetGroupName");
  const bool advanced = config.contains("forwardConfig");
  if (!simple && !advanced)
    return net::fail("InvalidConfiguration",
                     "missing ForwardConfig or TargetGroupARN/TargetGroupName");
  if (simple && advanced)
    return net::fail("InvalidConfiguration",
                     "either ForwardConfig or TargetGroupARN/TargetGroupName can be specified");
  model::ForwardConfig forward;
  if (simple) {
    if (!config.contains("targetGroupARN")) {
      return net::fail("UnsupportedConfiguration",
                       "albc does not resolve targetGroupName yet; use targetGroupARN");
    }
    forward.target_groups.push_back({"", k8s::text_field(config, "targetGroupARN"), std::nullopt});
    action.forward = forward;
    return action;
  }
  const Json& tuples = k8s::list_field(k8s::map_field(config, "forwardConfig"), "targetGroups");
  for (const Json& tuple : tuples) {
    const bool has_service = tuple.contains("serviceName");
    const bool has_arn = tuple.contains("targetGroupARN") || tuple.contains("targetGroupName");
    if (!has_service && !has_arn) {
      return net::fail("InvalidConfiguration",
                       "invalid ForwardConfig: invalid TargetGroupTuple: missing serviceName or "
                       "targetGroupARN/targetGroupName");
    }
    if (has_service && has_arn) {
      return net::fail("InvalidConfiguration",
                       "invalid ForwardConfig: invalid TargetGroupTuple: either serviceName or "
                       "targetGroupARN/targetGroupName can be specified");
    }
    if (tuples.size() > 1 && !tuple.contains("weight")) {
      return net::fail("InvalidConfiguration",
                       "weight must be set when route to multiple target groups");
    }
    std::optional<int> weight;
    if (tuple.contains("weight") && tuple["weight"].is_number_integer())
      weight = tuple["weight"].get<int>();
    if (has_arn) {
      forward.target_groups.push_back({"", k8s::text_field(tuple, "targetGroupARN"), weight});
      continue;
    }
    if (!tuple.contains("servicePort")) {
      return net::fail("InvalidConfiguration",
                       "invalid ForwardConfig: invalid TargetGroupTuple: missing servicePort");
    }
    Json service_port = tuple["servicePort"];
    if (!service_port.is_string() && !service_port.is_number_integer()) {
      return net::fail("InvalidConfiguration",
                       "invalid ForwardConfig: invalid TargetGroupTuple: servicePort must be a "
                       "port number or name");
    }
    if (service_port.is_string()) {
      // A number written as a string is a number, for backwards compatibility.
      auto number = parse_go_int(service_port.get<std::string>(), 32);
      if (number) service_port = *number;
    }
    const std::string service_name = k8s::text_field(tuple, "serviceName");
    const std::string ns = k8s::namespace_of(member.ingress);
    if (tuples.size() == 1 && services_.get(ns, service_name) == nullptr &&
        options_.tolerate_missing_backend_service) {
      return fixed_503("Backend service does not exist");
    }
    auto id = target_group_for(member, service_name, service_port);
    if (!id) return net::fail(id.error());
    forward.target_groups.push_back({*id, "", weight});
  }
  if (k8s::map_field(config, "forwardConfig").contains("targetGroupStickinessConfig")) {
    const Json& stickiness =
        k8s::map_field(k8s::map_field(config, "forwardConfig"), "targetGroupStickinessConfig");
    forward.stickiness_enabled = k8s::boolean_field(stickiness, "enabled", false);
    if (stickiness.contains("durationSeconds"))
      forward.stickiness_duration_seconds = k8s::integer_field(stickiness, "durationSeconds", 0);
  }
  action.forward = forward;
  return action;
}

net::Result<model::Action> BuildTask::forward_to_service(const Member& member,
                                                         const std::string& service_name,
                                                         const Json& service_port,
                                                         std::optional<int> weight) {
  const std::string ns = k8s::namespace_of(member.ingress);
  if (services_.get(ns, service_name) == nullptr) {
    if (options_.tolerate_missing_backend_service)
      return fixed_503("Backend service does not exist");
    return net::fail("NotFound", "services \"" + service_name + "\" not found");
  }
  auto id = target_group_for(member, service_name, service_port);
  if (!id) return net::fail(id.error());
  model::Action action;
  action.type = "forward";
  action.forward = model::ForwardConfig{{{*id, "", weight}}, std::nullopt, std::nullopt};
  return action;
}

net::Result<std::string> BuildTask::target_group_for(const Member& member,
                                                     const std::string& service_name,
                                                     const Json& service_port) {
  const std::string ns = k8s::namespace_of(member.ingress);
  const std::string ingress_name = k8s::name_of(member.ingress);
  const std::string id =
      ns + "/" + ingress_name + "-" + service_name + ":" + port_text(service_port);
  if (stack_.target_groups.contains(id)) return id;
  const Json* service = services_.get(ns, service_name);
  if (service == nullptr)
    return net::fail("NotFound", "services \"" + service_name + "\" not found");
  const Json* port = find_service_port(*service, service_port);
  if (port == nullptr) {
    return net::fail("InvalidConfiguration", "unable to find port " + port_text(service_port) +
                                                 " on service " + ns + "/" + service_name);
  }
  const Annotations service_annotations = Annotations::of(*service);
  const Annotations annotations = Annotations::merged(member.annotations, service_annotations);
  if (auto unsupported = unsupported_annotation(service_annotations)) {
    return net::fail("UnsupportedConfiguration", "service " + ns + "/" + service_name +
                                                     ": annotation " +
                                                     std::string(kAnnotationPrefix) + *unsupported +
                                                     " is not supported by albc yet");
  }
  model::TargetGroupSpec group;
  std::optional<std::string> params_target_type;
  if (member.class_config.params && member.class_config.params->contains("targetType")) {
    params_target_type = k8s::text_field((*member.class_config.params), "targetType");
  }
  group.target_type = params_target_type.value_or(
      annotations.string("target-type").value_or(options_.default_target_type));
  if (group.target_type != "instance" && group.target_type != "ip") {
    return net::fail("InvalidConfiguration", "unknown targetType: " + group.target_type);
  }
  if (group.target_type == "ip" && !options_.enable_ip_target_type) {
    return net::fail("InvalidConfiguration",
                     "unsupported targetType: ip when EnableIPTargetType is false");
  }
  const Json target_port = k8s::any_field(*port, "targetPort").is_null()
                               ? k8s::any_field(*port, "port")
                               : k8s::any_field(*port, "targetPort");
  if (group.target_type == "instance") {
    group.port = static_cast<int>(k8s::integer_field(*port, "nodePort", 0));
    if (group.port == 0) {
      return net::fail("InvalidConfiguration",
                       "TargetGroup port is empty. When using Instance targets, your service be "
                       "must of type 'NodePort' or 'LoadBalancer'");
    }
  } else {
    group.port = target_port.is_number_integer() ? target_port.get<int>() : 1;
    if (group.port == 0)
      return net::fail("InvalidConfiguration",
                       "TargetGroup port is empty. Are you using the correct service type?");
  }
  group.protocol = annotations.string("backend-protocol").value_or("HTTP");
  if (group.protocol != "HTTP" && group.protocol != "HTTPS") {
    return net::fail("InvalidConfiguration",
                     "backend protocol must be within [HTTP, HTTPS]: " + group.protocol);
  }
  group.protocol_version = annotations.string("backend-protocol-version").value_or("HTTP1");
  if (group.protocol_version != "HTTP1" && group.protocol_version != "HTTP2" &&
      group.protocol_version != "GRPC") {
    return net::fail(
        "InvalidConfiguration",
        "backend protocol version must be within [HTTP1, HTTP2, GRPC]: " + group.protocol_version);
  }
  const Json& families = k8s::list_field(k8s::map_field(*service, "spec"), "ipFamilies");
  if (std::find(families.begin(), families.end(), "IPv6") != families.end()) {
    if (ip_address_type_ == "ipv4")
      return net::fail("InvalidConfiguration", "unsupported IPv6 configuration, lb not dual-stack");
    group.ip_address_type = "ipv6";
  }
  model::HealthCheck& health = group.health_check;
  const std::string health_port = annotations.string("healthcheck-port").value_or("traffic-port");
  if (health_port == "traffic-port" || parse_go_int(health_port, 32)) {
    health.port = health_port;
  } else {
    const Json* named = find_service_port(*service, Json(health_port));
    if (named == nullptr)
      return net::fail("InvalidConfiguration", "unable to find port " + health_port +
                                                   " on service " + ns + "/" + service_name);
    if (group.target_type == "instance") {
      health.port = std::to_string(k8s::integer_field(*named, "nodePort", 0));
    } else {
      const Json named_target = k8s::any_field(*named, "targetPort").is_null()
                                    ? k8s::any_field(*named, "port")
                                    : k8s::any_field(*named, "targetPort");
      if (!named_target.is_number_integer()) {
        return net::fail("InvalidConfiguration",
                         "cannot use named healthCheckPort for IP TargetType when service's "
                         "targetPort is a named port");
      }
      health.port = std::to_string(named_target.get<int>());
    }
  }
  health.protocol = annotations.string("healthcheck-protocol").value_or(group.protocol);
  if (health.protocol != "HTTP" && health.protocol != "HTTPS") {
    return net::fail("InvalidConfiguration", "healthCheckProtocol must be within [HTTP, HTTPS]");
  }
  const bool grpc = group.protocol_version == "GRPC";
  health.path =
      annotations.string("healthcheck-path").value_or(grpc ? "/AWS.ALB/healthcheck" : "/");
  const std::string codes = annotations.string("success-codes").value_or(grpc ? "12" : "200");
  if (grpc) {
    health.matcher_http_code.clear();
    health.matcher_grpc_code = codes;
  } else {
    health.matcher_http_code = codes;
  }
  struct IntegerSetting {
    const char* annotation;
    int* field;
  };
  for (const IntegerSetting& setting :
       {IntegerSetting{"healthcheck-interval-seconds", &health.interval_seconds},
        IntegerSetting{"healthcheck-timeout-seconds", &health.timeout_seconds},
        IntegerSetting{"healthy-threshold-count", &health.healthy_threshold_count},
        IntegerSetting{"unhealthy-threshold-count", &health.unhealthy_threshold_count}}) {
    auto value = annotations.int32(setting.annotation);
    if (!value) return net::fail(value.error());
    if (*value) *setting.field = **value;
  }
  auto attributes = annotations.string_map("target-group-attributes");
  if (!attributes) return net::fail(attributes.error());
  group.attributes = attributes->value_or(std::map<std::string, std::string>());
  // Tags: the Service's over the Ingress's, key by key; then IngressClassParams; then default tags.
  auto ingress_tags = member.annotations.string_map("tags");
  if (!ingress_tags) return net::fail(ingress_tags.error());
  auto service_tags = service_annotations.string_map("tags");
  if (!service_tags)
    return net::fail(net::with_context(service_tags.error(), "service " + ns + "/" + service_name));
  group.tags = ingress_tags->value_or(std::map<std::string, std::string>());
  for (const auto& [key, value] : service_tags->value_or(std::map<std::string, std::string>()))
    group.tags[key] = value;
  if (member.class_config.params) {
    for (const Json& tag : k8s::list_field(*member.class_config.params, "tags"))
      group.tags[k8s::text_field(tag, "key")] = k8s::text_field(tag, "value");
  }
  for (const auto& [key, value] : options_.default_tags)
    group.tags[key] = value;
  group.name = target_group_name(
      {options_.cluster_name, group_.id.to_string(), ns, ingress_name, ns, service_name,
       k8s::text_field(k8s::metadata_of(*service), "uid"), port_text(service_port), group.port,
       group.target_type, group.protocol, group.protocol_version});
  model::TargetGroupBindingSpec binding;
  binding.name = group.name;
  binding.ns = ns;
  binding.target_group_id = id;
  binding.target_type = group.target_type;
  binding.target_group_protocol = group.protocol;
  binding.service_name = service_name;
  binding.service_port = service_port;
  binding.ip_address_type = group.ip_address_type;
  binding.vpc_id = options_.vpc_id;
  binding.labels = deploy::stack_labels(identity_);
  const Json traffic_port = group.target_type == "instance" ? Json(group.port) : target_port;
  add_binding_networking(binding, traffic_port, health.port);
  stack_.target_groups[id] = group;
  stack_.bindings[id] = binding;
  return id;
}

void BuildTask::add_binding_networking(model::TargetGroupBindingSpec& binding,
                                       const Json& traffic_port,
                                       const std::string& health_check_port) {
  if (!manage_backend_rules_) return;  // security groups given without rule management: hands off
  model::NetworkingPeer peer;
  if (backend_security_group_from_managed_)
    peer.security_group_resource_id = model::kManagedSecurityGroupId;
  else
    peer.security_group_id = backend_security_group_id_;
  std::vector<model::NetworkingRule> rules = {{{peer}, {{"TCP", traffic_port}}}};
  if (health_check_port != "traffic-port") {
    auto number = parse_go_int(health_check_port, 32);
    rules.push_back({{peer}, {{"TCP", number ? Json(*number) : Json(health_check_port)}}});
  }
  binding.networking = rules;
}

}  // namespace albc::ingress
