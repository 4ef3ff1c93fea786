#include "sim/world/cluster.hpp"

#include <boost/asio/post.hpp>

#include "controller/net/cidr.hpp"
#include "controller/net/digest.hpp"

namespace albc::sim::world {

using kube::Json;

namespace {

const Json& field(const Json& object, std::string_view key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  const auto found = object.find(key);
  return found == object.end() ? kNull : *found;
}

std::string text(const Json& object, std::string_view key) {
  const Json& value = field(object, key);
  return value.is_string() ? value.get<std::string>() : std::string();
}

std::string key_of(const Json& object) {
  return text(field(object, "metadata"), "namespace") + "/" +
         text(field(object, "metadata"), "name");
}

bool deleting(const Json& object) {
  return field(object, "metadata").contains("deletionTimestamp");
}

// The Deployment that owns a pod, by name; empty for a pod nobody owns.
std::string owning_deployment(const Json& pod) {
  const Json& owners = field(field(pod, "metadata"), "ownerReferences");
  if (!owners.is_array()) return "";
  for (const Json& owner : owners) {
    if (text(owner, "kind") == "Deployment") return text(owner, "name");
  }
  return "";
}

bool owned_by(const Json& pod, const std::string& uid) {
  const Json& owners = field(field(pod, "metadata"), "ownerReferences");
  if (!owners.is_array()) return false;
  return std::any_of(owners.begin(), owners.end(),
                     [&](const Json& owner) { return text(owner, "uid") == uid; });
}

bool labels_match(const Json& selector, const Json& labels) {
  if (!selector.is_object() || selector.empty()) return false;
  for (auto it = selector.begin(); it != selector.end(); ++it) {
    if (field(labels, it.key()) != *it) return false;
  }
  return true;
}

bool pod_ready(const Json& pod) {
  const Json& conditions = field(field(pod, "status"), "conditions");
  if (!conditions.is_array()) return false;
  for (const Json& condition : conditions) {
    if (text(condition, "type") == "Ready") return text(condition, "status") == "True";
  }
  return false;
}

std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto slash = key.find('/');
  return {key.substr(0, slash), key.substr(slash + 1)};
}

}  // namespace

Cluster::Cluster(kube::Store& store, net::Clock& clock, net::Random random, net::Trace& trace,
                 net::Executor executor, ClusterOptions options)
    : store_(store),
      clock_(clock),
      random_(std::move(random)),
      trace_(trace),
      executor_(std::move(executor)),
      options_(options) {
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
  store_.visit(type("v1", "Pod"), "", [&](const Json& pod) {
    if (text(field(pod, "status"), "phase") == "Running") ++running;
  });
  return running;
}

void Cluster::on_change(const kube::Change& change) {
  if (destroyed_) return;
  const std::string& kind = change.resource->kind;
  if (!change.resource->group.empty() && kind != "Deployment") return;
  const std::string key = key_of(change.object);
  if (kind == "Deployment") {
    dirty_deployments_.insert(key);
  } else if (kind == "Pod") {
    on_pod_change(change);
  } else if (kind == "Service") {
    dirty_namespaces_.insert(split_key(key).first);
    if (change.type == kube::ChangeType::Deleted) deleted_services_.insert(key);
  } else {
    return;
  }
  post_pass();
}

void Cluster::on_pod_change(const kube::Change& change) {
  const Json& pod = change.object;
  const std::string key = key_of(pod);
  const auto [ns, name] = split_key(key);
  if (const std::string owner = owning_deployment(pod); !owner.empty()) {
    dirty_deployments_.insert(ns + "/" + owner);
  }
  dirty_namespaces_.insert(ns);
  const std::string node_name = text(field(pod, "spec"), "nodeName");
  if (change.type == kube::ChangeType::Added && node_name.empty() && !scheduled_.contains(key)) {
    schedule_start(ns, name);  // arms a timer: observers must not write
  }
  if (change.type != kube::ChangeType::Deleted) return;
  unschedulable_.erase(key);
  used_ips_.erase(text(field(pod, "status"), "podIP"));
  for (Node& node : nodes_) {
    if (node.name != node_name || node.pods == 0) continue;
    --node.pods;
    if (unschedulable_.empty()) break;
    // Room on a node: the pod that has waited longest tries again.
    const auto [waiting_ns, waiting_name] = split_key(*unschedulable_.begin());
    unschedulable_.erase(unschedulable_.begin());
    schedule_start(waiting_ns, waiting_name);
    break;
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
  const std::set<std::string> deployments = std::exchange(dirty_deployments_, {});
  const std::set<std::string> namespaces = std::exchange(dirty_namespaces_, {});
  const std::set<std::string> deleted = std::exchange(deleted_services_, {});
  for (const std::string& key : deployments) {
    const auto [ns, name] = split_key(key);
    guarded("deployment", key, [&, ns = ns, name = name] { reconcile_deployment(ns, name); });
  }
  for (const std::string& key : deleted) {
    const auto [ns, name] = split_key(key);
    guarded("endpointslice", key, [&, ns = ns, name = name] { remove_slices_of(ns, name); });
  }
  for (const std::string& ns : namespaces)
    reconcile_services(ns);
}

void Cluster::collect_orphans(const std::string& ns, const std::string& owner_name) {
  std::vector<std::string> orphans;
  store_.visit(type("v1", "Pod"), ns, [&](const Json& pod) {
    if (owning_deployment(pod) == owner_name && !deleting(pod)) {
      orphans.push_back(text(field(pod, "metadata"), "name"));
    }
  });
  std::size_t budget = options_.burst_replicas;
  for (const std::string& pod : orphans) {
    if (budget-- == 0) {
      dirty_deployments_.insert(ns + "/" + owner_name);  // the rest in the next pass
      post_pass();
      return;
    }
    if (store_.remove(type("v1", "Pod"), ns, pod, {})) {
      trace_.event("world.pod.deleted", {{"pod", ns + "/" + pod}, {"reason", "owner deleted"}});
    }
  }
}

void Cluster::reconcile_deployment(const std::string& ns, const std::string& name) {
  const kube::ResourceType& pods = type("v1", "Pod");
  auto found = store_.get(type("apps/v1", "Deployment"), ns, name);
  if (!found) return collect_orphans(ns, name);
  const Json& deployment = *found;
  const Json& spec = field(deployment, "spec");
  const Json& template_spec = field(spec, "template");
  const std::string hash = net::sha256_hex(template_spec.dump()).substr(0, 10);
  const Json& replicas_field = field(spec, "replicas");
  const long long replicas =
      replicas_field.is_number_integer() ? replicas_field.get<long long>() : 1;
  const std::string uid = text(field(deployment, "metadata"), "uid");
  struct Owned {
    std::string name;
    bool ready;
  };
  std::vector<Owned> current;
  std::vector<std::string> outdated;
  store_.visit(pods, ns, [&](const Json& pod) {
    if (!owned_by(pod, uid) || deleting(pod)) return;
    const std::string pod_name = text(field(pod, "metadata"), "name");
    if (text(field(field(pod, "metadata"), "labels"), "pod-template-hash") == hash) {
      current.push_back({pod_name, pod_ready(pod)});
    } else {
      outdated.push_back(pod_name);
    }
  });
  std::size_t budget = options_.burst_replicas;
  const auto remove = [&](const std::string& pod, const char* reason) {
    --budget;
    if (store_.remove(pods, ns, pod, {})) {
      trace_.event("world.pod.deleted", {{"pod", ns + "/" + pod}, {"reason", reason}});
    }
  };
  // A changed template replaces the pods (the Recreate strategy, simplest to reason about).
  for (const std::string& pod : outdated) {
    if (budget == 0) break;
    remove(pod, "template changed");
  }
  while (budget > 0 && static_cast<long long>(current.size()) > replicas) {
    remove(current.back().name, "scaled down");
    current.pop_back();
  }
  std::string failure;
  while (budget > 0 && static_cast<long long>(current.size()) < replicas) {
    --budget;
    Json pod = {{"metadata",
                 {{"labels", field(field(template_spec, "metadata"), "labels").is_object()
                                 ? field(field(template_spec, "metadata"), "labels")
                                 : Json::object()},
                  {"ownerReferences", Json::array({{{"apiVersion", "apps/v1"},
                                                    {"kind", "Deployment"},
                                                    {"name", name},
                                                    {"uid", uid},
                                                    {"controller", true},
                                                    {"blockOwnerDeletion", true}}})}}},
                {"spec", field(template_spec, "spec").is_object() ? field(template_spec, "spec")
                                                                  : Json::object()}};
    pod["metadata"]["labels"]["pod-template-hash"] = hash;
    net::Result<Json, kube::StatusError> created = net::fail(kube::StatusError{});
    // A five-character suffix can repeat among thousands of pods: a clash draws again.
    for (int attempt = 0; attempt < 3; ++attempt) {
      pod["metadata"]["name"] = name + "-" + hash + "-" + random_.alphanumeric(5);
      created = store_.create(pods, ns, pod);
      if (created || created.error().code != 409) break;
    }
    if (!created) {
      failure = created.error().message;
      trace_.event("world.pod.create_failed",
                   {{"deployment", ns + "/" + name}, {"error", failure}});
      break;
    }
    trace_.event("world.pod.created", {{"pod", key_of(*created)}});
    current.push_back({text(field(*created, "metadata"), "name"), false});
  }
  if (budget == 0 && failure.empty()) {
    dirty_deployments_.insert(ns + "/" + name);  // more to do: the next pass goes on
    post_pass();
  }
  long long ready = 0;
  for (const Owned& pod : current)
    ready += pod.ready ? 1 : 0;
  Json status = {{"observedGeneration", field(field(deployment, "metadata"), "generation")},
                 {"replicas", static_cast<long long>(current.size())},
                 {"updatedReplicas", static_cast<long long>(current.size())},
                 {"readyReplicas", ready},
                 {"availableReplicas", ready}};
  if (!failure.empty()) {
    status["conditions"] = Json::array({{{"type", "ReplicaFailure"},
                                         {"status", "True"},
                                         {"reason", "FailedCreate"},
                                         {"message", failure}}});
  }
  if (field(deployment, "status") != status) {
    Json updated = deployment;
    updated["status"] = status;
    (void)store_.update(type("apps/v1", "Deployment"), ns, name, updated,
                        kube::Subresource::Status);
  }
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
  auto pod = store_.get(type("v1", "Pod"), ns, name);
  if (!pod || deleting(*pod) || !text(field(*pod, "spec"), "nodeName").empty()) return;
  Node* node = pick_node();
  const std::string ip = node == nullptr ? "" : allocate_ip(*node);
  if (ip.empty()) return mark_unschedulable(ns, name);
  Json scheduled = *pod;
  scheduled["spec"]["nodeName"] = node->name;
  auto bound = store_.update(type("v1", "Pod"), ns, name, scheduled, kube::Subresource::None);
  if (!bound) {
    used_ips_.erase(ip);
    return;
  }
  ++node->pods;
  Json containers = Json::array();
  const Json& declared = field(field(*bound, "spec"), "containers");
  for (const Json& container : declared.is_array() ? declared : Json::array()) {
    containers.push_back(
        {{"name", text(container, "name")},
         {"ready", false},
         {"restartCount", 0},
         {"image", text(container, "image")},
         {"started", true},
         {"state", {{"running", {{"startedAt", net::format_rfc3339(clock_.wall_now())}}}}}});
  }
  Json running = *bound;
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
  if (!store_.update(type("v1", "Pod"), ns, name, running, kube::Subresource::Status)) return;
  trace_.event("world.pod.running", {{"pod", ns + "/" + name}, {"node", node->name}, {"ip", ip}});
  after(options_.pod_ready_min, options_.pod_ready_max,
        [this, ns, name] { guarded("kubelet", ns + "/" + name, [&] { make_ready(ns, name); }); });
}

void Cluster::make_ready(const std::string& ns, const std::string& name) {
  auto pod = store_.get(type("v1", "Pod"), ns, name);
  if (!pod || deleting(*pod)) return;
  Json ready = *pod;
  for (Json& condition : ready["status"]["conditions"]) {
    if (text(condition, "type") == "Ready" || text(condition, "type") == "ContainersReady")
      condition["status"] = "True";
  }
  for (Json& container : ready["status"]["containerStatuses"])
    container["ready"] = true;
  if (store_.update(type("v1", "Pod"), ns, name, ready, kube::Subresource::Status)) {
    trace_.event("world.pod.ready", {{"pod", ns + "/" + name}});
  }
}

void Cluster::reconcile_services(const std::string& ns) {
  std::vector<Json> services;
  store_.visit(type("v1", "Service"), ns,
               [&](const Json& service) { services.push_back(service); });
  for (const Json& service : services)
    guarded("endpointslice", key_of(service), [&] { reconcile_endpoint_slices(service); });
}

void Cluster::remove_slices_of(const std::string& ns, const std::string& service) {
  const kube::ResourceType& slices = type("discovery.k8s.io/v1", "EndpointSlice");
  std::vector<std::string> names;
  store_.visit(slices, ns, [&](const Json& slice) {
    const Json& labels = field(field(slice, "metadata"), "labels");
    if (text(labels, "kubernetes.io/service-name") == service &&
        text(labels, "endpointslice.kubernetes.io/managed-by") ==
            "endpointslice-controller.k8s.io") {
      names.push_back(text(field(slice, "metadata"), "name"));
    }
  });
  for (const std::string& name : names) {
    if (store_.remove(slices, ns, name, {})) {
      trace_.event("world.endpointslice.deleted", {{"slice", ns + "/" + name}});
    }
  }
}

}  // namespace albc::sim::world
