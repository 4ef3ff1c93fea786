#pragma once

// A world with the real clients wired to its fakes, for tests that drive the controller's
// pieces through the same path as a simulation: client → in-process transport → fake.

#include <catch2/catch.hpp>

#include "controller/aws/ec2.hpp"
#include "controller/aws/elbv2.hpp"
#include "controller/k8s/client.hpp"
#include "sim/world/account_setup.hpp"
#include "sim/world/world.hpp"

namespace albc::test_support {

inline sim::world::WorldOptions world_options(std::uint64_t seed,
                                              std::string region = "us-east-1") {
  sim::world::WorldOptions options;
  options.seed = seed;
  options.region = std::move(region);
  options.keep_trace_lines = true;
  return options;
}

struct SimFixture {
  explicit SimFixture(std::uint64_t seed, std::string region = "us-east-1")
      : world(world_options(seed, region)),
        kube(world.kube_transport(), k8s::ClientOptions{}),
        aws_client(aws::Endpoint{world.aws_transport(),
                                 "elasticloadbalancing." + region + ".amazonaws.com"},
                   aws::Endpoint{world.aws_transport(), "ec2." + region + ".amazonaws.com"},
                   net::Credentials{"testing", "testing", ""}, world.clock(),
                   world.random().fork("test.aws"), world.trace(), aws::ClientOptions{region}),
        elbv2(aws_client),
        ec2(aws_client) {}

  ~SimFixture() { world.shutdown(); }

  template <class T>
  T run(net::Awaitable<T> coroutine) {
    auto result = world.run_to_completion(std::move(coroutine), std::chrono::hours(1));
    REQUIRE(result.has_value());
    return std::move(*result);
  }

  // A VPC 10.0.0.0/16 named "test-vpc", public subnets "public-a"/"public-b" tagged for
  // internet-facing load balancers, private ones for internal, and a security group "web".
  void build_account() {
    sim::world::AccountSetup setup;
    setup.vpc_name = "test-vpc";
    setup.vpc_cidr = "10.0.0.0/16";
    const std::string region = world.options().region;
    setup.subnets = {
        {"public-a", region + "a", "10.0.0.0/24", {{"kubernetes.io/role/elb", "1"}}, 1},
        {"public-b", region + "b", "10.0.1.0/24", {{"kubernetes.io/role/elb", "1"}}, 1},
        {"private-a", region + "a", "10.0.10.0/24", {{"kubernetes.io/role/internal-elb", "1"}}, 0},
        {"private-b", region + "b", "10.0.11.0/24", {{"kubernetes.io/role/internal-elb", "1"}}, 0}};
    setup.security_groups = {{"web", "web servers"}};
    REQUIRE(sim::world::build_account(world.aws(), world.cluster(), world.trace(), setup));
    REQUIRE(sim::world::build_cluster(world.store(), {"alb"}));
    vpc_id = world.aws().state().vpcs.begin()->first;
  }

  sim::world::World world;
  k8s::Client kube;
  aws::Client aws_client;
  aws::Elbv2 elbv2;
  aws::Ec2 ec2;
  std::string vpc_id;
};

}  // namespace albc::test_support
