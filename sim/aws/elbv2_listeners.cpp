#include <algorithm>
#include <cctype>
#include <set>

#include "sim/aws/elbv2_api.hpp"

namespace albc::sim::aws {
namespace {

const std::map<std::string, std::string>& default_listener_attributes() {
  static const std::map<std::string, std::string> kDefaults = {
      {"routing.http.request.x_amzn_mtls_clientcert.header_name", ""},
      {"routing.http.response.server.enabled", "true"},
      {"routing.http.response.strict_transport_security.header_value", ""},
      {"routing.http.response.x_frame_options.header_value", ""}};
  return kDefaults;
}

// Parameter names become XML element names when described: only plain names are kept.
std::optional<AwsError> check_element_names(const Json& node, const std::string& where) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string& key = it.key();
      const bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::isalnum(c); });
      if (!plain) return validation_error("Unknown parameter '" + key + "' in " + where);
      if (auto invalid = check_element_names(*it, where)) return invalid;
    }
  } else if (node.is_array()) {
    for (const Json& element : node) {
      if (auto invalid = check_element_names(element, where)) return invalid;
    }
  }
  return std::nullopt;
}

bool terminal(const std::string& type) {
  return type == "forward" || type == "redirect" || type == "fixed-response";
}

std::size_t condition_value_count(const Json& conditions) {
  std::size_t count = 0;
  for (const Json& condition : conditions) {
    for (const char* config : {"HostHeaderConfig", "PathPatternConfig", "HttpHeaderConfig",
                               "HttpRequestMethodConfig", "QueryStringConfig", "SourceIpConfig"}) {
      if (!condition.contains(config)) continue;
      for (const char* list : {"Values", "RegexValues"}) {
        if (condition[config].contains(list) && condition[config][list].is_array()) {
          count += condition[config][list].size();
        }
      }
    }
  }
  return count;
}

}  // namespace

net::Result<Json, AwsError> Elbv2Api::normalize_actions(const Json& actions, const std::string& vpc_id,
                                                        const std::string& load_balancer_arn) const {
  if (auto invalid = check_element_names(actions, "actions")) return net::fail(*invalid);
  if (!actions.is_array() || actions.empty()) {
    return net::fail(validation_error("1 validation error detected: Value null at 'actions' failed to satisfy constraint: Member must not be null"));
  }
  Json normalized = Json::array();
  std::size_t index = 0;
  for (Json action : actions) {
    ++index;
    const std::string type = action.value("Type", "");
    static const std::set<std::string> kTypes = {"forward", "redirect", "fixed-response",
                                                 "authenticate-oidc", "authenticate-cognito"};
    if (!kTypes.contains(type)) {
      return net::fail(validation_error("1 validation error detected: Value '" + type + "' at 'actions." + std::to_string(index) + ".member.type' failed to satisfy constraint: Member must satisfy enum value set: [redirect, authenticate-oidc, fixed-response, forward, authenticate-cognito]"));
    }
    if (!action.contains("Order")) action["Order"] = std::to_string(index);
    if (type == "forward") {
      std::vector<Json> groups;
      if (action.contains("ForwardConfig") && action["ForwardConfig"].contains("TargetGroups")) {
        for (const Json& group : action["ForwardConfig"]["TargetGroups"]) groups.push_back(group);
      } else if (action.contains("TargetGroupArn")) {
        groups.push_back({{"TargetGroupArn", action["TargetGroupArn"]}});
      }
      if (groups.empty()) {
        return net::fail(validation_error("A target group ARN must be specified for a forward action"));
      }
      if (groups.size() > options_.quotas.target_groups_per_action_max) {
        return net::fail(AwsError{400, "TooManyTargetGroups", "You can specify at most '5' target groups in a forward action"});
      }
      Json target_groups = Json::array();
      for (Json group : groups) {
        const std::string arn = group.value("TargetGroupArn", "");
        auto found = state_.target_groups.find(arn);
        if (found == state_.target_groups.end()) {
          return net::fail(AwsError{400, "TargetGroupNotFound", "Target groups '" + arn + "' not found"});
        }
        if (found->second.vpc_id != vpc_id) {
          return net::fail(AwsError{400, "InvalidConfigurationRequest", "Target group '" + arn + "' is in a different VPC than the load balancer"});
        }
        if (found->second.protocol != "HTTP" && found->second.protocol != "HTTPS") {
          return net::fail(AwsError{400, "IncompatibleProtocols", "The protocol of target group '" + arn + "' is not supported by an Application Load Balancer"});
        }
        const auto users = state_.load_balancers_using(arn);
        if (!users.empty() && std::find(users.begin(), users.end(), load_balancer_arn) == users.end()) {
          return net::fail(AwsError{400, "TargetGroupAssociationLimit",
                                    "The following target groups cannot be associated with more than one load balancer: " + arn});
        }
        if (!group.contains("Weight")) group["Weight"] = "1";
        target_groups.push_back(group);
      }
      Json forward = action.value("ForwardConfig", Json::object());
      forward["TargetGroups"] = target_groups;
      if (!forward.contains("TargetGroupStickinessConfig")) {
        forward["TargetGroupStickinessConfig"] = {{"Enabled", "false"}};
      }
      action["ForwardConfig"] = forward;
      if (target_groups.size() == 1) {
        action["TargetGroupArn"] = target_groups[0]["TargetGroupArn"];
      } else {
        action.erase("TargetGroupArn");
      }
    } else if (type == "redirect") {
      if (!action.contains("RedirectConfig") || !action["RedirectConfig"].contains("StatusCode")) {
        return net::fail(validation_error("A redirect action requires a status code"));
      }
      Json& redirect = action["RedirectConfig"];
      const std::string status = redirect.value("StatusCode", "");
      if (status != "HTTP_301" && status != "HTTP_302") {
        return net::fail(validation_error("1 validation error detected: Value '" + status + "' at 'redirectConfig.statusCode' failed to satisfy constraint: Member must satisfy enum value set: [HTTP_301, HTTP_302]"));
      }
      for (const auto& [field, fallback] : std::vector<std::pair<const char*, const char*>>{
               {"Protocol", "#{protocol}"}, {"Port", "#{port}"}, {"Host", "#{host}"},
               {"Path", "/#{path}"}, {"Query", "#{query}"}}) {
        if (!redirect.contains(field)) redirect[field] = fallback;
      }
    } else if (type == "fixed-response") {
      if (!action.contains("FixedResponseConfig") || !action["FixedResponseConfig"].contains("StatusCode")) {
        return net::fail(validation_error("A fixed-response action requires a status code"));
      }
      const std::string status = action["FixedResponseConfig"].value("StatusCode", "");
      const bool valid_status = status.size() == 3 && (status[0] == '2' || status[0] == '4' || status[0] == '5') &&
                                std::isdigit(static_cast<unsigned char>(status[1])) &&
                                std::isdigit(static_cast<unsigned char>(status[2]));
      if (!valid_status) {
        return net::fail(validation_error("1 validation error detected: Value '" + status + "' at 'fixedResponseConfig.statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(2|4|5)\\d\\d$"));
      }
      static const std::set<std::string> kContentTypes = {"text/plain", "text/css", "text/html",
                                                          "application/javascript", "application/json"};
      if (action["FixedResponseConfig"].contains("ContentType") &&
          !kContentTypes.contains(action["FixedResponseConfig"].value("ContentType", ""))) {
        return net::fail(validation_error("The content type '" + action["FixedResponseConfig"].value("ContentType", "") + "' is not supported"));
      }
    }
    normalized.push_back(action);
  }
  std::sort(normalized.begin(), normalized.end(), [](const Json& a, const Json& b) {
    return std::stoi(a.value("Order", "0")) < std::stoi(b.value("Order", "0"));
  });
  if (!terminal(normalized.back().value("Type", ""))) {
    return net::fail(AwsError{400, "InvalidLoadBalancerAction", "The last action must be one of forward, redirect or fixed-response"});
  }
  return normalized;
}

net::Result<Json, AwsError> Elbv2Api::normalize_conditions(const Json& conditions) const {
  if (auto invalid = check_element_names(conditions, "conditions")) return net::fail(*invalid);
  Json normalized = Json::array();
  for (Json condition : conditions) {
    const std::string field = condition.value("Field", "");
    static const std::set<std::string> kFields = {"host-header", "path-pattern", "http-header",
                                                  "http-request-method", "query-string", "source-ip"};
    if (!kFields.contains(field)) {
      return net::fail(validation_error("Condition field '" + field + "' is not supported"));
    }
    // AWS echoes host and path values both in the config and in the legacy Values list.
    const char* config = field == "host-header" ? "HostHeaderConfig" : field == "path-pattern" ? "PathPatternConfig" : nullptr;
    if (config != nullptr) {
      if (!condition.contains(config) && condition.contains("Values")) {
        condition[config] = {{"Values", condition["Values"]}};
      }
      if (condition.contains(config) && condition[config].contains("Values")) {
        condition["Values"] = condition[config]["Values"];
        for (const Json& value : condition["Values"]) {
          if (value.get<std::string>().size() > 128) {
            return net::fail(validation_error("A condition value cannot be longer than 128 characters"));
          }
        }
      }
    }
    normalized.push_back(condition);
  }
  if (condition_value_count(normalized) > options_.quotas.condition_values_per_rule_max) {
    return net::fail(validation_error("A rule can only have '5' condition values"));
  }
  return normalized;
}

void Elbv2Api::forget_unused() {
  for (auto& [arn, group] : state_.target_groups) {
    if (group.in_use_since && state_.load_balancers_using(arn).empty()) group.in_use_since.reset();
  }
}

void Elbv2Api::mark_in_use(const Json& actions) {
  for (const std::string& arn : forwarded_target_groups(actions)) {
    auto found = state_.target_groups.find(arn);
    if (found != state_.target_groups.end() && !found->second.in_use_since) found->second.in_use_since = clock_.now();
  }
}

std::size_t Elbv2Api::rule_count(const std::string& load_balancer_arn) const {
  std::size_t count = 0;
  for (const Listener* listener : state_.listeners_of(load_balancer_arn)) {
    count += state_.rules_of(listener->arn).size();
  }
  return count;
}

Json Elbv2Api::render_listener(const Listener& listener) const {
  Json rendered = {{"ListenerArn", listener.arn},
                   {"LoadBalancerArn", listener.load_balancer_arn},
                   {"Port", std::to_string(listener.port)},
                   {"Protocol", listener.protocol},
                   {"DefaultActions", listener.default_actions}};
  if (!listener.certificates.empty()) rendered["Certificates"] = listener.certificates;
  if (!listener.ssl_policy.empty()) rendered["SslPolicy"] = listener.ssl_policy;
  return rendered;
}

Json Elbv2Api::render_rule(const Rule& rule) const {
  return {{"RuleArn", rule.arn},
          {"Priority", rule.is_default ? "default" : std::to_string(rule.priority)},
          {"Conditions", rule.conditions},
          {"Actions", rule.actions},
          {"IsDefault", rule.is_default ? "true" : "false"}};
}

Outcome Elbv2Api::create_listener(const Params& params) {
  auto load_balancer_arn = params.required("LoadBalancerArn");
  if (!load_balancer_arn) return net::fail(load_balancer_arn.error());
  auto load_balancer = state_.load_balancers.find(*load_balancer_arn);
  if (load_balancer == state_.load_balancers.end()) return net::fail(resource_not_found(*load_balancer_arn));
  auto port = params.integer("Port", 1, 65535);
  if (!port) return net::fail(port.error());
  if (!*port) return net::fail(validation_error("1 validation error detected: Value null at 'port' failed to satisfy constraint: Member must not be null"));
  const std::string protocol = params.value_or("Protocol", "HTTP");
  if (protocol != "HTTP" && protocol != "HTTPS") {
    return net::fail(AwsError{400, "UnsupportedProtocol", "Protocol '" + protocol + "' is not supported by an Application Load Balancer"});
  }
  const Json certificates = params.list("Certificates");
  if (protocol == "HTTPS" && certificates.empty()) {
    return net::fail(validation_error("A certificate must be specified for HTTPS listeners"));
  }
  auto actions = normalize_actions(params.list("DefaultActions"), load_balancer->second.vpc_id, *load_balancer_arn);
  if (!actions) return net::fail(actions.error());
  auto tags = parse_tags(params.list("Tags"), options_.quotas.tags_per_resource_max);
  if (!tags) return net::fail(tags.error());
  const auto existing_listeners = state_.listeners_of(*load_balancer_arn);
  for (const Listener* existing : existing_listeners) {
    if (existing->port != **port) continue;
    if (existing->protocol == protocol && existing->default_actions == *actions) {
      return Json{{"Listeners", Json::array({render_listener(*existing)})}};
    }
    return net::fail(AwsError{400, "DuplicateListener", "A listener already exists on this port for this load balancer '" + *load_balancer_arn + "'"});
  }
  if (existing_listeners.size() >= options_.quotas.listeners_per_load_balancer_max) {
    return net::fail(AwsError{400, "TooManyListeners", "You've reached the limit on the number of listeners per load balancer"});
  }
  Listener listener;
  const LoadBalancer& parent = load_balancer->second;
  const std::string lb_path = parent.arn.substr(parent.arn.find("loadbalancer/") + 13);
  listener.arn = arn_prefix() + "listener/" + lb_path + "/" + new_id();
  listener.default_rule_arn = arn_prefix() + "listener-rule/" + lb_path + "/" +
                              listener.arn.substr(listener.arn.rfind('/') + 1) + "/" + new_id();
  listener.load_balancer_arn = *load_balancer_arn;
  listener.port = **port;
  listener.protocol = protocol;
  listener.default_actions = *actions;
  if (!certificates.empty()) listener.certificates = Json::array({certificates[0]});
  if (protocol == "HTTPS") listener.ssl_policy = params.value_or("SslPolicy", "ELBSecurityPolicy-2016-08");
  listener.attributes = default_listener_attributes();
  listener.tags = *tags;
  state_.listeners[listener.arn] = listener;
  mark_in_use(listener.default_actions);
  return Json{{"Listeners", Json::array({render_listener(listener)})}};
}

Outcome Elbv2Api::describe_listeners(const Params& params) {
  const auto arns = params.strings("ListenerArns");
  Json items = Json::array();
  if (!arns.empty()) {
    for (const std::string& arn : arns) {
      auto found = state_.listeners.find(arn);
      if (found == state_.listeners.end()) return net::fail(resource_not_found(arn));
      items.push_back(render_listener(found->second));
    }
  } else {
    auto load_balancer_arn = params.required("LoadBalancerArn");
    if (!load_balancer_arn) return net::fail(load_balancer_arn.error());
    if (!state_.load_balancers.contains(*load_balancer_arn)) return net::fail(resource_not_found(*load_balancer_arn));
    for (const Listener* listener : state_.listeners_of(*load_balancer_arn)) items.push_back(render_listener(*listener));
  }
  return page_of(items, params, options_.quotas.describe_page_size_max, "Listeners");
}

Outcome Elbv2Api::modify_listener(const Params& params) {
  auto arn = params.required("ListenerArn");
  if (!arn) return net::fail(arn.error());
  auto found = state_.listeners.find(*arn);
  if (found == state_.listeners.end()) return net::fail(resource_not_found(*arn));
  Listener updated = found->second;
  if (params.optional("Port")) {
    auto port = params.integer("Port", 1, 65535);
    if (!port) return net::fail(port.error());
    for (const Listener* other : state_.listeners_of(updated.load_balancer_arn)) {
      if (other->arn != updated.arn && other->port == **port) {
        return net::fail(AwsError{400, "DuplicateListener", "A listener already exists on this port for this load balancer '" + updated.load_balancer_arn + "'"});
      }
    }
    updated.port = **port;
  }
  if (auto protocol = params.optional("Protocol")) {
    if (*protocol != "HTTP" && *protocol != "HTTPS") {
      return net::fail(AwsError{400, "UnsupportedProtocol", "Protocol '" + *protocol + "' is not supported by an Application Load Balancer"});
    }
    updated.protocol = *protocol;
  }
  if (!params.list("DefaultActions").empty()) {
    auto actions = normalize_actions(params.list("DefaultActions"),
                                     state_.load_balancers.at(updated.load_balancer_arn).vpc_id, updated.load_balancer_arn);
    if (!actions) return net::fail(actions.error());
    updated.default_actions = *actions;
  }
  if (!params.list("Certificates").empty()) updated.certificates = Json::array({params.list("Certificates")[0]});
  if (auto policy = params.optional("SslPolicy")) updated.ssl_policy = *policy;
  if (updated.protocol == "HTTPS" && updated.certificates.empty()) {
    return net::fail(validation_error("A certificate must be specified for HTTPS listeners"));
  }
  if (updated.protocol == "HTTP") {
    updated.certificates = Json::array();
    updated.ssl_policy.clear();
  } else if (updated.ssl_policy.empty()) {
    updated.ssl_policy = "ELBSecurityPolicy-2016-08";
  }
  found->second = updated;
  mark_in_use(updated.default_actions);
  return Json{{"Listeners", Json::array({render_listener(updated)})}};
}

Outcome Elbv2Api::delete_listener(const Params& params) {
  auto arn = params.required("ListenerArn");
  if (!arn) return net::fail(arn.error());
  if (!state_.listeners.contains(*arn)) return net::fail(resource_not_found(*arn));
  std::erase_if(state_.rules, [&](const auto& entry) { return entry.second.listener_arn == *arn; });
  state_.listeners.erase(*arn);
  forget_unused();
  return Json::object();
}

Outcome Elbv2Api::describe_listener_attributes(const Params& params) {
  auto arn = params.required("ListenerArn");
  if (!arn) return net::fail(arn.error());
  auto found = state_.listeners.find(*arn);
  if (found == state_.listeners.end()) return net::fail(resource_not_found(*arn));
  Json attributes = Json::array();
  for (const auto& [key, value] : found->second.attributes) attributes.push_back({{"Key", key}, {"Value", value}});
  return Json{{"Attributes", attributes}};
}

Outcome Elbv2Api::modify_listener_attributes(const Params& params) {
  auto arn = params.required("ListenerArn");
  if (!arn) return net::fail(arn.error());
  auto found = state_.listeners.find(*arn);
  if (found == state_.listeners.end()) return net::fail(resource_not_found(*arn));
  for (const Json& change : params.list("Attributes")) {
    if (!default_listener_attributes().contains(change.value("Key", ""))) {
      return net::fail(AwsError{400, "InvalidConfigurationRequest", "Listener attribute key '" + change.value("Key", "") + "' is not recognized"});
    }
  }
  for (const Json& change : params.list("Attributes")) found->second.attributes[change.value("Key", "")] = change.value("Value", "");
  return describe_listener_attributes(params);
}

Outcome Elbv2Api::describe_listener_certificates(const Params& params) {
  auto arn = params.required("ListenerArn");
  if (!arn) return net::fail(arn.error());
  auto found = state_.listeners.find(*arn);
  if (found == state_.listeners.end()) return net::fail(resource_not_found(*arn));
  Json certificates = Json::array();
  for (std::size_t i = 0; i < found->second.certificates.size(); ++i) {
    Json certificate = found->second.certificates[i];
    certificate["IsDefault"] = i == 0 ? "true" : "false";
    certificates.push_back(certificate);
  }
  return page_of(certificates, params, options_.quotas.describe_page_size_max, "Certificates");
}

Outcome Elbv2Api::change_listener_certificates(const Params& params, bool add) {
  auto arn = params.required("ListenerArn");
  if (!arn) return net::fail(arn.error());
  auto found = state_.listeners.find(*arn);
  if (found == state_.listeners.end()) return net::fail(resource_not_found(*arn));
  Json& certificates = found->second.certificates;
  for (const Json& certificate : params.list("Certificates")) {
    const std::string certificate_arn = certificate.value("CertificateArn", "");
    // The default certificate (index 0) is kept apart from the SNI list: the same ARN may be both.
    auto sni_begin = certificates.empty() ? certificates.end() : certificates.begin() + 1;
    auto existing = std::find_if(sni_begin, certificates.end(), [&](const Json& entry) {
      return entry.value("CertificateArn", "") == certificate_arn;
    });
    if (add && existing == certificates.end()) {
      if (certificates.size() >= options_.quotas.certificates_per_load_balancer_max) {
        return net::fail(AwsError{400, "TooManyCertificates", "You've reached the limit on the number of certificates per load balancer"});
      }
      certificates.push_back({{"CertificateArn", certificate_arn}});
    }
    if (!add && existing == certificates.end() && !certificates.empty() &&
        certificates[0].value("CertificateArn", "") == certificate_arn) {
      return net::fail(AwsError{400, "OperationNotPermitted", "The default certificate '" + certificate_arn + "' cannot be removed"});
    }
    if (!add && existing != certificates.end()) certificates.erase(existing);
  }
  return add ? Json{{"Certificates", params.list("Certificates")}} : Json::object();
}

Outcome Elbv2Api::create_rule(const Params& params) {
  auto listener_arn = params.required("ListenerArn");
  if (!listener_arn) return net::fail(listener_arn.error());
  auto listener = state_.listeners.find(*listener_arn);
  if (listener == state_.listeners.end()) return net::fail(resource_not_found(*listener_arn));
  auto priority = params.integer("Priority", 1, 50000);
  if (!priority) return net::fail(priority.error());
  if (!*priority) return net::fail(validation_error("1 validation error detected: Value null at 'priority' failed to satisfy constraint: Member must not be null"));
  const LoadBalancer& load_balancer = state_.load_balancers.at(listener->second.load_balancer_arn);
  auto conditions = normalize_conditions(params.list("Conditions"));
  if (!conditions) return net::fail(conditions.error());
  if (conditions->empty()) return net::fail(validation_error("A rule must have at least one condition"));
  auto actions = normalize_actions(params.list("Actions"), load_balancer.vpc_id, load_balancer.arn);
  if (!actions) return net::fail(actions.error());
  auto tags = parse_tags(params.list("Tags"), options_.quotas.tags_per_resource_max);
  if (!tags) return net::fail(tags.error());
  for (const Rule* existing : state_.rules_of(*listener_arn)) {
    if (existing->priority == **priority) {
      return net::fail(AwsError{400, "PriorityInUse", "Priority '" + std::to_string(**priority) + "' is currently in use"});
    }
  }
  if (rule_count(load_balancer.arn) >= options_.quotas.rules_per_load_balancer_max) {
    return net::fail(AwsError{400, "TooManyRules", "You've reached the limit on the number of rules per load balancer"});
  }
  Rule rule;
  const std::string listener_path = listener->second.arn.substr(listener->second.arn.find("listener/") + 9);
  rule.arn = arn_prefix() + "listener-rule/" + listener_path + "/" + new_id();
  rule.listener_arn = *listener_arn;
  rule.priority = **priority;
  rule.conditions = *conditions;
  rule.actions = *actions;
  rule.tags = *tags;
  state_.rules[rule.arn] = rule;
  mark_in_use(rule.actions);
  return Json{{"Rules", Json::array({render_rule(rule)})}};
}

Outcome Elbv2Api::describe_rules(const Params& params) {
  const auto arns = params.strings("RuleArns");
  Json items = Json::array();
  if (!arns.empty()) {
    for (const std::string& arn : arns) {
      auto found = state_.rules.find(arn);
      if (found != state_.rules.end()) {
        items.push_back(render_rule(found->second));
        continue;
      }
      const Listener* owner = nullptr;
      for (const auto& [listener_arn, listener] : state_.listeners) {
        if (listener.default_rule_arn == arn) owner = &listener;
      }
      if (owner == nullptr) return net::fail(resource_not_found(arn));
      Rule default_rule;
      default_rule.arn = arn;
      default_rule.is_default = true;
      default_rule.actions = owner->default_actions;
      items.push_back(render_rule(default_rule));
    }
  } else {
    auto listener_arn = params.required("ListenerArn");
    if (!listener_arn) return net::fail(listener_arn.error());
    auto listener = state_.listeners.find(*listener_arn);
    if (listener == state_.listeners.end()) return net::fail(resource_not_found(*listener_arn));
    for (const Rule* rule : state_.rules_of(*listener_arn)) items.push_back(render_rule(*rule));
    Rule default_rule;
    default_rule.arn = listener->second.default_rule_arn;
    default_rule.is_default = true;
    default_rule.actions = listener->second.default_actions;
    items.push_back(render_rule(default_rule));
  }
  return page_of(items, params, options_.quotas.describe_page_size_max, "Rules");
}

Outcome Elbv2Api::modify_rule(const Params& params) {
  auto arn = params.required("RuleArn");
  if (!arn) return net::fail(arn.error());
  auto found = state_.rules.find(*arn);
  if (found == state_.rules.end()) {
    for (const auto& [listener_arn, listener] : state_.listeners) {
      if (listener.default_rule_arn == *arn) {
        return net::fail(AwsError{400, "OperationNotPermitted", "Default rule '" + *arn + "' cannot be modified"});
      }
    }
    return net::fail(resource_not_found(*arn));
  }
  Rule updated = found->second;
  if (!params.list("Conditions").empty()) {
    auto conditions = normalize_conditions(params.list("Conditions"));
    if (!conditions) return net::fail(conditions.error());
    updated.conditions = *conditions;
  }
  if (!params.list("Actions").empty()) {
    const Listener& listener = state_.listeners.at(updated.listener_arn);
    auto actions = normalize_actions(params.list("Actions"),
                                     state_.load_balancers.at(listener.load_balancer_arn).vpc_id, listener.load_balancer_arn);
    if (!actions) return net::fail(actions.error());
    updated.actions = *actions;
  }
  found->second = updated;
  mark_in_use(updated.actions);
  return Json{{"Rules", Json::array({render_rule(updated)})}};
}

Outcome Elbv2Api::delete_rule(const Params& params) {
  auto arn = params.required("RuleArn");
  if (!arn) return net::fail(arn.error());
  if (!state_.rules.contains(*arn)) {
    for (const auto& [listener_arn, listener] : state_.listeners) {
      if (listener.default_rule_arn == *arn) {
        return net::fail(AwsError{400, "OperationNotPermitted", "Default rule '" + *arn + "' cannot be deleted"});
      }
    }
    return net::fail(resource_not_found(*arn));
  }
  state_.rules.erase(*arn);
  forget_unused();
  return Json::object();
}

Outcome Elbv2Api::set_rule_priorities(const Params& params) {
  const Json changes = params.list("RulePriorities");
  if (changes.empty()) return net::fail(validation_error("1 validation error detected: Value null at 'rulePriorities' failed to satisfy constraint: Member must not be null"));
  std::map<std::string, int> wanted;
  for (const Json& change : changes) {
    const std::string arn = change.value("RuleArn", "");
    for (const auto& [listener_arn, listener] : state_.listeners) {
      if (listener.default_rule_arn == arn) {
        return net::fail(AwsError{400, "OperationNotPermitted", "Default rule '" + arn + "' cannot have its priority changed"});
      }
    }
    if (!state_.rules.contains(arn)) return net::fail(resource_not_found(arn));
    int priority = 0;
    try {
      priority = std::stoi(change.value("Priority", ""));
    } catch (const std::exception&) {
      return net::fail(validation_error("Priority must be an integer between 1 and 50000"));
    }
    if (priority < 1 || priority > 50000) {
      return net::fail(validation_error("Priority must be an integer between 1 and 50000"));
    }
    for (const auto& [other, other_priority] : wanted) {
      if (other_priority == priority && state_.rules.at(other).listener_arn == state_.rules.at(arn).listener_arn) {
        return net::fail(validation_error("Priority '" + std::to_string(priority) + "' is specified more than once"));
      }
    }
    wanted[arn] = priority;
  }
  // Every listener touched must end up with distinct priorities.
  std::map<std::string, std::set<int>> taken;
  for (const auto& [arn, rule] : state_.rules) {
    const int priority = wanted.contains(arn) ? wanted[arn] : rule.priority;
    if (!taken[rule.listener_arn].insert(priority).second) {
      return net::fail(AwsError{400, "PriorityInUse", "Priority '" + std::to_string(priority) + "' is currently in use"});
    }
  }
  Json rules = Json::array();
  for (const auto& [arn, priority] : wanted) {
    state_.rules[arn].priority = priority;
    rules.push_back(render_rule(state_.rules[arn]));
  }
  return Json{{"Rules", rules}};
}

}  // namespace albc::sim::aws
