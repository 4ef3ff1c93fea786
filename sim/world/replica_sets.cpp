#include "sim/world/workloads.hpp"

// The ReplicaSet controller's half of Workloads: pods to match spec.replicas, and the status.

namespace albc::sim::world {

using kube::Json;

void Workloads::reconcile_replica_set(const std::string& ns, const std::string& name) {
  auto found = store_.get(type("apps/v1", "ReplicaSet"), ns, name);
  if (!found) return;  // its pods go by its uid (collect)
  const Json& replica_set = *found;
  const long long replicas = count_of(field(replica_set, "spec"), "replicas", 1);
  const std::string uid = text(field(replica_set, "metadata"), "uid");
  // Its pods, the most useful first (ready, then running, then waiting for a node), so that
  // scaling down takes the least useful, as the ReplicaSet controller does.
  std::vector<const PodFacts*> pods;
  if (auto owned = pods_by_owner_.find(uid); owned != pods_by_owner_.end()) {
    for (const auto& [key, pod] : owned->second) {
      if (!pod->deleting) pods.push_back(pod);
    }
  }
  std::stable_sort(pods.begin(), pods.end(), [](const PodFacts* a, const PodFacts* b) {
    return std::make_tuple(a->ready, !a->ip.empty()) > std::make_tuple(b->ready, !b->ip.empty());
  });
  long long count = static_cast<long long>(pods.size());
  long long ready = 0;
  for (const PodFacts* pod : pods)
    ready += pod->ready ? 1 : 0;
  const std::string key = ns + "/" + name;
  // A ReplicaSet being deleted keeps its pods until the garbage collector takes them.
  if (!being_deleted(replica_set)) {
    std::size_t budget = burst_replicas_;
    while (budget > 0 && count > replicas) {
      --budget;
      const PodFacts* victim = pods[static_cast<std::size_t>(--count)];
      ready -= victim->ready ? 1 : 0;
      const std::string pod = victim->name;  // by value: the deletion rewrites the facts
      if (store_.remove(type("v1", "Pod"), ns, pod, {})) {
        trace_.event("world.pod.deleted", {{"pod", ns + "/" + pod}, {"reason", "scaled down"}});
      }
    }
    while (budget > 0 && count < replicas && !blocked_.contains(key)) {
      --budget;
      if (!create_pod(replica_set)) break;
      ++count;
    }
    if (budget == 0) {
      dirty_replica_sets_.insert(key);  // more to do: the next pass goes on
      request_pass_();
    }
  }
  Json status = {{"observedGeneration", field(field(replica_set, "metadata"), "generation")},
                 {"replicas", count},
                 {"fullyLabeledReplicas", count},
                 {"readyReplicas", ready},
                 {"availableReplicas", ready}};
  if (const auto blocked = blocked_.find(key); blocked != blocked_.end()) {
    status["conditions"] = Json::array({{{"type", "ReplicaFailure"},
                                         {"status", "True"},
                                         {"reason", "FailedCreate"},
                                         {"message", blocked->second}}});
  }
  if (field(replica_set, "status") != status) {
    Json updated = replica_set;
    updated["status"] = status;
    (void)store_.update(type("apps/v1", "ReplicaSet"), ns, name, updated,
                        kube::Subresource::Status);
  }
}

bool Workloads::create_pod(const Json& replica_set) {
  const Json& metadata = field(replica_set, "metadata");
  const std::string ns = text(metadata, "namespace");
  const std::string name = text(metadata, "name");
  const Json& pod_template = field(field(replica_set, "spec"), "template");
  const Json& labels = field(field(pod_template, "metadata"), "labels");
  Json pod = {{"metadata",
               {{"labels", labels.is_object() ? labels : Json::object()},
                {"ownerReferences", Json::array({{{"apiVersion", "apps/v1"},
                                                  {"kind", "ReplicaSet"},
                                                  {"name", name},
                                                  {"uid", text(metadata, "uid")},
                                                  {"controller", true},
                                                  {"blockOwnerDeletion", true}}})}}},
              {"spec", field(pod_template, "spec").is_object() ? field(pod_template, "spec")
                                                               : Json::object()}};
  const Json& annotations = field(field(pod_template, "metadata"), "annotations");
  if (annotations.is_object() && !annotations.empty()) pod["metadata"]["annotations"] = annotations;
  net::Result<Json, kube::StatusError> created = net::fail(kube::StatusError{});
  // A five-character suffix can repeat among thousands of pods: a clash draws again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    pod["metadata"]["name"] = name + "-" + random_.alphanumeric(5);
    created = store_.create(type("v1", "Pod"), ns, pod);
    if (created || created.error().code != 409) break;
  }
  if (!created) {
    // Traced once; the ReplicaSet tries again when a pod of its namespace goes or its spec
    // changes.
    blocked_[ns + "/" + name] = created.error().message;
    trace_.event("world.pod.create_failed",
                 {{"replicaset", ns + "/" + name}, {"error", created.error().message}});
    return false;
  }
  trace_.event("world.pod.created", {{"pod", key_of(*created)}});
  return true;
}

}  // namespace albc::sim::world
