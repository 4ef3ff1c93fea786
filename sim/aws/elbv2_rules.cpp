#include <set>

#include "controller/net/numbers.hpp"
#include "sim/aws/elbv2_api.hpp"

namespace albc::sim::aws {

Json Elbv2Api::render_rule(const Rule& rule) const {
  return {{"RuleArn", rule.arn},
          {"Priority", rule.is_default ? "default" : std::to_string(rule.priority)},
          {"Conditions", rule.conditions},
          {"Actions", rule.actions},
          {"IsDefault", rule.is_default ? "true" : "false"}};
}

Outcome Elbv2Api::create_rule(const Params& params) {
  auto listener_arn = params.required("ListenerArn");
  if (!listener_arn) return net::fail(listener_arn.error());
  auto listener = state_.listeners.find(*listener_arn);
  if (listener == state_.listeners.end()) return net::fail(resource_not_found(*listener_arn));
  auto priority = params.integer("Priority", 1, 50000);
  if (!priority) return net::fail(priority.error());
  if (!*priority)
    return net::fail(
        validation_error("1 validation error detected: Value null at 'priority' failed to satisfy "
                         "constraint: Member must not be null"));
  const LoadBalancer& load_balancer = state_.load_balancers.at(listener->second.load_balancer_arn);
  auto conditions = normalize_conditions(params.list("Conditions"));
  if (!conditions) return net::fail(conditions.error());
  if (conditions->empty())
    return net::fail(validation_error("A rule must have at least one condition"));
  auto actions = normalize_actions(params.list("Actions"), load_balancer.vpc_id, load_balancer.arn);
  if (!actions) return net::fail(actions.error());
  auto tags = parse_tags(params.list("Tags"), options_.quotas.tags_per_resource_max);
  if (!tags) return net::fail(tags.error());
  for (const Rule* existing : state_.rules_of(*listener_arn)) {
    if (existing->priority == **priority) {
      return net::fail(
          AwsError{400, "PriorityInUse",
                   "Priority '" + std::to_string(**priority) + "' is currently in use"});
    }
  }
  if (rule_count(load_balancer.arn) >= options_.quotas.rules_per_load_balancer_max) {
    return net::fail(AwsError{400, "TooManyRules",
                              "You've reached the limit on the number of rules per load balancer"});
  }
  Rule rule;
  const std::string listener_path =
      listener->second.arn.substr(listener->second.arn.find("listener/") + 9);
  rule.arn = arn_prefix() + "listener-rule/" + listener_path + "/" + new_id();
  rule.listener_arn = *listener_arn;
  rule.priority = **priority;
  rule.conditions = *conditions;
  rule.actions = *actions;
  rule.tags = *tags;
  state_.rules[rule.arn] = rule;
  created("CreateRule", rule.arn);
  mark_in_use(rule.actions);
  return Json{{"Rules", Json::array({render_rule(rule)})}};
}

Outcome Elbv2Api::describe_rules(const Params& params) {
  const auto arns = params.strings("RuleArns");
  Json items = Json::array();
  if (!arns.empty()) {
    for (const std::string& arn : arns) {
      auto found = state_.rules.find(arn);
      if (found != state_.rules.end() && visible(arn)) {
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
    for (const Rule* rule : state_.rules_of(*listener_arn)) {
      if (visible(rule->arn)) items.push_back(render_rule(*rule));
    }
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
        return net::fail(AwsError{400, "OperationNotPermitted",
                                  "Default rule '" + *arn + "' cannot be modified"});
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
                                     state_.load_balancers.at(listener.load_balancer_arn).vpc_id,
                                     listener.load_balancer_arn);
    if (!actions) return net::fail(actions.error());
    updated.actions = *actions;
  }
  found->second = updated;
  forget_unused();  // target groups this rule no longer forwards to
  mark_in_use(updated.actions);
  return Json{{"Rules", Json::array({render_rule(updated)})}};
}

Outcome Elbv2Api::delete_rule(const Params& params) {
  auto arn = params.required("RuleArn");
  if (!arn) return net::fail(arn.error());
  if (!state_.rules.contains(*arn)) {
    for (const auto& [listener_arn, listener] : state_.listeners) {
      if (listener.default_rule_arn == *arn) {
        return net::fail(AwsError{400, "OperationNotPermitted",
                                  "Default rule '" + *arn + "' cannot be deleted"});
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
  if (changes.empty())
    return net::fail(
        validation_error("1 validation error detected: Value null at 'rulePriorities' failed to "
                         "satisfy constraint: Member must not be null"));
  std::map<std::string, int> wanted;
  for (const Json& change : changes) {
    const std::string arn = text_of(change, "RuleArn");
    for (const auto& [listener_arn, listener] : state_.listeners) {
      if (listener.default_rule_arn == arn) {
        return net::fail(AwsError{400, "OperationNotPermitted",
                                  "Default rule '" + arn + "' cannot have its priority changed"});
      }
    }
    if (!state_.rules.contains(arn)) return net::fail(resource_not_found(arn));
    const int priority = net::parse_integer<int>(text_of(change, "Priority")).value_or(0);
    if (priority < 1 || priority > 50000) {
      return net::fail(validation_error("Priority must be an integer between 1 and 50000"));
    }
    for (const auto& [other, other_priority] : wanted) {
      if (other_priority == priority &&
          state_.rules.at(other).listener_arn == state_.rules.at(arn).listener_arn) {
        return net::fail(validation_error("Priority '" + std::to_string(priority) +
                                          "' is specified more than once"));
      }
    }
    wanted[arn] = priority;
  }
  // Every listener touched must end up with distinct priorities.
  std::map<std::string, std::set<int>> taken;
  for (const auto& [arn, rule] : state_.rules) {
    const int priority = wanted.contains(arn) ? wanted[arn] : rule.priority;
    if (!taken[rule.listener_arn].insert(priority).second) {
      return net::fail(AwsError{400, "PriorityInUse",
                                "Priority '" + std::to_string(priority) + "' is currently in use"});
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
