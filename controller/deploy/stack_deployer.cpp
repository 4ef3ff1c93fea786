#include "controller/deploy/stack_deployer.hpp"

namespace albc::deploy {

StackDeployer::StackDeployer(aws::Elbv2& elbv2, Inventory& inventory, aws::Ec2& ec2,
                             k8s::Client& kube, net::Clock& clock, net::Trace& trace,
                             DeployerOptions options)
    : elbv2_(elbv2),
      inventory_(inventory),
      ec2_(ec2),
      kube_(kube),
      clock_(clock),
      trace_(trace),
      options_(std::move(options)) {}

net::Awaitable<net::Result<Deployed>> StackDeployer::deploy(model::Stack stack) {
  State state;
  state.identity = {options_.cluster_name, stack.id, stack.id.find('/') == std::string::npos};
  state.stack = std::move(stack);
  // Forward: create and update; the first error stops the deploy (the next reconcile converges).
  if (auto done = co_await synthesize_security_groups(state); !done)
    co_return net::fail(done.error());
  if (auto done = co_await synthesize_target_groups(state); !done)
    co_return net::fail(done.error());
  if (auto done = co_await synthesize_load_balancer(state); !done)
    co_return net::fail(done.error());
  if (auto done = co_await synthesize_listeners(state); !done) co_return net::fail(done.error());
  if (auto done = co_await synthesize_bindings(state); !done) co_return net::fail(done.error());
  // Backward: delete what nothing uses any more.
  if (auto done = co_await remove_bindings(state); !done) co_return net::fail(done.error());
  if (auto done = co_await remove_target_groups(state); !done) co_return net::fail(done.error());
  if (auto done = co_await remove_security_groups(state); !done) co_return net::fail(done.error());
  co_return state.deployed;
}

net::Awaitable<net::Result<void>> StackDeployer::reconcile_elbv2_tags(std::string arn, Tags desired,
                                                                      Tags current,
                                                                      bool ignore_legacy) {
  const TagChanges changes = tag_changes(desired, current, options_.cluster_name, ignore_legacy);
  if (!changes.set.empty()) {
    auto added = co_await elbv2_.add_tags(arn, changes.set);
    inventory_.tags_changed(arn);  // even on failure: the call may have taken effect
    if (!added) co_return net::fail(added.error());
  }
  if (!changes.remove.empty()) {
    auto dropped = co_await elbv2_.remove_tags(arn, changes.remove);
    inventory_.tags_changed(arn);
    if (!dropped) co_return net::fail(dropped.error());
  }
  co_return net::Result<void>();
}

namespace {

aws::Attributes attribute_changes(const model::Attributes& desired,
                                  const aws::Attributes& current) {
  aws::Attributes changes;
  for (const auto& [key, value] : desired) {
    auto found = current.find(key);
    if (found == current.end() || found->second != value) changes[key] = value;
  }
  return changes;
}

}  // namespace

net::Awaitable<net::Result<void>> StackDeployer::reconcile_attributes_of_load_balancer(
    std::string arn, model::Attributes desired) {
  auto current = co_await elbv2_.describe_load_balancer_attributes(arn);
  if (!current) co_return net::fail(current.error());
  const aws::Attributes changes = attribute_changes(desired, *current);
  if (changes.empty()) co_return net::Result<void>();
  co_return co_await elbv2_.modify_load_balancer_attributes(arn, changes);
}

net::Awaitable<net::Result<void>> StackDeployer::reconcile_attributes_of_target_group(
    std::string arn, model::Attributes desired) {
  auto current = co_await elbv2_.describe_target_group_attributes(arn);
  if (!current) co_return net::fail(current.error());
  const aws::Attributes changes = attribute_changes(desired, *current);
  if (changes.empty()) co_return net::Result<void>();
  co_return co_await elbv2_.modify_target_group_attributes(arn, changes);
}

}  // namespace albc::deploy
