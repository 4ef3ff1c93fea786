#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controller/net/clock.hpp"
#include "controller/net/random.hpp"
#include "controller/net/trace.hpp"
#include "sim/scenario/manifests.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/world/cluster.hpp"

namespace albc::sim::scenario {

// Runs churn on the virtual clock: every kill_every a pod drawn from the seed is deleted (its
// ReplicaSet replaces it); every flap_every a ready pod drawn from the seed fails its readiness
// probe for flap_for; every drain_every a schedulable node drawn from the seed is drained, and
// replaced drain_for later (removed, a new node joining its subnet). Counted for the report.
class Churn {
 public:
  Churn(Manifests& manifests, world::Cluster& cluster, net::Clock& clock, net::Random random,
        net::Trace& trace);
  ~Churn();
  Churn(const Churn&) = delete;
  Churn& operator=(const Churn&) = delete;

  void start(const ChurnSpec& spec, std::size_t step);
  // Ends all churn (the steps are over): no more ticks, flapped pods pass their probe again.
  void stop();
  // A churn step one of whose activities never happened (a selector that matches no pod, a
  // single node to drain), with that activity: "kill", "flap" or "drain".
  struct Idle {
    std::size_t step = 0;
    std::string activity;
  };
  std::optional<Idle> idle() const;
  struct Tally {
    std::size_t step = 0;
    net::Clock::duration began{};
    std::size_t kills = 0;
    std::size_t flaps = 0;
    std::size_t drains = 0;
  };
  std::vector<Tally> tallies() const;

 private:
  struct Running {
    ChurnSpec spec;
    std::size_t step;
    net::Clock::time_point until;
    // One stream per activity: adding drains to a churn leaves its kills and flaps alone.
    net::Random kill_random;
    net::Random flap_random;
    net::Random drain_random;
    net::Clock::time_point began;
    std::size_t kills = 0;
    std::size_t flaps = 0;
    std::size_t drains = 0;
  };
  void restore(const std::string& ns, const std::string& name);
  void kill(std::size_t index);
  void flap(std::size_t index);
  void drain(std::size_t index);
  void arm(std::chrono::milliseconds delay, std::function<void()> callback);
  std::vector<std::string> pods(const Running& running) const;

  Manifests& manifests_;
  world::Cluster& cluster_;
  net::Clock& clock_;
  net::Random random_;
  net::Trace& trace_;
  std::vector<Running> running_;
  std::vector<net::Clock::TimerId> timers_;
  std::vector<net::Clock::TimerId> replacements_;  // drained nodes to replace
  std::set<std::string> flapped_;                  // namespace/name of pods failing their probe now
};

}  // namespace albc::sim::scenario
