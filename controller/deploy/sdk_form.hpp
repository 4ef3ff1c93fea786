#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller/model/stack.hpp"
#include "controller/net/result.hpp"

namespace albc::deploy {

using Json = nlohmann::json;

// Model actions and conditions in the ELBv2 Query shape (what CreateRule sends and DescribeRules
// returns); forward targets resolved from target group resource ids to ARNs.
net::Result<Json> sdk_actions(const std::vector<model::Action>& actions,
                              const std::map<std::string, std::string>& target_group_arns);
Json sdk_conditions(const std::vector<model::Condition>& conditions);

// The real controller's equality rules: actions compared in Order, ignoring Order itself and the
// legacy top-level TargetGroupArn, forward target groups sorted by ARN with the weight of a
// lone one ignored, stickiness only when desired sets it, unset redirect parts as AWS's
// #{...} defaults; conditions sorted by field, legacy Values ignored, value order kept.
bool actions_equal(const Json& desired, const Json& actual);
bool conditions_equal(const Json& desired, const Json& actual);

}  // namespace albc::deploy
