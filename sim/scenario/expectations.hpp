#pragma once

#include <string>
#include <vector>

#include "controller/net/result.hpp"
#include "sim/scenario/source_file.hpp"

namespace albc::sim::scenario {

// Does `actual` satisfy `pattern`? A mapping must be a subset of the actual mapping; a list
// must have as many elements, matched in order, and `{any_order: [...]}` as many, each pattern
// matching a different element; a scalar compares by its text, except the patterns
// "re:<regex>" (a full match), "*" (present and not empty) and "absent" (no such key).
// On a mismatch, the error names the path: "load_balancers[0].Scheme: expected X, got Y".
net::Result<void> match_pattern(const Json& pattern, const Json& actual, const std::string& path);

}  // namespace albc::sim::scenario
