#pragma once

#include <set>
#include <string>
#include <vector>

namespace albc::ingress {

// A list as Go's fmt prints a []string ("[a b c]"): the real controller's error messages and
// events show lists this way, and users grep for them.
std::string go_list(const std::vector<std::string>& values);

// A set as Go prints a map[string]struct{} ("map[a:{} b:{}]").
std::string go_set(const std::set<std::string>& values);

}  // namespace albc::ingress
