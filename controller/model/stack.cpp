#include "controller/model/stack.hpp"

namespace albc::model {
namespace {

Json reference(const char* type, const std::string& id, const char* field) {
  return {{"$ref", std::string("#/resources/") + type + "/" + id + "/status/" + field}};
}

Json tags_json(const Tags& tags) {
  Json object = Json::object();
  for (const auto& [key, value] : tags)
    object[key] = value;
  return object;
}

Json string_list(const std::vector<std::string>& values) {
  Json list = Json::array();
  for (const std::string& value : values)
    list.push_back(value);
  return list;
}

}  // namespace

Json action_to_json(const Action& action) {
  Json json = {{"type", action.type}};
  if (action.forward) {
    Json groups = Json::array();
    for (const TargetGroupTuple& tuple : action.forward->target_groups) {
      Json entry = {{"targetGroupARN",
                     tuple.target_group_id.empty()
                         ? Json(tuple.target_group_arn)
                         : reference(kTargetGroupType, tuple.target_group_id, "targetGroupARN")}};
      if (tuple.weight) entry["weight"] = *tuple.weight;
      groups.push_back(entry);
    }
    json["forwardConfig"] = {{"targetGroups", groups}};
    if (action.forward->stickiness_enabled) {
      json["forwardConfig"]["targetGroupStickinessConfig"] = {
          {"enabled", *action.forward->stickiness_enabled}};
      if (action.forward->stickiness_duration_seconds) {
        json["forwardConfig"]["targetGroupStickinessConfig"]["durationSeconds"] =
            *action.forward->stickiness_duration_seconds;
      }
    }
  }
  if (action.redirect) {
    Json config = {{"statusCode", action.redirect->status_code}};
    if (action.redirect->host) config["host"] = *action.redirect->host;
    if (action.redirect->path) config["path"] = *action.redirect->path;
    if (action.redirect->port) config["port"] = *action.redirect->port;
    if (action.redirect->protocol) config["protocol"] = *action.redirect->protocol;
    if (action.redirect->query) config["query"] = *action.redirect->query;
    json["redirectConfig"] = config;
  }
  if (action.fixed_response) {
    Json config = {{"statusCode", action.fixed_response->status_code}};
    if (action.fixed_response->content_type)
      config["contentType"] = *action.fixed_response->content_type;
    if (action.fixed_response->message_body)
      config["messageBody"] = *action.fixed_response->message_body;
    json["fixedResponseConfig"] = config;
  }
  return json;
}

Json condition_to_json(const Condition& condition) {
  Json json = {{"field", condition.field}};
  auto values_config = [&](const char* name) {
    Json config = Json::object();
    if (!condition.values.empty()) config["values"] = string_list(condition.values);
    if (!condition.regex_values.empty())
      config["regexValues"] = string_list(condition.regex_values);
    json[name] = config;
  };
  if (condition.field == "host-header") values_config("hostHeaderConfig");
  if (condition.field == "path-pattern") values_config("pathPatternConfig");
  if (condition.field == "http-request-method")
    json["httpRequestMethodConfig"] = {{"Values", string_list(condition.values)}};
  if (condition.field == "source-ip")
    json["sourceIPConfig"] = {{"values", string_list(condition.values)}};
  if (condition.field == "http-header") {
    json["httpHeaderConfig"] = {{"httpHeaderName", condition.http_header_name},
                                {"values", string_list(condition.values)}};
  }
  if (condition.field == "query-string") {
    Json pairs = Json::array();
    for (const auto& [key, value] : condition.query_string) {
      Json pair = {{"value", value}};
      if (!key.empty()) pair["key"] = key;
      pairs.push_back(pair);
    }
    json["queryStringConfig"] = {{"values", pairs}};
  }
  return json;
}

Json Stack::to_json() const {
  Json resources = Json::object();
  if (managed_security_group) {
    Json ingress = Json::array();
    for (const IngressPermission& permission : managed_security_group->ingress) {
      Json entry = {{"ipProtocol", permission.protocol},
                    {"fromPort", permission.from_port},
                    {"toPort", permission.to_port}};
      if (!permission.cidr.empty())
        entry["ipRanges"] = Json::array({{{"cidrIP", permission.cidr}}});
      if (!permission.cidr_v6.empty())
        entry["ipv6Ranges"] = Json::array({{{"cidrIPv6", permission.cidr_v6}}});
      if (!permission.prefix_list.empty())
        entry["prefixLists"] = Json::array({{{"prefixListID", permission.prefix_list}}});
      ingress.push_back(entry);
    }
    resources[kSecurityGroupType][kManagedSecurityGroupId]["spec"] = {
        {"groupName", managed_security_group->name},
        {"description", managed_security_group->description},
        {"tags", tags_json(managed_security_group->tags)},
        {"ingress", ingress}};
  }
  if (load_balancer) {
    Json groups = Json::array();
    for (const SecurityGroupRef& group : load_balancer->security_groups) {
      groups.push_back(group.resource_id.empty()
                           ? Json(group.group_id)
                           : reference(kSecurityGroupType, group.resource_id, "groupID"));
    }
    Json mappings = Json::array();
    for (const std::string& subnet : load_balancer->subnet_ids)
      mappings.push_back({{"subnetID", subnet}});
    Json spec = {
        {"name", load_balancer->name},     {"type", load_balancer->type},
        {"scheme", load_balancer->scheme}, {"ipAddressType", load_balancer->ip_address_type},
        {"subnetMapping", mappings},       {"securityGroups", groups}};
    if (!load_balancer->attributes.empty()) {
      Json attributes = Json::array();
      for (const auto& [key, value] : load_balancer->attributes)
        attributes.push_back({{"key", key}, {"value", value}});
      spec["loadBalancerAttributes"] = attributes;
    }
    if (!load_balancer->tags.empty()) spec["tags"] = tags_json(load_balancer->tags);
    resources[kLoadBalancerType][kLoadBalancerId]["spec"] = spec;
  }
  for (const auto& [id, listener] : listeners) {
    Json actions = Json::array();
    for (const Action& action : listener.default_actions)
      actions.push_back(action_to_json(action));
    Json spec = {
        {"loadBalancerARN", reference(kLoadBalancerType, kLoadBalancerId, "loadBalancerARN")},
        {"port", listener.port},
        {"protocol", listener.protocol},
        {"defaultActions", actions}};
    if (!listener.certificates.empty()) {
      Json certificates = Json::array();
      for (const std::string& arn : listener.certificates)
        certificates.push_back({{"certificateARN", arn}});
      spec["certificates"] = certificates;
    }
    if (!listener.ssl_policy.empty()) spec["sslPolicy"] = listener.ssl_policy;
    if (!listener.tags.empty()) spec["tags"] = tags_json(listener.tags);
    resources[kListenerType][id]["spec"] = spec;
  }
  for (const auto& [id, rule] : rules) {
    Json actions = Json::array();
    for (const Action& action : rule.actions)
      actions.push_back(action_to_json(action));
    Json conditions = Json::array();
    for (const Condition& condition : rule.conditions)
      conditions.push_back(condition_to_json(condition));
    Json spec = {
        {"listenerARN", reference(kListenerType, std::to_string(rule.port), "listenerARN")},
        {"priority", rule.priority},
        {"actions", actions},
        {"conditions", conditions}};
    if (!rule.tags.empty()) spec["tags"] = tags_json(rule.tags);
    resources[kListenerRuleType][id]["spec"] = spec;
  }
  for (const auto& [id, group] : target_groups) {
    Json matcher = Json::object();
    if (!group.health_check.matcher_http_code.empty())
      matcher["httpCode"] = group.health_check.matcher_http_code;
    if (!group.health_check.matcher_grpc_code.empty())
      matcher["grpcCode"] = group.health_check.matcher_grpc_code;
    Json health = {{"port", group.health_check.port},
                   {"protocol", group.health_check.protocol},
                   {"path", group.health_check.path},
                   {"matcher", matcher},
                   {"intervalSeconds", group.health_check.interval_seconds},
                   {"timeoutSeconds", group.health_check.timeout_seconds},
                   {"healthyThresholdCount", group.health_check.healthy_threshold_count},
                   {"unhealthyThresholdCount", group.health_check.unhealthy_threshold_count}};
    Json spec = {{"name", group.name},
                 {"targetType", group.target_type},
                 {"port", group.port},
                 {"protocol", group.protocol},
                 {"protocolVersion", group.protocol_version},
                 {"ipAddressType", group.ip_address_type},
                 {"healthCheckConfig", health}};
    if (!group.attributes.empty()) {
      Json attributes = Json::array();
      for (const auto& [key, value] : group.attributes)
        attributes.push_back({{"key", key}, {"value", value}});
      spec["targetGroupAttributes"] = attributes;
    }
    if (!group.tags.empty()) spec["tags"] = tags_json(group.tags);
    resources[kTargetGroupType][id]["spec"] = spec;
  }
  for (const auto& [id, binding] : bindings) {
    Json spec = {
        {"targetGroupARN", reference(kTargetGroupType, binding.target_group_id, "targetGroupARN")},
        {"targetType", binding.target_type},
        {"targetGroupProtocol", binding.target_group_protocol},
        {"serviceRef", {{"name", binding.service_name}, {"port", binding.service_port}}},
        {"ipAddressType", binding.ip_address_type},
        {"vpcID", binding.vpc_id}};
    if (binding.networking) {
      Json rules_json = Json::array();
      for (const NetworkingRule& rule : *binding.networking) {
        Json from = Json::array();
        for (const NetworkingPeer& peer : rule.from) {
          if (!peer.cidr.empty()) {
            from.push_back({{"ipBlock", {{"cidr", peer.cidr}}}});
          } else {
            from.push_back(
                {{"securityGroup",
                  {{"groupID", peer.security_group_resource_id.empty()
                                   ? Json(peer.security_group_id)
                                   : reference(kSecurityGroupType, peer.security_group_resource_id,
                                               "groupID")}}}});
          }
        }
        Json ports = Json::array();
        for (const NetworkingPort& port : rule.ports) {
          Json entry = {{"protocol", port.protocol}};
          if (!port.port.is_null()) entry["port"] = port.port;
          ports.push_back(entry);
        }
        rules_json.push_back({{"from", from}, {"ports", ports}});
      }
      spec["networking"] = {{"ingress", rules_json}};
    }
    resources[kTargetGroupBindingType][id]["spec"] = {
        {"template",
         {{"metadata", {{"name", binding.name}, {"namespace", binding.ns}}}, {"spec", spec}}}};
  }
  return {{"id", id}, {"resources", resources}};
}

}  // namespace albc::model
