#include "sim/scenario/churn.hpp"

#include <set>

#include "sim/scenario/node_step.hpp"

namespace albc::sim::scenario {

Churn::Churn(Manifests& manifests, world::Cluster& cluster, net::Clock& clock, net::Random random,
             net::Trace& trace)
    : manifests_(manifests),
      cluster_(cluster),
      clock_(clock),
      random_(std::move(random)),
      trace_(trace) {}

Churn::~Churn() {
  for (net::Clock::TimerId timer : timers_)
    clock_.cancel(timer);
  for (net::Clock::TimerId timer : replacements_)
    clock_.cancel(timer);
}

void Churn::arm(std::chrono::milliseconds delay, std::function<void()> callback) {
  timers_.push_back(clock_.call_after(delay, std::move(callback)));
}

void Churn::start(const ChurnSpec& spec, std::size_t step) {
  const std::size_t index = running_.size();
  const std::string stream = "churn.step." + std::to_string(step);
  running_.push_back({spec, step, clock_.now() + spec.length, random_.fork(stream + ".kill"),
                      random_.fork(stream + ".flap"), random_.fork(stream + ".drain"),
                      clock_.now()});
  if (spec.kill_every) arm(*spec.kill_every, [this, index] { kill(index); });
  if (spec.flap_every) arm(*spec.flap_every, [this, index] { flap(index); });
  if (spec.drain_every) arm(*spec.drain_every, [this, index] { drain(index); });
}

std::vector<std::string> Churn::pods(const Running& running) const {
  const kube::ResourceType* type = manifests_.type_of_kind("Pod");
  return manifests_.selected(*type, running.spec.ns, running.spec.selector);
}

std::vector<Churn::Tally> Churn::tallies() const {
  std::vector<Tally> result;
  for (const Running& running : running_) {
    result.push_back({running.step, running.began - net::Clock::time_point{}, running.kills,
                      running.flaps, running.drains});
  }
  return result;
}

void Churn::restore(const std::string& ns, const std::string& name) {
  if (flapped_.erase(ns + "/" + name) > 0) cluster_.set_ready(ns, name, true);
}

void Churn::stop() {
  for (net::Clock::TimerId timer : timers_)
    clock_.cancel(timer);
  timers_.clear();
  // Pods still failing their probe pass it again: churn ends with the steps.
  for (const std::string& key : std::set<std::string>(flapped_))
    restore(key.substr(0, key.find('/')), key.substr(key.find('/') + 1));
}

std::optional<Churn::Idle> Churn::idle() const {
  for (const Running& running : running_) {
    if (running.spec.kill_every && running.kills == 0) return Idle{running.step, "kill"};
    if (running.spec.flap_every && running.flaps == 0) return Idle{running.step, "flap"};
    if (running.spec.drain_every && running.drains == 0) return Idle{running.step, "drain"};
  }
  return std::nullopt;
}

void Churn::kill(std::size_t index) {
  Running& running = running_[index];
  if (clock_.now() > running.until) return;
  const std::vector<std::string> names = pods(running);
  if (!names.empty()) {
    const std::string& name = names[running.kill_random.uniform(0, names.size() - 1)];
    if (manifests_.remove_one("Pod", running.spec.ns, name)) {
      ++running.kills;
      flapped_.erase(running.spec.ns + "/" + name);
      trace_.event("churn.pod.killed",
                   {{"pod", running.spec.ns + "/" + name}, {"step", std::to_string(running.step)}});
    }
  }
  if (clock_.now() + *running.spec.kill_every < running.until)
    arm(*running.spec.kill_every, [this, index] { kill(index); });
}

void Churn::flap(std::size_t index) {
  Running& running = running_[index];
  if (clock_.now() > running.until) return;
  // Only a ready pod can fail its probe: one still starting is the kubelet's to make ready.
  std::vector<std::string> names = pods(running);
  const std::string ns = running.spec.ns;
  std::erase_if(names, [&](const std::string& name) {
    return flapped_.contains(ns + "/" + name) || !cluster_.ready(ns, name);
  });
  if (!names.empty()) {
    const std::string name = names[running.flap_random.uniform(0, names.size() - 1)];
    if (cluster_.set_ready(ns, name, false)) {
      ++running.flaps;
      flapped_.insert(ns + "/" + name);
      trace_.event("churn.pod.unready",
                   {{"pod", ns + "/" + name}, {"step", std::to_string(running.step)}});
      arm(running.spec.flap_for, [this, ns, name] { restore(ns, name); });
    }
  }
  if (clock_.now() + *running.spec.flap_every < running.until)
    arm(*running.spec.flap_every, [this, index] { flap(index); });
}

}  // namespace albc::sim::scenario

namespace albc::sim::scenario {

void Churn::drain(std::size_t index) {
  Running& running = running_[index];
  if (clock_.now() > running.until) return;
  // Keep one node taking pods: draining the last would leave nothing to replace them on.
  std::size_t schedulable = 0;
  for (const world::Cluster::NodeView& node : cluster_.nodes())
    schedulable += node.schedulable ? 1 : 0;
  const auto node = schedulable > 1 ? draw_node(cluster_, "drain", "", running.drain_random)
                                    : std::optional<world::Cluster::NodeView>();
  if (node) {
    const std::size_t evicted = cluster_.drain(node->name);
    ++running.drains;
    trace_.event("churn.node.drained", {{"node", node->name},
                                        {"pods", std::to_string(evicted)},
                                        {"step", std::to_string(running.step)}});
    // The node group replaces it: the drained node goes, a new one joins its subnet.
    // It happens even if the churn stops first: a node group finishes what it started.
    replacements_.push_back(clock_.call_after(running.spec.drain_for, [this, replaced = *node] {
      // A step may have removed it already; then the node group has nothing to replace.
      if (!cluster_.remove_node(replaced.name)) return;
      const std::string added = cluster_.add_node({replaced.zone, replaced.subnet_cidr});
      trace_.event("churn.node.replaced",
                   {{"node", replaced.name}, {"by", added.empty() ? "none (subnet full)" : added}});
    }));
  }
  if (clock_.now() + *running.spec.drain_every < running.until)
    arm(*running.spec.drain_every, [this, index] { drain(index); });
}

}  // namespace albc::sim::scenario
