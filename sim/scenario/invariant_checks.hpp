#pragma once

#include <map>
#include <string>
#include <vector>

#include "controller/net/result.hpp"
#include "sim/scenario/controller_pod.hpp"
#include "sim/scenario/invariants.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/world/world.hpp"

namespace albc::sim::scenario {

// How one invariant fared over a run.
struct InvariantOutcome {
  std::string name;
  std::string off;  // the scenario's reason for switching it off
  std::size_t checks = 0;
  std::string violation;    // the first, if any
  std::string not_checked;  // why the check after the last step could not run
};

// Checks a scenario's invariants against its world and keeps the tally for the report. A
// broken invariant is an InvariantBroken error naming it and the offending objects.
// Why the world stopped running on its own: a bug or a failed task (with the seed that replays
// it), or a signal (named by `signal` when known).
std::optional<net::Error> world_stopped(const world::World& world, std::string_view signal);

class InvariantChecks {
 public:
  InvariantChecks(const Scenario& scenario, world::World& world, ControllerPod& controller)
      : scenario_(scenario), world_(world), controller_(controller) {}

  // No request in flight, the cluster settled, the controller idle with no retry waiting.
  bool quiet() const { return controller_.idle() && world_.quiescent(); }
  // What keeps the world from being quiet: the controller's unsettled keys, unserved watches.
  std::string pending() const;
  // The state invariants the scenario has on.
  net::Result<void> check_state();
  net::Result<void> check(const std::vector<std::string>& which);
  // After the last step: the world is let settle and every invariant that is on is checked.
  net::Result<void> final_checks();
  std::vector<InvariantOutcome> outcomes() const;
  // While set (a wait until an invariant holds), a broken invariant is an ExpectationFailed
  // that the wait retries, and nothing is tallied.
  void set_probing(bool probing) { probing_ = probing; }

 private:
  // converged and steady-state-no-writes: every group is reconciled again and must change nothing.
  net::Result<void> check_by_resync(const std::vector<std::string>& which);
  net::Result<void> record(const std::vector<std::string>& checked,
                           const std::vector<Violation>& violations);
  std::map<std::string, std::string> written_versions() const;
  // Kubernetes writes so far by call, Events aside.
  std::map<std::string, std::size_t> kube_writes() const;
  std::optional<net::Error> stopped() const;

  const Scenario& scenario_;
  world::World& world_;
  ControllerPod& controller_;
  std::map<std::string, InvariantOutcome> outcomes_;
  bool probing_ = false;
};

}  // namespace albc::sim::scenario
