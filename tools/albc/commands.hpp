#pragma once

#include <string>
#include <vector>

namespace albc::tools {

// `albc run SCENARIO.yaml`: exit 0 when the scenario passes, 1 when a step fails, 2 for bad input.
int run_command(const std::vector<std::string>& args);
// `albc serve`: runs until interrupted.
int serve_command(const std::vector<std::string>& args);

}  // namespace albc::tools
