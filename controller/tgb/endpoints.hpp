#pragma once

#include <string>
#include <vector>

#include "controller/k8s/cache.hpp"
#include "controller/net/result.hpp"

namespace albc::tgb {

using Json = nlohmann::json;

// A pod that should be a target: its IP, the port the Service port maps to on it, and when it
// was created (part of the checkpoint).
struct PodEndpoint {
  std::string ip;
  int port = 0;
  std::string pod_name;
  long long pod_created_millis = 0;
  bool operator==(const PodEndpoint&) const = default;
};

// The ready pod endpoints behind a Service port (by name or number), read from the
// EndpointSlices labelled kubernetes.io/service-name and the pods they point at.
// An error says the backend is gone: Service or port missing.
net::Result<std::vector<PodEndpoint>> resolve_pod_endpoints(const k8s::ObjectCache& services,
                                                            const k8s::ObjectCache& endpoint_slices,
                                                            const k8s::ObjectCache& pods, const std::string& ns,
                                                            const std::string& service_name, const Json& service_port);

// base64url(sha256(sorted "ip:port:millis" joined by ",")) + "/" + base64url(sha256(spec JSON)).
std::string checkpoint_of(const std::vector<PodEndpoint>& endpoints, const Json& spec);

}  // namespace albc::tgb
