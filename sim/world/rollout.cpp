#include "sim/world/rollout.hpp"

#include <algorithm>

#include "controller/net/numbers.hpp"

namespace albc::sim::world {
namespace {

// An int-or-string against the replicas; percentages round up or down.
std::optional<long long> resolve(const kube::Json& value, long long replicas, bool round_up,
                                 long long absent) {
  if (value.is_null()) return absent;
  if (value.is_number_integer()) return value.get<long long>();
  if (!value.is_string()) return std::nullopt;
  const std::string text = value.get<std::string>();
  if (!text.ends_with('%')) return std::nullopt;
  const auto percent =
      net::parse_integer<long long>(std::string_view(text).substr(0, text.size() - 1));
  if (!percent || *percent < 0) return std::nullopt;
  const long long scaled = *percent * replicas;
  return round_up ? (scaled + 99) / 100 : scaled / 100;
}

}  // namespace

std::optional<RolloutLimits> rollout_limits(const kube::Json& rolling_update, long long replicas) {
  const kube::Json& surge = rolling_update.is_object() && rolling_update.contains("maxSurge")
                                ? rolling_update["maxSurge"]
                                : kube::Json();
  const kube::Json& unavailable =
      rolling_update.is_object() && rolling_update.contains("maxUnavailable")
          ? rolling_update["maxUnavailable"]
          : kube::Json();
  const auto surge_count = resolve(surge, replicas, true, (25 * replicas + 99) / 100);
  const auto unavailable_count = resolve(unavailable, replicas, false, 25 * replicas / 100);
  if (!surge_count || !unavailable_count) return std::nullopt;
  RolloutLimits limits{*surge_count, *unavailable_count};
  if (limits.surge == 0 && limits.unavailable == 0) limits.unavailable = 1;
  // Never more unavailable than there are replicas.
  limits.unavailable = std::min(limits.unavailable, std::max(replicas, 0LL));
  return limits;
}

long long scaled_new_replicas(long long desired, const RolloutLimits& limits,
                              long long new_replicas, long long total_replicas) {
  if (new_replicas >= desired) return desired;
  const long long room = std::max(0LL, desired + limits.surge - total_replicas);
  return new_replicas + std::min(desired - new_replicas, room);
}

std::vector<long long> scaled_old_replicas(long long desired, const RolloutLimits& limits,
                                           const ReplicaSetCounts& new_set,
                                           const std::vector<ReplicaSetCounts>& old) {
  std::vector<long long> result;
  long long total = new_set.replicas;
  long long available = std::min(new_set.available, new_set.replicas);
  for (const ReplicaSetCounts& set : old) {
    result.push_back(set.replicas);
    total += set.replicas;
    available += std::min(set.available, set.replicas);
  }
  const long long min_available = desired - limits.unavailable;
  const long long new_unavailable = std::max(0LL, new_set.replicas - new_set.available);
  // Unavailable old pods first: they serve nobody, and removing them costs no availability.
  long long cleanup = total - min_available - new_unavailable;
  for (std::size_t i = 0; i < old.size() && cleanup > 0; ++i) {
    const long long unhealthy = std::max(0LL, old[i].replicas - old[i].available);
    const long long down = std::min(cleanup, unhealthy);
    result[i] -= down;
    cleanup -= down;
  }
  // Then available ones, down to the floor of available pods.
  long long spare = available - min_available;
  for (std::size_t i = 0; i < old.size() && spare > 0; ++i) {
    const long long down = std::min(spare, result[i]);
    result[i] -= down;
    spare -= down;
  }
  return result;
}

}  // namespace albc::sim::world
