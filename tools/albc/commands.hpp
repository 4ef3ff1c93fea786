#pragma once

#include <string>
#include <vector>

namespace albc::tools {

// `albc run SCENARIO.yaml`: exit 0 when the scenario passes, 1 when a step fails, 2 for bad input.
int run_command(const std::vector<std::string>& args);
// `albc sweep SCENARIO.yaml --seeds A..B`: exit 0 when every run passes, 1 when one fails.
int sweep_command(const std::vector<std::string>& args);
// `albc shrink SCENARIO.yaml`: writes the smallest scenario that still fails the same way.
int shrink_command(const std::vector<std::string>& args);
// `albc serve`: runs until interrupted.
int serve_command(const std::vector<std::string>& args);

}  // namespace albc::tools
