#include "sim/kube/table.hpp"

#include <ctime>

namespace albc::sim::kube {

std::string human_duration(std::chrono::seconds elapsed) {
  const long long seconds = elapsed.count();
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return std::to_string(seconds) + "s";
  const long long minutes = seconds / 60;
  if (minutes < 10) {
    const long long rest = seconds % 60;
    return std::to_string(minutes) + "m" + (rest == 0 ? "" : std::to_string(rest) + "s");
  }
  if (minutes < 180) return std::to_string(minutes) + "m";
  const long long hours = minutes / 60;
  if (hours < 8) {
    const long long rest = minutes % 60;
    return std::to_string(hours) + "h" + (rest == 0 ? "" : std::to_string(rest) + "m");
  }
  if (hours < 48) return std::to_string(hours) + "h";
  if (hours < 24 * 8) {
    const long long rest = hours % 24;
    return std::to_string(hours / 24) + "d" + (rest == 0 ? "" : std::to_string(rest) + "h");
  }
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24) + "d";
  const long long days_rest = hours / 24 % 365;
  if (hours < 24 * 365 * 8) {
    return std::to_string(hours / 24 / 365) + "y" +
           (days_rest == 0 ? "" : std::to_string(days_rest) + "d");
  }
  return std::to_string(hours / 24 / 365) + "y";
}

bool wants_table(std::string_view accept) {
  return accept.find("as=Table") != std::string_view::npos;
}

namespace {

struct Column {
  std::string name;
  std::string type;
  int priority = 0;
};

std::string age_of(const Json& object, net::Clock::wall_time_point now) {
  const std::string created = object["metadata"].value("creationTimestamp", "");
  std::tm fields{};
  if (created.size() < 19 || strptime(created.c_str(), "%Y-%m-%dT%H:%M:%S", &fields) == nullptr) {
    return "<unknown>";
  }
  const auto then = std::chrono::system_clock::from_time_t(timegm(&fields));
  return human_duration(std::chrono::duration_cast<std::chrono::seconds>(now - then));
}

const Json* at_path(const Json& object, std::string_view path) {
  const Json* node = &object;
  if (path.starts_with(".")) path.remove_prefix(1);
  while (!path.empty()) {
    const auto dot = path.find('.');
    const std::string part(path.substr(0, dot));
    if (!node->is_object() || !node->contains(part)) return nullptr;
    node = &(*node)[part];
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return node;
}

Json cell_at(const Json& object, const PrinterColumn& column, net::Clock::wall_time_point now) {
  if (column.type == "date") return age_of(object, now);
  const Json* value = at_path(object, column.json_path);
  if (value == nullptr || value->is_null()) return nullptr;
  if (value->is_string()) return *value;
  return value->dump();
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string text;
  for (const std::string& part : parts) {
    if (!text.empty()) text += separator;
    text += part;
  }
  return text;
}

std::vector<Column> builtin_columns(const ResourceType& type) {
  if (type.kind == "Ingress") {
    return {{"Name", "string"},    {"Class", "string"}, {"Hosts", "string"},
            {"Address", "string"}, {"Ports", "string"}, {"Age", "string"}};
  }
  if (type.kind == "Service") {
    return {{"Name", "string"},        {"Type", "string"},    {"Cluster-IP", "string"},
            {"External-IP", "string"}, {"Port(s)", "string"}, {"Age", "string"},
            {"Selector", "string", 1}};
  }
  if (type.kind == "Pod") {
    return {{"Name", "string"}, {"Ready", "string"}, {"Status", "string"}, {"Restarts", "string"},
            {"Age", "string"},  {"IP", "string", 1}, {"Node", "string", 1}};
  }
  if (type.kind == "Deployment") {
    return {{"Name", "string"},
            {"Ready", "string"},
            {"Up-to-date", "integer"},
            {"Available", "integer"},
            {"Age", "string"}};
  }
  if (type.kind == "ReplicaSet") {
    return {{"Name", "string"},
            {"Desired", "integer"},
            {"Current", "integer"},
            {"Ready", "integer"},
            {"Age", "string"}};
  }
  if (type.kind == "EndpointSlice") {
    return {{"Name", "string"},
            {"AddressType", "string"},
            {"Ports", "string"},
            {"Endpoints", "string"},
            {"Age", "string"}};
  }
  if (type.kind == "Namespace")
    return {{"Name", "string"}, {"Status", "string"}, {"Age", "string"}};
  if (type.kind == "IngressClass") {
    return {
        {"Name", "string"}, {"Controller", "string"}, {"Parameters", "string"}, {"Age", "string"}};
  }
  if (type.kind == "Node") {
    return {{"Name", "string"},
            {"Status", "string"},
            {"Roles", "string"},
            {"Age", "string"},
            {"Version", "string"}};
  }
  return {{"Name", "string"}, {"Age", "string"}};
}

std::string service_ports(const Json& spec) {
  std::vector<std::string> ports;
  for (const Json& port : spec.value("ports", Json::array())) {
    std::string text = std::to_string(port.value("port", 0));
    if (port.contains("nodePort")) text += ":" + std::to_string(port.value("nodePort", 0));
    ports.push_back(text + "/" + port.value("protocol", std::string("TCP")));
  }
  return ports.empty() ? "<none>" : join(ports, ",");
}

std::string ingress_hosts(const Json& spec) {
  std::vector<std::string> hosts;
  for (const Json& rule : spec.value("rules", Json::array())) {
    if (rule.contains("host")) hosts.push_back(rule["host"].get<std::string>());
  }
  if (hosts.empty()) return "*";
  if (hosts.size() <= 3) return join(hosts, ",");
  return hosts[0] + "," + hosts[1] + "," + hosts[2] + " + " + std::to_string(hosts.size() - 3) +
         " more...";
}

std::string load_balancer_addresses(const Json& status) {
  std::vector<std::string> addresses;
  if (status.contains("loadBalancer")) {
    for (const Json& entry : status["loadBalancer"].value("ingress", Json::array())) {
      if (entry.contains("ip")) addresses.push_back(entry["ip"].get<std::string>());
      if (entry.contains("hostname")) addresses.push_back(entry["hostname"].get<std::string>());
    }
  }
  return join(addresses, ",");
}

std::string pod_ready(const Json& pod) {
  const std::size_t total = pod["spec"].value("containers", Json::array()).size();
  std::size_t ready = 0;
  for (const Json& status : pod["status"].value("containerStatuses", Json::array())) {
    if (status.value("ready", false)) ++ready;
  }
  return std::to_string(ready) + "/" + std::to_string(total);
}

Json builtin_cells(const ResourceType& type, const Json& object, net::Clock::wall_time_point now) {
  const Json& metadata = object["metadata"];
  const Json spec = object.value("spec", Json::object());
  const Json status = object.value("status", Json::object());
  const std::string name = metadata.value("name", "");
  const std::string age = age_of(object, now);
  if (type.kind == "Ingress") {
    return {name,
            spec.value("ingressClassName", std::string("<none>")),
            ingress_hosts(spec),
            load_balancer_addresses(status),
            spec.contains("tls") && !spec["tls"].empty() ? "80, 443" : "80",
            age};
  }
  if (type.kind == "Service") {
    std::vector<std::string> selector;
    const Json selector_labels = spec.value("selector", Json::object());
    for (const auto& [key, value] : selector_labels.items()) {
      selector.push_back(key + "=" + value.get<std::string>());
    }
    const std::string external = load_balancer_addresses(status);
    return {name,
            spec.value("type", std::string("ClusterIP")),
            spec.value("clusterIP", std::string("<none>")),
            external.empty() ? "<none>" : external,
            service_ports(spec),
            age,
            selector.empty() ? "<none>" : join(selector, ",")};
  }
  if (type.kind == "Pod") {
    std::string phase = status.value("phase", std::string("Pending"));
    if (metadata.contains("deletionTimestamp")) phase = "Terminating";
    return {name,
            pod_ready(object),
            phase,
            "0",
            age,
            status.value("podIP", std::string("<none>")),
            spec.value("nodeName", std::string("<none>"))};
  }
  if (type.kind == "Deployment") {
    return {name,
            std::to_string(status.value("readyReplicas", 0)) + "/" +
                std::to_string(spec.value("replicas", 0)),
            status.value("updatedReplicas", 0), status.value("availableReplicas", 0), age};
  }
  if (type.kind == "ReplicaSet") {
    return {name, spec.value("replicas", 1), status.value("replicas", 0),
            status.value("readyReplicas", 0), age};
  }
  if (type.kind == "EndpointSlice") {
    std::vector<std::string> ports;
    for (const Json& port : object.value("ports", Json::array())) {
      ports.push_back(std::to_string(port.value("port", 0)));
    }
    std::vector<std::string> addresses;
    for (const Json& endpoint : object.value("endpoints", Json::array())) {
      for (const Json& address : endpoint.value("addresses", Json::array())) {
        addresses.push_back(address.get<std::string>());
      }
    }
    return {name, object.value("addressType", std::string()),
            ports.empty() ? "<unset>" : join(ports, ","),
            addresses.empty() ? "<unset>" : join(addresses, ","), age};
  }
  if (type.kind == "Namespace") return {name, status.value("phase", std::string("Active")), age};
  if (type.kind == "IngressClass") {
    std::string parameters = "<none>";
    if (spec.contains("parameters")) {
      parameters = spec["parameters"].value("apiGroup", std::string()) + "/" +
                   spec["parameters"].value("kind", std::string()) + "/" +
                   spec["parameters"].value("name", std::string());
    }
    return {name, spec.value("controller", std::string()), parameters, age};
  }
  if (type.kind == "Node") {
    std::string ready = "NotReady";
    for (const Json& condition : status.value("conditions", Json::array())) {
      if (condition.value("type", "") == "Ready" && condition.value("status", "") == "True") {
        ready = "Ready";
      }
    }
    if (spec.contains("unschedulable") && spec["unschedulable"] == true)
      ready += ",SchedulingDisabled";
    return {name, ready, "<none>", age,
            status.value("nodeInfo", Json::object()).value("kubeletVersion", std::string())};
  }
  return {name, age};
}

}  // namespace

Json render_table(const ResourceType& type, const std::vector<Json>& objects,
                  bool include_column_definitions, net::Clock::wall_time_point now) {
  Json table = {{"kind", "Table"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", Json::object()}};
  if (include_column_definitions) {
    Json definitions = Json::array();
    if (!type.columns.empty()) {
      definitions.push_back({{"name", "Name"},
                             {"type", "string"},
                             {"format", "name"},
                             {"description", "Name must be unique within a namespace."},
                             {"priority", 0}});
      for (const PrinterColumn& column : type.columns) {
        definitions.push_back({{"name", column.name},
                               {"type", column.type == "date" ? "string" : column.type},
                               {"format", ""},
                               {"description", column.description},
                               {"priority", column.priority}});
      }
    } else {
      for (const Column& column : builtin_columns(type)) {
        definitions.push_back({{"name", column.name},
                               {"type", column.type},
                               {"format", column.name == "Name" ? "name" : ""},
                               {"description", ""},
                               {"priority", column.priority}});
      }
    }
    table["columnDefinitions"] = definitions;
  }
  Json rows = Json::array();
  for (const Json& object : objects) {
    Json cells = Json::array();
    if (!type.columns.empty()) {
      cells.push_back(object["metadata"].value("name", ""));
      for (const PrinterColumn& column : type.columns)
        cells.push_back(cell_at(object, column, now));
    } else {
      cells = builtin_cells(type, object, now);
    }
    Json partial = {{"kind", "PartialObjectMetadata"},
                    {"apiVersion", "meta.k8s.io/v1"},
                    {"metadata", object["metadata"]}};
    rows.push_back({{"cells", cells}, {"object", partial}});
  }
  table["rows"] = rows;
  return table;
}

}  // namespace albc::sim::kube
