#include "sim/kube/admission.hpp"

namespace albc::sim::kube {
namespace {

std::string name_of(const Json& object) {
  return object["metadata"].value("name", std::string());
}

net::Result<void, StatusError> admit_service(Json& service, AdmissionContext& context) {
  Json& spec = service["spec"];
  if (!spec.is_object()) spec = Json::object();
  if (!spec.contains("type")) spec["type"] = "ClusterIP";
  if (!spec.contains("sessionAffinity")) spec["sessionAffinity"] = "None";
  if (!spec.contains("internalTrafficPolicy")) spec["internalTrafficPolicy"] = "Cluster";
  if (!spec.contains("ipFamilies")) spec["ipFamilies"] = Json::array({"IPv4"});
  if (!spec.contains("ipFamilyPolicy")) spec["ipFamilyPolicy"] = "SingleStack";
  if (!spec.contains("clusterIP") && spec["type"] != "ExternalName") {
    std::string ip;
    do {
      ip = "10.100." + std::to_string(context.random.uniform(0, 255)) + "." +
           std::to_string(context.random.uniform(1, 254));
    } while (context.cluster_ip_taken(ip));
    spec["clusterIP"] = ip;
    spec["clusterIPs"] = Json::array({ip});
  }
  const bool node_ports = spec["type"] == "NodePort" || spec["type"] == "LoadBalancer";
  // Validation runs after the defaults and reports ports without a number.
  if (spec.contains("ports") && spec["ports"].is_array()) {
    for (Json& port : spec["ports"]) {
      if (!port.is_object()) continue;
      if (!port.contains("protocol")) port["protocol"] = "TCP";
      if (!port.contains("targetPort") && port.contains("port")) port["targetPort"] = port["port"];
      if (node_ports && !port.contains("nodePort")) {
        port["nodePort"] = context.random.uniform(30000, 32767);
      }
    }
  }
  if (node_ports && !spec.contains("externalTrafficPolicy"))
    spec["externalTrafficPolicy"] = "Cluster";
  service["status"] = Json{{"loadBalancer", Json::object()}};
  return {};
}

net::Result<void, StatusError> admit_ingress(Json& ingress, AdmissionContext& context) {
  Json& spec = ingress["spec"];
  if (!spec.is_object()) spec = Json::object();
  if (!spec.contains("ingressClassName")) {
    const std::string default_class = context.default_ingress_class("IngressClass");
    if (!default_class.empty()) spec["ingressClassName"] = default_class;
  }
  ingress["status"] = Json{{"loadBalancer", Json::object()}};
  return {};
}

void admit_pod(Json& pod) {
  Json& spec = pod["spec"];
  if (!spec.is_object()) spec = Json::object();
  if (!spec.contains("restartPolicy")) spec["restartPolicy"] = "Always";
  if (!spec.contains("dnsPolicy")) spec["dnsPolicy"] = "ClusterFirst";
  if (!spec.contains("schedulerName")) spec["schedulerName"] = "default-scheduler";
  if (!spec.contains("terminationGracePeriodSeconds")) spec["terminationGracePeriodSeconds"] = 30;
  if (!spec.contains("serviceAccountName")) spec["serviceAccountName"] = "default";
  if (!pod.contains("status") || !pod["status"].contains("phase")) {
    pod["status"] = Json{{"phase", "Pending"}, {"qosClass", "BestEffort"}};
  }
}

void admit_deployment(Json& deployment) {
  Json& spec = deployment["spec"];
  if (!spec.is_object()) spec = Json::object();
  if (!spec.contains("replicas")) spec["replicas"] = 1;
  if (!spec.contains("revisionHistoryLimit")) spec["revisionHistoryLimit"] = 10;
  if (!spec.contains("progressDeadlineSeconds")) spec["progressDeadlineSeconds"] = 600;
  if (!spec.contains("strategy")) {
    spec["strategy"] = Json{{"type", "RollingUpdate"},
                            {"rollingUpdate", {{"maxSurge", "25%"}, {"maxUnavailable", "25%"}}}};
  }
  deployment["status"] = Json::object();
}

}  // namespace

net::Result<void, StatusError> admit_create(const ResourceType& type, Json& object,
                                            AdmissionContext& context) {
  if (type.kind == "Namespace" && type.group.empty()) {
    object["metadata"]["labels"]["kubernetes.io/metadata.name"] = name_of(object);
    object["spec"] = Json{{"finalizers", Json::array({"kubernetes"})}};
    object["status"] = Json{{"phase", "Active"}};
  } else if (type.kind == "Service" && type.group.empty()) {
    return admit_service(object, context);
  } else if (type.kind == "Ingress") {
    return admit_ingress(object, context);
  } else if (type.kind == "Pod" && type.group.empty()) {
    admit_pod(object);
  } else if (type.kind == "Deployment") {
    admit_deployment(object);
  }
  return {};
}

void default_on_write(const ResourceType& type, Json& object) {
  if (type.kind == "IngressClass" && object.contains("spec") && object["spec"].is_object()) {
    Json& spec = object["spec"];
    if (spec.contains("parameters") && spec["parameters"].is_object() &&
        !spec["parameters"].contains("scope")) {
      spec["parameters"]["scope"] = "Cluster";
    }
  }
}

net::Result<void, StatusError> admit_update(const ResourceType& type, const Json& live,
                                            Json& updated) {
  if (type.kind == "Service" && type.group.empty()) {
    const Json& old_spec = live["spec"];
    Json& spec = updated["spec"];
    if (!spec.is_object()) spec = Json::object();
    if (!spec.contains("clusterIP") && old_spec.contains("clusterIP")) {
      spec["clusterIP"] = old_spec["clusterIP"];
      spec["clusterIPs"] = old_spec.value("clusterIPs", Json::array());
    }
    if (spec.contains("clusterIP") && old_spec.contains("clusterIP") &&
        spec["clusterIP"] != old_spec["clusterIP"]) {
      return net::fail(invalid(type, name_of(updated), "spec.clusterIPs[0]", "FieldValueInvalid",
                               "Invalid value: field is immutable"));
    }
  }
  return {};
}

}  // namespace albc::sim::kube
