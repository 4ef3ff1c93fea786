#include "sim/world/cluster.hpp"

#include <boost/asio/post.hpp>

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
  Node node{"ip-" + dashed + "." + region + ".compute.internal", spec.zone, spec.subnet_cidr};
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
        {"nodeInfo", {{"kubeletVersion", "v1.32.0"}}}}}};
  auto created = store_.create(type("v1", "Node"), "", object);
  if (created) trace_.event("world.node.added", {{"name", node.name}, {"zone", spec.zone}});
  nodes_.push_back(node);
}

std::size_t Cluster::pods_running() const {
  std::size_t running = 0;
  for (const Json& pod : store_.snapshot(type("v1", "Pod"), "")) {
    if (pod.value("status", Json::object()).value("phase", "") == "Running") ++running;
  }
  return running;
}

void Cluster::on_change(const kube::Change& change) {
  const std::string& kind = change.resource->kind;
  if (kind == "Deployment" || kind == "Pod" || kind == "Service") post_pass();
}

void Cluster::post_pass() {
  if (pass_posted_ || destroyed_) return;
  pass_posted_ = true;
  asio::post(executor_, [this] {
    pass_posted_ = false;
    if (!destroyed_) reconcile();
  });
}

namespace {

bool labels_match(const Json& selector, const Json& labels) {
  if (!selector.is_object() || selector.empty()) return false;
  for (auto it = selector.begin(); it != selector.end(); ++it) {
    if (!labels.contains(it.key()) || labels[it.key()] != *it) return false;
  }
  return true;
}

bool pod_ready(const Json& pod) {
  for (const Json& condition :
       pod.value("status", Json::object()).value("conditions", Json::array())) {
    if (condition.value("type", "") == "Ready") return condition.value("status", "") == "True";
  }
  return false;
}

std::string key_of(const Json& object) {
  return object["metadata"].value("namespace", "") + "/" + object["metadata"].value("name", "");
}

}  // namespace

void Cluster::reconcile() {
  std::vector<Json> pods = store_.snapshot(type("v1", "Pod"), "");
  for (const Json& deployment : store_.snapshot(type("apps/v1", "Deployment"), ""))
    reconcile_deployment(deployment, pods);
  pods = store_.snapshot(type("v1", "Pod"), "");
  // Pods of deleted Deployments are garbage (the garbage collector's job).
  for (const Json& pod : pods) {
    const Json owners = pod["metadata"].value("ownerReferences", Json::array());
    if (owners.empty() || owners[0].value("kind", "") != "Deployment") continue;
    const std::string ns = pod["metadata"].value("namespace", "");
    if (!store_.get(type("apps/v1", "Deployment"), ns, owners[0].value("name", ""))) {
      if (store_.remove(type("v1", "Pod"), ns, pod["metadata"].value("name", ""), {})) {
        trace_.event("world.pod.deleted", {{"pod", key_of(pod)}, {"reason", "owner deleted"}});
      }
    }
  }
  pods = store_.snapshot(type("v1", "Pod"), "");
  for (const Json& pod : pods) {
    const std::string key = key_of(pod);
    if (pod.value("spec", Json::object()).contains("nodeName") || scheduled_.contains(key))
      continue;
    schedule_start(pod["metadata"].value("namespace", ""), pod["metadata"].value("name", ""));
  }
  for (const Json& service : store_.snapshot(type("v1", "Service"), ""))
    reconcile_endpoint_slices(service, pods);
  // Slices of deleted Services are garbage too.
  const kube::ResourceType& slices = type("discovery.k8s.io/v1", "EndpointSlice");
  for (const Json& slice : store_.snapshot(slices, "")) {
    const Json labels = slice["metadata"].value("labels", Json::object());
    if (labels.value("endpointslice.kubernetes.io/managed-by", "") !=
        "endpointslice-controller.k8s.io")
      continue;
    const std::string ns = slice["metadata"].value("namespace", "");
    if (store_.get(type("v1", "Service"), ns, labels.value("kubernetes.io/service-name", "")))
      continue;
    if (store_.remove(slices, ns, slice["metadata"].value("name", ""), {})) {
      trace_.event("world.endpointslice.deleted", {{"slice", key_of(slice)}});
    }
  }
}

void Cluster::reconcile_deployment(const Json& deployment, std::vector<Json>& pods) {
  const std::string ns = deployment["metadata"].value("namespace", "");
  const std::string name = deployment["metadata"].value("name", "");
  const Json spec = deployment.value("spec", Json::object());
  const Json selector = spec.value("selector", Json::object()).value("matchLabels", Json::object());
  const Json template_spec = spec.value("template", Json::object());
  const std::string hash = net::sha256_hex(template_spec.dump()).substr(0, 10);
  const long long replicas = spec.value("replicas", 1LL);
  std::vector<Json> owned;
  for (const Json& pod : pods) {
    if (pod["metadata"].value("namespace", "") != ns) continue;
    const Json owners = pod["metadata"].value("ownerReferences", Json::array());
    if (!owners.empty() && owners[0].value("uid", "") == deployment["metadata"].value("uid", ""))
      owned.push_back(pod);
  }
  // A changed template replaces the pods (the Recreate strategy, simplest to reason about).
  std::vector<Json> current;
  for (const Json& pod : owned) {
    const std::string pod_hash =
        pod["metadata"].value("labels", Json::object()).value("pod-template-hash", "");
    if (pod_hash == hash && !pod["metadata"].contains("deletionTimestamp")) {
      current.push_back(pod);
    } else if (store_.remove(type("v1", "Pod"), ns, pod["metadata"].value("name", ""), {})) {
      trace_.event("world.pod.deleted", {{"pod", key_of(pod)}, {"reason", "template changed"}});
    }
  }
  while (static_cast<long long>(current.size()) > replicas) {
    const Json& extra = current.back();
    if (store_.remove(type("v1", "Pod"), ns, extra["metadata"].value("name", ""), {})) {
      trace_.event("world.pod.deleted", {{"pod", key_of(extra)}, {"reason", "scaled down"}});
    }
    current.pop_back();
  }
  while (static_cast<long long>(current.size()) < replicas) {
    Json pod = {
        {"metadata",
         {{"name", name + "-" + hash + "-" + random_.alphanumeric(5)},
          {"labels",
           template_spec.value("metadata", Json::object()).value("labels", Json::object())},
          {"ownerReferences", Json::array({{{"apiVersion", "apps/v1"},
                                            {"kind", "Deployment"},
                                            {"name", name},
                                            {"uid", deployment["metadata"].value("uid", "")},
                                            {"controller", true},
                                            {"blockOwnerDeletion", true}}})}}},
        {"spec", template_spec.value("spec", Json::object())}};
    pod["metadata"]["labels"]["pod-template-hash"] = hash;
    auto created = store_.create(type("v1", "Pod"), ns, pod);
    if (!created) break;
    trace_.event("world.pod.created", {{"pod", key_of(*created)}});
    current.push_back(*created);
    pods.push_back(*created);
  }
  long long ready = 0;
  for (const Json& pod : current)
    ready += pod_ready(pod) ? 1 : 0;
  const Json status = {{"observedGeneration", deployment["metadata"].value("generation", 1)},
                       {"replicas", static_cast<long long>(current.size())},
                       {"updatedReplicas", static_cast<long long>(current.size())},
                       {"readyReplicas", ready},
                       {"availableReplicas", ready}};
  if (deployment.value("status", Json::object()) != status) {
    Json updated = deployment;
    updated["status"] = status;
    (void)store_.update(type("apps/v1", "Deployment"), ns, name, updated,
                        kube::Subresource::Status);
  }
}

void Cluster::schedule_start(const std::string& ns, const std::string& name) {
  const std::string key = ns + "/" + name;
  scheduled_.insert(key);
  ++pending_transitions_;
  const auto delay = std::chrono::milliseconds(
      random_.uniform(static_cast<std::uint64_t>(options_.pod_start_min.count()),
                      static_cast<std::uint64_t>(options_.pod_start_max.count())));
  const auto timer = std::make_shared<net::Clock::TimerId>(0);
  *timer = clock_.call_after(delay, [this, ns, name, key, timer] {
    timers_.erase(*timer);
    --pending_transitions_;
    scheduled_.erase(key);
    start_pod(ns, name);
  });
  timers_.insert(*timer);
}

std::string Cluster::allocate_ip(const std::string& node_name) {
  for (const Node& node : nodes_) {
    if (node.name != node_name) continue;
    const auto cidr = net::parse_cidr(node.subnet_cidr);
    if (!cidr || cidr->usable_addresses() < 8) break;
    // AWS keeps the first four and the last address of a subnet.
    for (int attempt = 0; attempt < 64; ++attempt) {
      const std::uint32_t offset =
          static_cast<std::uint32_t>(random_.uniform(16, cidr->size() - 2));
      const std::string ip = net::format_ipv4(cidr->base + offset);
      if (used_ips_.insert(ip).second) return ip;
    }
  }
  return "";
}

void Cluster::start_pod(const std::string& ns, const std::string& name) {
  auto pod = store_.get(type("v1", "Pod"), ns, name);
  if (!pod || nodes_.empty()) return;
  const Node& node = nodes_[random_.uniform(0, nodes_.size() - 1)];
  const std::string ip = allocate_ip(node.name);
  Json scheduled = *pod;
  scheduled["spec"]["nodeName"] = node.name;
  auto bound = store_.update(type("v1", "Pod"), ns, name, scheduled, kube::Subresource::None);
  if (!bound) return;
  Json containers = Json::array();
  for (const Json& container : (*bound)["spec"].value("containers", Json::array())) {
    containers.push_back(
        {{"name", container.value("name", "")},
         {"ready", false},
         {"restartCount", 0},
         {"image", container.value("image", "")},
         {"started", true},
         {"state", {{"running", {{"startedAt", net::format_rfc3339(clock_.wall_now())}}}}}});
  }
  Json running = *bound;
  running["status"] = {
      {"phase", "Running"},
      {"podIP", ip},
      {"podIPs", Json::array({{{"ip", ip}}})},
      {"hostIP", node.name},
      {"startTime", net::format_rfc3339(clock_.wall_now())},
      {"qosClass", "BestEffort"},
      {"containerStatuses", containers},
      {"conditions", Json::array({{{"type", "PodScheduled"}, {"status", "True"}},
                                  {{"type", "Initialized"}, {"status", "True"}},
                                  {{"type", "ContainersReady"}, {"status", "False"}},
                                  {{"type", "Ready"}, {"status", "False"}}})}};
  if (!store_.update(type("v1", "Pod"), ns, name, running, kube::Subresource::Status)) return;
  trace_.event("world.pod.running", {{"pod", ns + "/" + name}, {"node", node.name}, {"ip", ip}});
  ++pending_transitions_;
  const auto delay = std::chrono::milliseconds(
      random_.uniform(static_cast<std::uint64_t>(options_.pod_ready_min.count()),
                      static_cast<std::uint64_t>(options_.pod_ready_max.count())));
  const auto timer = std::make_shared<net::Clock::TimerId>(0);
  *timer = clock_.call_after(delay, [this, ns, name, timer] {
    timers_.erase(*timer);
    --pending_transitions_;
    make_ready(ns, name);
  });
  timers_.insert(*timer);
}

void Cluster::make_ready(const std::string& ns, const std::string& name) {
  auto pod = store_.get(type("v1", "Pod"), ns, name);
  if (!pod) return;
  Json ready = *pod;
  for (Json& condition : ready["status"]["conditions"]) {
    if (condition.value("type", "") == "Ready" || condition.value("type", "") == "ContainersReady")
      condition["status"] = "True";
  }
  for (Json& container : ready["status"]["containerStatuses"])
    container["ready"] = true;
  if (store_.update(type("v1", "Pod"), ns, name, ready, kube::Subresource::Status)) {
    trace_.event("world.pod.ready", {{"pod", ns + "/" + name}});
  }
}

void Cluster::reconcile_endpoint_slices(const Json& service, const std::vector<Json>& pods) {
  const std::string ns = service["metadata"].value("namespace", "");
  const std::string name = service["metadata"].value("name", "");
  const Json spec = service.value("spec", Json::object());
  const Json selector = spec.value("selector", Json::object());
  if (selector.empty()) return;  // Services without a selector have hand-made endpoints
  Json endpoints = Json::array();
  std::vector<const Json*> members;
  for (const Json& pod : pods) {
    if (pod["metadata"].value("namespace", "") != ns) continue;
    if (!labels_match(selector, pod["metadata"].value("labels", Json::object()))) continue;
    const std::string ip = pod.value("status", Json::object()).value("podIP", "");
    if (ip.empty()) continue;
    const bool ready = pod_ready(pod) && !pod["metadata"].contains("deletionTimestamp");
    endpoints.push_back(
        {{"addresses", Json::array({ip})},
         {"conditions", {{"ready", ready}, {"serving", ready}, {"terminating", false}}},
         {"nodeName", pod["spec"].value("nodeName", "")},
         {"targetRef",
          {{"kind", "Pod"},
           {"namespace", ns},
           {"name", pod["metadata"].value("name", "")},
           {"uid", pod["metadata"].value("uid", "")}}}});
    members.push_back(&pod);
  }
  Json ports = Json::array();
  for (const Json& port : spec.value("ports", Json::array())) {
    Json target = port.value("targetPort", port.value("port", Json(0)));
    if (target.is_string() && !members.empty()) {
      // A named target port resolves against the container ports of the pods.
      for (const Json& container : (*members.front())["spec"].value("containers", Json::array())) {
        for (const Json& container_port : container.value("ports", Json::array())) {
          if (container_port.value("name", "") == target.get<std::string>())
            target = container_port.value("containerPort", 0);
        }
      }
    }
    if (!target.is_number_integer()) continue;
    Json entry = {{"port", target}, {"protocol", port.value("protocol", "TCP")}};
    entry["name"] = port.value("name", "");
    ports.push_back(entry);
  }
  const kube::ResourceType& slices = type("discovery.k8s.io/v1", "EndpointSlice");
  const Json* existing = nullptr;
  const std::vector<Json> all = store_.snapshot(slices, ns);
  for (const Json& slice : all) {
    if (slice["metadata"].value("labels", Json::object()).value("kubernetes.io/service-name", "") ==
        name)
      existing = &slice;
  }
  if (existing == nullptr) {
    Json slice = {
        {"metadata",
         {{"name", name + "-" + random_.alphanumeric(5)},
          {"labels",
           {{"kubernetes.io/service-name", name},
            {"endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io"}}},
          {"ownerReferences", Json::array({{{"apiVersion", "v1"},
                                            {"kind", "Service"},
                                            {"name", name},
                                            {"uid", service["metadata"].value("uid", "")},
                                            {"controller", true}}})}}},
        {"addressType", "IPv4"},
        {"endpoints", endpoints},
        {"ports", ports}};
    if (store_.create(slices, ns, slice)) {
      trace_.event("world.endpointslice.updated",
                   {{"service", ns + "/" + name}, {"endpoints", std::to_string(endpoints.size())}});
    }
    return;
  }
  if (existing->value("endpoints", Json::array()) == endpoints &&
      existing->value("ports", Json::array()) == ports)
    return;
  Json updated = *existing;
  updated["endpoints"] = endpoints;
  updated["ports"] = ports;
  std::size_t ready = 0;
  for (const Json& endpoint : endpoints)
    ready += endpoint["conditions"].value("ready", false) ? 1 : 0;
  if (store_.update(slices, ns, updated["metadata"].value("name", ""), updated,
                    kube::Subresource::None)) {
    trace_.event("world.endpointslice.updated", {{"service", ns + "/" + name},
                                                 {"endpoints", std::to_string(endpoints.size())},
                                                 {"ready", std::to_string(ready)}});
  }
}

}  // namespace albc::sim::world
