#pragma once

#include <string>

#include "sim/aws/aws_server.hpp"
#include "sim/scenario/source_file.hpp"

namespace albc::sim::scenario {

// The fake account as expectations see it, in the aws CLI's words: load balancers (with their
// listeners, rules and attributes), target groups (with their targets' health) and security
// groups, sorted by name; tags as maps.
Json aws_view(const aws::AwsServer& aws);

// A readable summary of the same, for `print: aws`.
std::string describe_aws(const aws::AwsServer& aws);

}  // namespace albc::sim::scenario
