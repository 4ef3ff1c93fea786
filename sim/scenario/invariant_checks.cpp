#include "sim/scenario/invariant_checks.hpp"

#include <algorithm>
#include <set>

#include "controller/k8s/fields.hpp"
#include "controller/net/query_tree.hpp"
#include "sim/http/call_name.hpp"

namespace albc::sim::scenario {

std::optional<net::Error> world_stopped(const world::World& world, std::string_view signal) {
  if (const auto& failure = world.failure()) {
    // A bug names its place; the seed (and the crash site, if any) replays it exactly.
    const std::string seed = "seed " + std::to_string(world.options().seed);
    return net::make_error(
        "InternalError", failure->starts_with("bug in ")
                             ? "a broken assumption stopped the run (" + seed + "): " + *failure
                             : "a task in the simulated world failed (" + seed + "): " + *failure);
  }
  if (world.interrupted()) {
    return net::make_error(
        "Interrupted",
        "interrupted" + std::string(signal.empty() ? "" : " by ") + std::string(signal));
  }
  return std::nullopt;
}

std::optional<net::Error> InvariantChecks::stopped() const {
  return world_stopped(world_, "");
}

net::Result<void> InvariantChecks::record(const std::vector<std::string>& checked,
                                          const std::vector<Violation>& violations) {
  if (violations.empty()) {
    if (!probing_) {
      for (const std::string& name : checked)
        ++outcomes_[name].checks;
    }
    return {};
  }
  std::string message = "invariant " + violations.front().invariant + " broken: ";
  std::size_t shown = 0;
  for (const Violation& violation : violations) {
    if (violation.invariant != violations.front().invariant) continue;
    message += (shown++ == 0 ? "" : "; ") + violation.message;
  }
  // A wait that probes until an invariant holds keeps no tally of the probes that failed.
  if (probing_) return net::fail("ExpectationFailed", message);
  for (const std::string& name : checked)
    ++outcomes_[name].checks;
  for (const Violation& violation : violations) {
    std::string& first = outcomes_[violation.invariant].violation;
    if (first.empty()) first = violation.message;
  }
  world_.trace().event("invariant.broken", {{"invariant", violations.front().invariant},
                                            {"violations", std::to_string(shown)}});
  return net::fail("InvariantBroken", message);
}

net::Result<void> InvariantChecks::check_state() {
  std::vector<std::string> names;
  for (const std::string& name : invariant_names()) {
    if (!needs_resync(name) && !scenario_.invariants_off.contains(name)) names.push_back(name);
  }
  return check(names);
}

net::Result<void> InvariantChecks::check(const std::vector<std::string>& which) {
  std::vector<std::string> by_resync;
  std::vector<std::string> state;
  for (const std::string& name : which) {
    if (scenario_.invariants_off.contains(name)) continue;  // the scenario said why
    (needs_resync(name) ? by_resync : state).push_back(name);
  }
  if (!by_resync.empty()) {
    if (auto checked = check_by_resync(by_resync); !checked) return checked;
  }
  if (state.empty()) return {};
  // The fake's own bookkeeping, checked whenever the world is: a stale index is a bug in the fake.
  if (const std::string stale = world_.aws().state().check_indexes(); !stale.empty())
    world_.bug_sink()("aws.state", stale);
  const std::set<std::string> enabled(state.begin(), state.end());
  const Judged judged{scenario_.controller.cluster_name, scenario_.controller.ingress_class};
  return record(state, check_state_invariants(world_.aws(), world_.store(), judged, enabled));
}

std::map<std::string, std::size_t> InvariantChecks::kube_writes() const {
  std::map<std::string, std::size_t> writes;
  for (const auto& [call, count] : world_.kube_transport().calls()) {
    // Events are the controller's log, written on every reconcile as the real one does.
    if (http::is_kube_write(call) && !call.ends_with(" events")) writes[call] = count;
  }
  return writes;
}

// The objects the controller writes, by kind/namespace/name, with their resourceVersions: a
// write that changes nothing leaves the version as it was, as on a real API server.
std::map<std::string, std::string> InvariantChecks::written_versions() const {
  std::map<std::string, std::string> versions;
  for (const kube::ResourceType& type : world_.store().registry().all()) {
    if (type.kind != "Ingress" && type.kind != "TargetGroupBinding") continue;
    for (const Json& object : world_.store().snapshot(type, "")) {
      versions[type.kind + "/" + k8s::namespace_of(object) + "/" + k8s::name_of(object)] =
          k8s::text_field(k8s::metadata_of(object), "resourceVersion");
    }
  }
  return versions;
}

net::Result<void> InvariantChecks::check_by_resync(const std::vector<std::string>& which) {
  const Json before = settled_view(world_.aws());
  const auto versions_before = written_versions();
  const auto calls_before = world_.aws().calls_by_operation();
  const std::size_t mutating_before = world_.aws().mutating_calls_total();
  const auto kube_writes_before = kube_writes();
  world_.trace().event("invariant.resync");
  const bool resynced = controller_.resync();
  const bool settled =
      resynced && world_.run_until([&] { return quiet(); }, std::chrono::minutes(10));
  if (auto stop = stopped()) return net::fail(*stop);
  std::vector<Violation> violations;
  const bool check_converged = std::find(which.begin(), which.end(), "converged") != which.end();
  const bool check_writes =
      std::find(which.begin(), which.end(), "steady-state-no-writes") != which.end();
  if (!settled) {
    const std::string why = resynced ? "a resync of every group did not settle within 10 minutes "
                                       "of virtual time; still pending: " +
                                           pending()
                                     : "the controller is not running";
    violations.push_back({check_converged ? "converged" : "steady-state-no-writes", why});
    return record(which, violations);
  }
  std::string writes;
  for (const auto& [operation, counts] : world_.aws().calls_by_operation()) {
    auto earlier = calls_before.find(operation);
    const std::size_t made =
        counts.calls - (earlier == calls_before.end() ? 0 : earlier->second.calls);
    if (made > 0 && net::is_mutating_action(operation.substr(operation.find(' ') + 1)))
      writes += (writes.empty() ? "" : ", ") + operation + " x" + std::to_string(made);
  }
  std::size_t kube_written = 0;
  for (const auto& [call, count] : kube_writes()) {
    auto earlier = kube_writes_before.find(call);
    const std::size_t made = count - (earlier == kube_writes_before.end() ? 0 : earlier->second);
    if (made == 0) continue;
    kube_written += made;
    writes += (writes.empty() ? "" : ", ") + call + " x" + std::to_string(made);
  }
  const bool wrote = world_.aws().mutating_calls_total() > mutating_before || kube_written > 0;
  const bool changed =
      settled_view(world_.aws()) != before || written_versions() != versions_before;
  if (check_converged && wrote && changed) {
    violations.push_back({"converged",
                          "a resync of every group changed the world, so it was "
                          "not what the controller wants: " +
                              writes});
  } else if (check_writes && wrote) {
    violations.push_back(
        {"steady-state-no-writes",
         "a resync of unchanged groups made writes that changed nothing: " + writes});
  }
  return record(which, violations);
}

net::Result<void> InvariantChecks::final_checks() {
  std::vector<std::string> state;
  std::vector<std::string> by_resync;
  for (const std::string& name : invariant_names()) {
    if (scenario_.invariants_off.contains(name)) continue;
    (needs_resync(name) ? by_resync : state).push_back(name);
  }
  if (!world_.run_until([&] { return quiet(); }, std::chrono::minutes(10))) {
    if (auto stop = stopped()) return net::fail(*stop);
    for (const std::string& name : invariant_names()) {
      if (!scenario_.invariants_off.contains(name))
        outcomes_[name].not_checked =
            "the world was not quiet within 10 minutes after the "
            "last step; still pending: " +
            pending();
    }
    return {};
  }
  if (auto checked = check(state); !checked) return checked;
  return by_resync.empty() ? net::Result<void>() : check_by_resync(by_resync);
}

std::string InvariantChecks::pending() const {
  std::string text = controller_.pending();
  const auto unserved = world_.kube_transport().unserved_watches();
  if (!unserved.empty()) {
    text += std::string(text.empty() ? "" : "; ") + "watches not served:";
    for (const std::string& watch : unserved)
      text += " " + watch.substr(watch.rfind(' ') + 1);
  }
  if (const std::size_t hidden = world_.aws().elbv2().invisible_count(); hidden > 0) {
    text += std::string(text.empty() ? "" : "; ") + std::to_string(hidden) +
            " ELBv2 resource(s) not yet visible (eventual consistency)";
  }
  if (!world_.cluster().idle()) {
    text += std::string(text.empty() ? "" : "; ") + "the cluster's own controllers are busy";
  }
  return text;
}

std::vector<InvariantOutcome> InvariantChecks::outcomes() const {
  std::vector<InvariantOutcome> result;
  for (const std::string& name : invariant_names()) {
    InvariantOutcome outcome;
    if (auto found = outcomes_.find(name); found != outcomes_.end()) outcome = found->second;
    outcome.name = name;
    if (auto off = scenario_.invariants_off.find(name); off != scenario_.invariants_off.end())
      outcome.off = off->second;
    result.push_back(outcome);
  }
  return result;
}

}  // namespace albc::sim::scenario
