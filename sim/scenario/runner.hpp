#pragma once

#include <iosfwd>
#include <string>

#include "controller/app/controller_app.hpp"
#include "sim/scenario/scenario.hpp"

namespace albc::sim::scenario {

struct RunOptions {
  std::ostream* out = nullptr;  // the trace, step output and the report
  bool trace = true;            // print the trace as it happens
  // Stop at the next task boundary on SIGINT or SIGTERM, however busy the world is (albc run).
  bool handle_signals = false;
};

struct RunResult {
  bool passed = false;
  bool bad_input = false;       // the scenario or a manifest is wrong (exit code 2)
  bool internal_error = false;  // a task in the world failed: a bug in albc (exit code 3)
  int interrupted_by = 0;       // the signal that stopped the run, if one did
  std::string failure;          // what failed, naming the file, step and field
  std::size_t trace_events = 0;
};

// The controller's flags as the scenario's `controller:` and `world:` sections set them.
app::ControllerOptions controller_options(const Scenario& scenario);

// Builds a world from the scenario, starts the controller in it (talking to the fakes over
// in-process transports in virtual time), runs the steps and reports.
RunResult run_scenario(const Scenario& scenario, const RunOptions& options);

}  // namespace albc::sim::scenario
