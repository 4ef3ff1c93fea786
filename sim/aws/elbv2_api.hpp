#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "controller/net/clock.hpp"
#include "controller/net/random.hpp"
#include "sim/aws/aws_state.hpp"
#include "sim/aws/params.hpp"

namespace albc::sim::aws {

// The AWS defaults for Application Load Balancers (per account and region unless noted).
struct Elbv2Quotas {
  std::size_t load_balancers_max = 50;
  std::size_t listeners_per_load_balancer_max = 50;
  std::size_t rules_per_load_balancer_max = 100;
  std::size_t target_groups_max = 3000;
  std::size_t targets_per_target_group_max = 1000;
  std::size_t tags_per_resource_max = 50;
  std::size_t condition_values_per_rule_max = 5;
  std::size_t target_groups_per_action_max = 5;
  std::size_t certificates_per_load_balancer_max = 25;
  std::size_t describe_page_size_max = 400;
  std::size_t describe_tags_arns_max = 20;
  std::size_t targets_per_call_max = 200;  // not an AWS limit, but what clients send
};

struct Elbv2Options {
  Elbv2Quotas quotas;
  // How long a new load balancer stays `provisioning` before it is `active`.
  std::chrono::seconds provisioning_time{90};
};

// The fake ELBv2 endpoint (API 2015-12-01) for Application Load Balancers: load balancers,
// listeners, rules, target groups, targets and their health, attributes and tags, with AWS's
// validation, idempotency rules, quotas and error codes.
class Elbv2Api {
 public:
  Elbv2Api(AwsState& state, net::Clock& clock, net::Random random, Elbv2Options options = {});
  ~Elbv2Api();
  Elbv2Api(const Elbv2Api&) = delete;
  Elbv2Api& operator=(const Elbv2Api&) = delete;

  bool knows(std::string_view action) const;
  const Elbv2Quotas& quotas() const { return options_.quotas; }
  // An increase granted through Service Quotas; creates past the old values succeed from now on.
  void set_quotas(const Elbv2Quotas& quotas) { options_.quotas = quotas; }
  // Eventual consistency: asked after each create (by action, "CreateTargetGroup"), it answers
  // how long the new resource stays invisible to Describe* (listed nowhere, and not found by its
  // ARN, its parent's or its name), or nothing; asked before AddTags and RemoveTags change a
  // resource's tags, how long DescribeTags shows them as they were. A scenario's fault decides.
  using Visibility = std::function<std::optional<net::Clock::duration>(std::string_view action)>;
  void set_visibility(Visibility visibility) { visibility_ = std::move(visibility); }
  // No window open: Describe* shows everything there is.
  bool consistent() const { return hidden_until_.empty() && stale_tags_.empty(); }
  // Resources hidden, and resources whose tags show as they were.
  std::size_t invisible_count() const { return hidden_until_.size() + stale_tags_.size(); }
  Outcome handle(std::string_view action, const Params& params);

  // DescribeTargetHealth's view of one target, for reports and expectations.
  Json target_health(const TargetGroup& group, const Target& target) const;
  // When the target passes (or passed) its health checks: nullopt while it is draining, its
  // group receives no traffic or has health checks off.
  std::optional<net::Clock::time_point> healthy_from(const TargetGroup& group,
                                                     const Target& target) const;
  std::string load_balancer_state(const LoadBalancer& load_balancer) const;
  // Forgets targets whose deregistration delay has passed.
  void purge_drained_targets();
  // The group's targets as AWS shows them now: a drained target is gone the moment its delay
  // ends, whether or not a call has purged it yet.
  std::vector<const Target*> current_targets(const TargetGroup& group) const;

 private:
  using Route = Outcome (Elbv2Api::*)(const Params&);
  static const std::map<std::string_view, Route>& routes();
  // Load balancers (elbv2_load_balancers.cpp)
  Outcome create_load_balancer(const Params& params);
  Outcome describe_load_balancers(const Params& params);
  Outcome delete_load_balancer(const Params& params);
  Outcome describe_load_balancer_attributes(const Params& params);
  Outcome modify_load_balancer_attributes(const Params& params);
  Outcome set_security_groups(const Params& params);
  Outcome set_subnets(const Params& params);
  Outcome set_ip_address_type(const Params& params);
  Json render_load_balancer(const LoadBalancer& load_balancer) const;
  net::Result<std::vector<std::string>, AwsError> resolve_subnets(const Params& params,
                                                                  std::string& vpc_id) const;
  net::Result<std::vector<std::string>, AwsError> resolve_security_groups(
      const std::vector<std::string>& ids, const std::string& vpc_id) const;

  // Listeners (elbv2_listeners.cpp)
  Outcome create_listener(const Params& params);
  Outcome describe_listeners(const Params& params);
  Outcome modify_listener(const Params& params);
  Outcome delete_listener(const Params& params);
  Outcome describe_listener_attributes(const Params& params);
  Outcome modify_listener_attributes(const Params& params);
  Outcome describe_listener_certificates(const Params& params);
  Outcome change_listener_certificates(const Params& params, bool add);
  Outcome add_listener_certificates(const Params& params) {
    return change_listener_certificates(params, true);
  }
  Outcome remove_listener_certificates(const Params& params) {
    return change_listener_certificates(params, false);
  }
  Json render_listener(const Listener& listener) const;

  // Rules (elbv2_rules.cpp)
  Outcome create_rule(const Params& params);
  Outcome describe_rules(const Params& params);
  Outcome modify_rule(const Params& params);
  Outcome delete_rule(const Params& params);
  Outcome set_rule_priorities(const Params& params);
  Json render_rule(const Rule& rule) const;

  // Actions and conditions, shared by listeners and rules (elbv2_actions.cpp)
  net::Result<Json, AwsError> normalize_actions(const Json& actions, const std::string& vpc_id,
                                                const std::string& load_balancer_arn) const;
  net::Result<Json, AwsError> normalize_conditions(const Json& conditions) const;
  void mark_in_use(const Json& actions);
  // Of these target groups (what a change stopped forwarding to, or more), those nothing forwards
  // to any more start over when next attached.
  void forget_unused(const std::vector<std::string>& target_group_arns);

  // Target groups and targets (elbv2_target_groups.cpp)
  Outcome create_target_group(const Params& params);
  Outcome describe_target_groups(const Params& params);
  Outcome modify_target_group(const Params& params);
  Outcome delete_target_group(const Params& params);
  Outcome describe_target_group_attributes(const Params& params);
  Outcome modify_target_group_attributes(const Params& params);
  Outcome register_targets(const Params& params);
  Outcome deregister_targets(const Params& params);
  Outcome describe_target_health(const Params& params);
  Json render_target_group(const TargetGroup& group) const;

  // Tags (elbv2_tags.cpp)
  Outcome describe_tags(const Params& params);
  Outcome add_tags(const Params& params);
  Outcome remove_tags(const Params& params);
  Tags* tags_of(const std::string& arn);
  AwsError resource_not_found(const std::string& arn) const;

  std::string arn_prefix() const;
  std::string new_id() { return random_.hex(16); }
  // Eventual consistency (set_visibility): a new resource's window, and whether Describe* sees it.
  void created(std::string_view action, const std::string& arn);
  void tags_changing(std::string_view action, const std::string& arn);
  void close_later(net::Clock::duration window, std::function<void()> close);
  bool visible(const std::string& arn) const;
  // The first ARN in a request's parameters that is still in its window.
  std::optional<std::string> first_hidden_arn(const Json& tree) const;

  AwsState& state_;
  net::Clock& clock_;
  net::Random random_;
  Elbv2Options options_;
  Visibility visibility_;
  std::map<std::string, net::Clock::time_point> hidden_until_;  // by ARN
  std::map<std::string, Tags> stale_tags_;  // by ARN: what DescribeTags shows in the window
  std::set<net::Clock::TimerId> visibility_timers_;
  // When a deregistered target's delay ends, and its group: what purge_drained_targets visits.
  std::set<std::pair<net::Clock::time_point, std::string>> draining_;
};

// Tags as ELBv2 writes them: [{Key, Value}].
Json elbv2_tags(const Tags& tags);
// Tags as ELBv2 checks them (keys 1 to 128 characters, values up to 256, both of the model's
// pattern, no "aws:" keys, no key twice, at most tags_max), every failure in one ValidationError.
net::Result<Tags, AwsError> parse_tags(const Json& list, std::size_t tags_max);
// "2 validation errors detected: Value 'x' at 'a' failed ...; Value 'y' at 'b' failed ..."
AwsError validation_errors(const std::vector<std::string>& failures);
// One page of a Describe* list, walked by the caller in key order. The marker carries the last
// key of the page before (opaquely, and bound to the list's name), so that a resource created or
// deleted between two pages neither shows twice nor moves another one off the list; only the
// page is rendered:
//   for (each item in key order, from pager.after() when an index can seek there) {
//     if (!pager.offer(key, [&] { return render(item); })) break;
//   }
//   return std::move(pager).finish();
class Pager {
 public:
  // `scope` tells apart lists of the same name (all by name, the ones asked for, a parent's):
  // a marker is good only for the list it came from.
  static net::Result<Pager, AwsError> start(const Params& params, std::size_t page_size_max,
                                            std::string list_name, std::string scope = {});
  // The page starts after this key (empty: at the first item).
  const std::string& after() const { return after_; }
  // An item at or before the marker is skipped, one that fits is rendered onto the page; false
  // once the page is full (stop walking: there is more).
  template <class Render>
  bool offer(const std::string& key, Render&& render) {
    if (!after_.empty() && key <= after_) return true;
    if (!room(key)) return false;
    items_.push_back(render());
    return true;
  }
  Json finish() &&;

 private:
  Pager(std::string list_name, std::string seal_scope, std::string after, std::size_t size)
      : list_name_(std::move(list_name)),
        seal_scope_(std::move(seal_scope)),
        after_(std::move(after)),
        size_(size) {}
  bool room(const std::string& key);

  std::string list_name_;
  std::string seal_scope_;  // list name and scope, what a marker is sealed with
  std::string after_;
  std::size_t size_;
  std::string last_key_;
  bool more_ = false;
  Json items_ = Json::array();
};
// Keys that sort as numbers do (ports, priorities, positions in a list the caller gave).
std::string numeric_key(std::size_t number);
// A whole list already in order (a short one: a listener's certificates), keyed by position.
net::Result<Json, AwsError> page_of(const Json& items, const Params& params,
                                    std::size_t page_size_max, const std::string& list_name);
// "2026-01-01T00:00:00.000Z"
std::string aws_timestamp(net::Clock::wall_time_point time);

}  // namespace albc::sim::aws
