#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controller/net/clock.hpp"

namespace albc::sim::aws {

using Json = nlohmann::json;
using Tags = std::map<std::string, std::string>;

struct Vpc {
  std::string id;
  std::string cidr;  // the primary block
  Tags tags;
  std::vector<std::string> secondary_cidrs;  // AssociateVpcCidrBlock's, in order
  // The primary block, then the secondary ones.
  std::vector<std::string> cidrs() const;
  // Whether an address or a block lies inside one of its blocks.
  bool contains(const std::string& cidr_or_address) const;
};

struct Subnet {
  std::string id;
  std::string vpc_id;
  std::string cidr;
  std::string availability_zone;
  std::string availability_zone_id;
  Tags tags;
};

// One ingress permission with a single source, as EC2 matches them.
struct SecurityGroupRule {
  std::string protocol;  // "tcp", "udp", "icmp", "-1"
  int from_port = -1;
  int to_port = -1;
  enum class Source { Cidr, CidrV6, PrefixList, Group } source_kind = Source::Cidr;
  std::string source;
  std::string description;
  bool same_permission(const SecurityGroupRule& other) const {
    return protocol == other.protocol && from_port == other.from_port && to_port == other.to_port &&
           source_kind == other.source_kind && source == other.source;
  }
};

struct SecurityGroup {
  std::string id;
  std::string name;
  std::string description;
  std::string vpc_id;
  Tags tags;
  std::vector<SecurityGroupRule> ingress;
};

struct LoadBalancer {
  std::string arn;
  std::string name;
  std::string dns_name;
  std::string scheme;  // internet-facing | internal
  std::string type = "application";
  std::string ip_address_type = "ipv4";
  std::string vpc_id;
  std::vector<std::string> subnet_ids;
  std::vector<std::string> security_group_ids;
  std::map<std::string, std::string> attributes;
  Tags tags;
  net::Clock::time_point created_at;
  net::Clock::wall_time_point created_wall;
};

// Actions and conditions are kept in the shape they were sent (the Query tree), normalised the
// way AWS echoes them, so that Describe* returns what the client wrote.
struct Listener {
  std::string arn;
  std::string default_rule_arn;
  std::string load_balancer_arn;
  int port = 0;
  std::string protocol;
  Json default_actions = Json::array();
  Json certificates = Json::array();
  std::string ssl_policy;
  std::map<std::string, std::string> attributes;
  Tags tags;
};

struct Rule {
  std::string arn;
  std::string listener_arn;
  int priority = 0;  // unused for the default rule
  bool is_default = false;
  Json conditions = Json::array();
  Json actions = Json::array();
  Tags tags;
};

struct Target {
  std::string id;
  int port = 0;
  std::string availability_zone;
  net::Clock::time_point registered_at;
  std::optional<net::Clock::time_point> draining_until;
};

struct TargetGroup {
  std::string arn;
  std::string name;
  std::string target_type = "instance";
  std::string protocol = "HTTP";
  std::string protocol_version = "HTTP1";
  int port = 0;
  std::string vpc_id;
  std::string ip_address_type = "ipv4";
  bool health_check_enabled = true;
  std::string health_check_protocol = "HTTP";
  std::string health_check_port = "traffic-port";
  std::string health_check_path = "/";
  int health_check_interval_seconds = 30;
  int health_check_timeout_seconds = 5;
  int healthy_threshold_count = 5;
  int unhealthy_threshold_count = 2;
  std::string matcher_http_code = "200";
  std::string matcher_grpc_code;
  std::map<std::string, std::string> attributes;
  Tags tags;
  std::vector<Target> targets;
  // Since when a listener or rule of a load balancer forwards to it (health checks run).
  std::optional<net::Clock::time_point> in_use_since;
};

// One account in one region: what the fake ELBv2 and EC2 endpoints share. The EC2 collections
// are plain maps (a VPC holds a handful of subnets and groups); the ELBv2 ones are kept with
// their indexes (name, parent, and which load balancers forward to a target group), so that
// every lookup and page costs what it touches, not what the account holds. Mutable lookups hand
// out every field but the keys (ARN, name, parent) and the actions, which change through
// replace() so that the indexes follow.
class AwsState {
 public:
  std::string account_id;
  std::string region;
  std::map<std::string, Vpc> vpcs;
  std::map<std::string, Subnet> subnets;
  std::map<std::string, SecurityGroup> security_groups;

  // By ARN.
  const std::map<std::string, LoadBalancer>& load_balancers() const { return load_balancers_; }
  const std::map<std::string, TargetGroup>& target_groups() const { return target_groups_; }
  const std::map<std::string, Listener>& listeners() const { return listeners_; }
  const std::map<std::string, Rule>& rules() const { return rules_; }
  // Name → ARN, in name order (how Describe* lists them).
  const std::map<std::string, std::string>& load_balancer_names() const { return index_.lb_names; }
  const std::map<std::string, std::string>& target_group_names() const { return index_.tg_names; }

  const LoadBalancer* find_load_balancer(const std::string& arn) const;
  LoadBalancer* find_load_balancer(const std::string& arn);
  const TargetGroup* find_target_group(const std::string& arn) const;
  TargetGroup* find_target_group(const std::string& arn);
  const Listener* find_listener(const std::string& arn) const;
  Listener* find_listener(const std::string& arn);
  const Rule* find_rule(const std::string& arn) const;
  Rule* find_rule(const std::string& arn);
  const LoadBalancer* load_balancer_named(std::string_view name) const;
  const TargetGroup* target_group_named(std::string_view name) const;
  // The listener whose default rule has this ARN.
  const Listener* listener_of_default_rule(const std::string& rule_arn) const;

  void add(LoadBalancer load_balancer);
  void add(TargetGroup group);
  void add(Listener listener);
  void add(Rule rule);
  // Replaces the stored object of the same ARN (its actions may differ).
  void replace(Listener listener);
  void replace(Rule rule);
  // Removing a parent removes its children (a load balancer's listeners, a listener's rules).
  void erase_load_balancer(const std::string& arn);
  void erase_listener(const std::string& arn);
  void erase_rule(const std::string& arn);
  void erase_target_group(const std::string& arn);

  // Load balancers a listener or rule of which forwards to the target group, in ARN order.
  std::vector<std::string> load_balancers_using(const std::string& target_group_arn) const;
  bool in_use(const std::string& target_group_arn) const;
  // Target groups the load balancer's listeners and rules forward to, in ARN order.
  std::vector<std::string> target_groups_of(const std::string& load_balancer_arn) const;
  // By port; rules by priority, the default rule (kept on the listener) not among them.
  std::vector<const Listener*> listeners_of(const std::string& load_balancer_arn) const;
  std::vector<const Rule*> rules_of(const std::string& listener_arn) const;
  std::size_t rule_count(const std::string& load_balancer_arn) const;

  // Every index rebuilt from the collections and compared with the one kept: empty when they
  // agree, else what differs (the invariant checks report it as a bug).
  std::string check_indexes() const;

 private:
  // Target group ARN → load balancer ARN → how many listeners and rules of it forward there.
  using Links = std::map<std::string, std::map<std::string, std::size_t>>;
  struct Indexes;
  static void link_into(Indexes& index, const std::string& load_balancer_arn, const Json& actions);
  void unlink(const std::string& load_balancer_arn, const Json& actions);
  struct Indexes {
    std::map<std::string, std::string> lb_names;
    std::map<std::string, std::string> tg_names;
    std::map<std::string, std::set<std::string>> listeners_by_lb;
    std::map<std::string, std::set<std::string>> rules_by_listener;
    std::map<std::string, std::string> listener_by_default_rule;
    Links users_of_tg;
    Links tgs_of_lb;
  };

  std::map<std::string, LoadBalancer> load_balancers_;
  std::map<std::string, TargetGroup> target_groups_;
  std::map<std::string, Listener> listeners_;
  std::map<std::string, Rule> rules_;
  Indexes index_;
};

// Every target group ARN an action list forwards to.
std::vector<std::string> forwarded_target_groups(const Json& actions);

}  // namespace albc::sim::aws
