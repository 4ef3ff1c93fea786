#include <algorithm>
#include <set>

#include "controller/deploy/stack_deployer.hpp"

namespace albc::deploy {
namespace {

std::set<std::string> as_set(const std::vector<std::string>& values) {
  return {values.begin(), values.end()};
}

}  // namespace

net::Awaitable<net::Result<void>> StackDeployer::synthesize_load_balancer(State& state) {
  auto found = co_await inventory_.load_balancers(state.identity);
  if (!found) co_return net::fail(found.error());
  const std::optional<model::LoadBalancerSpec>& desired = state.stack.load_balancer;
  std::optional<Tagged<aws::LoadBalancer>> matched;
  std::vector<aws::LoadBalancer> unwanted;
  for (Tagged<aws::LoadBalancer>& lb : *found) {
    const std::string id = resource_id_of(lb.tags);
    if (id.empty())
      co_return net::fail("UnexpectedResource",
                          "unexpected loadBalancer with no resourceID: " + lb.resource.arn);
    const bool wanted = desired && id == model::kLoadBalancerId && !matched &&
                        lb.resource.scheme == desired->scheme && lb.resource.type == desired->type;
    if (wanted)
      matched = lb;
    else
      unwanted.push_back(lb.resource);
  }
  // Load balancers no longer wanted (or to be replaced) go first; their listeners and rules go with
  // them.
  for (const aws::LoadBalancer& lb : unwanted) {
    trace_.event("deploy.load_balancer.deleting",
                 {{"stack", state.identity.stack_id}, {"arn", lb.arn}});
    auto deleted = co_await elbv2_.delete_load_balancer(lb.arn);
    if (!deleted && deleted.error().code == "OperationNotPermitted" &&
        deleted.error().message.find("deletion protection") != std::string::npos) {
      const aws::Attributes unprotect = {{"deletion_protection.enabled", "false"}};
      auto unprotected = co_await elbv2_.modify_load_balancer_attributes(lb.arn, unprotect);
      if (!unprotected) co_return net::fail(unprotected.error());
      deleted = co_await elbv2_.delete_load_balancer(lb.arn);
    }
    if (!deleted)
      co_return net::fail(net::with_context(deleted.error(), "failed to delete loadBalancer"));
    inventory_.deleted(lb.arn);
    trace_.event("deploy.load_balancer.deleted",
                 {{"stack", state.identity.stack_id}, {"arn", lb.arn}});
  }
  if (!desired) co_return net::Result<void>();
  std::vector<std::string> security_groups;
  for (const model::SecurityGroupRef& group : desired->security_groups) {
    security_groups.push_back(group.resource_id.empty() ? group.group_id
                                                        : state.managed_security_group_id);
  }
  const Tags tags = resource_tags(state.identity, model::kLoadBalancerId, desired->tags);
  if (!matched) {
    Json mappings = Json::array();
    for (const std::string& subnet : desired->subnet_ids)
      mappings.push_back({{"SubnetId", subnet}});
    Json input = {{"Name", desired->name},
                  {"Type", desired->type},
                  {"Scheme", desired->scheme},
                  {"IpAddressType", desired->ip_address_type},
                  {"SubnetMappings", mappings},
                  {"SecurityGroups", security_groups},
                  {"Tags", aws::key_value_list(tags)}};
    trace_.event("deploy.load_balancer.creating",
                 {{"stack", state.identity.stack_id}, {"name", desired->name}});
    auto created = co_await elbv2_.create_load_balancer(input);
    if (!created)
      co_return net::fail(net::with_context(created.error(), "failed to create loadBalancer"));
    trace_.event(
        "deploy.load_balancer.created",
        {{"stack", state.identity.stack_id}, {"arn", created->arn}, {"dns", created->dns_name}});
    inventory_.created(created->arn, tags);
    state.deployed = {created->arn, created->dns_name};
    co_return co_await reconcile_attributes_of_load_balancer(created->arn, desired->attributes);
  }
  const aws::LoadBalancer& lb = matched->resource;
  state.deployed = {lb.arn, lb.dns_name};
  if (auto tagged = co_await reconcile_elbv2_tags(lb.arn, tags, matched->tags, true); !tagged)
    co_return net::fail(tagged.error());
  if (as_set(security_groups) != as_set(lb.security_groups)) {
    trace_.event("deploy.load_balancer.setting_security_groups",
                 {{"stack", state.identity.stack_id}, {"arn", lb.arn}});
    if (auto set = co_await elbv2_.set_security_groups(lb.arn, security_groups); !set)
      co_return net::fail(set.error());
  }
  if (as_set(desired->subnet_ids) != as_set(lb.subnet_ids)) {
    trace_.event("deploy.load_balancer.setting_subnets",
                 {{"stack", state.identity.stack_id}, {"arn", lb.arn}});
    if (auto set = co_await elbv2_.set_subnets(lb.arn, desired->subnet_ids); !set)
      co_return net::fail(set.error());
  }
  if (desired->ip_address_type != lb.ip_address_type) {
    trace_.event(
        "deploy.load_balancer.setting_ip_address_type",
        {{"stack", state.identity.stack_id}, {"arn", lb.arn}, {"type", desired->ip_address_type}});
    if (auto set = co_await elbv2_.set_ip_address_type(lb.arn, desired->ip_address_type); !set)
      co_return net::fail(set.error());
  }
  co_return co_await reconcile_attributes_of_load_balancer(lb.arn, desired->attributes);
}

}  // namespace albc::deploy
