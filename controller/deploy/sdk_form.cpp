#include "controller/deploy/sdk_form.hpp"

#include <algorithm>

#include "controller/k8s/fields.hpp"
#include "controller/net/numbers.hpp"

namespace albc::deploy {
namespace {

Json string_list(const std::vector<std::string>& values) {
  Json list = Json::array();
  for (const std::string& value : values)
    list.push_back(value);
  return list;
}

// An answer's action or condition that is not an object compares as itself: it never equals a
// desired one, so the rule is modified, where reading it as an object would throw.
Json normalized_action(Json action, bool desired_has_stickiness) {
  if (!action.is_object()) return action;
  action.erase("Order");
  action.erase("TargetGroupArn");
  const std::string type = k8s::text_field(action, "Type");
  if (type == "forward" && action.contains("ForwardConfig") &&
      action["ForwardConfig"].is_object()) {
    Json& forward = action["ForwardConfig"];
    Json groups = k8s::list_field(forward, "TargetGroups");
    if (!groups.is_array()) groups = Json::array();
    std::sort(groups.begin(), groups.end(), [](const Json& a, const Json& b) {
      return k8s::text_field(a, "TargetGroupArn") < k8s::text_field(b, "TargetGroupArn");
    });
    if (groups.size() == 1 && groups[0].is_object()) groups[0].erase("Weight");
    forward["TargetGroups"] = groups;
    if (!desired_has_stickiness) forward.erase("TargetGroupStickinessConfig");
  }
  if (type == "redirect" && action.contains("RedirectConfig") &&
      action["RedirectConfig"].is_object()) {
    Json& redirect = action["RedirectConfig"];
    for (const auto& [field, fallback] :
         std::vector<std::pair<const char*, const char*>>{{"Host", "#{host}"},
                                                          {"Path", "/#{path}"},
                                                          {"Port", "#{port}"},
                                                          {"Protocol", "#{protocol}"},
                                                          {"Query", "#{query}"}}) {
      if (!redirect.contains(field)) redirect[field] = fallback;
    }
  }
  return action;
}

Json ordered(const Json& actions) {
  Json sorted = actions.is_array() ? actions : Json::array();
  std::stable_sort(sorted.begin(), sorted.end(), [](const Json& a, const Json& b) {
    auto order = [](const Json& action) {
      return net::parse_integer<int>(k8s::text_field(action, "Order", "0")).value_or(0);
    };
    return order(a) < order(b);
  });
  return sorted;
}

bool has_stickiness(const Json& action) {
  return action.contains("ForwardConfig") &&
         action["ForwardConfig"].contains("TargetGroupStickinessConfig");
}

}  // namespace

net::Result<Json> sdk_actions(const std::vector<model::Action>& actions,
                              const std::map<std::string, std::string>& target_group_arns) {
  Json list = Json::array();
  int order = 1;
  for (const model::Action& action : actions) {
    Json sdk = {{"Type", action.type}, {"Order", std::to_string(order++)}};
    if (action.forward) {
      Json groups = Json::array();
      for (const model::TargetGroupTuple& tuple : action.forward->target_groups) {
        std::string arn = tuple.target_group_arn;
        if (!tuple.target_group_id.empty()) {
          auto found = target_group_arns.find(tuple.target_group_id);
          if (found == target_group_arns.end()) {
            return net::fail("UnresolvedReference",
                             "target group " + tuple.target_group_id + " has no ARN yet");
          }
          arn = found->second;
        }
        Json group = {{"TargetGroupArn", arn}};
        if (tuple.weight) group["Weight"] = std::to_string(*tuple.weight);
        groups.push_back(group);
      }
      Json forward = {{"TargetGroups", groups}};
      if (action.forward->stickiness_enabled) {
        forward["TargetGroupStickinessConfig"] = {
            {"Enabled", *action.forward->stickiness_enabled ? "true" : "false"}};
        if (action.forward->stickiness_duration_seconds) {
          forward["TargetGroupStickinessConfig"]["DurationSeconds"] =
              std::to_string(*action.forward->stickiness_duration_seconds);
        }
      }
      sdk["ForwardConfig"] = forward;
    }
    if (action.redirect) {
      Json redirect = {{"StatusCode", action.redirect->status_code}};
      if (action.redirect->host) redirect["Host"] = *action.redirect->host;
      if (action.redirect->path) redirect["Path"] = *action.redirect->path;
      if (action.redirect->port) redirect["Port"] = *action.redirect->port;
      if (action.redirect->protocol) redirect["Protocol"] = *action.redirect->protocol;
      if (action.redirect->query) redirect["Query"] = *action.redirect->query;
      sdk["RedirectConfig"] = redirect;
    }
    if (action.fixed_response) {
      Json fixed = {{"StatusCode", action.fixed_response->status_code}};
      if (action.fixed_response->content_type)
        fixed["ContentType"] = *action.fixed_response->content_type;
      if (action.fixed_response->message_body)
        fixed["MessageBody"] = *action.fixed_response->message_body;
      sdk["FixedResponseConfig"] = fixed;
    }
    list.push_back(sdk);
  }
  return list;
}

Json sdk_conditions(const std::vector<model::Condition>& conditions) {
  Json list = Json::array();
  for (const model::Condition& condition : conditions) {
    Json sdk = {{"Field", condition.field}};
    auto values_config = [&](const char* name) {
      Json config = Json::object();
      if (!condition.values.empty()) config["Values"] = string_list(condition.values);
      if (!condition.regex_values.empty())
        config["RegexValues"] = string_list(condition.regex_values);
      sdk[name] = config;
    };
    if (condition.field == "host-header") values_config("HostHeaderConfig");
    if (condition.field == "path-pattern") values_config("PathPatternConfig");
    if (condition.field == "http-request-method")
      sdk["HttpRequestMethodConfig"] = {{"Values", string_list(condition.values)}};
    if (condition.field == "source-ip")
      sdk["SourceIpConfig"] = {{"Values", string_list(condition.values)}};
    if (condition.field == "http-header") {
      sdk["HttpHeaderConfig"] = {{"HttpHeaderName", condition.http_header_name},
                                 {"Values", string_list(condition.values)}};
    }
    if (condition.field == "query-string") {
      Json pairs = Json::array();
      for (const auto& [key, value] : condition.query_string) {
        Json pair = {{"Value", value}};
        if (!key.empty()) pair["Key"] = key;
        pairs.push_back(pair);
      }
      sdk["QueryStringConfig"] = {{"Values", pairs}};
    }
    list.push_back(sdk);
  }
  return list;
}

bool actions_equal(const Json& desired, const Json& actual) {
  const Json desired_sorted = ordered(desired);
  const Json actual_sorted = ordered(actual);
  if (desired_sorted.size() != actual_sorted.size()) return false;
  for (std::size_t i = 0; i < desired_sorted.size(); ++i) {
    const bool stickiness = has_stickiness(desired_sorted[i]);
    if (normalized_action(desired_sorted[i], stickiness) !=
        normalized_action(actual_sorted[i], stickiness))
      return false;
  }
  return true;
}

bool conditions_equal(const Json& desired, const Json& actual) {
  auto normalized = [](const Json& conditions) {
    Json list = conditions.is_array() ? conditions : Json::array();
    for (Json& condition : list) {
      if (condition.is_object()) condition.erase("Values");
    }
    std::stable_sort(list.begin(), list.end(), [](const Json& a, const Json& b) {
      return k8s::text_field(a, "Field") < k8s::text_field(b, "Field");
    });
    return list;
  };
  return normalized(desired) == normalized(actual);
}

}  // namespace albc::deploy
