#pragma once

#include <optional>
#include <vector>

#include "sim/kube/store.hpp"

namespace albc::sim::world {

// The arithmetic of a Deployment's rolling update, as the Deployment controller does it; the
// controller that reads and writes objects is in workloads.hpp.

// maxSurge and maxUnavailable made counts of pods: an integer, or a percentage of the replicas
// (surge rounded up, unavailable rounded down); both 0 makes unavailable 1, so a rollout can
// move. Null for a value that is neither (validation refuses those before they are stored).
struct RolloutLimits {
  long long surge = 0;
  long long unavailable = 0;
};
std::optional<RolloutLimits> rollout_limits(const kube::Json& rolling_update, long long replicas);

struct ReplicaSetCounts {
  long long replicas = 0;   // spec.replicas
  long long available = 0;  // status.availableReplicas
};

// The new ReplicaSet's replicas after one scale-up step: up to the desired count, without the
// total of every ReplicaSet's replicas passing desired + surge. Above the desired count, the
// desired count.
long long scaled_new_replicas(long long desired, const RolloutLimits& limits,
                              long long new_replicas, long long total_replicas);

// The old ReplicaSets' replicas after one scale-down step (same order as `old`, oldest first):
// first their unavailable pods go, then available ones, while the available pods of all
// ReplicaSets stay at least desired - unavailable.
std::vector<long long> scaled_old_replicas(long long desired, const RolloutLimits& limits,
                                           const ReplicaSetCounts& new_set,
                                           const std::vector<ReplicaSetCounts>& old);

}  // namespace albc::sim::world
