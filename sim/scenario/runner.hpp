#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

#include "controller/app/controller_app.hpp"
#include "sim/scenario/report.hpp"
#include "sim/scenario/scenario.hpp"

namespace albc::sim::scenario {

struct Progress {
  std::string step;  // "step 3 (wait)", or "starting"
  std::size_t steps = 0;
  net::Clock::duration virtual_time{};
  std::size_t reconciles = 0;
  bool finished = false;
};

struct RunOptions {
  std::ostream* out = nullptr;  // the trace, step output and the report
  bool trace = true;            // print the trace as it happens
  // Stop at the next task boundary on SIGINT or SIGTERM, however busy the world is (albc run).
  bool handle_signals = false;
  // Told where the run is, at each step and now and then while the world runs, and once more
  // with `finished` at the end (albc run draws a progress line on a terminal from it).
  std::function<void(const Progress&)> progress;
  // A `crash: {at: every}` step crashes at this crash site (1-based); without it, such a step
  // only counts the sites (Report::crash_sites), which is how `albc sweep` learns them.
  std::optional<std::uint64_t> crash_site;
};

struct RunResult {
  bool passed = false;
  bool bad_input = false;       // the scenario or a manifest is wrong (exit code 2)
  bool internal_error = false;  // a task in the world failed: a bug in albc (exit code 3)
  int interrupted_by = 0;       // the signal that stopped the run, if one did
  std::string failure;          // what failed, naming the file, step and field
  std::size_t trace_events = 0;
  Report report;  // what --report and --junit write
};

// The controller's flags as the scenario's `controller:` and `world:` sections set them.
app::ControllerOptions controller_options(const Scenario& scenario);

// Builds a world from the scenario, starts the controller in it (talking to the fakes over
// in-process transports in virtual time), runs the steps and reports.
RunResult run_scenario(const Scenario& scenario, const RunOptions& options);

}  // namespace albc::sim::scenario
