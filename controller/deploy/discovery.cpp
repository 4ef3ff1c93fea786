#include "controller/deploy/discovery.hpp"

namespace albc::deploy {
namespace {

template <class Resource>
net::Awaitable<net::Result<std::vector<Tagged<Resource>>>> keep_stack_members(
    aws::Elbv2& elbv2, StackIdentity stack, std::vector<Resource> candidates) {
  std::vector<std::string> arns;
  for (const Resource& candidate : candidates)
    arns.push_back(candidate.arn);
  std::vector<Tagged<Resource>> members;
  if (arns.empty()) co_return members;
  auto tags = co_await elbv2.describe_tags(arns);
  if (!tags) co_return net::fail(tags.error());
  for (Resource& candidate : candidates) {
    const Tags& resource_tags = (*tags)[candidate.arn];
    if (belongs_to(stack, resource_tags)) members.push_back({std::move(candidate), resource_tags});
  }
  co_return members;
}

}  // namespace

net::Awaitable<net::Result<std::vector<Tagged<aws::LoadBalancer>>>> find_stack_load_balancers(
    aws::Elbv2& elbv2, StackIdentity stack, std::string vpc_id) {
  auto all = co_await elbv2.describe_load_balancers();
  if (!all) co_return net::fail(all.error());
  std::vector<aws::LoadBalancer> in_vpc;
  for (aws::LoadBalancer& lb : *all) {
    if (lb.vpc_id == vpc_id) in_vpc.push_back(std::move(lb));
  }
  co_return co_await keep_stack_members(elbv2, stack, std::move(in_vpc));
}

net::Awaitable<net::Result<std::vector<Tagged<aws::TargetGroup>>>> find_stack_target_groups(
    aws::Elbv2& elbv2, StackIdentity stack, std::string vpc_id) {
  auto all = co_await elbv2.describe_target_groups();
  if (!all) co_return net::fail(all.error());
  std::vector<aws::TargetGroup> in_vpc;
  for (aws::TargetGroup& group : *all) {
    if (group.vpc_id == vpc_id) in_vpc.push_back(std::move(group));
  }
  co_return co_await keep_stack_members(elbv2, stack, std::move(in_vpc));
}

}  // namespace albc::deploy
