#include <algorithm>
#include <cctype>
#include <set>

#include "controller/net/numbers.hpp"
#include "sim/aws/elbv2_api.hpp"

namespace albc::sim::aws {

// Actions and conditions as AWS normalises and validates them, shared by listeners and rules.

namespace {

// Parameter names become XML element names when described: only plain names are kept.
std::optional<AwsError> check_element_names(const Json& node, const std::string& where) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string& key = it.key();
      const bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](unsigned char c) {
        return std::isalnum(c);
      });
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

net::Result<Json, AwsError> Elbv2Api::normalize_actions(
    const Json& actions, const std::string& vpc_id, const std::string& load_balancer_arn) const {
  if (auto invalid = check_element_names(actions, "actions")) return net::fail(*invalid);
  if (!actions.is_array() || actions.empty()) {
    return net::fail(
        validation_error("1 validation error detected: Value null at 'actions' failed to satisfy "
                         "constraint: Member must not be null"));
  }
  Json normalized = Json::array();
  std::size_t index = 0;
  for (Json action : actions) {
    ++index;
    const std::string type = text_of(action, "Type");
    static const std::set<std::string> kTypes = {"forward", "redirect", "fixed-response",
                                                 "authenticate-oidc", "authenticate-cognito"};
    if (!kTypes.contains(type)) {
      return net::fail(validation_error(
          "1 validation error detected: Value '" + type + "' at 'actions." + std::to_string(index) +
          ".member.type' failed to satisfy constraint: Member must satisfy enum value set: "
          "[redirect, authenticate-oidc, fixed-response, forward, authenticate-cognito]"));
    }
    if (!action.contains("Order")) action["Order"] = std::to_string(index);
    const auto order = net::parse_integer<int>(text_of(action, "Order"));
    if (!order || *order < 1 || *order > 50000) {
      return net::fail(validation_error(
          "1 validation error detected: Value '" + text_of(action, "Order") + "' at 'actions." +
          std::to_string(index) +
          ".member.order' failed to satisfy constraint: Member must have value between 1 and "
          "50000"));
    }
    if (type == "forward") {
      std::vector<Json> groups;
      if (structure_of(action, "ForwardConfig").contains("TargetGroups")) {
        for (const Json& group : list_of(structure_of(action, "ForwardConfig"), "TargetGroups"))
          groups.push_back(group.is_object() ? group : Json::object());
      } else if (action.contains("TargetGroupArn")) {
        groups.push_back({{"TargetGroupArn", action["TargetGroupArn"]}});
      }
      if (groups.empty()) {
        return net::fail(
            validation_error("A target group ARN must be specified for a forward action"));
      }
      if (groups.size() > options_.quotas.target_groups_per_action_max) {
        return net::fail(AwsError{400, "TooManyTargetGroups",
                                  "You can specify at most '5' target groups in a forward action"});
      }
      Json target_groups = Json::array();
      for (Json group : groups) {
        const std::string arn = text_of(group, "TargetGroupArn");
        const TargetGroup* found = state_.find_target_group(arn);
        if (found == nullptr) {
          return net::fail(
              AwsError{400, "TargetGroupNotFound", "Target groups '" + arn + "' not found"});
        }
        if (found->vpc_id != vpc_id) {
          return net::fail(
              AwsError{400, "InvalidConfigurationRequest",
                       "Target group '" + arn + "' is in a different VPC than the load balancer"});
        }
        if (found->protocol != "HTTP" && found->protocol != "HTTPS") {
          return net::fail(AwsError{400, "IncompatibleProtocols",
                                    "The protocol of target group '" + arn +
                                        "' is not supported by an Application Load Balancer"});
        }
        const auto users = state_.load_balancers_using(arn);
        if (!users.empty() &&
            std::find(users.begin(), users.end(), load_balancer_arn) == users.end()) {
          return net::fail(AwsError{400, "TargetGroupAssociationLimit",
                                    "The following target groups cannot be associated with more "
                                    "than one load balancer: " +
                                        arn});
        }
        if (!group.contains("Weight")) group["Weight"] = "1";
        target_groups.push_back(group);
      }
      Json forward = structure_of(action, "ForwardConfig");
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
      const std::string status = text_of(redirect, "StatusCode");
      if (status != "HTTP_301" && status != "HTTP_302") {
        return net::fail(
            validation_error("1 validation error detected: Value '" + status +
                             "' at 'redirectConfig.statusCode' failed to satisfy constraint: "
                             "Member must satisfy enum value set: [HTTP_301, HTTP_302]"));
      }
      for (const auto& [field, fallback] :
           std::vector<std::pair<const char*, const char*>>{{"Protocol", "#{protocol}"},
                                                            {"Port", "#{port}"},
                                                            {"Host", "#{host}"},
                                                            {"Path", "/#{path}"},
                                                            {"Query", "#{query}"}}) {
        if (!redirect.contains(field)) redirect[field] = fallback;
      }
    } else if (type == "fixed-response") {
      if (!action.contains("FixedResponseConfig") ||
          !action["FixedResponseConfig"].contains("StatusCode")) {
        return net::fail(validation_error("A fixed-response action requires a status code"));
      }
      const std::string status = text_of(structure_of(action, "FixedResponseConfig"), "StatusCode");
      const bool valid_status = status.size() == 3 &&
                                (status[0] == '2' || status[0] == '4' || status[0] == '5') &&
                                std::isdigit(static_cast<unsigned char>(status[1])) &&
                                std::isdigit(static_cast<unsigned char>(status[2]));
      if (!valid_status) {
        return net::fail(
            validation_error("1 validation error detected: Value '" + status +
                             "' at 'fixedResponseConfig.statusCode' failed to satisfy constraint: "
                             "Member must satisfy regular expression pattern: ^(2|4|5)\\d\\d$"));
      }
      static const std::set<std::string> kContentTypes = {
          "text/plain", "text/css", "text/html", "application/javascript", "application/json"};
      if (action["FixedResponseConfig"].contains("ContentType") &&
          !kContentTypes.contains(
              text_of(structure_of(action, "FixedResponseConfig"), "ContentType"))) {
        return net::fail(
            validation_error("The content type '" +
                             text_of(structure_of(action, "FixedResponseConfig"), "ContentType") +
                             "' is not supported"));
      }
    }
    normalized.push_back(action);
  }
  std::sort(normalized.begin(), normalized.end(), [](const Json& a, const Json& b) {
    return net::parse_integer<int>(text_of(a, "Order")) <
           net::parse_integer<int>(text_of(b, "Order"));
  });
  if (!terminal(text_of(normalized.back(), "Type"))) {
    return net::fail(
        AwsError{400, "InvalidLoadBalancerAction",
                 "The last action must be one of forward, redirect or fixed-response"});
  }
  return normalized;
}

net::Result<Json, AwsError> Elbv2Api::normalize_conditions(const Json& conditions) const {
  if (auto invalid = check_element_names(conditions, "conditions")) return net::fail(*invalid);
  Json normalized = Json::array();
  for (Json condition : conditions) {
    const std::string field = text_of(condition, "Field");
    static const std::set<std::string> kFields = {"host-header",  "path-pattern",
                                                  "http-header",  "http-request-method",
                                                  "query-string", "source-ip"};
    if (!kFields.contains(field)) {
      return net::fail(validation_error("Condition field '" + field + "' is not supported"));
    }
    // AWS echoes host and path values both in the config and in the legacy Values list.
    const char* config = field == "host-header"    ? "HostHeaderConfig"
                         : field == "path-pattern" ? "PathPatternConfig"
                                                   : nullptr;
    if (config != nullptr) {
      if (!condition.contains(config) && condition.contains("Values")) {
        condition[config] = {{"Values", condition["Values"]}};
      }
      if (condition.contains(config) && condition[config].contains("Values")) {
        condition["Values"] = condition[config]["Values"];
        for (const Json& value : list_of(condition, "Values")) {
          if (!value.is_string()) {
            return net::fail(validation_error("A condition value must be a string"));
          }
          if (value.get_ref<const std::string&>().size() > 128) {
            return net::fail(
                validation_error("A condition value cannot be longer than 128 characters"));
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

void Elbv2Api::forget_unused(const std::vector<std::string>& target_group_arns) {
  for (const std::string& arn : target_group_arns) {
    TargetGroup* group = state_.find_target_group(arn);
    if (group != nullptr && group->in_use_since && !state_.in_use(arn)) group->in_use_since.reset();
  }
}

void Elbv2Api::mark_in_use(const Json& actions) {
  for (const std::string& arn : forwarded_target_groups(actions)) {
    TargetGroup* group = state_.find_target_group(arn);
    if (group != nullptr && !group->in_use_since) group->in_use_since = clock_.now();
  }
}

}  // namespace albc::sim::aws
