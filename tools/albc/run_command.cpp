#include <chrono>
#include <iostream>

#include "sim/scenario/runner.hpp"
#include "tools/albc/commands.hpp"

namespace albc::tools {
namespace {

constexpr const char* kUsage =
    "usage: albc run SCENARIO.yaml [--quiet]\n"
    "  Runs the scenario: the controller against the embedded fakes, in virtual time. Prints the\n"
    "  trace (one line per event), the steps' output and a report. Exit 0 when every step passes,\n"
    "  1 when one fails, 2 when the scenario or a manifest is wrong, 3 when albc itself failed\n"
    "  (a bug: the report names the error), 128+N when signal N (SIGINT, SIGTERM) stopped it.\n"
    "  --quiet  print the steps' output and the report, not the trace\n";

}  // namespace

int run_command(const std::vector<std::string>& args) {
  std::string path;
  bool quiet = false;
  for (const std::string& arg : args) {
    if (arg == "--quiet") {
      quiet = true;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg.starts_with("-")) {
      std::cerr << "albc run: unknown flag " << arg << "\n" << kUsage;
      return 2;
    } else if (path.empty()) {
      path = arg;
    } else {
      std::cerr << "albc run: one scenario at a time (got " << path << " and " << arg << ")\n";
      return 2;
    }
  }
  if (path.empty()) {
    std::cerr << kUsage;
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
  options.handle_signals = true;
  const sim::scenario::RunResult result = sim::scenario::run_scenario(*scenario, options);
  const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  // Wall time goes to stderr: stdout is the deterministic part.
  std::cerr << "albc run: " << (result.passed ? "passed" : "failed") << " in " << wall.count()
            << " ms of wall time\n";
  if (!result.passed) {
    std::cerr << "albc run: " << result.failure << "\n";
    if (result.interrupted_by != 0) return 128 + result.interrupted_by;
    if (result.internal_error) return 3;
    return result.bad_input ? 2 : 1;
  }
  return 0;
}

}  // namespace albc::tools
