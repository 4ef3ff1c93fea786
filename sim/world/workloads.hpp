#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>

#include "controller/net/clock.hpp"
#include "controller/net/random.hpp"
#include "controller/net/trace.hpp"
#include "sim/kube/store.hpp"
#include "sim/world/pod_facts.hpp"

namespace albc::sim::world {

// What the Deployment controller needs to know of a ReplicaSet, read once from each change.
struct ReplicaSetFacts {
  std::string ns;
  std::string name;
  std::string uid;
  std::string owner_uid;  // the Deployment that controls it; empty for one made by hand
  std::string owner_name;
  kube::Json template_without_hash;  // spec.template less the pod-template-hash label
  long long replicas = 0;            // spec.replicas
  long long status_replicas = 0;     // status.replicas
  long long ready = 0;
  long long available = 0;
  long long revision = 0;  // deployment.kubernetes.io/revision
  bool deleting = false;

  static ReplicaSetFacts of(const kube::Json& replica_set);
};

// A pass's unit of work, guarded so that a failure stays with its object.
using Guard = std::function<void(const std::string& controller, const std::string& key,
                                 const std::function<void()>& work)>;

// The workload controllers of kube-controller-manager: Deployments own ReplicaSets (one per pod
// template, named by its hash, with a revision), rolled by the RollingUpdate or Recreate
// strategy; ReplicaSets own Pods; the garbage collector deletes what a deleted owner leaves.
// Like the rest of the cluster they act on the Store directly and work by change: observers
// note what changed, a pass looks at those objects only.
class Workloads {
 public:
  Workloads(kube::Store& store, net::Clock& clock, net::Random& random, net::Trace& trace,
            std::size_t burst_replicas, std::function<void()> request_pass);

  // Observers: they note work, never write.
  void deployment_changed(const kube::Change& change);
  void replica_set_changed(const kube::Change& change);
  void pod_changed(const PodFacts* before, const PodFacts* after);
  void sync(const Guard& guard);

  // Makes every pass over this Deployment ("ns/name") throw, as a bug would.
  void fail_deployment_for_test(std::string key) { failing_deployment_for_test_ = std::move(key); }

 private:
  void reconcile_deployment(const std::string& ns, const std::string& name);
  void roll(const kube::Json& deployment, ReplicaSetFacts* current,
            const std::vector<ReplicaSetFacts*>& old);
  ReplicaSetFacts* create_replica_set(const kube::Json& deployment, long long revision,
                                      long long replicas);
  // spec.replicas and the Deployment's annotations on one of its ReplicaSets.
  void update_replica_set(const ReplicaSetFacts& set, long long replicas,
                          const kube::Json& annotations);
  void prune_history(const kube::Json& deployment, const std::vector<ReplicaSetFacts*>& old);
  void write_deployment_status(const kube::Json& deployment, const ReplicaSetFacts* current,
                               const std::vector<ReplicaSetFacts*>& all);
  void reconcile_replica_set(const std::string& ns, const std::string& name);
  // One pod of the ReplicaSet's template; false (and the ReplicaSet blocked) when the API
  // server refuses it.
  bool create_pod(const kube::Json& replica_set);
  void collect(const std::string& owner_uid);
  std::vector<ReplicaSetFacts*> owned_sets(const std::string& deployment_uid);
  bool has_pods(const std::string& owner_uid) const;
  const kube::ResourceType& type(const char* api_version, const char* kind) const;

  kube::Store& store_;
  net::Clock& clock_;
  net::Random& random_;
  net::Trace& trace_;
  std::size_t burst_replicas_;
  std::function<void()> request_pass_;
  std::map<std::string, ReplicaSetFacts> replica_sets_;                 // by "ns/name"
  std::map<std::string, std::set<std::string>> replica_sets_by_owner_;  // Deployment uid → keys
  // ReplicaSet (or any controller) uid → its pods by key; the facts live in the cluster's table.
  std::map<std::string, std::map<std::string, const PodFacts*>> pods_by_owner_;
  std::set<std::string> dirty_deployments_;  // "ns/name"
  std::set<std::string> dirty_replica_sets_;
  std::set<std::string> deleted_owners_;  // uids whose dependents go
  // ReplicaSets whose last pod creation was refused (the namespace's quota): they try again when
  // a pod of that namespace goes or their spec changes, not on every pass.
  std::map<std::string, std::string> blocked_;  // "ns/name" → the refusal
  std::string failing_deployment_for_test_;
};

}  // namespace albc::sim::world
