#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controller/net/clock.hpp"
#include "sim/aws/aws_server.hpp"
#include "sim/kube/store.hpp"

namespace albc::sim::scenario {

// One Ingress's latencies, in virtual time from its creation.
struct IngressLatency {
  std::string ingress;  // namespace/name
  std::optional<net::Clock::duration> to_address;
  std::optional<net::Clock::duration> to_healthy;
};

// A distribution by nearest rank: p50, p90, p99 and the maximum of `count` samples.
struct Percentiles {
  std::size_t count = 0;
  net::Clock::duration p50{}, p90{}, p99{}, max{};
};
Percentiles percentiles(std::vector<net::Clock::duration> samples);

// Measures, per Ingress, the virtual time from its creation to the address written in its
// status (seen as the store commits it, exact) and to all its targets healthy. Health is looked
// at after each step, from the fake's own timestamps: the time is the moment the last target
// became healthy, exact unless targets changed between that moment and the look.
class LatencyTracker {
 public:
  LatencyTracker(kube::Store& store, const aws::AwsServer& aws, const net::Clock& clock);

  // Looks at target health now; call it whenever the world has run (after each step).
  void observe_health();
  std::vector<IngressLatency> ingresses() const;

 private:
  struct Entry {
    std::string stack;
    std::set<std::string> backends;  // target group resource ids
    net::Clock::time_point created;
    std::optional<net::Clock::time_point> addressed;
    std::optional<net::Clock::time_point> healthy;
  };
  // Shared with the store's observer, which may outlive the tracker.
  struct State {
    std::map<std::string, Entry> entries;
  };
  std::optional<net::Clock::time_point> healthy_at(const Entry& entry) const;

  const aws::AwsServer& aws_;
  const net::Clock& clock_;
  std::shared_ptr<State> state_;
};

}  // namespace albc::sim::scenario
