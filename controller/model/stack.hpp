#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace albc::model {

using Json = nlohmann::json;
using Tags = std::map<std::string, std::string>;
using Attributes = std::map<std::string, std::string>;

// Resource type names, as in the real controller's stack JSON.
inline constexpr const char* kSecurityGroupType = "AWS::EC2::SecurityGroup";
inline constexpr const char* kLoadBalancerType = "AWS::ElasticLoadBalancingV2::LoadBalancer";
inline constexpr const char* kListenerType = "AWS::ElasticLoadBalancingV2::Listener";
inline constexpr const char* kListenerRuleType = "AWS::ElasticLoadBalancingV2::ListenerRule";
inline constexpr const char* kTargetGroupType = "AWS::ElasticLoadBalancingV2::TargetGroup";
inline constexpr const char* kTargetGroupBindingType =
    "K8S::ElasticLoadBalancingV2::TargetGroupBinding";
inline constexpr const char* kManagedSecurityGroupId = "ManagedLBSecurityGroup";
inline constexpr const char* kLoadBalancerId = "LoadBalancer";

// A reference to a target group: one built in this stack (by resource id, resolved to its ARN
// once deployed) or one given by ARN.
struct TargetGroupTuple {
  std::string target_group_id;
  std::string target_group_arn;
  std::optional<int> weight;
  bool operator==(const TargetGroupTuple&) const = default;
};

struct ForwardConfig {
  std::vector<TargetGroupTuple> target_groups;
  std::optional<bool> stickiness_enabled;
  std::optional<int> stickiness_duration_seconds;
  bool operator==(const ForwardConfig&) const = default;
};

struct RedirectConfig {
  std::optional<std::string> host;
  std::optional<std::string> path;
  std::optional<std::string> port;
  std::optional<std::string> protocol;
  std::optional<std::string> query;
  std::string status_code;
  bool operator==(const RedirectConfig&) const = default;
};

struct FixedResponseConfig {
  std::optional<std::string> content_type;
  std::optional<std::string> message_body;
  std::string status_code;
  bool operator==(const FixedResponseConfig&) const = default;
};

struct Action {
  std::string type;  // forward, redirect, fixed-response
  std::optional<ForwardConfig> forward;
  std::optional<RedirectConfig> redirect;
  std::optional<FixedResponseConfig> fixed_response;
  bool operator==(const Action&) const = default;
};

struct Condition {
  std::string field;  // host-header, path-pattern, http-header, http-request-method, query-string,
                      // source-ip
  std::vector<std::string> values;  // host-header, path-pattern, http-request-method, source-ip
  std::vector<std::string> regex_values;  // host-header, path-pattern
  std::string http_header_name;
  std::vector<std::pair<std::string, std::string>> query_string;  // key (may be empty), value
  bool operator==(const Condition&) const = default;
};

struct IngressPermission {
  std::string protocol = "tcp";
  int from_port = 0;
  int to_port = 0;
  std::string cidr;
  std::string cidr_v6;
  std::string prefix_list;
  bool operator==(const IngressPermission&) const = default;
};

struct SecurityGroupSpec {
  std::string name;
  std::string description;
  std::vector<IngressPermission> ingress;
  Tags tags;
  bool operator==(const SecurityGroupSpec&) const = default;
};

// A security group of the load balancer: the managed one of this stack, or one given by ID.
struct SecurityGroupRef {
  std::string resource_id;
  std::string group_id;
  bool operator==(const SecurityGroupRef&) const = default;
};

struct LoadBalancerSpec {
  std::string name;
  std::string type = "application";
  std::string scheme;
  std::string ip_address_type = "ipv4";
  std::vector<std::string> subnet_ids;
  std::vector<SecurityGroupRef> security_groups;
  Attributes attributes;
  Tags tags;
  bool operator==(const LoadBalancerSpec&) const = default;
};

struct ListenerSpec {
  int port = 0;
  std::string protocol;
  std::vector<Action> default_actions;
  std::vector<std::string> certificates;  // first = default
  std::string ssl_policy;
  Tags tags;
  bool operator==(const ListenerSpec&) const = default;
};

struct RuleSpec {
  int port = 0;
  int priority = 0;
  std::vector<Condition> conditions;
  std::vector<Action> actions;
  Tags tags;
  bool operator==(const RuleSpec&) const = default;
};

struct HealthCheck {
  std::string port = "traffic-port";
  std::string protocol = "HTTP";
  std::string path = "/";
  std::string matcher_http_code = "200";
  std::string matcher_grpc_code;
  int interval_seconds = 15;
  int timeout_seconds = 5;
  int healthy_threshold_count = 2;
  int unhealthy_threshold_count = 2;
  bool operator==(const HealthCheck&) const = default;
};

struct TargetGroupSpec {
  std::string name;
  std::string target_type;
  int port = 0;
  std::string protocol = "HTTP";
  std::string protocol_version = "HTTP1";
  std::string ip_address_type = "ipv4";
  HealthCheck health_check;
  Attributes attributes;
  Tags tags;
  bool operator==(const TargetGroupSpec&) const = default;
};

struct NetworkingPeer {
  std::string security_group_id;           // a literal ID
  std::string security_group_resource_id;  // or this stack's managed security group
  std::string cidr;
  bool operator==(const NetworkingPeer&) const = default;
};

struct NetworkingPort {
  std::string protocol = "TCP";
  Json port;  // integer, name, or null (all ports)
  bool operator==(const NetworkingPort&) const = default;
};

struct NetworkingRule {
  std::vector<NetworkingPeer> from;
  std::vector<NetworkingPort> ports;
  bool operator==(const NetworkingRule&) const = default;
};

struct TargetGroupBindingSpec {
  std::string name;
  std::string ns;
  std::string target_group_id;
  std::string target_type;
  std::string target_group_protocol;
  std::string service_name;
  Json service_port;  // as written in the Ingress: a number or a port name
  std::string ip_address_type = "ipv4";
  std::string vpc_id;
  std::optional<std::vector<NetworkingRule>> networking;
  std::map<std::string, std::string> labels;
  bool operator==(const TargetGroupBindingSpec&) const = default;
};

// What one Ingress group should look like in AWS: plain data, ids as the real controller
// assigns them (listener "81", rule "81:1", target group "test/web-svc:80").
struct Stack {
  std::string id;
  std::optional<SecurityGroupSpec> managed_security_group;
  std::optional<LoadBalancerSpec> load_balancer;
  std::map<std::string, ListenerSpec> listeners;
  std::map<std::string, RuleSpec> rules;
  std::map<std::string, TargetGroupSpec> target_groups;
  std::map<std::string, TargetGroupBindingSpec> bindings;

  bool empty() const {
    return !load_balancer && target_groups.empty() && bindings.empty() && !managed_security_group;
  }
  // The real controller's stack JSON: {"id": ..., "resources": {type: {id: {"spec": ...}}}}.
  Json to_json() const;
  bool operator==(const Stack&) const = default;
};

Json action_to_json(const Action& action);
Json condition_to_json(const Condition& condition);

}  // namespace albc::model
