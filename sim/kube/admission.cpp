#include "sim/kube/admission.hpp"

#include <cstdint>
#include <set>

#include "controller/net/json.hpp"
#include "sim/kube/validation.hpp"

namespace albc::sim::kube {
namespace {

// The object `object[key]`, made one (an empty object) when it is missing or not one.
Json& object_at(Json& object, const char* key) {
  Json& value = object[key];
  if (!value.is_object()) value = Json::object();
  return value;
}

void set_default(Json& object, const char* key, Json value) {
  if (!object.contains(key) || object[key].is_null()) object[key] = std::move(value);
}

// What the real server's scheme defaulting fills in on every decode, create or update.
void default_pod_spec(Json& spec) {
  set_default(spec, "restartPolicy", "Always");
  set_default(spec, "dnsPolicy", "ClusterFirst");
  set_default(spec, "schedulerName", "default-scheduler");
  set_default(spec, "terminationGracePeriodSeconds", 30);
  set_default(spec, "serviceAccountName", "default");
  set_default(spec, "securityContext", Json::object());
  for (const char* list : {"containers", "initContainers"}) {
    if (!spec.contains(list) || !spec[list].is_array()) continue;
    for (Json& container : spec[list]) {
      if (!container.is_object()) continue;
      // Always for :latest or no tag, else IfNotPresent (a digest counts as a tag).
      const std::string image = container.value("image", "");
      const auto slash = image.rfind('/');
      const std::string last = slash == std::string::npos ? image : image.substr(slash + 1);
      const bool latest = image.find('@') == std::string::npos &&
                          (last.find(':') == std::string::npos || last.ends_with(":latest"));
      set_default(container, "imagePullPolicy", latest ? "Always" : "IfNotPresent");
      set_default(container, "resources", Json::object());
      set_default(container, "terminationMessagePath", "/dev/termination-log");
      set_default(container, "terminationMessagePolicy", "File");
      if (!container.contains("ports") || !container["ports"].is_array()) continue;
      for (Json& port : container["ports"]) {
        if (port.is_object()) set_default(port, "protocol", "TCP");
      }
    }
  }
}

void default_deployment(Json& deployment) {
  Json& spec = object_at(deployment, "spec");
  set_default(spec, "replicas", 1);
  set_default(spec, "revisionHistoryLimit", 10);
  set_default(spec, "progressDeadlineSeconds", 600);
  Json& strategy = object_at(spec, "strategy");
  set_default(strategy, "type", "RollingUpdate");
  if (strategy["type"] == "RollingUpdate") {
    Json& rolling = object_at(strategy, "rollingUpdate");
    set_default(rolling, "maxUnavailable", "25%");
    set_default(rolling, "maxSurge", "25%");
  }
  if (spec.contains("template") && spec["template"].is_object()) {
    default_pod_spec(object_at(spec["template"], "spec"));
  }
}

void default_service(Json& service) {
  Json& spec = object_at(service, "spec");
  set_default(spec, "type", "ClusterIP");
  set_default(spec, "sessionAffinity", "None");
  if (!spec.contains("ports") || !spec["ports"].is_array()) return;
  for (Json& port : spec["ports"]) {
    if (!port.is_object()) continue;
    set_default(port, "protocol", "TCP");
    if (port.contains("port")) set_default(port, "targetPort", port["port"]);
  }
}

void default_endpoint_slice(Json& slice) {
  if (!slice.contains("ports") || !slice["ports"].is_array()) return;
  for (Json& port : slice["ports"]) {
    if (port.is_object()) set_default(port, "protocol", "TCP");
  }
}

void default_ingress_class(Json& ingress_class) {
  if (!ingress_class.contains("spec") || !ingress_class["spec"].is_object()) return;
  Json& spec = ingress_class["spec"];
  if (spec.contains("parameters") && spec["parameters"].is_object()) {
    set_default(spec["parameters"], "scope", "Cluster");
  }
}

net::Result<void, StatusError> admit_service(Json& service, AdmissionContext& context) {
  Json& spec = object_at(service, "spec");
  set_default(spec, "internalTrafficPolicy", "Cluster");
  set_default(spec, "ipFamilies", Json::array({"IPv4"}));
  set_default(spec, "ipFamilyPolicy", "SingleStack");
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
  if (node_ports) set_default(spec, "externalTrafficPolicy", "Cluster");
  if (node_ports && spec.contains("ports") && spec["ports"].is_array()) {
    for (Json& port : spec["ports"]) {
      if (port.is_object()) set_default(port, "nodePort", context.random.uniform(30000, 32767));
    }
  }
  service["status"] = Json{{"loadBalancer", Json::object()}};
  return {};
}

net::Result<void, StatusError> admit_ingress(Json& ingress, AdmissionContext& context) {
  Json& spec = object_at(ingress, "spec");
  if (!spec.contains("ingressClassName")) {
    const std::string default_class = context.default_ingress_class("IngressClass");
    if (!default_class.empty()) spec["ingressClassName"] = default_class;
  }
  ingress["status"] = Json{{"loadBalancer", Json::object()}};
  return {};
}

// A Service that stops being NodePort or LoadBalancer drops the node ports and traffic policy
// the server chose for it, as the real server's dropTypeDependentFields does, unless the writer
// set other values: the node ports only when none of them is new (sameNodePorts).
void drop_type_dependent_fields(const Json& old_spec, Json& spec) {
  const std::string type = text_of(field_of(spec, "type"));
  const std::string old_type = text_of(field_of(old_spec, "type"));
  const bool had_node_ports = old_type == "NodePort" || old_type == "LoadBalancer";
  if (!had_node_ports || type == "NodePort" || type == "LoadBalancer") return;
  if (field_of(spec, "externalTrafficPolicy") == field_of(old_spec, "externalTrafficPolicy")) {
    spec.erase("externalTrafficPolicy");
  }
  const Json& old_ports = field_of(old_spec, "ports");
  if (!spec.contains("ports") || !spec["ports"].is_array() || !old_ports.is_array()) return;
  // Ports may be added, removed or changed, as long as no node port is new.
  std::set<std::int64_t> old_node_ports;
  for (const Json& port : old_ports) {
    const Json& node_port = field_of(port, "nodePort");
    if (node_port.is_number_integer() && node_port != 0)
      old_node_ports.insert(node_port.get<std::int64_t>());
  }
  Json& ports = spec["ports"];
  for (const Json& port : ports) {
    const Json& node_port = field_of(port, "nodePort");
    if (node_port.is_number_integer() && node_port != 0 &&
        !old_node_ports.contains(node_port.get<std::int64_t>())) {
      return;
    }
  }
  for (Json& port : ports) {
    if (port.is_object()) port.erase("nodePort");
  }
}

}  // namespace

void default_on_write(const ResourceType& type, Json& object) {
  if (type.group.empty()) {
    if (type.kind == "Pod") default_pod_spec(object_at(object, "spec"));
    if (type.kind == "Service") default_service(object);
    if (type.kind == "Secret") set_default(object, "type", "Opaque");
  } else if (type.kind == "Deployment") {
    default_deployment(object);
  } else if (type.kind == "EndpointSlice") {
    default_endpoint_slice(object);
  } else if (type.kind == "IngressClass") {
    default_ingress_class(object);
  }
}

net::Result<void, StatusError> admit_create(const ResourceType& type, Json& object,
                                            AdmissionContext& context) {
  if (type.kind == "Namespace" && type.group.empty()) {
    object["metadata"]["labels"]["kubernetes.io/metadata.name"] =
        text_of(field_of(object["metadata"], "name"));
    object["spec"] = Json{{"finalizers", Json::array({"kubernetes"})}};
    object["status"] = Json{{"phase", "Active"}};
  } else if (type.kind == "Service" && type.group.empty()) {
    return admit_service(object, context);
  } else if (type.kind == "Ingress") {
    return admit_ingress(object, context);
  } else if (type.kind == "Pod" && type.group.empty()) {
    if (!field_of(object, "status").contains("phase")) {
      object["status"] = Json{{"phase", "Pending"}, {"qosClass", "BestEffort"}};
    }
  } else if (type.kind == "Deployment") {
    object["status"] = Json::object();
  }
  return {};
}

net::Result<void, StatusError> admit_update(const ResourceType& type, const Json& live,
                                            Json& updated) {
  if (type.kind != "Service" || !type.group.empty()) return {};
  const Json& old_spec = field_of(live, "spec");
  Json& spec = object_at(updated, "spec");
  if (!spec.contains("clusterIP") && old_spec.contains("clusterIP")) {
    spec["clusterIP"] = old_spec["clusterIP"];
    spec["clusterIPs"] =
        field_of(old_spec, "clusterIPs").is_array() ? old_spec["clusterIPs"] : Json::array();
  }
  if (spec.contains("clusterIP") && old_spec.contains("clusterIP") &&
      spec["clusterIP"] != old_spec["clusterIP"]) {
    return net::fail(invalid(
        type, text_of(field_of(field_of(updated, "metadata"), "name")), "spec.clusterIPs[0]",
        "FieldValueInvalid",
        "Invalid value: " + net::dump_json(spec["clusterIP"]) + ": may not change once set"));
  }
  drop_type_dependent_fields(old_spec, spec);
  return {};
}

std::int64_t graceful_deletion_period(const ResourceType& type, const Json& live,
                                      std::optional<std::int64_t> requested) {
  if (type.kind != "Pod" || !type.group.empty()) return 0;
  const Json& spec = field_of(live, "spec");
  const std::string phase = text_of(field_of(field_of(live, "status"), "phase"));
  if (text_of(field_of(spec, "nodeName")).empty() || phase == "Succeeded" || phase == "Failed")
    return 0;
  const Json& declared = field_of(spec, "terminationGracePeriodSeconds");
  const std::int64_t period = requested.value_or(
      declared.is_number_integer() ? declared.get<std::int64_t>() : std::int64_t{30});
  return period < 0 ? 1 : period;
}

}  // namespace albc::sim::kube
