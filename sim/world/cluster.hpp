#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <string>

#include "controller/net/bug_sink.hpp"
#include "controller/net/clock.hpp"
#include "controller/net/random.hpp"
#include "controller/net/trace.hpp"
#include "sim/kube/store.hpp"
#include "sim/world/endpoint_slices.hpp"
#include "sim/world/pod_facts.hpp"
#include "sim/world/workloads.hpp"

namespace albc::sim::world {

struct ClusterOptions {
  // From pod creation to scheduled with an IP, then to Ready.
  std::chrono::milliseconds pod_start_min{800};
  std::chrono::milliseconds pod_start_max{2500};
  std::chrono::milliseconds pod_ready_min{1500};
  std::chrono::milliseconds pod_ready_max{4000};
  // From a graceful deletion to the containers stopped and the pod gone, unless the grace
  // period is shorter.
  std::chrono::milliseconds pod_stop_min{500};
  std::chrono::milliseconds pod_stop_max{3000};
  // The kubelet's default --max-pods: pods past it stay Pending, unschedulable.
  std::size_t pods_per_node_max = 110;
  // The ReplicaSet controller's burstReplicas: pods created or deleted per pass and ReplicaSet,
  // so that a Deployment of thousands never holds the world up for long.
  std::size_t burst_replicas = 500;
  // The EndpointSlice controller's default --max-endpoints-per-slice.
  std::size_t endpoints_per_slice_max = 100;
};

struct NodeSpec {
  std::string zone;
  std::string subnet_cidr;
};

// The parts of a cluster the controller depends on but does not run: the workload controllers
// (Deployments, ReplicaSets, garbage collection: workloads.hpp), the scheduler and kubelet (node,
// IP, readiness, graceful termination) and the EndpointSlice controller. They act on the Store
// directly, in the world's time, on what changed: a pass looks at the Deployments and namespaces a
// change touched, never at the whole cluster. A failure while handling one object (a bug: objects
// are validated before they are stored) is traced with its message and affects that object only.
class Cluster {
 public:
  Cluster(kube::Store& store, net::Clock& clock, net::Random random, net::Trace& trace,
          net::Executor executor, ClusterOptions options = {});
  ~Cluster();

  // Node lifecycle, as an operator or a managed node group drives it. add_node returns the new
  // node's name (its address is the subnet's lowest free one), or "" when the subnet is full.
  // cordon marks a node unschedulable (spec.unschedulable and its taint) or schedulable again;
  // drain cordons it and evicts its pods (graceful deletes, which their ReplicaSets replace
  // elsewhere) and returns how many; remove_node deletes the Node, and its pods go at once, as the
  // pod garbage collector deletes the pods of a node that is gone. False (0) for a node that does
  // not exist.
  std::string add_node(const NodeSpec& node);
  bool cordon(const std::string& name, bool unschedulable);
  std::size_t drain(const std::string& name);
  bool remove_node(const std::string& name);
  // Names of the nodes, in the order they were added, with their zone and whether they take new
  // pods.
  struct NodeView {
    std::string name;
    std::string zone;
    std::string subnet_cidr;
    bool schedulable = true;
  };
  std::vector<NodeView> nodes() const;
  // A running pod's readiness probe starts failing (false) or passing again (true): its Ready
  // and ContainersReady conditions follow. False when the pod is gone, going, or already so.
  bool set_ready(const std::string& ns, const std::string& name, bool ready);
  // Running, Ready and not being deleted.
  bool ready(const std::string& ns, const std::string& name) const;
  // Nothing scheduled and no pass pending.
  bool idle() const { return pending_transitions_ == 0 && !pass_posted_; }
  std::size_t pods_running() const;
  // Failures while handling an object (each also traced as world.error).
  std::size_t errors() const { return errors_; }
  // Where a failure while handling an object is reported, besides the trace (net/bug_sink.hpp).
  void set_bug_sink(net::BugSink sink) { bug_sink_ = std::move(sink); }
  // Makes every pass over this Deployment ("ns/name") throw, as a bug would.
  void fail_deployment_for_test(std::string key) {
    workloads_.fail_deployment_for_test(std::move(key));
  }

 private:
  struct Node {
    std::string name;
    std::string zone;
    std::string subnet_cidr;
    std::string ip;
    std::size_t pods = 0;
    bool schedulable = true;
  };

  void on_change(const kube::Change& change);
  void on_pod_change(const kube::Change& change);
  void on_node_change(const kube::Change& change);
  // The pods bound to nodes that are gone, deleted at once.
  void collect_pods_of_removed_nodes();
  void post_pass();
  void reconcile();
  // Runs `work` for one object; an exception is traced and counted, and the pass goes on.
  void guarded(const std::string& what, const std::string& key, const std::function<void()>& work);
  // A node has room: the pod that has waited longest (and still exists) tries again.
  void wake_waiting();
  // A node joined or takes pods again: as many waiting pods as a node holds try it.
  void wake_for_new_room();
  void release_node(const std::string& pod_key);
  void schedule_start(const std::string& ns, const std::string& name);
  void start_pod(const std::string& ns, const std::string& name);
  void mark_unschedulable(const std::string& ns, const std::string& name);
  void make_ready(const std::string& ns, const std::string& name);
  // The kubelet stops a pod deleted with a grace period, then deletes it for good.
  void schedule_stop(const PodFacts& pod);
  Node* pick_node();
  std::string allocate_ip(const Node& node);
  net::Clock::TimerId after(std::chrono::milliseconds min, std::chrono::milliseconds max,
                            std::function<void()> then);
  const kube::ResourceType& type(const char* api_version, const char* kind) const;

  kube::Store& store_;
  net::Clock& clock_;
  net::Random random_;
  net::Trace& trace_;
  net::Executor executor_;
  ClusterOptions options_;
  std::vector<Node> nodes_;
  std::set<std::string> removed_nodes_;  // their pods to go in the next pass
  PodTable pods_;
  Workloads workloads_;
  EndpointSliceController endpoint_slices_;
  std::set<std::string> used_ips_;
  std::set<std::string> scheduled_;  // pods with a start pending
  // Pods waiting for room on a node, oldest first (and the same as a set, to find them).
  std::deque<std::string> waiting_;
  std::set<std::string> unschedulable_;
  std::map<std::string, std::string> placed_;  // pod key → the node it counts against
  std::set<net::Clock::TimerId> timers_;
  std::size_t pending_transitions_ = 0;
  std::size_t errors_ = 0;
  net::BugSink bug_sink_;
  bool pass_posted_ = false;
  bool destroyed_ = false;
};

}  // namespace albc::sim::world
