#include <chrono>
#include <iostream>

#include "sim/scenario/runner.hpp"
#include "tools/albc/commands.hpp"

namespace albc::tools {

int run_command(const std::vector<std::string>& args) {
  std::string path;
  bool quiet = false;
  for (const std::string& arg : args) {
    if (arg == "--quiet") {
      quiet = true;
    } else if (arg.starts_with("-")) {
      std::cerr << "albc run: unknown flag " << arg << "\n";
      return 2;
    } else if (path.empty()) {
      path = arg;
    } else {
      std::cerr << "albc run: one scenario at a time (got " << path << " and " << arg << ")\n";
      return 2;
    }
  }
  if (path.empty()) {
    std::cerr << "usage: albc run SCENARIO.yaml [--quiet]\n";
    return 2;
  }
  auto scenario = sim::scenario::load_scenario(path);
  if (!scenario) {
    std::cerr << "albc run: " << scenario.error().describe() << "\n";
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  sim::scenario::RunOptions options;
  options.out = &std::cout;
  options.trace = !quiet;
  const sim::scenario::RunResult result = sim::scenario::run_scenario(*scenario, options);
  const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  // Wall time goes to stderr: stdout is the deterministic part.
  std::cerr << "albc run: " << (result.passed ? "passed" : "failed") << " in " << wall.count()
            << " ms of wall time\n";
  if (!result.passed) {
    std::cerr << "albc run: " << result.failure << "\n";
    return result.bad_input ? 2 : 1;
  }
  return 0;
}

}  // namespace albc::tools
