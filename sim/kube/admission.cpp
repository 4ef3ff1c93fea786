#include "sim/kube/admission.hpp"

namespace albc::sim::kube {
namespace {

std::string name_of(const Json& object) {
  return object["metadata"].value("name", std::string());
}

net::Result<void, StatusError> admit_service(const ResourceType& type, Json& service,
                                             AdmissionContext& context) {
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
  if (spec.contains("ports")) {
    if (!spec["ports"].is_array()) {
      return net::fail(
          invalid(type, name_of(service), "spec.ports", "FieldValueInvalid", "must be a list"));
    }
    std::size_t index = 0;
    for (Json& port : spec["ports"]) {
      const std::string field = "spec.ports[" + std::to_string(index++) + "]";
      if (!port.is_object() || !port.contains("port") || !port["port"].is_number_integer()) {
        return net::fail(invalid(type, name_of(service), field + ".port", "FieldValueRequired",
                                 "Required value"));
      }
      const auto number = port["port"].get<long long>();
      if (number < 1 || number > 65535) {
        return net::fail(invalid(type, name_of(service), field + ".port", "FieldValueInvalid",
                                 "Invalid value: " + std::to_string(number) +
                                     ": must be between 1 and 65535, inclusive"));
      }
      if (!port.contains("protocol")) port["protocol"] = "TCP";
      if (!port.contains("targetPort")) port["targetPort"] = port["port"];
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

net::Result<void, StatusError> admit_ingress(const ResourceType& type, Json& ingress,
                                             AdmissionContext& context) {
  Json& spec = ingress["spec"];
  if (!spec.is_object()) spec = Json::object();
  if (!spec.contains("ingressClassName")) {
    const std::string default_class = context.default_ingress_class("IngressClass");
    if (!default_class.empty()) spec["ingressClassName"] = default_class;
  }
  if (spec.contains("rules") && spec["rules"].is_array()) {
    for (std::size_t r = 0; r < spec["rules"].size(); ++r) {
      const Json& rule = spec["rules"][r];
      if (!rule.contains("http") || !rule["http"].contains("paths")) continue;
      const Json& paths = rule["http"]["paths"];
      for (std::size_t p = 0; p < paths.size(); ++p) {
        const std::string field =
            "spec.rules[" + std::to_string(r) + "].http.paths[" + std::to_string(p) + "].pathType";
        if (!paths[p].contains("pathType")) {
          return net::fail(invalid(type, name_of(ingress), field, "FieldValueRequired",
                                   "Required value: pathType must be specified"));
        }
        const std::string path_type = paths[p]["pathType"].is_string()
                                          ? paths[p]["pathType"].get<std::string>()
                                          : std::string();
        if (path_type != "Exact" && path_type != "Prefix" &&
            path_type != "ImplementationSpecific") {
          return net::fail(invalid(type, name_of(ingress), field, "FieldValueNotSupported",
                                   "Unsupported value: \"" + path_type +
                                       "\": supported values: \"Exact\", "
                                       "\"ImplementationSpecific\", \"Prefix\""));
        }
      }
    }
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
    return admit_service(type, object, context);
  } else if (type.kind == "Ingress") {
    return admit_ingress(type, object, context);
  } else if (type.kind == "Pod" && type.group.empty()) {
    admit_pod(object);
  } else if (type.kind == "Deployment") {
    admit_deployment(object);
  } else if (type.kind == "EndpointSlice" && !object.contains("addressType")) {
    return net::fail(
        invalid(type, name_of(object), "addressType", "FieldValueRequired", "Required value"));
  }
  return {};
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
