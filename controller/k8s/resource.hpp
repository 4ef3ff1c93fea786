#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "controller/k8s/fields.hpp"

namespace albc::k8s {

// A REST resource the controller reads or writes.
struct Resource {
  std::string_view group;  // "" for the core group
  std::string_view version;
  std::string_view plural;
  std::string_view kind;
  bool namespaced = true;

  std::string api_version() const;
  // "/apis/networking.k8s.io/v1/namespaces/test/ingresses/web/status"
  std::string path(std::string_view ns = {}, std::string_view name = {},
                   std::string_view subresource = {}) const;
};

// "namespace/name", or "name" for a cluster-scoped object: how caches, work queues and messages
// name an object.
std::string object_key(const nlohmann::json& object);
std::string object_key(std::string_view ns, std::string_view name);

// Whether the object's metadata.finalizers lists `finalizer`.
bool has_finalizer(const nlohmann::json& object, std::string_view finalizer);

namespace resources {
inline constexpr Resource namespaces{"", "v1", "namespaces", "Namespace", false};
inline constexpr Resource pods{"", "v1", "pods", "Pod", true};
inline constexpr Resource services{"", "v1", "services", "Service", true};
inline constexpr Resource events{"", "v1", "events", "Event", true};
inline constexpr Resource nodes{"", "v1", "nodes", "Node", false};
inline constexpr Resource endpoint_slices{"discovery.k8s.io", "v1", "endpointslices",
                                          "EndpointSlice", true};
inline constexpr Resource ingresses{"networking.k8s.io", "v1", "ingresses", "Ingress", true};
inline constexpr Resource ingress_classes{"networking.k8s.io", "v1", "ingressclasses",
                                          "IngressClass", false};
inline constexpr Resource target_group_bindings{"elbv2.k8s.aws", "v1beta1", "targetgroupbindings",
                                                "TargetGroupBinding", true};
inline constexpr Resource ingress_class_params{"elbv2.k8s.aws", "v1beta1", "ingressclassparams",
                                               "IngressClassParams", false};
}  // namespace resources

}  // namespace albc::k8s
