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
  const Listener* listener = state_.find_listener(*listener_arn);
  if (listener == nullptr) return net::fail(resource_not_found(*listener_arn));
  auto priority = params.integer("Priority", 1, 50000);
  if (!priority) return net::fail(priority.error());
  if (!*priority)
    return net::fail(
        validation_error("1 validation error detected: Value null at 'priority' failed to satisfy "
                         "constraint: Member must not be null"));
  const LoadBalancer& load_balancer = *state_.find_load_balancer(listener->load_balancer_arn);
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
  if (state_.rule_count(load_balancer.arn) >= options_.quotas.rules_per_load_balancer_max) {
    return net::fail(AwsError{400, "TooManyRules",
                              "You've reached the limit on the number of rules per load balancer"});
  }
  Rule rule;
  const std::string listener_path = listener->arn.substr(listener->arn.find("listener/") + 9);
  rule.arn = arn_prefix() + "listener-rule/" + listener_path + "/" + new_id();
  rule.listener_arn = *listener_arn;
  rule.priority = **priority;
  rule.conditions = *conditions;
  rule.actions = *actions;
  rule.tags = *tags;
  Json rendered = Json{{"Rules", Json::array({render_rule(rule)})}};
  created("CreateRule", rule.arn);
  mark_in_use(rule.actions);
  state_.add(std::move(rule));
  return rendered;
}

Outcome Elbv2Api::describe_rules(const Params& params) {
  const auto arns = params.strings("RuleArns");
  auto pager = Pager::start(params, options_.quotas.describe_page_size_max, "Rules",
                            arns.empty() ? "of " + params.value_or("ListenerArn", "") : "asked");
  if (!pager) return net::fail(pager.error());
  // A default rule lives on its listener: a rule of its own for Describe*.
  auto default_rule_of = [](const Listener& listener) {
    Rule rule;
    rule.arn = listener.default_rule_arn;
    rule.is_default = true;
    rule.actions = listener.default_actions;
    return rule;
  };
  auto page = [&](const std::string& key, const Rule& rule) {
    return pager->offer(key, [&] { return render_rule(rule); });
  };
  if (!arns.empty()) {
    for (std::size_t i = 0; i < arns.size(); ++i) {
      const Rule* found = state_.find_rule(arns[i]);
      if (found == nullptr || !visible(arns[i])) {
        const Listener* owner = state_.listener_of_default_rule(arns[i]);
        if (owner == nullptr) return net::fail(resource_not_found(arns[i]));
      }
    }
    for (std::size_t i = 0; i < arns.size(); ++i) {
      const Rule* found = state_.find_rule(arns[i]);
      const bool shown = found != nullptr && visible(arns[i]);
      if (!page(numeric_key(i),
                shown ? *found : default_rule_of(*state_.listener_of_default_rule(arns[i]))))
        break;
    }
  } else {
    auto listener_arn = params.required("ListenerArn");
    if (!listener_arn) return net::fail(listener_arn.error());
    const Listener* listener = state_.find_listener(*listener_arn);
    if (listener == nullptr) return net::fail(resource_not_found(*listener_arn));
    // By priority, the default rule last (priorities are unique on a listener).
    bool full = false;
    for (const Rule* rule : state_.rules_of(*listener_arn)) {
      if (visible(rule->arn) &&
          !page(numeric_key(static_cast<std::size_t>(rule->priority)), *rule)) {
        full = true;
        break;
      }
    }
    if (!full) page(numeric_key(50'001), default_rule_of(*listener));
  }
  return std::move(*pager).finish();
}

Outcome Elbv2Api::modify_rule(const Params& params) {
  auto arn = params.required("RuleArn");
  if (!arn) return net::fail(arn.error());
  const Rule* found = state_.find_rule(*arn);
  if (found == nullptr) {
    if (state_.listener_of_default_rule(*arn) != nullptr) {
      return net::fail(
          AwsError{400, "OperationNotPermitted", "Default rule '" + *arn + "' cannot be modified"});
    }
    return net::fail(resource_not_found(*arn));
  }
  Rule updated = *found;
  if (!params.list("Conditions").empty()) {
    auto conditions = normalize_conditions(params.list("Conditions"));
    if (!conditions) return net::fail(conditions.error());
    updated.conditions = *conditions;
  }
  if (!params.list("Actions").empty()) {
    const Listener& listener = *state_.find_listener(updated.listener_arn);
    auto actions = normalize_actions(params.list("Actions"),
                                     state_.find_load_balancer(listener.load_balancer_arn)->vpc_id,
                                     listener.load_balancer_arn);
    if (!actions) return net::fail(actions.error());
    updated.actions = *actions;
  }
  const auto forwarded_before = forwarded_target_groups(found->actions);
  Json rendered = Json{{"Rules", Json::array({render_rule(updated)})}};
  mark_in_use(updated.actions);
  state_.replace(std::move(updated));
  forget_unused(forwarded_before);  // target groups this rule no longer forwards to
  return rendered;
}

Outcome Elbv2Api::delete_rule(const Params& params) {
  auto arn = params.required("RuleArn");
  if (!arn) return net::fail(arn.error());
  const Rule* rule = state_.find_rule(*arn);
  if (rule == nullptr) {
    if (state_.listener_of_default_rule(*arn) != nullptr) {
      return net::fail(
          AwsError{400, "OperationNotPermitted", "Default rule '" + *arn + "' cannot be deleted"});
    }
    return net::fail(resource_not_found(*arn));
  }
  const auto forwarded_before = forwarded_target_groups(rule->actions);
  state_.erase_rule(*arn);
  forget_unused(forwarded_before);
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
    if (state_.listener_of_default_rule(arn) != nullptr) {
      return net::fail(AwsError{400, "OperationNotPermitted",
                                "Default rule '" + arn + "' cannot have its priority changed"});
    }
    if (state_.find_rule(arn) == nullptr) return net::fail(resource_not_found(arn));
    const int priority = net::parse_integer<int>(text_of(change, "Priority")).value_or(0);
    if (priority < 1 || priority > 50000) {
      return net::fail(validation_error("Priority must be an integer between 1 and 50000"));
    }
    for (const auto& [other, other_priority] : wanted) {
      if (other_priority == priority &&
          state_.find_rule(other)->listener_arn == state_.find_rule(arn)->listener_arn) {
        return net::fail(validation_error("Priority '" + std::to_string(priority) +
                                          "' is specified more than once"));
      }
    }
    wanted[arn] = priority;
  }
  // Every listener touched must end up with distinct priorities.
  std::set<std::string> touched;
  for (const auto& [arn, priority] : wanted)
    touched.insert(state_.find_rule(arn)->listener_arn);
  for (const std::string& listener_arn : touched) {
    std::set<int> taken;
    for (const Rule* rule : state_.rules_of(listener_arn)) {
      const int priority = wanted.contains(rule->arn) ? wanted[rule->arn] : rule->priority;
      if (!taken.insert(priority).second) {
        return net::fail(
            AwsError{400, "PriorityInUse",
                     "Priority '" + std::to_string(priority) + "' is currently in use"});
      }
    }
  }
  Json rules = Json::array();
  for (const auto& [arn, priority] : wanted) {
    Rule* rule = state_.find_rule(arn);
    rule->priority = priority;
    rules.push_back(render_rule(*rule));
  }
  return Json{{"Rules", rules}};
}

}  // namespace albc::sim::aws
