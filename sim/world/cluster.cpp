#include "sim/world/cluster.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <stdexcept>

#include "controller/net/cidr.hpp"
#include "controller/net/digest.hpp"

namespace albc::sim::world {

using kube::Json;

namespace {

std::string key_of(const Json& object) {
  return text(field(object, "metadata"), "namespace") + "/" +
         text(field(object, "metadata"), "name");
}

bool deleting(const Json& object) {
  return field(object, "metadata").contains("deletionTimestamp");
}

}  // namespace

Cluster::Cluster(kube::Store& store, net::Clock& clock, net::Random random, net::Trace& trace,
                 net::Executor executor, ClusterOptions options)
    : store_(store),
      clock_(clock),
      random_(std::move(random)),
      trace_(trace),
      executor_(std::move(executor)),
      options_(options),
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

void Cluster::add_node(const NodeSpec& spec) {
  const auto cidr = net::parse_cidr(spec.subnet_cidr);
  const std::string first_ip =
      cidr ? net::format_ipv4(cidr->base + 4 + static_cast<std::uint32_t>(nodes_.size()))
           : "10.0.0.4";
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
  if (kind == "Deployment") {
    // Its own status writes (this pass's) need no new pass: only what the user changed does.
    const bool status_only = change.type == kube::ChangeType::Modified &&
                             field(change.object, "spec") == field(change.previous, "spec") &&
                             deleting(change.object) == deleting(change.previous);
    if (status_only) return;
    dirty_deployments_.insert(key_of(change.object));
    blocked_deployments_.erase(key_of(change.object));
    if (change.type == kube::ChangeType::Deleted) {
      deleted_owners_.insert(text(field(change.object, "metadata"), "uid"));
    }
  } else if (core && kind == "Pod") {
    on_pod_change(change);
  } else if (core && kind == "Service") {
    const auto [ns, name] = split_key(key_of(change.object));
    endpoint_slices_.service_changed(ns, name);
  } else {
    return;
  }
  post_pass();
}

void Cluster::on_pod_change(const kube::Change& change) {
  const std::string key = key_of(change.object);
  const auto [ns, name] = split_key(key);
  std::optional<PodFacts> before;
  if (auto known = pods_.find(key); known != pods_.end()) before = known->second;
  const bool deleted = change.type == kube::ChangeType::Deleted;
  if (deleted && !before) return;  // a pod this cluster never saw (none: it sees every change)
  if (before) {
    auto owner = pods_by_owner_.find(before->owner_uid);
    if (owner != pods_by_owner_.end()) {
      owner->second.erase(key);
      if (owner->second.empty()) pods_by_owner_.erase(owner);
    }
  }
  if (deleted) {
    pods_.erase(key);
  } else {
    PodFacts& now = pods_[key] = PodFacts::of(change.object);
    if (!now.owner_uid.empty()) pods_by_owner_[now.owner_uid][key] = &now;
  }
  const PodFacts* after = deleted ? nullptr : &pods_[key];
  endpoint_slices_.pod_changed(before ? &*before : nullptr, after);
  const PodFacts& pod = after != nullptr ? *after : *before;
  if (!pod.owner_name.empty()) dirty_deployments_.insert(ns + "/" + pod.owner_name);
  // A new pod starts (on the node it names, if it names one); arming a timer is all an observer
  // may do, it must not write.
  if (change.type == kube::ChangeType::Added && !scheduled_.contains(key)) {
    schedule_start(ns, name);
  }
  if (!deleted) return;
  unschedulable_.erase(key);
  used_ips_.erase(pod.ip);
  // Pods of the namespace go: a Deployment the quota held back may create again.
  for (auto blocked = blocked_deployments_.lower_bound(ns + "/");
       blocked != blocked_deployments_.end() && blocked->first.starts_with(ns + "/");) {
    dirty_deployments_.insert(blocked->first);
    blocked = blocked_deployments_.erase(blocked);
  }
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
  }
}

void Cluster::reconcile() {
  const std::set<std::string> gone = std::exchange(deleted_owners_, {});
  for (const std::string& uid : gone)
    guarded("garbagecollector", uid, [&] { collect_orphans(uid); });
  const std::set<std::string> deployments = std::exchange(dirty_deployments_, {});
  for (const std::string& key : deployments) {
    const auto [ns, name] = split_key(key);
    guarded("deployment", key, [&, ns = ns, name = name] { reconcile_deployment(ns, name); });
  }
  endpoint_slices_.sync([this](const std::string& key, const std::function<void()>& work) {
    guarded("endpointslice", key, work);
  });
}

void Cluster::collect_orphans(const std::string& owner_uid) {
  const auto owned = pods_by_owner_.find(owner_uid);
  if (owned == pods_by_owner_.end()) return;
  std::vector<std::string> orphans;
  for (const auto& [key, pod] : owned->second) {
    if (!pod->deleting) orphans.push_back(key);
  }
  std::size_t budget = options_.burst_replicas;
  for (const std::string& key : orphans) {
    if (budget-- == 0) {
      deleted_owners_.insert(owner_uid);  // the rest in the next pass
      post_pass();
      return;
    }
    const auto [ns, name] = split_key(key);
    if (store_.remove(type("v1", "Pod"), ns, name, {})) {
      trace_.event("world.pod.deleted", {{"pod", key}, {"reason", "owner deleted"}});
    }
  }
}

void Cluster::reconcile_deployment(const std::string& ns, const std::string& name) {
  if (ns + "/" + name == failing_deployment_for_test_) {
    throw std::runtime_error("failure injected by a test");
  }
  auto found = store_.get(type("apps/v1", "Deployment"), ns, name);
  if (!found) return;  // its pods go by its uid (collect_orphans)
  const Json& deployment = *found;
  const Json& spec = field(deployment, "spec");
  const Json& template_spec = field(spec, "template");
  const std::string hash = net::sha256_hex(template_spec.dump()).substr(0, 10);
  const Json& replicas_field = field(spec, "replicas");
  const long long replicas =
      replicas_field.is_number_integer() ? replicas_field.get<long long>() : 1;
  const std::string uid = text(field(deployment, "metadata"), "uid");
  // The owned pods of the current template, the most useful first (ready, then running, then
  // waiting for a node), so that scaling down takes the least useful, as the ReplicaSet
  // controller does; and the outdated ones.
  std::vector<const PodFacts*> current;
  std::vector<std::string> outdated;
  if (auto owned = pods_by_owner_.find(uid); owned != pods_by_owner_.end()) {
    for (const auto& [key, pod] : owned->second) {
      if (pod->deleting) continue;
      if (pod->template_hash == hash) {
        current.push_back(pod);
      } else {
        outdated.push_back(pod->name);
      }
    }
  }
  std::stable_sort(current.begin(), current.end(), [](const PodFacts* a, const PodFacts* b) {
    return std::make_tuple(a->ready, !a->ip.empty()) > std::make_tuple(b->ready, !b->ip.empty());
  });
  long long count = static_cast<long long>(current.size());
  long long ready = 0;
  for (const PodFacts* pod : current)
    ready += pod->ready ? 1 : 0;
  const std::string key = ns + "/" + name;
  // A Deployment being deleted keeps its pods until the garbage collector takes them.
  if (!deleting(deployment)) {
    std::size_t budget = options_.burst_replicas;
    // By value: removing a pod erases its facts, which the name may belong to.
    const auto remove = [&](std::string pod, const char* reason) {
      --budget;
      if (store_.remove(type("v1", "Pod"), ns, pod, {})) {
        trace_.event("world.pod.deleted", {{"pod", ns + "/" + pod}, {"reason", reason}});
      }
    };
    // A changed template replaces the pods (the Recreate strategy, simplest to reason about).
    for (const std::string& pod : outdated) {
      if (budget == 0) break;
      remove(pod, "template changed");
    }
    while (budget > 0 && count > replicas) {
      remove(current[static_cast<std::size_t>(--count)]->name, "scaled down");
    }
    while (budget > 0 && count < replicas && !blocked_deployments_.contains(key)) {
      --budget;
      if (!create_pod(deployment, hash)) break;
      ++count;
    }
    if (budget == 0) {
      dirty_deployments_.insert(key);  // more to do: the next pass goes on
      post_pass();
    }
  }
  Json status = {{"observedGeneration", field(field(deployment, "metadata"), "generation")},
                 {"replicas", count},
                 {"updatedReplicas", count},
                 {"readyReplicas", ready},
                 {"availableReplicas", ready}};
  if (const auto blocked = blocked_deployments_.find(key); blocked != blocked_deployments_.end()) {
    status["conditions"] = Json::array({{{"type", "ReplicaFailure"},
                                         {"status", "True"},
                                         {"reason", "FailedCreate"},
                                         {"message", blocked->second}}});
  }
  if (field(deployment, "status") != status) {
    Json updated = deployment;
    updated["status"] = status;
    (void)store_.update(type("apps/v1", "Deployment"), ns, name, updated,
                        kube::Subresource::Status);
  }
}

bool Cluster::create_pod(const Json& deployment, const std::string& hash) {
  const Json& metadata = field(deployment, "metadata");
  const std::string ns = text(metadata, "namespace");
  const std::string name = text(metadata, "name");
  const Json& template_spec = field(field(deployment, "spec"), "template");
  const Json& labels = field(field(template_spec, "metadata"), "labels");
  Json pod = {{"metadata",
               {{"labels", labels.is_object() ? labels : Json::object()},
                {"ownerReferences", Json::array({{{"apiVersion", "apps/v1"},
                                                  {"kind", "Deployment"},
                                                  {"name", name},
                                                  {"uid", text(metadata, "uid")},
                                                  {"controller", true},
                                                  {"blockOwnerDeletion", true}}})}}},
              {"spec", field(template_spec, "spec").is_object() ? field(template_spec, "spec")
                                                                : Json::object()}};
  pod["metadata"]["labels"]["pod-template-hash"] = hash;
  net::Result<Json, kube::StatusError> created = net::fail(kube::StatusError{});
  // A five-character suffix can repeat among thousands of pods: a clash draws again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    pod["metadata"]["name"] = name + "-" + hash + "-" + random_.alphanumeric(5);
    created = store_.create(type("v1", "Pod"), ns, pod);
    if (created || created.error().code != 409) break;
  }
  if (!created) {
    // Traced once; the Deployment tries again when a pod of its namespace goes or its spec
    // changes.
    blocked_deployments_[ns + "/" + name] = created.error().message;
    trace_.event("world.pod.create_failed",
                 {{"deployment", ns + "/" + name}, {"error", created.error().message}});
    return false;
  }
  trace_.event("world.pod.created", {{"pod", key_of(*created)}});
  return true;
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
    if (node.pods < options_.pods_per_node_max) room.push_back(&node);
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
  if (!pod || deleting(*pod) || placed_.contains(key)) {
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

void Cluster::make_ready(const std::string& ns, const std::string& name) {
  set_ready(ns, name, true);
}

bool Cluster::ready(const std::string& ns, const std::string& name) const {
  auto pod = store_.get(type("v1", "Pod"), ns, name);
  if (!pod || deleting(*pod)) return false;
  const Json& status = pod->value("status", Json::object());
  if (status.value("phase", "") != "Running") return false;
  for (const Json& condition : status.value("conditions", Json::array())) {
    if (condition.value("type", "") == "Ready") return condition.value("status", "") == "True";
  }
  return false;
}

bool Cluster::set_ready(const std::string& ns, const std::string& name, bool ready) {
  auto pod = store_.get(type("v1", "Pod"), ns, name);
  if (!pod || deleting(*pod)) return false;
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
