#include "sim/world/cluster.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <stdexcept>

#include "controller/net/cidr.hpp"
#include "controller/net/digest.hpp"

namespace albc::sim::world {

using kube::Json;

Cluster::Cluster(kube::Store& store, net::Clock& clock, net::Random random, net::Trace& trace,
                 net::Executor executor, ClusterOptions options)
    : store_(store),
      clock_(clock),
      random_(std::move(random)),
      trace_(trace),
      executor_(std::move(executor)),
      options_(options),
      workloads_(store_, clock_, random_, trace_, options_.burst_replicas, [this] { post_pass(); }),
      endpoint_slices_(store_, pods_, random_, trace_, options_.endpoints_per_slice_max) {
  store_.observe([this](const kube::Change& change) { on_change(change); });
}

Cluster::~Cluster() {
  destroyed_ = true;
  for (net::Clock::TimerId timer : timers_)
    clock_.cancel(timer);
}

const kube::ResourceType& Cluster::type(const char* api_version, const char* kind) const {
  return store_.type(api_version, kind);
}

std::string Cluster::add_node(const NodeSpec& spec) {
  // The subnet's lowest free address (AWS keeps the first four and the last).
  const auto cidr = net::parse_cidr(spec.subnet_cidr);
  std::string first_ip;
  for (std::uint64_t offset = 4; cidr && offset + 1 < cidr->size(); ++offset) {
    const std::string candidate = net::format_ipv4(cidr->base + static_cast<std::uint32_t>(offset));
    if (!used_ips_.contains(candidate)) {
      first_ip = candidate;
      break;
    }
  }
  if (first_ip.empty()) {
    trace_.event("world.node.add_failed",
                 {{"zone", spec.zone}, {"subnet", spec.subnet_cidr}, {"error", "no free address"}});
    return "";
  }
  used_ips_.insert(first_ip);
  std::string dashed = first_ip;
  std::replace(dashed.begin(), dashed.end(), '.', '-');
  const std::string region = spec.zone.substr(0, spec.zone.size() - 1);
  Node node{"ip-" + dashed + "." + region + ".compute.internal", spec.zone, spec.subnet_cidr,
            first_ip};
  Json object = {
      {"metadata",
       {{"name", node.name},
        {"labels",
         {{"kubernetes.io/hostname", node.name},
          {"kubernetes.io/os", "linux"},
          {"topology.kubernetes.io/zone", spec.zone},
          {"topology.kubernetes.io/region", region},
          {"node.kubernetes.io/instance-type", "m5.large"}}}}},
      {"spec", {{"providerID", "aws:///" + spec.zone + "/i-" + random_.hex(17)}}},
      {"status",
       {{"conditions",
         Json::array({{{"type", "Ready"}, {"status", "True"}, {"reason", "KubeletReady"}}})},
        {"addresses", Json::array({{{"type", "InternalIP"}, {"address", first_ip}}})},
        {"capacity", {{"pods", std::to_string(options_.pods_per_node_max)}}},
        {"nodeInfo", {{"kubeletVersion", "v1.32.0"}}}}}};
  auto created = store_.create(type("v1", "Node"), "", object);
  if (created) trace_.event("world.node.added", {{"name", node.name}, {"zone", spec.zone}});
  nodes_.push_back(node);
  wake_for_new_room();  // pods waiting for room try the new node
  return node.name;
}

std::vector<Cluster::NodeView> Cluster::nodes() const {
  std::vector<NodeView> views;
  for (const Node& node : nodes_)
    views.push_back({node.name, node.zone, node.subnet_cidr, node.schedulable});
  return views;
}

bool Cluster::cordon(const std::string& name, bool unschedulable) {
  auto node = store_.get(type("v1", "Node"), "", name);
  if (!node) return false;
  Json changed = *node;
  Json& spec = changed["spec"];
  Json taints = Json::array();
  for (const Json& taint : field(spec, "taints").is_array() ? spec["taints"] : Json::array()) {
    if (text(taint, "key") != "node.kubernetes.io/unschedulable") taints.push_back(taint);
  }
  if (unschedulable) {
    spec["unschedulable"] = true;
    taints.push_back({{"key", "node.kubernetes.io/unschedulable"},
                      {"effect", "NoSchedule"},
                      {"timeAdded", net::format_rfc3339(clock_.wall_now())}});
  } else {
    spec.erase("unschedulable");
  }
  if (taints.empty()) {
    spec.erase("taints");
  } else {
    spec["taints"] = taints;
  }
  if (field(changed, "spec") == field(*node, "spec")) return true;
  if (!store_.update(type("v1", "Node"), "", name, changed, kube::Subresource::None)) return false;
  trace_.event(unschedulable ? "world.node.cordoned" : "world.node.uncordoned", {{"name", name}});
  return true;
}

std::size_t Cluster::drain(const std::string& name) {
  if (!cordon(name, true)) return 0;
  std::vector<std::pair<std::string, std::string>> bound;
  for (const auto& [key, pod] : pods_) {
    if (pod.node == name && !pod.deleting) bound.emplace_back(pod.ns, pod.name);
  }
  std::size_t evicted = 0;
  for (const auto& [ns, pod] : bound) {
    if (!store_.remove(type("v1", "Pod"), ns, pod, {})) continue;
    ++evicted;
    trace_.event("world.pod.evicted", {{"pod", ns + "/" + pod}, {"node", name}});
  }
  trace_.event("world.node.drained", {{"name", name}, {"pods", std::to_string(evicted)}});
  return evicted;
}

bool Cluster::remove_node(const std::string& name) {
  if (!store_.remove(type("v1", "Node"), "", name, {})) return false;
  trace_.event("world.node.removed", {{"name", name}});
  return true;
}

void Cluster::on_node_change(const kube::Change& change) {
  const std::string name = text(field(change.object(), "metadata"), "name");
  const auto node = std::find_if(nodes_.begin(), nodes_.end(),
                                 [&](const Node& candidate) { return candidate.name == name; });
  if (node == nodes_.end()) return;  // one the world did not add: no kubelet runs it
  if (change.type == kube::ChangeType::Deleted) {
    used_ips_.erase(node->ip);
    // Its pods no longer count against it: a node added later may take its name (its address).
    std::erase_if(placed_, [&](const auto& placed) { return placed.second == name; });
    nodes_.erase(node);
    removed_nodes_.insert(name);
    post_pass();
    return;
  }
  const bool schedulable = field(field(change.object(), "spec"), "unschedulable") != true;
  if (schedulable == node->schedulable) return;
  node->schedulable = schedulable;
  if (schedulable) wake_for_new_room();
}

void Cluster::collect_pods_of_removed_nodes() {
  if (removed_nodes_.empty()) return;
  const std::set<std::string> gone = std::exchange(removed_nodes_, {});
  std::vector<std::pair<std::string, std::string>> orphans;
  for (const auto& [key, pod] : pods_) {
    if (gone.contains(pod.node)) orphans.emplace_back(pod.ns, pod.name);
  }
  kube::DeleteOptions now;
  now.grace_period_seconds = 0;
  for (const auto& [ns, name] : orphans) {
    if (store_.remove(type("v1", "Pod"), ns, name, now)) {
      trace_.event("world.pod.deleted", {{"pod", ns + "/" + name}, {"reason", "node removed"}});
    }
  }
}

std::size_t Cluster::pods_running() const {
  std::size_t running = 0;
  for (const auto& [key, pod] : pods_)
    running += pod.ip.empty() ? 0 : 1;
  return running;
}

void Cluster::on_change(const kube::Change& change) {
  if (destroyed_) return;
  const std::string& kind = change.resource->kind;
  const bool core = change.resource->group.empty();
  const bool apps = change.resource->group == "apps";
  if (apps && kind == "Deployment") {
    workloads_.deployment_changed(change);
  } else if (apps && kind == "ReplicaSet") {
    workloads_.replica_set_changed(change);
  } else if (core && kind == "Pod") {
    on_pod_change(change);
  } else if (core && kind == "Node") {
    on_node_change(change);
  } else if (kind == "EndpointSlice" && change.resource->group == "discovery.k8s.io") {
    endpoint_slices_.slice_changed(change);
    if (endpoint_slices_.has_work()) post_pass();
  } else if (core && kind == "Service") {
    const auto [ns, name] = split_key(key_of(change.object()));
    endpoint_slices_.service_changed(ns, name);
    post_pass();
  }
}

void Cluster::on_pod_change(const kube::Change& change) {
  const std::string key = key_of(change.object());
  const auto [ns, name] = split_key(key);
  std::optional<PodFacts> before;
  if (auto known = pods_.find(key); known != pods_.end()) before = known->second;
  const bool deleted = change.type == kube::ChangeType::Deleted;
  if (deleted && !before) return;  // a pod this cluster never saw (none: it sees every change)
  if (deleted) {
    pods_.erase(key);
  } else {
    pods_[key] = PodFacts::of(change.object());
  }
  const PodFacts* after = deleted ? nullptr : &pods_[key];
  workloads_.pod_changed(before ? &*before : nullptr, after);
  endpoint_slices_.pod_changed(before ? &*before : nullptr, after);
  post_pass();
  // A new pod starts (on the node it names, if it names one); arming a timer is all an observer
  // may do, it must not write.
  if (change.type == kube::ChangeType::Added && !scheduled_.contains(key)) {
    schedule_start(ns, name);
  }
  // A graceful deletion began, or a second DELETE shortened it.
  if (after != nullptr && after->deleting && after->grace_seconds > 0 &&
      (!before || !before->deleting || after->grace_seconds < before->grace_seconds)) {
    schedule_stop(*after);
  }
  if (!deleted) return;
  const PodFacts& pod = *before;
  unschedulable_.erase(key);
  used_ips_.erase(pod.ip);
  release_node(key);
}

void Cluster::release_node(const std::string& pod_key) {
  const auto placed = placed_.find(pod_key);
  if (placed == placed_.end()) return;
  for (Node& node : nodes_) {
    if (node.name != placed->second) continue;
    ALBC_ASSERT(node.pods > 0);
    --node.pods;
  }
  placed_.erase(placed);
  wake_waiting();
}

void Cluster::wake_for_new_room() {
  for (std::size_t i = 0; i < options_.pods_per_node_max && !waiting_.empty(); ++i)
    wake_waiting();
}

void Cluster::wake_waiting() {
  while (!waiting_.empty()) {
    const std::string key = waiting_.front();
    waiting_.pop_front();
    if (!unschedulable_.erase(key)) continue;  // gone, or started already
    const auto [ns, name] = split_key(key);
    schedule_start(ns, name);
    return;
  }
}

void Cluster::post_pass() {
  if (pass_posted_ || destroyed_) return;
  pass_posted_ = true;
  asio::post(executor_, [this] {
    pass_posted_ = false;
    if (!destroyed_) reconcile();
  });
}

void Cluster::guarded(const std::string& what, const std::string& key,
                      const std::function<void()>& work) {
  // Objects are validated before they are stored, so nothing here should throw; if a bug
  // lets nlohmann throw, that object's work stops and the rest of the world goes on.
  try {
    work();
  } catch (const std::exception& error) {
    ++errors_;
    trace_.event("world.error", {{"controller", what}, {"object", key}, {"error", error.what()}});
    if (bug_sink_) bug_sink_("the world's " + what + " controller, on " + key, error.what());
  }
}

void Cluster::reconcile() {
  const auto guard = [this](const std::string& what, const std::string& key,
                            const std::function<void()>& work) { guarded(what, key, work); };
  guarded("podgc", "", [this] { collect_pods_of_removed_nodes(); });
  workloads_.sync(guard);
  endpoint_slices_.sync([&](const std::string& key, const std::function<void()>& work) {
    guarded("endpointslice", key, work);
  });
}

net::Clock::TimerId Cluster::after(std::chrono::milliseconds min, std::chrono::milliseconds max,
                                   std::function<void()> then) {
  ++pending_transitions_;
  const auto delay = std::chrono::milliseconds(random_.uniform(
      static_cast<std::uint64_t>(min.count()), static_cast<std::uint64_t>(max.count())));
  const auto timer = std::make_shared<net::Clock::TimerId>(0);
  *timer = clock_.call_after(delay, [this, timer, then = std::move(then)] {
    timers_.erase(*timer);
    --pending_transitions_;
    then();
  });
  timers_.insert(*timer);
  return *timer;
}

void Cluster::schedule_start(const std::string& ns, const std::string& name) {
  const std::string key = ns + "/" + name;
  scheduled_.insert(key);
  after(options_.pod_start_min, options_.pod_start_max, [this, ns, name, key] {
    scheduled_.erase(key);
    guarded("scheduler", key, [&] { start_pod(ns, name); });
  });
}

Cluster::Node* Cluster::pick_node() {
  std::vector<Node*> room;
  for (Node& node : nodes_) {
    if (node.schedulable && node.pods < options_.pods_per_node_max) room.push_back(&node);
  }
  if (room.empty()) return nullptr;
  return room[random_.uniform(0, room.size() - 1)];
}

std::string Cluster::allocate_ip(const Node& node) {
  const auto cidr = net::parse_cidr(node.subnet_cidr);
  if (!cidr || cidr->usable_addresses() < 8) return "";
  // AWS keeps the first four and the last address of a subnet.
  for (int attempt = 0; attempt < 64; ++attempt) {
    const std::uint32_t offset = static_cast<std::uint32_t>(random_.uniform(16, cidr->size() - 2));
    const std::string ip = net::format_ipv4(cidr->base + offset);
    if (used_ips_.insert(ip).second) return ip;
  }
  return "";
}

void Cluster::mark_unschedulable(const std::string& ns, const std::string& name) {
  const std::string key = ns + "/" + name;
  if (!unschedulable_.insert(key).second) return;
  waiting_.push_back(key);
  auto pod = store_.get(type("v1", "Pod"), ns, name);
  if (!pod) return;
  const std::string count = std::to_string(nodes_.size());
  Json pending = *pod;
  pending["status"]["phase"] = "Pending";
  pending["status"]["conditions"] =
      Json::array({{{"type", "PodScheduled"},
                    {"status", "False"},
                    {"reason", "Unschedulable"},
                    {"message", "0/" + count + " nodes are available: " + count +
                                    " Too many pods or no free IP address."}}});
  (void)store_.update(type("v1", "Pod"), ns, name, pending, kube::Subresource::Status);
  trace_.event("world.pod.unschedulable", {{"pod", key}});
}

void Cluster::start_pod(const std::string& ns, const std::string& name) {
  const std::string key = ns + "/" + name;
  auto pod = store_.get(type("v1", "Pod"), ns, name);
  if (!pod || being_deleted(*pod) || placed_.contains(key)) {
    // Gone before it started: if it was woken for a free slot, the next waiting pod takes it.
    return wake_waiting();
  }
  // A pod that names its node (created with spec.nodeName) runs there; the others get one.
  const std::string named = text(field(*pod, "spec"), "nodeName");
  Node* node = nullptr;
  if (named.empty()) {
    node = pick_node();
  } else {
    for (Node& candidate : nodes_) {
      if (candidate.name == named) node = &candidate;
    }
  }
  const std::string ip = node == nullptr ? "" : allocate_ip(*node);
  if (ip.empty()) return mark_unschedulable(ns, name);
  if (named.empty()) {
    Json scheduled = *pod;
    scheduled["spec"]["nodeName"] = node->name;
    auto bound = store_.update(type("v1", "Pod"), ns, name, scheduled, kube::Subresource::None);
    if (!bound) {
      used_ips_.erase(ip);
      return;
    }
    pod = std::move(bound);
  }
  ++node->pods;
  placed_[key] = node->name;
  Json containers = Json::array();
  const Json& declared = field(field(*pod, "spec"), "containers");
  for (const Json& container : declared.is_array() ? declared : Json::array()) {
    containers.push_back(
        {{"name", text(container, "name")},
         {"ready", false},
         {"restartCount", 0},
         {"image", text(container, "image")},
         {"started", true},
         {"state", {{"running", {{"startedAt", net::format_rfc3339(clock_.wall_now())}}}}}});
  }
  Json running = *pod;
  running["status"] = {
      {"phase", "Running"},
      {"podIP", ip},
      {"podIPs", Json::array({{{"ip", ip}}})},
      {"hostIP", node->ip},
      {"startTime", net::format_rfc3339(clock_.wall_now())},
      {"qosClass", "BestEffort"},
      {"containerStatuses", containers},
      {"conditions", Json::array({{{"type", "PodScheduled"}, {"status", "True"}},
                                  {{"type", "Initialized"}, {"status", "True"}},
                                  {{"type", "ContainersReady"}, {"status", "False"}},
                                  {{"type", "Ready"}, {"status", "False"}}})}};
  if (!store_.update(type("v1", "Pod"), ns, name, running, kube::Subresource::Status)) {
    used_ips_.erase(ip);  // bound to its node, without an address
    return;
  }
  trace_.event("world.pod.running", {{"pod", key}, {"node", node->name}, {"ip", ip}});
  after(options_.pod_ready_min, options_.pod_ready_max,
        [this, ns, name] { guarded("kubelet", ns + "/" + name, [&] { make_ready(ns, name); }); });
}

void Cluster::schedule_stop(const PodFacts& pod) {
  const auto grace = std::chrono::milliseconds(std::chrono::seconds(pod.grace_seconds));
  const auto max = std::min(options_.pod_stop_max, grace);
  after(std::min(options_.pod_stop_min, max), max,
        [this, ns = pod.ns, name = pod.name, uid = pod.uid] {
          guarded("kubelet", ns + "/" + name, [&] {
            kube::DeleteOptions now;
            now.precondition_uid = uid;
            now.grace_period_seconds = 0;
            if (store_.remove(type("v1", "Pod"), ns, name, now)) {
              trace_.event("world.pod.stopped", {{"pod", ns + "/" + name}});
            }
          });
        });
}

void Cluster::make_ready(const std::string& ns, const std::string& name) {
  set_ready(ns, name, true);
}

bool Cluster::ready(const std::string& ns, const std::string& name) const {
  auto pod = store_.get(type("v1", "Pod"), ns, name);
  if (!pod || being_deleted(*pod)) return false;
  const Json& status = pod->value("status", Json::object());
  if (status.value("phase", "") != "Running") return false;
  for (const Json& condition : status.value("conditions", Json::array())) {
    if (condition.value("type", "") == "Ready") return condition.value("status", "") == "True";
  }
  return false;
}

bool Cluster::set_ready(const std::string& ns, const std::string& name, bool ready) {
  auto pod = store_.get(type("v1", "Pod"), ns, name);
  if (!pod || being_deleted(*pod)) return false;
  Json changed = *pod;
  const std::string status = ready ? "True" : "False";
  // Only conditions and containers the pod has: a pod not started yet has none to change.
  auto conditions = changed["status"].find("conditions");
  if (conditions == changed["status"].end() || !conditions->is_array()) return false;
  for (Json& condition : *conditions) {
    if (text(condition, "type") == "Ready" || text(condition, "type") == "ContainersReady")
      condition["status"] = status;
  }
  if (auto containers = changed["status"].find("containerStatuses");
      containers != changed["status"].end() && containers->is_array()) {
    for (Json& container : *containers)
      container["ready"] = ready;
  }
  if (changed == *pod) return false;
  if (!store_.update(type("v1", "Pod"), ns, name, changed, kube::Subresource::Status)) return false;
  trace_.event(ready ? "world.pod.ready" : "world.pod.not_ready", {{"pod", ns + "/" + name}});
  return true;
}

}  // namespace albc::sim::world
