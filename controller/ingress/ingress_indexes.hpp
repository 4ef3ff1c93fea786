#pragma once

#include <string>
#include <utility>
#include <vector>

#include "controller/k8s/cache.hpp"

namespace albc::ingress {

// Indexes of the Ingress cache, so that loading a group or mapping an event reads the Ingresses
// concerned, not all of them.
//   by group:   "group:<id>" for the group the Ingress's annotation names (itself when none:
//               "group:ns/name"), "finalizer:<id>" for each group whose finalizer it carries, and
//               "finalizer" when it carries any. IngressClassParams that name a group are not
//               seen here: the loader walks every Ingress when one does.
//   by class:   "spec:<ingressClassName>", "annotation:<kubernetes.io/ingress.class>", or "none".
//   by service: "ns/<service>" for each backend, and "ns/*" when an actions annotation may
//               forward to a Service.
inline constexpr const char* kIngressesByGroup = "group";
inline constexpr const char* kIngressesByClass = "class";
inline constexpr const char* kIngressesByService = "service";

std::vector<std::pair<std::string, k8s::ObjectCache::IndexFunc>> ingress_indexes();
// Adds them to a cache of Ingresses (the informer adds them to its own).
void add_ingress_indexes(k8s::ObjectCache& ingresses);

// The objects under any of `values` in an index, once each, in namespace/name order.
std::vector<const k8s::Json*> by_any(const k8s::ObjectCache& cache, const std::string& index,
                                     const std::vector<std::string>& values);

}  // namespace albc::ingress
