#pragma once

#include <map>
#include <vector>

#include "controller/aws/elbv2.hpp"
#include "controller/deploy/tracking.hpp"

namespace albc::deploy {

template <class Resource>
struct Tagged {
  Resource resource;
  Tags tags;
};

// Finds a stack's resources the way the real controller does (no state kept between
// reconciles): list every load balancer or target group in the VPC, read their tags 20 ARNs a
// call, keep those with the stack's tags.
net::Awaitable<net::Result<std::vector<Tagged<aws::LoadBalancer>>>> find_stack_load_balancers(
    aws::Elbv2& elbv2, StackIdentity stack, std::string vpc_id);
net::Awaitable<net::Result<std::vector<Tagged<aws::TargetGroup>>>> find_stack_target_groups(
    aws::Elbv2& elbv2, StackIdentity stack, std::string vpc_id);

}  // namespace albc::deploy
