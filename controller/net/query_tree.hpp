#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "controller/net/result.hpp"
#include "controller/net/url.hpp"

namespace albc::net {

// The AWS Query protocol flattens structures into dotted names. Lists are written
// `Name.member.N` by ELBv2 (the "query" protocol) and `Name.N` by EC2 (the "ec2" protocol).
enum class QueryStyle { Query, Ec2 };

// {"Action":"CreateRule","Conditions":[{"Field":"path-pattern",...}]} →
// Action=CreateRule&Conditions.member.1.Field=path-pattern&...  Scalars are written as text;
// objects and arrays keep their key order (nlohmann sorts keys).
QueryForm flatten_query(const nlohmann::json& tree, QueryStyle style);

// Bounds on a request's parameters. The deepest name an AWS shape takes has eight segments
// (`Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight`); RegisterTargets of a full
// target group (1,000 targets) sends about 3,000 parameters.
struct QueryLimits {
  std::size_t parameters_max = 10'000;
  std::size_t name_bytes_max = 512;
  std::size_t segments_max = 16;
};

// The reverse, for servers: every value stays a string; `.member.N` and `.N` segments become
// arrays ordered by N. Conflicting shapes (`A=1` and `A.B=2`), names past the limits and too
// many parameters are a MalformedQueryString naming the parameter.
Result<nlohmann::json> parse_query_tree(const QueryForm& form, QueryLimits limits = {});

// AWS's read-only actions are named Describe*, Get* or List*; every other action changes state.
bool is_mutating_action(std::string_view action);

}  // namespace albc::net
