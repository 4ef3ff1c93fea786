#pragma once

#include <map>
#include <string>

#include "sim/kube/store.hpp"

namespace albc::sim::world {

// What the cluster's own controllers need to know of a pod, read once from each change so that
// their passes read no JSON.
struct PodFacts {
  std::string ns;
  std::string name;
  std::string uid;
  std::string owner_uid;   // the ReplicaSet that controls it; empty for any other pod
  std::string owner_name;  // empty for a pod nobody owns
  std::string template_hash;
  std::string ip;
  std::string node;
  kube::Json labels = kube::Json::object();
  kube::Json container_ports = kube::Json::array();  // [{name, containerPort}] of every container
  bool ready = false;
  bool deleting = false;
  std::int64_t grace_seconds = 0;  // of a deletion under way: the kubelet's time to stop it

  static PodFacts of(const kube::Json& pod);
  // Whether a change between two states matters to a Service's endpoints.
  bool same_endpoint(const PodFacts& other) const;
};

// Pods by "namespace/name": a namespace's pods sit together in key order.
using PodTable = std::map<std::string, PodFacts>;

// "namespace/name" back into its parts.
std::pair<std::string, std::string> split_key(const std::string& key);

// Every pod of a namespace.
template <class Visit>
void for_each_pod(const PodTable& pods, const std::string& ns, Visit visit) {
  const auto end = pods.lower_bound(ns + "0");  // '0' follows '/'
  for (auto it = pods.lower_bound(ns + "/"); it != end; ++it)
    visit(it->second);
}

// A Service's selector (a map of labels) against a pod's labels; an empty selector selects none.
bool selects(const kube::Json& selector, const kube::Json& labels);

// Reads of validated objects: a missing key reads as null (or ""), never as undefined behaviour.
const kube::Json& field(const kube::Json& object, std::string_view key);
std::string text(const kube::Json& object, std::string_view key);
long long count_of(const kube::Json& object, std::string_view key, long long absent = 0);
// "namespace/name" of an object.
std::string key_of(const kube::Json& object);
bool being_deleted(const kube::Json& object);

// The ownerReference marked controller (of `kind`, when given): its uid and name, or empty.
struct ControllerRef {
  std::string uid;
  std::string name;
};
ControllerRef controller_of(const kube::Json& metadata, std::string_view kind = {});

}  // namespace albc::sim::world
