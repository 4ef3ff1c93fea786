#pragma once

#include <string>
#include <vector>

#include "controller/k8s/cache.hpp"
#include "controller/net/result.hpp"

namespace albc::tgb {

using Json = nlohmann::json;

// Something that should be a target: a pod (id = its IP, port = the container port the Service
// port maps to) or a node (id = its instance ID, port = the Service's node port), and when it
// was created (part of the checkpoint).
struct TargetEndpoint {
  std::string id;
  int port = 0;
  long long created_millis = 0;
  bool operator==(const TargetEndpoint&) const = default;
};

// The cache indexes the binding path reads, by "namespace/service": EndpointSlices by their
// kubernetes.io/service-name label, TargetGroupBindings by spec.serviceRef.name; and bindings by
// spec.targetType.
inline constexpr const char* kByService = "service";
inline constexpr const char* kByTargetType = "targetType";
std::vector<std::string> slice_service_index(const Json& slice);
std::vector<std::string> binding_service_index(const Json& binding);
std::vector<std::string> binding_target_type_index(const Json& binding);
// What the binding path keeps of a pod (the informer's transform): identity, labels, times, node,
// addresses, conditions and readiness gates; not the containers, which are most of a pod.
void slim_pod(Json& pod);

// The ready pod endpoints behind a Service port (by name or number), read from the
// EndpointSlices labelled kubernetes.io/service-name and the pods they point at.
// An error says the backend is gone: Service or port missing.
net::Result<std::vector<TargetEndpoint>> resolve_pod_endpoints(
    const k8s::ObjectCache& services, const k8s::ObjectCache& endpoint_slices,
    const k8s::ObjectCache& pods, const std::string& ns, const std::string& service_name,
    const Json& service_port);

// The nodes behind a NodePort or LoadBalancer Service port (instance targets): ready nodes that
// may carry load-balancer traffic and match the binding's node selector.
net::Result<std::vector<TargetEndpoint>> resolve_node_endpoints(
    const k8s::ObjectCache& services, const k8s::ObjectCache& nodes, const std::string& ns,
    const std::string& service_name, const Json& service_port, const Json& node_selector);

// base64url(sha256(sorted "id:port:millis" joined by ",")) + "/" + base64url(sha256(spec JSON)).
std::string checkpoint_of(const std::vector<TargetEndpoint>& endpoints, const Json& spec);

}  // namespace albc::tgb
