#pragma once

// The scenario runner's one run (internal to sim/scenario): runner.cpp drives the steps and
// reports, run_checks.cpp holds the checks that steps make.

#include <boost/asio/signal_set.hpp>
#include <optional>
#include <ostream>

#include "sim/scenario/churn.hpp"
#include "sim/scenario/controller_pod.hpp"
#include "sim/scenario/crash_points.hpp"
#include "sim/scenario/faults.hpp"
#include "sim/scenario/invariant_checks.hpp"
#include "sim/scenario/latency.hpp"
#include "sim/scenario/manifests.hpp"
#include "sim/scenario/report.hpp"
#include "sim/scenario/runner.hpp"
#include "sim/scenario/wire_tap.hpp"
#include "sim/world/world.hpp"

namespace albc::sim::scenario {

class Run {
 public:
  Run(const Scenario& scenario, const RunOptions& options);
  // The controller's coroutines run in the world's io_contexts: they go first, after the signal
  // set that lives in one.
  ~Run();

  RunResult execute();

 private:
  world::WorldOptions world_options() const;
  void watch_signals();
  // Why the world stopped running on its own (a signal, a failed task), as a step failure.
  std::optional<net::Error> stopped() const;
  // An advance step: virtual time passes, with the state invariants checked at quiet moments.
  net::Result<void> advance(net::Clock::duration duration);
  net::Result<void> check_kinds() const;
  net::Result<void> run_step(const Step& step);
  net::Result<void> expect(const Step& step);
  net::Result<void> wait_until(const Step& step);
  net::Result<void> expect_aws_calls(const Json& expected) const;
  net::Result<void> expect_kubernetes(const Json& checks);
  std::string describe_kubernetes() const;
  net::Result<std::vector<Json>> load_manifest(const std::string& file) const;
  // The run's figures now. Taken when the last step has run: the final checks' own calls are
  // not the scenario's.
  Report measure() const;
  // Ends the run: the result, the report (written to out), the trace's last event.
  RunResult finish(RunResult result);
  RunResult fail(RunResult result, const std::string& failure, const net::Error& error);
  void show_progress(bool finished = false);

  const Scenario& scenario_;
  const RunOptions& options_;
  std::ostream& out_;
  world::World world_;
  Manifests manifests_;
  ControllerPod controller_;
  CrashPoints crash_points_;
  Faults faults_;
  WireTap wire_tap_;
  InvariantChecks invariants_;
  LatencyTracker latency_;
  Churn churn_;
  std::optional<asio::signal_set> signals_;
  int interrupted_by_ = 0;
  std::vector<StepRecord> steps_;
  const Step* current_ = nullptr;

  std::optional<Report> measured_;
};

}  // namespace albc::sim::scenario
