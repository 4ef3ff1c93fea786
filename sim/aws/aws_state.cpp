#include "sim/aws/aws_state.hpp"

#include <algorithm>

#include "controller/net/assert.hpp"
#include "controller/net/cidr.hpp"
#include "sim/aws/params.hpp"

namespace albc::sim::aws {

std::vector<std::string> Vpc::cidrs() const {
  std::vector<std::string> all = {cidr};
  all.insert(all.end(), secondary_cidrs.begin(), secondary_cidrs.end());
  return all;
}

bool Vpc::contains(const std::string& cidr_or_address) const {
  auto inner = net::parse_cidr(
      cidr_or_address.find('/') == std::string::npos ? cidr_or_address + "/32" : cidr_or_address);
  if (!inner) return false;
  for (const std::string& block : cidrs()) {
    auto outer = net::parse_cidr(block);
    if (outer && outer->contains(*inner)) return true;
  }
  return false;
}

namespace {

template <class Map>
auto* find_in(Map& map, const std::string& key) {
  auto found = map.find(key);
  return found == map.end() ? nullptr : &found->second;
}

std::vector<std::string> keys_of(const std::map<std::string, std::size_t>* map) {
  std::vector<std::string> keys;
  if (map != nullptr) {
    for (const auto& [key, count] : *map)
      keys.push_back(key);
  }
  return keys;
}

}  // namespace

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

const LoadBalancer* AwsState::find_load_balancer(const std::string& arn) const {
  return find_in(load_balancers_, arn);
}
LoadBalancer* AwsState::find_load_balancer(const std::string& arn) {
  return find_in(load_balancers_, arn);
}
const TargetGroup* AwsState::find_target_group(const std::string& arn) const {
  return find_in(target_groups_, arn);
}
TargetGroup* AwsState::find_target_group(const std::string& arn) {
  return find_in(target_groups_, arn);
}
const Listener* AwsState::find_listener(const std::string& arn) const {
  return find_in(listeners_, arn);
}
Listener* AwsState::find_listener(const std::string& arn) {
  return find_in(listeners_, arn);
}
const Rule* AwsState::find_rule(const std::string& arn) const {
  return find_in(rules_, arn);
}
Rule* AwsState::find_rule(const std::string& arn) {
  return find_in(rules_, arn);
}

const LoadBalancer* AwsState::load_balancer_named(std::string_view name) const {
  auto found = index_.lb_names.find(std::string(name));
  return found == index_.lb_names.end() ? nullptr : find_load_balancer(found->second);
}

const TargetGroup* AwsState::target_group_named(std::string_view name) const {
  auto found = index_.tg_names.find(std::string(name));
  return found == index_.tg_names.end() ? nullptr : find_target_group(found->second);
}

const Listener* AwsState::listener_of_default_rule(const std::string& rule_arn) const {
  auto found = index_.listener_by_default_rule.find(rule_arn);
  return found == index_.listener_by_default_rule.end() ? nullptr : find_listener(found->second);
}

void AwsState::link_into(Indexes& index, const std::string& load_balancer_arn,
                         const Json& actions) {
  for (const std::string& group : forwarded_target_groups(actions)) {
    ++index.users_of_tg[group][load_balancer_arn];
    ++index.tgs_of_lb[load_balancer_arn][group];
  }
}

void AwsState::unlink(const std::string& load_balancer_arn, const Json& actions) {
  auto drop = [](Links& links, const std::string& outer, const std::string& inner) {
    auto entry = links.find(outer);
    if (entry == links.end()) return;
    auto count = entry->second.find(inner);
    if (count != entry->second.end() && --count->second == 0) entry->second.erase(count);
    if (entry->second.empty()) links.erase(entry);
  };
  for (const std::string& group : forwarded_target_groups(actions)) {
    drop(index_.users_of_tg, group, load_balancer_arn);
    drop(index_.tgs_of_lb, load_balancer_arn, group);
  }
}

void AwsState::add(LoadBalancer load_balancer) {
  index_.lb_names[load_balancer.name] = load_balancer.arn;
  const std::string arn = load_balancer.arn;
  load_balancers_.insert_or_assign(arn, std::move(load_balancer));
}

void AwsState::add(TargetGroup group) {
  index_.tg_names[group.name] = group.arn;
  const std::string arn = group.arn;
  target_groups_.insert_or_assign(arn, std::move(group));
}

void AwsState::add(Listener listener) {
  index_.listeners_by_lb[listener.load_balancer_arn].insert(listener.arn);
  index_.listener_by_default_rule[listener.default_rule_arn] = listener.arn;
  link_into(index_, listener.load_balancer_arn, listener.default_actions);
  const std::string arn = listener.arn;
  listeners_.insert_or_assign(arn, std::move(listener));
}

void AwsState::add(Rule rule) {
  index_.rules_by_listener[rule.listener_arn].insert(rule.arn);
  link_into(index_, listeners_.at(rule.listener_arn).load_balancer_arn, rule.actions);
  const std::string arn = rule.arn;
  rules_.insert_or_assign(arn, std::move(rule));
}

void AwsState::replace(Listener listener) {
  Listener& stored = listeners_.at(listener.arn);
  // What the indexes key on never changes after add().
  ALBC_ASSERT(stored.load_balancer_arn == listener.load_balancer_arn &&
              stored.default_rule_arn == listener.default_rule_arn);
  unlink(stored.load_balancer_arn, stored.default_actions);
  link_into(index_, listener.load_balancer_arn, listener.default_actions);
  stored = std::move(listener);
}

void AwsState::replace(Rule rule) {
  Rule& stored = rules_.at(rule.arn);
  ALBC_ASSERT(stored.listener_arn == rule.listener_arn);
  const std::string& load_balancer_arn = listeners_.at(stored.listener_arn).load_balancer_arn;
  unlink(load_balancer_arn, stored.actions);
  link_into(index_, load_balancer_arn, rule.actions);
  stored = std::move(rule);
}

void AwsState::erase_rule(const std::string& arn) {
  auto found = rules_.find(arn);
  if (found == rules_.end()) return;
  const Rule& rule = found->second;
  unlink(listeners_.at(rule.listener_arn).load_balancer_arn, rule.actions);
  auto siblings = index_.rules_by_listener.find(rule.listener_arn);
  ALBC_ASSERT(siblings != index_.rules_by_listener.end());
  siblings->second.erase(arn);
  if (siblings->second.empty()) index_.rules_by_listener.erase(siblings);
  rules_.erase(found);
}

void AwsState::erase_listener(const std::string& arn) {
  auto found = listeners_.find(arn);
  if (found == listeners_.end()) return;
  if (auto rules = index_.rules_by_listener.find(arn); rules != index_.rules_by_listener.end()) {
    for (const std::string& rule : std::set<std::string>(rules->second))
      erase_rule(rule);
  }
  const Listener& listener = found->second;
  unlink(listener.load_balancer_arn, listener.default_actions);
  index_.listener_by_default_rule.erase(listener.default_rule_arn);
  auto siblings = index_.listeners_by_lb.find(listener.load_balancer_arn);
  ALBC_ASSERT(siblings != index_.listeners_by_lb.end());
  siblings->second.erase(arn);
  if (siblings->second.empty()) index_.listeners_by_lb.erase(siblings);
  listeners_.erase(found);
}

void AwsState::erase_load_balancer(const std::string& arn) {
  auto found = load_balancers_.find(arn);
  if (found == load_balancers_.end()) return;
  if (auto listeners = index_.listeners_by_lb.find(arn);
      listeners != index_.listeners_by_lb.end()) {
    for (const std::string& listener : std::set<std::string>(listeners->second))
      erase_listener(listener);
  }
  index_.lb_names.erase(found->second.name);
  load_balancers_.erase(found);
}

void AwsState::erase_target_group(const std::string& arn) {
  auto found = target_groups_.find(arn);
  if (found == target_groups_.end()) return;
  index_.tg_names.erase(found->second.name);
  target_groups_.erase(found);
}

std::vector<std::string> AwsState::load_balancers_using(const std::string& target_group_arn) const {
  return keys_of(find_in(index_.users_of_tg, target_group_arn));
}

bool AwsState::in_use(const std::string& target_group_arn) const {
  return index_.users_of_tg.contains(target_group_arn);
}

std::vector<std::string> AwsState::target_groups_of(const std::string& load_balancer_arn) const {
  return keys_of(find_in(index_.tgs_of_lb, load_balancer_arn));
}

std::vector<const Listener*> AwsState::listeners_of(const std::string& load_balancer_arn) const {
  std::vector<const Listener*> found;
  if (const auto* arns = find_in(index_.listeners_by_lb, load_balancer_arn)) {
    for (const std::string& arn : *arns)
      found.push_back(&listeners_.at(arn));
  }
  std::sort(found.begin(), found.end(),
            [](const Listener* a, const Listener* b) { return a->port < b->port; });
  return found;
}

std::vector<const Rule*> AwsState::rules_of(const std::string& listener_arn) const {
  std::vector<const Rule*> found;
  if (const auto* arns = find_in(index_.rules_by_listener, listener_arn)) {
    for (const std::string& arn : *arns)
      found.push_back(&rules_.at(arn));
  }
  std::sort(found.begin(), found.end(),
            [](const Rule* a, const Rule* b) { return a->priority < b->priority; });
  return found;
}

std::size_t AwsState::rule_count(const std::string& load_balancer_arn) const {
  std::size_t count = 0;
  if (const auto* arns = find_in(index_.listeners_by_lb, load_balancer_arn)) {
    for (const std::string& listener : *arns) {
      if (const auto* rules = find_in(index_.rules_by_listener, listener)) count += rules->size();
    }
  }
  return count;
}

std::string AwsState::check_indexes() const {
  Indexes want;
  for (const auto& [arn, load_balancer] : load_balancers_)
    want.lb_names[load_balancer.name] = arn;
  for (const auto& [arn, group] : target_groups_)
    want.tg_names[group.name] = arn;
  for (const auto& [arn, listener] : listeners_) {
    want.listeners_by_lb[listener.load_balancer_arn].insert(arn);
    want.listener_by_default_rule[listener.default_rule_arn] = arn;
    link_into(want, listener.load_balancer_arn, listener.default_actions);
  }
  std::string differs;
  for (const auto& [arn, rule] : rules_) {
    want.rules_by_listener[rule.listener_arn].insert(arn);
    auto listener = listeners_.find(rule.listener_arn);
    if (listener == listeners_.end()) {
      differs += std::string(differs.empty() ? "" : ", ") + "rule " + arn + " of no listener";
      continue;
    }
    link_into(want, listener->second.load_balancer_arn, rule.actions);
  }
  auto compare = [&](bool same, const char* name) {
    if (!same) differs += std::string(differs.empty() ? "" : ", ") + name;
  };
  compare(want.lb_names == index_.lb_names, "load balancers by name");
  compare(want.tg_names == index_.tg_names, "target groups by name");
  compare(want.listeners_by_lb == index_.listeners_by_lb, "listeners by load balancer");
  compare(want.rules_by_listener == index_.rules_by_listener, "rules by listener");
  compare(want.listener_by_default_rule == index_.listener_by_default_rule,
          "listeners by default rule");
  compare(want.users_of_tg == index_.users_of_tg, "load balancers by target group");
  compare(want.tgs_of_lb == index_.tgs_of_lb, "target groups by load balancer");
  return differs.empty() ? "" : "the fake ELBv2's indexes disagree with its resources: " + differs;
}

}  // namespace albc::sim::aws
