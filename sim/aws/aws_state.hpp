#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "controller/net/clock.hpp"

namespace albc::sim::aws {

using Json = nlohmann::json;
using Tags = std::map<std::string, std::string>;

struct Vpc {
  std::string id;
  std::string cidr;
  Tags tags;
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

// One account in one region: what the fake ELBv2 and EC2 endpoints share.
struct AwsState {
  std::string account_id;
  std::string region;
  std::map<std::string, Vpc> vpcs;
  std::map<std::string, Subnet> subnets;
  std::map<std::string, SecurityGroup> security_groups;
  std::map<std::string, LoadBalancer> load_balancers;  // by ARN
  std::map<std::string, Listener> listeners;
  std::map<std::string, Rule> rules;
  std::map<std::string, TargetGroup> target_groups;

  const LoadBalancer* load_balancer_named(std::string_view name) const;
  const TargetGroup* target_group_named(std::string_view name) const;
  // Target groups a listener or rule of a load balancer forwards to.
  std::vector<std::string> load_balancers_using(const std::string& target_group_arn) const;
  std::vector<const Listener*> listeners_of(const std::string& load_balancer_arn) const;
  std::vector<const Rule*> rules_of(const std::string& listener_arn) const;
};

// Every target group ARN an action list forwards to.
std::vector<std::string> forwarded_target_groups(const Json& actions);

}  // namespace albc::sim::aws
