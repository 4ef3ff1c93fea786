#include "sim/scenario/latency.hpp"

#include <algorithm>
#include <set>

#include "controller/k8s/fields.hpp"

namespace albc::sim::scenario {
namespace {

using Json = nlohmann::json;

bool has_address(const Json& ingress) {
  const Json& entries =
      k8s::list_field(k8s::map_field(k8s::map_field(ingress, "status"), "loadBalancer"), "ingress");
  return std::any_of(entries.begin(), entries.end(), [](const Json& entry) {
    return !k8s::text_field(entry, "hostname").empty() || !k8s::text_field(entry, "ip").empty();
  });
}

// The resource ids of the Ingress's target groups: "namespace/ingress-service:port" for each
// backend, as the ingress.k8s.aws/resource tag has them.
std::set<std::string> backend_ids(const Json& ingress) {
  std::set<std::string> ids;
  const std::string prefix = k8s::namespace_of(ingress) + "/" + k8s::name_of(ingress) + "-";
  const auto add = [&](const Json& backend) {
    const Json& service = k8s::map_field(backend, "service");
    const Json& port = k8s::map_field(service, "port");
    const std::string name = k8s::text_field(service, "name");
    if (name.empty()) return;
    const std::string port_text = port.contains("number")
                                      ? std::to_string(k8s::integer_field(port, "number", 0))
                                      : k8s::text_field(port, "name");
    ids.insert(prefix + name + ":" + port_text);
  };
  const Json& spec = k8s::map_field(ingress, "spec");
  add(k8s::map_field(spec, "defaultBackend"));
  for (const Json& rule : k8s::list_field(spec, "rules")) {
    for (const Json& path : k8s::list_field(k8s::map_field(rule, "http"), "paths"))
      add(k8s::map_field(path, "backend"));
  }
  return ids;
}

std::string stack_of(const Json& ingress) {
  const Json& annotations = k8s::map_field(k8s::metadata_of(ingress), "annotations");
  const std::string group = k8s::text_field(annotations, "alb.ingress.kubernetes.io/group.name");
  return group.empty() ? k8s::namespace_of(ingress) + "/" + k8s::name_of(ingress) : group;
}

}  // namespace

Percentiles percentiles(std::vector<net::Clock::duration> samples) {
  Percentiles result;
  result.count = samples.size();
  if (samples.empty()) return result;
  std::sort(samples.begin(), samples.end());
  const auto rank = [&](std::size_t percent) {
    // Nearest rank: the smallest sample with at least `percent` of the samples at or below it.
    const std::size_t index = (percent * samples.size() + 99) / 100;
    return samples[std::max<std::size_t>(index, 1) - 1];
  };
  result.p50 = rank(50);
  result.p90 = rank(90);
  result.p99 = rank(99);
  result.max = samples.back();
  return result;
}

LatencyTracker::LatencyTracker(kube::Store& store, const aws::AwsServer& aws,
                               const net::Clock& clock)
    : aws_(aws), clock_(clock), state_(std::make_shared<State>()) {
  std::weak_ptr<State> weak = state_;
  const net::Clock* time = &clock_;
  store.observe([weak, time](const kube::Change& change) {
    if (change.resource->kind != "Ingress") return;
    auto state = weak.lock();
    if (!state) return;
    const std::string key =
        k8s::namespace_of(change.object()) + "/" + k8s::name_of(change.object());
    if (change.type == kube::ChangeType::Added) {
      state->entries[key] = Entry{stack_of(change.object()), backend_ids(change.object()),
                                  time->now(), std::nullopt, std::nullopt};
      return;
    }
    auto found = state->entries.find(key);
    if (found == state->entries.end()) return;
    if (change.type == kube::ChangeType::Modified) {
      found->second.stack = stack_of(change.object());
      found->second.backends = backend_ids(change.object());
    }
    if (!found->second.addressed && has_address(change.object()))
      found->second.addressed = time->now();
  });
}

// The moment the last of the Ingress's targets became healthy, once all have; the Ingress's
// target groups are those of its stack tagged with the resource id of one of its backends.
std::optional<net::Clock::time_point> LatencyTracker::healthy_at(const Entry& entry) const {
  std::optional<net::Clock::time_point> last;
  bool any_group = false;
  for (const auto& [arn, group] : aws_.state().target_groups()) {
    auto stack = group.tags.find("ingress.k8s.aws/stack");
    auto resource = group.tags.find("ingress.k8s.aws/resource");
    if (stack == group.tags.end() || stack->second != entry.stack || resource == group.tags.end() ||
        !entry.backends.contains(resource->second))
      continue;
    any_group = true;
    bool any_target = false;
    for (const aws::Target* target : aws_.elbv2().current_targets(group)) {
      if (target->draining_until) continue;
      auto healthy = aws_.elbv2().healthy_from(group, *target);
      if (!healthy || *healthy > clock_.now()) return std::nullopt;
      any_target = true;
      last = std::max(last.value_or(*healthy), *healthy);
    }
    if (!any_target) return std::nullopt;
  }
  return any_group ? last : std::nullopt;
}

void LatencyTracker::observe_health() {
  for (auto& [key, entry] : state_->entries) {
    if (entry.healthy || !entry.addressed) continue;
    entry.healthy = healthy_at(entry);
  }
}

std::vector<IngressLatency> LatencyTracker::ingresses() const {
  std::vector<IngressLatency> result;
  for (const auto& [key, entry] : state_->entries) {
    IngressLatency latency{key, std::nullopt, std::nullopt};
    if (entry.addressed) latency.to_address = *entry.addressed - entry.created;
    if (entry.healthy) latency.to_healthy = std::max(*entry.healthy, entry.created) - entry.created;
    result.push_back(latency);
  }
  return result;
}

}  // namespace albc::sim::scenario
