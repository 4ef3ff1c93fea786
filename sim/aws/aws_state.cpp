#include "sim/aws/aws_state.hpp"

#include <algorithm>

#include "sim/aws/params.hpp"

namespace albc::sim::aws {

const LoadBalancer* AwsState::load_balancer_named(std::string_view name) const {
  for (const auto& [arn, load_balancer] : load_balancers) {
    if (load_balancer.name == name) return &load_balancer;
  }
  return nullptr;
}

const TargetGroup* AwsState::target_group_named(std::string_view name) const {
  for (const auto& [arn, target_group] : target_groups) {
    if (target_group.name == name) return &target_group;
  }
  return nullptr;
}

std::vector<std::string> forwarded_target_groups(const Json& actions) {
  std::vector<std::string> arns;
  for (const Json& action : actions) {
    if (text_of(action, "Type") != "forward") continue;
    if (!text_of(action, "TargetGroupArn").empty())
      arns.push_back(text_of(action, "TargetGroupArn"));
    for (const Json& group : list_of(structure_of(action, "ForwardConfig"), "TargetGroups")) {
      if (!text_of(group, "TargetGroupArn").empty())
        arns.push_back(text_of(group, "TargetGroupArn"));
    }
  }
  std::sort(arns.begin(), arns.end());
  arns.erase(std::unique(arns.begin(), arns.end()), arns.end());
  return arns;
}

std::vector<std::string> AwsState::load_balancers_using(const std::string& target_group_arn) const {
  std::vector<std::string> arns;
  auto add = [&](const std::string& listener_arn, const Json& actions) {
    const auto forwarded = forwarded_target_groups(actions);
    if (std::find(forwarded.begin(), forwarded.end(), target_group_arn) == forwarded.end()) return;
    auto listener = listeners.find(listener_arn);
    if (listener == listeners.end()) return;
    if (std::find(arns.begin(), arns.end(), listener->second.load_balancer_arn) == arns.end()) {
      arns.push_back(listener->second.load_balancer_arn);
    }
  };
  for (const auto& [arn, listener] : listeners)
    add(arn, listener.default_actions);
  for (const auto& [arn, rule] : rules)
    add(rule.listener_arn, rule.actions);
  std::sort(arns.begin(), arns.end());
  return arns;
}

std::vector<const Listener*> AwsState::listeners_of(const std::string& load_balancer_arn) const {
  std::vector<const Listener*> found;
  for (const auto& [arn, listener] : listeners) {
    if (listener.load_balancer_arn == load_balancer_arn) found.push_back(&listener);
  }
  std::sort(found.begin(), found.end(),
            [](const Listener* a, const Listener* b) { return a->port < b->port; });
  return found;
}

std::vector<const Rule*> AwsState::rules_of(const std::string& listener_arn) const {
  std::vector<const Rule*> found;
  for (const auto& [arn, rule] : rules) {
    if (rule.listener_arn == listener_arn) found.push_back(&rule);
  }
  std::sort(found.begin(), found.end(), [](const Rule* a, const Rule* b) {
    if (a->is_default != b->is_default) return !a->is_default;
    return a->priority < b->priority;
  });
  return found;
}

}  // namespace albc::sim::aws
