#include "sim/scenario/churn.hpp"

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
}

void Churn::arm(std::chrono::milliseconds delay, std::function<void()> callback) {
  timers_.push_back(clock_.call_after(delay, std::move(callback)));
}

void Churn::start(const ChurnSpec& spec, std::size_t step) {
  const std::size_t index = running_.size();
  running_.push_back(
      {spec, step, clock_.now() + spec.length, random_.fork("churn.step." + std::to_string(step))});
  if (spec.kill_every) arm(*spec.kill_every, [this, index] { kill(index); });
  if (spec.flap_every) arm(*spec.flap_every, [this, index] { flap(index); });
}

std::vector<std::string> Churn::pods(const Running& running) const {
  const kube::ResourceType* type = manifests_.type_of_kind("Pod");
  return manifests_.selected(*type, running.spec.ns, running.spec.selector);
}

void Churn::kill(std::size_t index) {
  Running& running = running_[index];
  if (clock_.now() > running.until) return;
  const std::vector<std::string> names = pods(running);
  if (!names.empty()) {
    const std::string& name = names[running.random.uniform(0, names.size() - 1)];
    if (manifests_.remove_one("Pod", running.spec.ns, name)) {
      ++kills_;
      trace_.event("churn.pod.killed",
                   {{"pod", running.spec.ns + "/" + name}, {"step", std::to_string(running.step)}});
    }
  }
  if (clock_.now() + *running.spec.kill_every <= running.until)
    arm(*running.spec.kill_every, [this, index] { kill(index); });
}

void Churn::flap(std::size_t index) {
  Running& running = running_[index];
  if (clock_.now() > running.until) return;
  const std::vector<std::string> names = pods(running);
  if (!names.empty()) {
    const std::string name = names[running.random.uniform(0, names.size() - 1)];
    const std::string ns = running.spec.ns;
    if (cluster_.set_ready(ns, name, false)) {
      ++flaps_;
      trace_.event("churn.pod.unready",
                   {{"pod", ns + "/" + name}, {"step", std::to_string(running.step)}});
      arm(running.spec.flap_for, [this, ns, name] { cluster_.set_ready(ns, name, true); });
    }
  }
  if (clock_.now() + *running.spec.flap_every <= running.until)
    arm(*running.spec.flap_every, [this, index] { flap(index); });
}

}  // namespace albc::sim::scenario
