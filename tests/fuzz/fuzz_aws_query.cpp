// The fake AWS's parameter handling: a Query-protocol form (the body of a signed request) read
// into the parameter tree and handed to an ELBv2 or EC2 action, chosen by the form's Action.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "controller/net/query_tree.hpp"
#include "controller/net/url.hpp"
#include "sim/aws/aws_server.hpp"
#include "sim/world/virtual_clock.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace albc;
  auto form = net::QueryForm::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!form) return 0;
  auto tree = net::parse_query_tree(*form);
  if (!tree) return 0;
  sim::world::VirtualClock clock(net::Clock::wall_time_point{});
  sim::aws::AwsServer aws(clock, net::Random(1), sim::aws::AwsServerOptions{});
  // A VPC and subnets for the actions that need them.
  (void)aws.ec2().handle(
      "CreateVpc", sim::aws::Params({{"CidrBlock", "10.0.0.0/16"}}, sim::aws::Params::Style::Ec2));
  const std::string action = form->value_or("Action", "");
  if (aws.ec2().knows(action)) {
    (void)aws.ec2().handle(action, sim::aws::Params(*tree, sim::aws::Params::Style::Ec2));
  }
  if (aws.elbv2().knows(action)) {
    (void)aws.elbv2().handle(action, sim::aws::Params(*tree, sim::aws::Params::Style::Elbv2));
  }
  return 0;
}
