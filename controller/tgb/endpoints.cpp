#include "controller/tgb/endpoints.hpp"

#include <algorithm>
#include <ctime>

#include "controller/net/digest.hpp"

namespace albc::tgb {
namespace {

long long creation_millis(const Json& object) {
  const std::string created = k8s::text_field(k8s::metadata_of(object), "creationTimestamp");
  std::tm fields{};
  if (created.size() < 19 || strptime(created.c_str(), "%Y-%m-%dT%H:%M:%S", &fields) == nullptr)
    return 0;
  return static_cast<long long>(timegm(&fields)) * 1000;
}

// The Service and its port named by a binding (pointers into the cache), or why the backend is
// gone.
net::Result<std::pair<const Json*, const Json*>> service_port_of(const k8s::ObjectCache& services,
                                                                 const std::string& ns,
                                                                 const std::string& service_name,
                                                                 const Json& service_port) {
  const Json* service = services.get(ns, service_name);
  if (service == nullptr)
    return net::fail("BackendNotFound", "services \"" + service_name + "\" not found");
  for (const Json& candidate : k8s::list_field(k8s::map_field(*service, "spec"), "ports")) {
    const bool by_name = service_port.is_string() &&
                         k8s::text_field(candidate, "name") == service_port.get<std::string>();
    const bool by_number =
        service_port.is_number_integer() &&
        k8s::integer_field(candidate, "port", 0) == service_port.get<long long>();
    if (by_name || by_number) return std::make_pair(service, &candidate);
  }
  return net::fail(
      "BackendNotFound",
      "unable to find service port " +
          (service_port.is_string() ? service_port.get<std::string>() : service_port.dump()) +
          " on service " + ns + "/" + service_name);
}

bool node_condition(const Json& node, const char* type, const char* status) {
  for (const Json& condition : k8s::list_field(k8s::map_field(node, "status"), "conditions")) {
    if (k8s::text_field(condition, "type") == type)
      return k8s::text_field(condition, "status") == status;
  }
  return false;
}

// May a load balancer send traffic to this node (the real controller's default node filter)?
bool carries_traffic(const Json& node, const Json& node_selector) {
  const Json& labels = k8s::map_field(k8s::metadata_of(node), "labels");
  for (const char* excluded :
       {"node-role.kubernetes.io/master", "node.kubernetes.io/exclude-from-external-load-balancers",
        "alpha.service-controller.kubernetes.io/exclude-balancer"}) {
    if (labels.contains(excluded)) return false;
  }
  if (k8s::text_field(labels, "eks.amazonaws.com/compute-type") == "fargate") return false;
  for (const Json& taint : k8s::list_field(k8s::map_field(node, "spec"), "taints")) {
    const std::string key = k8s::text_field(taint, "key");
    if (key == "ToBeDeletedByClusterAutoscaler" || key == "karpenter.sh/disrupted") return false;
  }
  const Json& match = k8s::map_field(node_selector, "matchLabels");
  for (auto it = match.begin(); it != match.end(); ++it) {
    if (!labels.contains(it.key()) || labels[it.key()] != *it) return false;
  }
  return true;
}

}  // namespace

net::Result<std::vector<TargetEndpoint>> resolve_node_endpoints(
    const k8s::ObjectCache& services, const k8s::ObjectCache& nodes, const std::string& ns,
    const std::string& service_name, const Json& service_port, const Json& node_selector) {
  auto found = service_port_of(services, ns, service_name, service_port);
  if (!found) return net::fail(found.error());
  const auto [service, port] = *found;
  const std::string type = k8s::text_field(k8s::map_field(*service, "spec"), "type", "ClusterIP");
  if (type != "NodePort" && type != "LoadBalancer") {
    return net::fail(
        "InvalidBackend",
        "service type must be either 'NodePort' or 'LoadBalancer': " + ns + "/" + service_name);
  }
  const int node_port = static_cast<int>(k8s::integer_field(*port, "nodePort", 0));
  std::vector<TargetEndpoint> ready;
  std::vector<TargetEndpoint> unknown;
  for (const Json* node : nodes.list()) {
    if (!carries_traffic(*node, node_selector)) continue;
    const std::string provider = k8s::text_field(k8s::map_field(*node, "spec"), "providerID");
    const std::string instance = provider.substr(provider.rfind('/') + 1);
    if (!instance.starts_with("i-")) continue;
    TargetEndpoint endpoint{instance, node_port, creation_millis(*node)};
    if (node_condition(*node, "Ready", "True"))
      ready.push_back(endpoint);
    else if (node_condition(*node, "Ready", "Unknown"))
      unknown.push_back(endpoint);
  }
  std::vector<TargetEndpoint>& chosen = ready.empty() ? unknown : ready;  // fail open, as upstream
  std::sort(chosen.begin(), chosen.end(),
            [](const TargetEndpoint& a, const TargetEndpoint& b) { return a.id < b.id; });
  return chosen;
}

std::vector<std::string> slice_service_index(const Json& slice) {
  const Json& labels = k8s::map_field(k8s::metadata_of(slice), "labels");
  const std::string service = k8s::text_field(labels, "kubernetes.io/service-name");
  if (service.empty()) return {};
  return {k8s::namespace_of(slice) + "/" + service};
}

std::vector<std::string> binding_service_index(const Json& binding) {
  const Json& reference = k8s::map_field(k8s::map_field(binding, "spec"), "serviceRef");
  const std::string service = k8s::text_field(reference, "name");
  if (service.empty()) return {};
  return {k8s::namespace_of(binding) + "/" + service};
}

std::vector<std::string> binding_target_type_index(const Json& binding) {
  return {k8s::text_field(k8s::map_field(binding, "spec"), "targetType")};
}

void slim_pod(Json& pod) {
  if (!pod.is_object()) return;
  auto keep = [](Json& from, std::initializer_list<const char*> keys) {
    Json kept = Json::object();
    if (!from.is_object()) return kept;
    for (const char* key : keys) {
      if (auto found = from.find(key); found != from.end()) kept[key] = std::move(*found);
    }
    return kept;
  };
  Json slim = keep(pod, {"apiVersion", "kind"});
  slim["metadata"] =
      keep(pod["metadata"], {"name", "namespace", "uid", "resourceVersion", "creationTimestamp",
                             "deletionTimestamp", "labels", "ownerReferences"});
  slim["spec"] = keep(pod["spec"], {"nodeName", "readinessGates"});
  slim["status"] = keep(pod["status"], {"phase", "podIP", "podIPs", "conditions"});
  pod = std::move(slim);
}

net::Result<std::vector<TargetEndpoint>> resolve_pod_endpoints(
    const k8s::ObjectCache& services, const k8s::ObjectCache& endpoint_slices,
    const k8s::ObjectCache& pods, const std::string& ns, const std::string& service_name,
    const Json& service_port) {
  auto found = service_port_of(services, ns, service_name, service_port);
  if (!found) return net::fail(found.error());
  const std::string port_name = k8s::text_field(*found->second, "name");
  std::vector<TargetEndpoint> endpoints;
  for (const Json* slice : endpoint_slices.by_index(kByService, ns + "/" + service_name)) {
    if (k8s::text_field(*slice, "addressType") != "IPv4") continue;
    for (const Json& slice_port : k8s::list_field(*slice, "ports")) {
      if (!port_name.empty() && k8s::text_field(slice_port, "name") != port_name) continue;
      const int target_port = k8s::integer_field(slice_port, "port", 0);
      for (const Json& endpoint : k8s::list_field(*slice, "endpoints")) {
        const Json& conditions = k8s::map_field(endpoint, "conditions");
        // A missing (nil) condition counts as ready, as the real controller reads it.
        const bool ready = k8s::boolean_field(conditions, "ready", true);
        if (!ready) continue;
        const Json& target = k8s::map_field(endpoint, "targetRef");
        if (k8s::text_field(target, "kind") != "Pod") continue;
        const Json& addresses = k8s::list_field(endpoint, "addresses");
        if (addresses.empty() || !addresses[0].is_string()) continue;
        const Json* pod =
            pods.get(k8s::text_field(target, "namespace", ns), k8s::text_field(target, "name"));
        if (pod == nullptr) continue;  // not in the cache yet: a later event brings it
        endpoints.push_back({addresses[0].get<std::string>(), target_port, creation_millis(*pod)});
      }
    }
  }
  std::sort(endpoints.begin(), endpoints.end(),
            [](const TargetEndpoint& a, const TargetEndpoint& b) {
              return std::tie(a.id, a.port) < std::tie(b.id, b.port);
            });
  endpoints.erase(std::unique(endpoints.begin(), endpoints.end(),
                              [](const TargetEndpoint& a, const TargetEndpoint& b) {
                                return a.id == b.id && a.port == b.port;
                              }),
                  endpoints.end());
  return endpoints;
}

std::string checkpoint_of(const std::vector<TargetEndpoint>& endpoints, const Json& spec) {
  std::vector<std::string> entries;
  for (const TargetEndpoint& endpoint : endpoints) {
    entries.push_back(endpoint.id + ":" + std::to_string(endpoint.port) + ":" +
                      std::to_string(endpoint.created_millis));
  }
  std::sort(entries.begin(), entries.end());
  std::string joined;
  for (const std::string& entry : entries)
    joined += (joined.empty() ? "" : ",") + entry;
  return net::base64url_encode(net::sha256(joined)) + "/" +
         net::base64url_encode(net::sha256(spec.dump()));
}

}  // namespace albc::tgb
