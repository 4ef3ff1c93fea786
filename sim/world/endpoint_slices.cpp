// The EndpointSlice controller's part of the Cluster: each Service with a selector gets slices of
// at most endpoints_per_slice_max endpoints, one per ready, serving or terminating pod with an IP.

#include "sim/world/cluster.hpp"

namespace albc::sim::world {

using kube::Json;

namespace {

const Json& field(const Json& object, std::string_view key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  const auto found = object.find(key);
  return found == object.end() ? kNull : *found;
}

std::string text(const Json& object, std::string_view key) {
  const Json& value = field(object, key);
  return value.is_string() ? value.get<std::string>() : std::string();
}

bool selects(const Json& selector, const Json& labels) {
  if (!selector.is_object() || selector.empty()) return false;
  for (auto it = selector.begin(); it != selector.end(); ++it) {
    if (field(labels, it.key()) != *it) return false;
  }
  return true;
}

bool ready(const Json& pod) {
  const Json& conditions = field(field(pod, "status"), "conditions");
  if (!conditions.is_array()) return false;
  for (const Json& condition : conditions) {
    if (text(condition, "type") == "Ready") return text(condition, "status") == "True";
  }
  return false;
}

Json endpoint_of(const Json& pod, const std::string& ns) {
  const Json& metadata = field(pod, "metadata");
  const bool terminating = metadata.contains("deletionTimestamp");
  const bool serving = ready(pod);
  return {
      {"addresses", Json::array({text(field(pod, "status"), "podIP")})},
      {"conditions",
       {{"ready", serving && !terminating}, {"serving", serving}, {"terminating", terminating}}},
      {"nodeName", text(field(pod, "spec"), "nodeName")},
      {"targetRef",
       {{"kind", "Pod"},
        {"namespace", ns},
        {"name", text(metadata, "name")},
        {"uid", text(metadata, "uid")}}}};
}

// The Service's ports with named target ports resolved against the first selected pod's
// container ports.
Json slice_ports(const Json& spec, const Json* first_pod) {
  Json ports = Json::array();
  const Json& declared = field(spec, "ports");
  for (const Json& port : declared.is_array() ? declared : Json::array()) {
    Json target =
        field(port, "targetPort").is_null() ? field(port, "port") : field(port, "targetPort");
    if (target.is_string() && first_pod != nullptr) {
      const Json& containers = field(field(*first_pod, "spec"), "containers");
      for (const Json& container : containers.is_array() ? containers : Json::array()) {
        const Json& container_ports = field(container, "ports");
        for (const Json& container_port :
             container_ports.is_array() ? container_ports : Json::array()) {
          if (text(container_port, "name") == target.get<std::string>()) {
            target = field(container_port, "containerPort");
          }
        }
      }
    }
    if (!target.is_number_integer()) continue;
    const std::string protocol = text(port, "protocol");
    ports.push_back({{"name", text(port, "name")},
                     {"port", target},
                     {"protocol", protocol.empty() ? "TCP" : protocol}});
  }
  return ports;
}

}  // namespace

void Cluster::reconcile_endpoint_slices(const Json& service) {
  const Json& metadata = field(service, "metadata");
  const std::string ns = text(metadata, "namespace");
  const std::string name = text(metadata, "name");
  const Json& spec = field(service, "spec");
  const Json& selector = field(spec, "selector");
  if (!selector.is_object() || selector.empty()) return;  // hand-made endpoints
  Json endpoints = Json::array();
  std::optional<Json> first_pod;
  std::size_t ready_count = 0;
  store_.visit(type("v1", "Pod"), ns, [&](const Json& pod) {
    if (!selects(selector, field(field(pod, "metadata"), "labels"))) return;
    if (text(field(pod, "status"), "podIP").empty()) return;
    if (!first_pod) first_pod = pod;
    endpoints.push_back(endpoint_of(pod, ns));
    ready_count += endpoints.back()["conditions"]["ready"].get<bool>() ? 1 : 0;
  });
  const Json ports = slice_ports(spec, first_pod ? &*first_pod : nullptr);
  // Chunks of at most endpoints_per_slice_max, in pod-name order; a Service keeps one slice even
  // when it has no endpoints.
  std::vector<Json> chunks;
  for (std::size_t start = 0; start < endpoints.size() || chunks.empty();
       start += options_.endpoints_per_slice_max) {
    Json chunk = Json::array();
    for (std::size_t i = start;
         i < std::min(endpoints.size(), start + options_.endpoints_per_slice_max); ++i) {
      chunk.push_back(endpoints[i]);
    }
    chunks.push_back(std::move(chunk));
  }
  const kube::ResourceType& slices = type("discovery.k8s.io/v1", "EndpointSlice");
  std::vector<Json> existing;
  store_.visit(slices, ns, [&](const Json& slice) {
    const Json& labels = field(field(slice, "metadata"), "labels");
    if (text(labels, "kubernetes.io/service-name") == name &&
        text(labels, "endpointslice.kubernetes.io/managed-by") ==
            "endpointslice-controller.k8s.io") {
      existing.push_back(slice);
    }
  });
  bool changed = false;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (i < existing.size()) {
      if (field(existing[i], "endpoints") == chunks[i] && field(existing[i], "ports") == ports) {
        continue;
      }
      Json updated = existing[i];
      updated["endpoints"] = chunks[i];
      updated["ports"] = ports;
      changed = store_
                    .update(slices, ns, text(field(updated, "metadata"), "name"), updated,
                            kube::Subresource::None)
                    .has_value() ||
                changed;
      continue;
    }
    Json slice = {
        {"metadata",
         {{"name", name + "-" + random_.alphanumeric(5)},
          {"labels",
           {{"kubernetes.io/service-name", name},
            {"endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io"}}},
          {"ownerReferences", Json::array({{{"apiVersion", "v1"},
                                            {"kind", "Service"},
                                            {"name", name},
                                            {"uid", text(metadata, "uid")},
                                            {"controller", true}}})}}},
        {"addressType", "IPv4"},
        {"endpoints", chunks[i]},
        {"ports", ports}};
    changed = store_.create(slices, ns, slice).has_value() || changed;
  }
  for (std::size_t i = chunks.size(); i < existing.size(); ++i) {
    changed =
        store_.remove(slices, ns, text(field(existing[i], "metadata"), "name"), {}).has_value() ||
        changed;
  }
  if (!changed) return;
  trace_.event("world.endpointslice.updated", {{"service", ns + "/" + name},
                                               {"endpoints", std::to_string(endpoints.size())},
                                               {"ready", std::to_string(ready_count)}});
}

}  // namespace albc::sim::world
