#include "sim/kube/builtin_schemas.hpp"

namespace albc::sim::kube {
namespace {

using namespace schema;
using Fields = std::vector<std::pair<std::string, SchemaPtr>>;

SchemaPtr strings() {
  return array_of(string(), "[]string");
}
SchemaPtr string_map() {
  return map_of(string(), "map[string]string");
}

SchemaPtr object_meta() {
  const SchemaPtr owner = object("OwnerReference", {{"apiVersion", string()},
                                                    {"kind", string()},
                                                    {"name", string()},
                                                    {"uid", string()},
                                                    {"controller", boolean()},
                                                    {"blockOwnerDeletion", boolean()}});
  return object("ObjectMeta", {{"name", string()},
                               {"generateName", string()},
                               {"namespace", string()},
                               {"selfLink", string()},
                               {"uid", string()},
                               {"resourceVersion", string()},
                               {"generation", int64()},
                               {"creationTimestamp", string()},
                               {"deletionTimestamp", string()},
                               {"deletionGracePeriodSeconds", int64()},
                               {"labels", string_map()},
                               {"annotations", string_map()},
                               {"ownerReferences", array_of(owner, "[]v1.OwnerReference")},
                               {"finalizers", strings()},
                               {"managedFields", array_of(any(), "[]v1.ManagedFieldsEntry")}});
}

// apiVersion, kind and metadata, then the kind's own fields.
SchemaPtr top_level(std::string kind, Fields fields, bool open = false) {
  Fields all = {{"apiVersion", string()}, {"kind", string()}, {"metadata", object_meta()}};
  all.insert(all.end(), fields.begin(), fields.end());
  return open ? open_object(std::move(kind), std::move(all))
              : object(std::move(kind), std::move(all));
}

SchemaPtr label_selector() {
  const SchemaPtr requirement =
      object("LabelSelectorRequirement",
             {{"key", string()}, {"operator", string()}, {"values", strings()}});
  return object("LabelSelector",
                {{"matchLabels", string_map()},
                 {"matchExpressions", array_of(requirement, "[]v1.LabelSelectorRequirement")}});
}

SchemaPtr container() {
  const SchemaPtr port = object("ContainerPort", {{"name", string()},
                                                  {"hostPort", int32()},
                                                  {"containerPort", int32()},
                                                  {"protocol", string()},
                                                  {"hostIP", string()}});
  return open_object("Container", {{"name", string()},
                                   {"image", string()},
                                   {"command", strings()},
                                   {"args", strings()},
                                   {"workingDir", string()},
                                   {"ports", array_of(port, "[]v1.ContainerPort")},
                                   {"imagePullPolicy", string()}});
}

SchemaPtr pod_spec() {
  const SchemaPtr gate = object("PodReadinessGate", {{"conditionType", string()}});
  return open_object("PodSpec", {{"containers", array_of(container(), "[]v1.Container")},
                                 {"initContainers", array_of(container(), "[]v1.Container")},
                                 {"restartPolicy", string()},
                                 {"terminationGracePeriodSeconds", int64()},
                                 {"activeDeadlineSeconds", int64()},
                                 {"dnsPolicy", string()},
                                 {"nodeSelector", string_map()},
                                 {"serviceAccountName", string()},
                                 {"nodeName", string()},
                                 {"hostNetwork", boolean()},
                                 {"schedulerName", string()},
                                 {"readinessGates", array_of(gate, "[]v1.PodReadinessGate")}});
}

SchemaPtr pod_template() {
  return object("PodTemplateSpec", {{"metadata", object_meta()}, {"spec", pod_spec()}});
}

SchemaPtr pod_status() {
  const SchemaPtr condition = open_object("PodCondition", {{"type", string()},
                                                           {"status", string()},
                                                           {"reason", string()},
                                                           {"message", string()},
                                                           {"lastProbeTime", string()},
                                                           {"lastTransitionTime", string()}});
  const SchemaPtr ip = object("PodIP", {{"ip", string()}});
  return open_object("PodStatus", {{"phase", string()},
                                   {"conditions", array_of(condition, "[]v1.PodCondition")},
                                   {"hostIP", string()},
                                   {"podIP", string()},
                                   {"podIPs", array_of(ip, "[]v1.PodIP")},
                                   {"startTime", string()},
                                   {"qosClass", string()}});
}

SchemaPtr service_spec() {
  const SchemaPtr port = object("ServicePort", {{"name", string()},
                                                {"protocol", string()},
                                                {"appProtocol", string()},
                                                {"port", int32()},
                                                {"targetPort", int_or_string()},
                                                {"nodePort", int32()}});
  return object("ServiceSpec", {{"ports", array_of(port, "[]v1.ServicePort")},
                                {"selector", string_map()},
                                {"clusterIP", string()},
                                {"clusterIPs", strings()},
                                {"type", string()},
                                {"externalIPs", strings()},
                                {"sessionAffinity", string()},
                                {"loadBalancerIP", string()},
                                {"loadBalancerSourceRanges", strings()},
                                {"externalName", string()},
                                {"externalTrafficPolicy", string()},
                                {"healthCheckNodePort", int32()},
                                {"publishNotReadyAddresses", boolean()},
                                {"sessionAffinityConfig", any()},
                                {"ipFamilies", strings()},
                                {"ipFamilyPolicy", string()},
                                {"allocateLoadBalancerNodePorts", boolean()},
                                {"loadBalancerClass", string()},
                                {"internalTrafficPolicy", string()},
                                {"trafficDistribution", string()}});
}

SchemaPtr deployment_spec() {
  const SchemaPtr rolling = object("RollingUpdateDeployment", {{"maxUnavailable", int_or_string()},
                                                               {"maxSurge", int_or_string()}});
  const SchemaPtr strategy =
      object("DeploymentStrategy", {{"type", string()}, {"rollingUpdate", rolling}});
  return object("DeploymentSpec", {{"replicas", int32()},
                                   {"selector", label_selector()},
                                   {"template", pod_template()},
                                   {"strategy", strategy},
                                   {"minReadySeconds", int32()},
                                   {"revisionHistoryLimit", int32()},
                                   {"paused", boolean()},
                                   {"progressDeadlineSeconds", int32()}});
}

SchemaPtr ingress_backend() {
  const SchemaPtr port = object("ServiceBackendPort", {{"name", string()}, {"number", int32()}});
  const SchemaPtr service = object("IngressServiceBackend", {{"name", string()}, {"port", port}});
  const SchemaPtr resource =
      object("TypedLocalObjectReference",
             {{"apiGroup", string()}, {"kind", string()}, {"name", string()}});
  return object("IngressBackend", {{"service", service}, {"resource", resource}});
}

SchemaPtr ingress_spec() {
  const SchemaPtr path =
      object("HTTPIngressPath",
             {{"path", string()}, {"pathType", string()}, {"backend", ingress_backend()}});
  const SchemaPtr http =
      object("HTTPIngressRuleValue", {{"paths", array_of(path, "[]v1.HTTPIngressPath")}});
  const SchemaPtr rule = object("IngressRule", {{"host", string()}, {"http", http}});
  const SchemaPtr tls = object("IngressTLS", {{"hosts", strings()}, {"secretName", string()}});
  return object("IngressSpec", {{"ingressClassName", string()},
                                {"defaultBackend", ingress_backend()},
                                {"tls", array_of(tls, "[]v1.IngressTLS")},
                                {"rules", array_of(rule, "[]v1.IngressRule")}});
}

SchemaPtr endpoint_slice() {
  const SchemaPtr conditions =
      object("EndpointConditions",
             {{"ready", boolean()}, {"serving", boolean()}, {"terminating", boolean()}});
  const SchemaPtr endpoint = object("Endpoint", {{"addresses", strings()},
                                                 {"conditions", conditions},
                                                 {"hostname", string()},
                                                 {"targetRef", any()},
                                                 {"deprecatedTopology", string_map()},
                                                 {"nodeName", string()},
                                                 {"zone", string()},
                                                 {"hints", any()}});
  const SchemaPtr port = object(
      "EndpointPort",
      {{"name", string()}, {"protocol", string()}, {"port", int32()}, {"appProtocol", string()}});
  return top_level("EndpointSlice", {{"addressType", string()},
                                     {"endpoints", array_of(endpoint, "[]v1.Endpoint")},
                                     {"ports", array_of(port, "[]v1.EndpointPort")}});
}

// Status that albc's world writes and kubectl shows, with room for what albc does not model.
SchemaPtr open_status(std::string go_struct) {
  return open_object(std::move(go_struct), {});
}

}  // namespace

SchemaPtr builtin_schema(std::string_view group, std::string_view kind) {
  if (group.empty()) {
    if (kind == "Namespace") {
      return top_level("Namespace", {{"spec", object("NamespaceSpec", {{"finalizers", strings()}})},
                                     {"status", open_status("NamespaceStatus")}});
    }
    if (kind == "Node") {
      return top_level("Node", {{"spec", open_object("NodeSpec", {{"providerID", string()},
                                                                  {"unschedulable", boolean()},
                                                                  {"podCIDR", string()},
                                                                  {"podCIDRs", strings()}})},
                                {"status", open_status("NodeStatus")}});
    }
    if (kind == "Pod") return top_level("Pod", {{"spec", pod_spec()}, {"status", pod_status()}});
    if (kind == "Service") {
      return top_level("Service",
                       {{"spec", service_spec()}, {"status", open_status("ServiceStatus")}});
    }
    if (kind == "Endpoints") {
      return top_level("Endpoints", {{"subsets", array_of(any(), "[]v1.EndpointSubset")}});
    }
    if (kind == "ConfigMap") {
      return top_level("ConfigMap", {{"data", string_map()},
                                     {"binaryData", map_of(string(), "map[string][]uint8")},
                                     {"immutable", boolean()}});
    }
    if (kind == "Secret") {
      return top_level("Secret", {{"data", map_of(string(), "map[string][]uint8")},
                                  {"stringData", string_map()},
                                  {"type", string()},
                                  {"immutable", boolean()}});
    }
    if (kind == "Event") {
      return top_level("Event", {{"involvedObject", any()},
                                 {"reason", string()},
                                 {"message", string()},
                                 {"source", any()},
                                 {"firstTimestamp", string()},
                                 {"lastTimestamp", string()},
                                 {"count", int32()},
                                 {"type", string()},
                                 {"eventTime", string()},
                                 {"series", any()},
                                 {"action", string()},
                                 {"related", any()},
                                 {"reportingComponent", string()},
                                 {"reportingInstance", string()}});
    }
  }
  if (group == "apps" && kind == "Deployment") {
    return top_level("Deployment",
                     {{"spec", deployment_spec()}, {"status", open_status("DeploymentStatus")}});
  }
  if (group == "apps" && kind == "ReplicaSet") {
    const SchemaPtr spec = object("ReplicaSetSpec", {{"replicas", int32()},
                                                     {"minReadySeconds", int32()},
                                                     {"selector", label_selector()},
                                                     {"template", pod_template()}});
    return top_level("ReplicaSet", {{"spec", spec}, {"status", open_status("ReplicaSetStatus")}});
  }
  if (group == "networking.k8s.io" && kind == "Ingress") {
    return top_level("Ingress",
                     {{"spec", ingress_spec()}, {"status", open_status("IngressStatus")}});
  }
  if (group == "networking.k8s.io" && kind == "IngressClass") {
    const SchemaPtr parameters =
        object("IngressClassParametersReference", {{"apiGroup", string()},
                                                   {"kind", string()},
                                                   {"name", string()},
                                                   {"scope", string()},
                                                   {"namespace", string()}});
    return top_level("IngressClass",
                     {{"spec", object("IngressClassSpec",
                                      {{"controller", string()}, {"parameters", parameters}})}});
  }
  if (group == "discovery.k8s.io" && kind == "EndpointSlice") return endpoint_slice();
  if (group == "coordination.k8s.io" && kind == "Lease") {
    const SchemaPtr spec = object("LeaseSpec", {{"holderIdentity", string()},
                                                {"leaseDurationSeconds", int32()},
                                                {"acquireTime", string()},
                                                {"renewTime", string()},
                                                {"leaseTransitions", int32()},
                                                {"strategy", string()},
                                                {"preferredHolder", string()}});
    return top_level("Lease", {{"spec", spec}});
  }
  if (group == "events.k8s.io" && kind == "Event") {
    return top_level("Event", {}, true);
  }
  return top_level(std::string(kind), {}, true);
}

SchemaPtr custom_resource_envelope(std::string_view kind) {
  return top_level(std::string(kind), {}, true);
}

namespace {

SchemaPtr required(SchemaPtr object_schema, std::vector<std::string> names) {
  return with(std::move(object_schema), [&](Schema& node) { node.required = names; });
}

SchemaPtr one_of(std::vector<std::string> values) {
  return with(string(), [&](Schema& node) { node.enum_values = values; });
}

SchemaPtr node_selector() {
  const SchemaPtr requirement =
      required(object("", {{"key", string()}, {"operator", string()}, {"values", strings()}}),
               {"key", "operator"});
  return object("",
                {{"matchExpressions", array_of(requirement, "")}, {"matchLabels", string_map()}});
}

SchemaPtr binding_spec(bool beta) {
  const SchemaPtr peer =
      object("", {{"ipBlock", required(object("", {{"cidr", string()}}), {"cidr"})},
                  {"securityGroup", required(object("", {{"groupID", string()}}), {"groupID"})}});
  const SchemaPtr port =
      object("", {{"port", int_or_string()}, {"protocol", one_of({"TCP", "UDP"})}});
  const SchemaPtr rule = required(
      object("", {{"from", array_of(peer, "")}, {"ports", array_of(port, "")}}), {"from", "ports"});
  const SchemaPtr service_ref =
      required(object("", {{"name", string()}, {"port", int_or_string()}}), {"name", "port"});
  Fields fields = {{"assumeRoleExternalId", string()},
                   {"iamRoleArnToAssume", string()},
                   {"multiClusterTargetGroup", boolean()},
                   {"networking", object("", {{"ingress", array_of(rule, "")}})},
                   {"serviceRef", service_ref},
                   {"targetGroupARN", string()},
                   {"targetGroupName", string()},
                   {"targetType", one_of({"instance", "ip"})}};
  if (beta) {
    fields.push_back({"ipAddressType", one_of({"ipv4", "ipv6"})});
    fields.push_back({"nodeSelector", node_selector()});
    fields.push_back({"targetGroupProtocol", one_of({"HTTP", "HTTPS", "TCP", "TLS", "UDP",
                                                     "TCP_UDP", "QUIC", "TCP_QUIC"})});
    fields.push_back({"vpcID", string()});
  }
  return required(object("", std::move(fields)), {"serviceRef"});
}

SchemaPtr binding_status(bool beta) {
  Fields fields = {{"observedGeneration", int64()}};
  if (beta) {
    const SchemaPtr condition = required(
        object("", {{"lastTransitionTime",
                     with(string(), [](Schema& node) { node.format = "date-time"; })},
                    {"message", with(string(), [](Schema& node) { node.max_length = 32768; })},
                    {"observedGeneration", with(int64(), [](Schema& node) { node.minimum = 0; })},
                    {"reason", with(string(),
                                    [](Schema& node) {
                                      node.min_length = 1;
                                      node.max_length = 1024;
                                      node.pattern = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$";
                                    })},
                    {"status", one_of({"True", "False", "Unknown"})},
                    {"type", with(string(), [](Schema& node) { node.max_length = 316; })}}),
        {"lastTransitionTime", "message", "reason", "status", "type"});
    fields.push_back({"conditions", array_of(condition, "")});
  }
  return object("", std::move(fields));
}

SchemaPtr class_params_spec() {
  const SchemaPtr key_value =
      required(object("", {{"key", string()}, {"value", string()}}), {"key", "value"});
  const SchemaPtr listener = object(
      "",
      {{"port", int64()}, {"protocol", string()}, {"listenerAttributes", array_of(key_value, "")}});
  const SchemaPtr subnet_ids =
      with(array_of(with(string(), [](Schema& node) { node.pattern = "subnet-[0-9a-f]+"; }), ""),
           [](Schema& node) { node.min_items = 1; });
  return object("",
                {{"PrefixListsIDs", strings()},
                 {"prefixListsIDs", strings()},
                 {"certificateArn", strings()},
                 {"group", required(object("", {{"name", string()}}), {"name"})},
                 {"inboundCIDRs", strings()},
                 {"ipAddressType", one_of({"ipv4", "dualstack", "dualstack-without-public-ipv4"})},
                 {"ipamConfiguration", object("", {{"ipv4IPAMPoolId", string()}})},
                 {"listeners", array_of(listener, "")},
                 {"loadBalancerAttributes", array_of(key_value, "")},
                 {"loadBalancerName", string()},
                 {"minimumLoadBalancerCapacity",
                  required(object("", {{"capacityUnits", int64()}}), {"capacityUnits"})},
                 {"namespaceSelector", node_selector()},
                 {"scheme", one_of({"internal", "internet-facing"})},
                 {"sslPolicy", string()},
                 {"sslRedirectPort", string()},
                 {"subnets", object("", {{"ids", subnet_ids}, {"tags", map_of(strings(), "")}})},
                 {"tags", array_of(key_value, "")},
                 {"targetType", one_of({"instance", "ip"})},
                 {"wafv2AclArn", string()},
                 {"wafv2AclName", string()}});
}

}  // namespace

SchemaPtr custom_resource_schema(std::string_view kind, std::string_view version) {
  const Fields envelope = {{"apiVersion", string()}, {"kind", string()}, {"metadata", any()}};
  Fields fields = envelope;
  if (kind == "TargetGroupBinding") {
    const bool beta = version == "v1beta1";
    fields.push_back({"spec", binding_spec(beta)});
    fields.push_back({"status", binding_status(beta)});
  } else if (kind == "IngressClassParams") {
    fields.push_back({"spec", class_params_spec()});
  } else {
    return open_object(std::string(kind), envelope);
  }
  return object(std::string(kind), std::move(fields));
}

}  // namespace albc::sim::kube
