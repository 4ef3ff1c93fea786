#include "sim/world/pod_facts.hpp"

namespace albc::sim::world {

using kube::Json;

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

long long count_of(const Json& object, std::string_view key, long long absent) {
  const Json& value = field(object, key);
  return value.is_number_integer() ? value.get<long long>() : absent;
}

std::string key_of(const Json& object) {
  return text(field(object, "metadata"), "namespace") + "/" +
         text(field(object, "metadata"), "name");
}

bool being_deleted(const Json& object) {
  return field(object, "metadata").contains("deletionTimestamp");
}

ControllerRef controller_of(const Json& metadata, std::string_view kind) {
  const Json& owners = field(metadata, "ownerReferences");
  for (const Json& owner : owners.is_array() ? owners : Json::array()) {
    if (field(owner, "controller") != true) continue;
    if (!kind.empty() && text(owner, "kind") != kind) continue;
    return {text(owner, "uid"), text(owner, "name")};
  }
  return {};
}

bool selects(const Json& selector, const Json& labels) {
  if (!selector.is_object() || selector.empty()) return false;
  for (auto it = selector.begin(); it != selector.end(); ++it) {
    if (field(labels, it.key()) != *it) return false;
  }
  return true;
}

PodFacts PodFacts::of(const Json& pod) {
  PodFacts facts;
  const Json& metadata = field(pod, "metadata");
  facts.ns = text(metadata, "namespace");
  facts.name = text(metadata, "name");
  facts.uid = text(metadata, "uid");
  const ControllerRef owner = controller_of(metadata, "ReplicaSet");
  facts.owner_uid = owner.uid;
  facts.owner_name = owner.name;
  if (field(metadata, "labels").is_object()) facts.labels = field(metadata, "labels");
  facts.template_hash = text(facts.labels, "pod-template-hash");
  facts.ip = text(field(pod, "status"), "podIP");
  facts.node = text(field(pod, "spec"), "nodeName");
  facts.deleting = metadata.contains("deletionTimestamp");
  const Json& grace = field(metadata, "deletionGracePeriodSeconds");
  facts.grace_seconds = grace.is_number_integer() ? grace.get<std::int64_t>() : 0;
  const Json& conditions = field(field(pod, "status"), "conditions");
  for (const Json& condition : conditions.is_array() ? conditions : Json::array()) {
    if (text(condition, "type") == "Ready") facts.ready = text(condition, "status") == "True";
  }
  const Json& containers = field(field(pod, "spec"), "containers");
  for (const Json& container : containers.is_array() ? containers : Json::array()) {
    const Json& ports = field(container, "ports");
    for (const Json& port : ports.is_array() ? ports : Json::array()) {
      facts.container_ports.push_back(
          {{"name", text(port, "name")}, {"containerPort", field(port, "containerPort")}});
    }
  }
  return facts;
}

bool PodFacts::same_endpoint(const PodFacts& other) const {
  return ip == other.ip && ready == other.ready && deleting == other.deleting &&
         node == other.node && labels == other.labels && uid == other.uid;
}

std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto slash = key.find('/');
  return {key.substr(0, slash), key.substr(slash + 1)};
}

}  // namespace albc::sim::world
