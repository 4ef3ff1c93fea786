#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "controller/aws/ec2.hpp"
#include "controller/aws/elbv2.hpp"
#include "controller/deploy/discovery.hpp"
#include "controller/deploy/inventory.hpp"
#include "controller/deploy/tracking.hpp"
#include "controller/k8s/client.hpp"
#include "controller/model/stack.hpp"
#include "controller/net/clock.hpp"
#include "controller/net/retry.hpp"
#include "controller/net/trace.hpp"

namespace albc::deploy {

using Json = nlohmann::json;

struct DeployerOptions {
  std::string cluster_name;
  std::string vpc_id;
  // Waits the real controller makes inside one deploy.
  std::chrono::seconds retry_interval{2};
  std::chrono::seconds listener_not_found_timeout{20};
  std::chrono::seconds target_group_in_use_timeout{20};
  std::chrono::seconds security_group_dependency_timeout{10};
  std::chrono::milliseconds binding_poll_interval{200};
  std::chrono::seconds binding_poll_timeout{60};
};

// What deploy learned that the reconciler writes back (Ingress status).
struct Deployed {
  std::string load_balancer_arn;
  std::string load_balancer_dns_name;
};

// Makes AWS (and the TargetGroupBindings) match a Stack: finds the stack's resources through the
// inventory (by their tags), pairs them with the desired ones by resource id, creates, updates and
// deletes. Creation runs security group → target group → load balancer → listener → rule → binding;
// deletions of what is no longer wanted run afterwards in reverse, so nothing is deleted while in
// use.
class StackDeployer {
 public:
  StackDeployer(aws::Elbv2& elbv2, Inventory& inventory, aws::Ec2& ec2, k8s::Client& kube,
                net::Clock& clock, net::Trace& trace, DeployerOptions options);
  // A reconcile of the stack starts (its model is built next, then deployed).
  void begin(const std::string& stack_id) { inventory_.begin(stack_id); }
  net::Awaitable<net::Result<Deployed>> deploy(model::Stack stack);

  struct State;

 private:
  net::Awaitable<net::Result<void>> synthesize_security_groups(State& state);
  net::Awaitable<net::Result<void>> remove_security_groups(State& state);
  net::Awaitable<net::Result<void>> synthesize_target_groups(State& state);
  net::Awaitable<net::Result<void>> remove_target_groups(State& state);
  net::Awaitable<net::Result<void>> synthesize_load_balancer(State& state);
  net::Awaitable<net::Result<void>> synthesize_listeners(State& state);
  net::Awaitable<net::Result<void>> synthesize_rules(State& state, std::string listener_arn,
                                                     int port);
  net::Awaitable<net::Result<void>> add_certificate(std::string listener_arn,
                                                    std::string certificate);
  net::Awaitable<net::Result<void>> reconcile_certificates(std::string listener_arn,
                                                           std::vector<std::string> desired);
  net::Awaitable<net::Result<void>> synthesize_bindings(State& state);
  net::Awaitable<net::Result<void>> remove_bindings(State& state);

  net::Awaitable<net::Result<void>> reconcile_elbv2_tags(std::string arn, Tags desired,
                                                         Tags current, bool ignore_legacy);
  net::Awaitable<net::Result<void>> reconcile_attributes_of_load_balancer(
      std::string arn, model::Attributes desired);
  net::Awaitable<net::Result<void>> reconcile_attributes_of_target_group(std::string arn,
                                                                         model::Attributes desired);
  net::Awaitable<net::Result<void>> wait_for_binding(std::string ns, std::string name, bool gone);

  aws::Elbv2& elbv2_;
  Inventory& inventory_;
  aws::Ec2& ec2_;
  k8s::Client& kube_;
  net::Clock& clock_;
  net::Trace& trace_;
  DeployerOptions options_;
};

struct StackDeployer::State {
  model::Stack stack;
  StackIdentity identity;
  std::string managed_security_group_id;
  std::vector<aws::SecurityGroup> unwanted_security_groups;
  std::map<std::string, std::string> target_group_arns;  // resource id → ARN
  std::vector<Tagged<aws::TargetGroup>> unwanted_target_groups;
  std::vector<Json> unwanted_bindings;
  Deployed deployed;
};

}  // namespace albc::deploy
