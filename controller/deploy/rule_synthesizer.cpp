#include <algorithm>

#include "controller/deploy/sdk_form.hpp"
#include "controller/deploy/stack_deployer.hpp"
#include "controller/net/numbers.hpp"

namespace albc::deploy {
namespace {

struct DesiredRule {
  std::string id;
  int priority = 0;
  Json conditions;
  Json actions;
  Tags tags;
};

struct CurrentRule {
  aws::Rule rule;
  int priority = 0;
};

// The real controller's rule plan (v3): a desired rule first takes a current rule with the same
// settings (keeping or moving its priority), then one with the same priority (modified in
// place); whatever is left is created or deleted. Pure.
struct RulePlan {
  std::vector<std::pair<DesiredRule, CurrentRule>> unchanged;
  std::vector<std::pair<DesiredRule, CurrentRule>> moved;
  std::vector<std::pair<DesiredRule, CurrentRule>> modified;
  std::vector<DesiredRule> created;
  std::vector<CurrentRule> deleted;
};

RulePlan plan_rules(const std::vector<DesiredRule>& desired, std::vector<CurrentRule> current) {
  RulePlan plan;
  std::vector<DesiredRule> unmatched;
  for (const DesiredRule& rule : desired) {
    auto same = std::find_if(current.begin(), current.end(), [&](const CurrentRule& candidate) {
      return actions_equal(rule.actions, candidate.rule.actions) &&
             conditions_equal(rule.conditions, candidate.rule.conditions);
    });
    if (same == current.end()) {
      unmatched.push_back(rule);
      continue;
    }
    (same->priority == rule.priority ? plan.unchanged : plan.moved).emplace_back(rule, *same);
    current.erase(same);
  }
  for (const DesiredRule& rule : unmatched) {
    auto same_priority = std::find_if(
        current.begin(), current.end(),
        [&](const CurrentRule& candidate) { return candidate.priority == rule.priority; });
    if (same_priority == current.end()) {
      plan.created.push_back(rule);
      continue;
    }
    plan.modified.emplace_back(rule, *same_priority);
    current.erase(same_priority);
  }
  plan.deleted = std::move(current);
  return plan;
}

}  // namespace

net::Awaitable<net::Result<void>> StackDeployer::synthesize_rules(State& state,
                                                                  std::string listener_arn,
                                                                  int port) {
  auto described = co_await elbv2_.describe_rules(listener_arn);
  if (!described) co_return net::fail(described.error());
  std::vector<CurrentRule> current;
  std::vector<std::string> arns;
  for (const aws::Rule& rule : *described) {
    if (rule.is_default) continue;
    const auto priority = net::parse_integer<int>(rule.priority);
    if (!priority) {
      co_return net::fail("MalformedResponse",
                          "rule " + rule.arn + " has priority '" + rule.priority + "'");
    }
    current.push_back({rule, *priority});
    arns.push_back(rule.arn);
  }
  auto current_tags = co_await inventory_.tags_of(arns);
  if (!current_tags) co_return net::fail(current_tags.error());
  std::vector<DesiredRule> desired;
  for (const auto& [id, spec] : state.stack.rules) {
    if (spec.port != port) continue;
    auto actions = sdk_actions(spec.actions, state.target_group_arns);
    if (!actions) co_return net::fail(actions.error());
    desired.push_back({id, spec.priority, sdk_conditions(spec.conditions), *actions,
                       resource_tags(state.identity, id, spec.tags)});
  }
  std::sort(desired.begin(), desired.end(),
            [](const DesiredRule& a, const DesiredRule& b) { return a.priority < b.priority; });
  const RulePlan plan = plan_rules(desired, current);
  if (!plan.moved.empty()) {
    // One call: rules to delete move to the bottom (the highest keeps 50000), moved rules to
    // their new priorities, so no request ever falls through to the default action.
    std::vector<std::pair<std::string, int>> priorities;
    std::vector<CurrentRule> doomed = plan.deleted;
    std::sort(doomed.begin(), doomed.end(),
              [](const CurrentRule& a, const CurrentRule& b) { return a.priority > b.priority; });
    int bottom = 50000;
    for (const CurrentRule& rule : doomed)
      priorities.emplace_back(rule.rule.arn, bottom--);
    for (const auto& [rule, was] : plan.moved)
      priorities.emplace_back(was.rule.arn, rule.priority);
    trace_.event("deploy.rules.reprioritizing", {{"stack", state.identity.stack_id},
                                                 {"port", std::to_string(port)},
                                                 {"rules", std::to_string(priorities.size())}});
    if (auto set = co_await elbv2_.set_rule_priorities(priorities); !set)
      co_return net::fail(set.error());
  }
  for (const auto& [rule, was] : plan.modified) {
    Json input = {
        {"RuleArn", was.rule.arn}, {"Conditions", rule.conditions}, {"Actions", rule.actions}};
    trace_.event("deploy.rule.modifying",
                 {{"stack", state.identity.stack_id}, {"id", rule.id}, {"arn", was.rule.arn}});
    if (auto modified = co_await elbv2_.modify_rule(input); !modified)
      co_return net::fail(modified.error());
    trace_.event("deploy.rule.modified", {{"stack", state.identity.stack_id}, {"id", rule.id}});
  }
  for (const DesiredRule& rule : plan.created) {
    Json input = {{"ListenerArn", listener_arn},
                  {"Priority", std::to_string(rule.priority)},
                  {"Conditions", rule.conditions},
                  {"Actions", rule.actions},
                  {"Tags", aws::key_value_list(rule.tags)}};
    trace_.event("deploy.rule.creating", {{"stack", state.identity.stack_id}, {"id", rule.id}});
    // A listener created a moment ago may not be visible yet.
    auto created = co_await net::retry_while(
        clock_, "ListenerNotFound", options_.listener_not_found_timeout, options_.retry_interval,
        [&] { return elbv2_.create_rule(input); });
    if (!created)
      co_return net::fail(net::with_context(created.error(), "failed to create listener rule"));
    inventory_.created(created->arn, rule.tags);
    trace_.event("deploy.rule.created",
                 {{"stack", state.identity.stack_id}, {"id", rule.id}, {"arn", created->arn}});
  }
  for (const CurrentRule& rule : plan.deleted) {
    trace_.event("deploy.rule.deleting",
                 {{"stack", state.identity.stack_id}, {"arn", rule.rule.arn}});
    if (auto deleted = co_await elbv2_.delete_rule(rule.rule.arn); !deleted)
      co_return net::fail(deleted.error());
    inventory_.deleted(rule.rule.arn);
    trace_.event("deploy.rule.deleted",
                 {{"stack", state.identity.stack_id}, {"arn", rule.rule.arn}});
  }
  std::vector<std::pair<DesiredRule, CurrentRule>> kept = plan.unchanged;
  kept.insert(kept.end(), plan.moved.begin(), plan.moved.end());
  kept.insert(kept.end(), plan.modified.begin(), plan.modified.end());
  for (const auto& [rule, was] : kept) {
    if (auto tagged = co_await reconcile_elbv2_tags(was.rule.arn, rule.tags,
                                                    (*current_tags)[was.rule.arn], false);
        !tagged) {
      co_return net::fail(tagged.error());
    }
  }
  co_return net::Result<void>();
}

}  // namespace albc::deploy
