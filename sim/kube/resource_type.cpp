#include "sim/kube/resource_type.hpp"

#include <algorithm>

#include "sim/kube/builtin_schemas.hpp"

namespace albc::sim::kube {

ResourceRegistry ResourceRegistry::standard() {
  ResourceRegistry registry;
  auto add = [&](ResourceType type) { registry.types_.push_back(std::move(type)); };
  const std::vector<std::string> all_category{"all"};
  add({"", "v1", "namespaces", "namespace", "Namespace", false, true, false, {"ns"}, {}, {}});
  add({"", "v1", "nodes", "node", "Node", false, true, false, {"no"}, {}, {}});
  add({"", "v1", "pods", "pod", "Pod", true, true, false, {"po"}, all_category, {}});
  add({"", "v1", "services", "service", "Service", true, true, false, {"svc"}, all_category, {}});
  add({"", "v1", "endpoints", "endpoints", "Endpoints", true, false, false, {"ep"}, {}, {}});
  add({"", "v1", "configmaps", "configmap", "ConfigMap", true, false, false, {"cm"}, {}, {}});
  add({"", "v1", "secrets", "secret", "Secret", true, false, false, {}, {}, {}});
  add({"", "v1", "events", "event", "Event", true, false, false, {"ev"}, {}, {}});
  add({"apps",
       "v1",
       "deployments",
       "deployment",
       "Deployment",
       true,
       true,
       false,
       {"deploy"},
       all_category,
       {}});
  add({"apps",
       "v1",
       "replicasets",
       "replicaset",
       "ReplicaSet",
       true,
       true,
       false,
       {"rs"},
       all_category,
       {}});
  add({"networking.k8s.io",
       "v1",
       "ingresses",
       "ingress",
       "Ingress",
       true,
       true,
       false,
       {"ing"},
       {},
       {}});
  add({"networking.k8s.io",
       "v1",
       "ingressclasses",
       "ingressclass",
       "IngressClass",
       false,
       false,
       false,
       {},
       {},
       {}});
  add({"discovery.k8s.io",
       "v1",
       "endpointslices",
       "endpointslice",
       "EndpointSlice",
       true,
       false,
       false,
       {},
       {},
       {}});
  add({"coordination.k8s.io", "v1", "leases", "lease", "Lease", true, false, false, {}, {}, {}});
  add({"events.k8s.io", "v1", "events", "event", "Event", true, false, false, {"ev"}, {}, {}});
  const std::vector<PrinterColumn> binding_columns{
      {"SERVICE-NAME", "string", ".spec.serviceRef.name", 0, "The Kubernetes Service's name"},
      {"SERVICE-PORT", "string", ".spec.serviceRef.port", 0, "The Kubernetes Service's port"},
      {"TARGET-TYPE", "string", ".spec.targetType", 0, "The AWS TargetGroup's TargetType"},
      {"ARN", "string", ".spec.targetGroupARN", 1, "The AWS TargetGroup's Amazon Resource Name"},
      {"NAME", "string", ".spec.targetGroupName", 2, "The AWS TargetGroup's Name"},
      {"AGE", "date", ".metadata.creationTimestamp", 0, ""}};
  // v1alpha1 is served too (storage is v1beta1; the versions differ only in apiVersion).
  for (const char* version : {"v1beta1", "v1alpha1"}) {
    add({"elbv2.k8s.aws",
         version,
         "targetgroupbindings",
         "targetgroupbinding",
         "TargetGroupBinding",
         true,
         true,
         true,
         {},
         {},
         binding_columns});
  }
  add({"elbv2.k8s.aws",
       "v1beta1",
       "ingressclassparams",
       "ingressclassparam",
       "IngressClassParams",
       false,
       false,
       true,
       {},
       {},
       {{"GROUP-NAME", "string", ".spec.group.name", 0, "The Ingress Group name"},
        {"SCHEME", "string", ".spec.scheme", 0, "The AWS Load Balancer scheme"},
        {"IP-ADDRESS-TYPE", "string", ".spec.ipAddressType", 0,
         "The AWS Load Balancer ipAddressType"},
        {"AGE", "date", ".metadata.creationTimestamp", 0, ""}}});
  for (ResourceType& type : registry.types_) {
    if (type.custom) {
      type.schema = custom_resource_schema(type.kind, type.version);
      type.envelope = custom_resource_envelope(type.kind);
    } else {
      type.schema = builtin_schema(type.group, type.kind);
    }
  }
  return registry;
}

const ResourceType* ResourceRegistry::find(std::string_view group, std::string_view version,
                                           std::string_view plural) const {
  for (const ResourceType& type : types_) {
    if (type.group == group && type.version == version && type.plural == plural) return &type;
  }
  return nullptr;
}

const ResourceType* ResourceRegistry::find_kind(std::string_view api_version,
                                                std::string_view kind) const {
  for (const ResourceType& type : types_) {
    if (type.api_version() == api_version && type.kind == kind) return &type;
  }
  return nullptr;
}

std::vector<std::string> ResourceRegistry::groups() const {
  std::vector<std::string> names;
  for (const ResourceType& type : types_) {
    if (std::find(names.begin(), names.end(), type.group) == names.end()) {
      names.push_back(type.group);
    }
  }
  return names;
}

std::vector<std::string> ResourceRegistry::versions(std::string_view group) const {
  std::vector<std::string> names;
  for (const ResourceType& type : types_) {
    if (type.group == group && std::find(names.begin(), names.end(), type.version) == names.end()) {
      names.push_back(type.version);
    }
  }
  return names;
}

}  // namespace albc::sim::kube
