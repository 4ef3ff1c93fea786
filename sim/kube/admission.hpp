#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "controller/net/clock.hpp"
#include "controller/net/random.hpp"
#include "controller/net/result.hpp"
#include "sim/kube/resource_type.hpp"
#include "sim/kube/status_error.hpp"

namespace albc::sim::kube {

struct AdmissionContext {
  net::Random& random;
  net::Clock::wall_time_point now;
  std::function<bool(const std::string& cluster_ip)> cluster_ip_taken;
  std::function<std::string(const std::string& kind)> default_ingress_class;
};

// Defaults and validation a real API server applies on create (the parts albc's kinds need:
// Service cluster IPs and ports, Namespace labels and phase, Pod and Deployment defaults,
// Ingress pathType and status).
net::Result<void, StatusError> admit_create(const ResourceType& type, Json& object,
                                            AdmissionContext& context);
// Defaults the real server's scheme applies on every write, create or update (Pod and
// Deployment spec defaults, Service type and port protocols, EndpointSlice port protocols,
// IngressClass parameters' scope).
void default_on_write(const ResourceType& type, Json& object);
// An update against the live object: a Service keeps its cluster IP, which may not change once
// set, and drops the node ports it no longer has a type for.
net::Result<void, StatusError> admit_update(const ResourceType& type, const Json& live,
                                            Json& updated);
// The pod strategy's graceful deletion: the DELETE's period (`requested`), else the pod's
// terminationGracePeriodSeconds; 0 for a pod never scheduled or already finished, and for every
// other kind. A negative period is taken as 1, as the real server takes it.
std::int64_t graceful_deletion_period(const ResourceType& type, const Json& live,
                                      std::optional<std::int64_t> requested);

}  // namespace albc::sim::kube
