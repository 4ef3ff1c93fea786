#pragma once

#include <map>
#include <string>
#include <vector>

#include "controller/aws/aws_client.hpp"

namespace albc::aws {

using Tags = std::map<std::string, std::string>;
using Attributes = std::map<std::string, std::string>;

struct LoadBalancer {
  std::string arn;
  std::string name;
  std::string dns_name;
  std::string scheme;
  std::string type;
  std::string vpc_id;
  std::string state;
  std::string ip_address_type;
  std::vector<std::string> security_groups;
  std::vector<std::string> subnet_ids;
};

struct TargetGroup {
  std::string arn;
  std::string name;
  std::string target_type;
  std::string protocol;
  std::string protocol_version;
  int port = 0;
  std::string vpc_id;
  std::string ip_address_type;
  std::string health_check_port;
  std::string health_check_protocol;
  std::string health_check_path;
  int health_check_interval_seconds = 0;
  int health_check_timeout_seconds = 0;
  int healthy_threshold_count = 0;
  int unhealthy_threshold_count = 0;
  std::string matcher_http_code;
  std::string matcher_grpc_code;
};

// Actions and conditions stay in the Query shape (the same JSON the controller sends), so that
// desired and actual compare with one set of equality rules.
struct Listener {
  std::string arn;
  std::string load_balancer_arn;
  int port = 0;
  std::string protocol;
  Json default_actions = Json::array();
  Json certificates = Json::array();
  std::string ssl_policy;
};

struct Rule {
  std::string arn;
  std::string priority;  // "1".."50000" or "default"
  bool is_default = false;
  Json conditions = Json::array();
  Json actions = Json::array();
};

struct TargetDescription {
  std::string id;
  int port = 0;
  std::string availability_zone;
  std::string state;  // initial, healthy, unhealthy, unused, draining, unavailable
  std::string reason;
};

struct TargetRegistration {
  std::string id;
  int port = 0;
  std::string availability_zone;  // empty: AWS decides
};

// Typed ELBv2 calls; Describe* calls read every page.
class Elbv2 {
 public:
  explicit Elbv2(Client& client) : client_(client) {}

  net::Awaitable<net::Result<std::vector<LoadBalancer>>> describe_load_balancers();
  // These load balancers only, 20 ARNs a call; LoadBalancerNotFound when one is gone.
  net::Awaitable<net::Result<std::vector<LoadBalancer>>> describe_load_balancers(
      std::vector<std::string> arns);
  net::Awaitable<net::Result<LoadBalancer>> create_load_balancer(Json input);
  net::Awaitable<net::Result<void>> delete_load_balancer(std::string arn);
  net::Awaitable<net::Result<Attributes>> describe_load_balancer_attributes(std::string arn);
  net::Awaitable<net::Result<void>> modify_load_balancer_attributes(std::string arn,
                                                                    Attributes changes);
  net::Awaitable<net::Result<void>> set_security_groups(std::string arn,
                                                        std::vector<std::string> groups);
  net::Awaitable<net::Result<void>> set_subnets(std::string arn, std::vector<std::string> subnets);
  net::Awaitable<net::Result<void>> set_ip_address_type(std::string arn, std::string type);

  net::Awaitable<net::Result<std::vector<TargetGroup>>> describe_target_groups();
  // These target groups only, 20 ARNs a call; TargetGroupNotFound when one is gone.
  net::Awaitable<net::Result<std::vector<TargetGroup>>> describe_target_groups(
      std::vector<std::string> arns);
  net::Awaitable<net::Result<TargetGroup>> create_target_group(Json input);
  net::Awaitable<net::Result<void>> modify_target_group(Json input);
  net::Awaitable<net::Result<void>> delete_target_group(std::string arn);
  net::Awaitable<net::Result<Attributes>> describe_target_group_attributes(std::string arn);
  net::Awaitable<net::Result<void>> modify_target_group_attributes(std::string arn,
                                                                   Attributes changes);

  net::Awaitable<net::Result<std::vector<Listener>>> describe_listeners(
      std::string load_balancer_arn);
  net::Awaitable<net::Result<Listener>> create_listener(Json input);
  net::Awaitable<net::Result<void>> modify_listener(Json input);
  net::Awaitable<net::Result<void>> delete_listener(std::string arn);
  // The listener's certificate list: the default one (is_default) and the extra (SNI) ones.
  net::Awaitable<net::Result<std::vector<std::pair<std::string, bool>>>>
  describe_listener_certificates(std::string arn);
  net::Awaitable<net::Result<void>> add_listener_certificate(std::string arn,
                                                             std::string certificate);
  net::Awaitable<net::Result<void>> remove_listener_certificate(std::string arn,
                                                                std::string certificate);

  net::Awaitable<net::Result<std::vector<Rule>>> describe_rules(std::string listener_arn);
  net::Awaitable<net::Result<Rule>> create_rule(Json input);
  net::Awaitable<net::Result<void>> modify_rule(Json input);
  net::Awaitable<net::Result<void>> delete_rule(std::string arn);
  net::Awaitable<net::Result<void>> set_rule_priorities(
      std::vector<std::pair<std::string, int>> priorities);

  // Tags of many resources, 20 ARNs a call.
  net::Awaitable<net::Result<std::map<std::string, Tags>>> describe_tags(
      std::vector<std::string> arns);
  net::Awaitable<net::Result<void>> add_tags(std::string arn, Tags tags);
  net::Awaitable<net::Result<void>> remove_tags(std::string arn, std::vector<std::string> keys);

  net::Awaitable<net::Result<std::vector<TargetDescription>>> describe_target_health(
      std::string target_group_arn);
  // 200 targets a call.
  net::Awaitable<net::Result<void>> register_targets(std::string target_group_arn,
                                                     std::vector<TargetRegistration> targets);
  net::Awaitable<net::Result<void>> deregister_targets(std::string target_group_arn,
                                                       std::vector<TargetRegistration> targets);

 private:
  net::Awaitable<net::Result<Json>> describe_all(std::string action, Json params, std::string list);
  // describe_all over `arns` in chunks of 20 under `arns_param`.
  net::Awaitable<net::Result<Json>> describe_by_arn(std::string action, std::string arns_param,
                                                    std::vector<std::string> arns,
                                                    std::string list);
  // RegisterTargets or DeregisterTargets, 200 targets a call.
  net::Awaitable<net::Result<void>> change_targets(std::string action, std::string target_group_arn,
                                                   std::vector<TargetRegistration> targets);
  Client& client_;
};

}  // namespace albc::aws
