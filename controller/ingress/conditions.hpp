#pragma once

#include <vector>

#include "controller/model/stack.hpp"
#include "controller/net/result.hpp"

namespace albc::ingress {

using Json = nlohmann::json;

// What a `conditions.<name>` annotation adds to a rule: host and path values join the rule's
// own (OR), the other fields become conditions of their own, in annotation order.
struct ConditionAdditions {
  std::vector<std::string> hosts;
  std::vector<std::string> host_regexes;
  std::vector<std::string> paths;
  std::vector<std::string> path_regexes;
  std::vector<model::Condition> extra;
};

// Parses the annotation's JSON list with the real controller's validation texts.
net::Result<ConditionAdditions> parse_condition_annotation(const Json& list);

// The rule's conditions in the real controller's order: extra conditions, host values, host
// regexes, path values, path regexes; path-pattern /* when nothing else is left.
net::Result<std::vector<model::Condition>> assemble_conditions(
    const std::vector<std::string>& hosts, const std::vector<std::string>& paths,
    const ConditionAdditions& additions);

}  // namespace albc::ingress
