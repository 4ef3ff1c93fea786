#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>

#include "controller/net/clock.hpp"
#include "controller/net/random.hpp"
#include "controller/net/trace.hpp"
#include "sim/kube/store.hpp"

namespace albc::sim::world {

struct ClusterOptions {
  // From pod creation to scheduled with an IP, then to Ready.
  std::chrono::milliseconds pod_start_min{800};
  std::chrono::milliseconds pod_start_max{2500};
  std::chrono::milliseconds pod_ready_min{1500};
  std::chrono::milliseconds pod_ready_max{4000};
};

struct NodeSpec {
  std::string zone;
  std::string subnet_cidr;
};

// The parts of a cluster the controller depends on but does not run: the Deployment
// controller (pods for replicas), scheduler and kubelet (node, IP, readiness), and the
// EndpointSlice controller. They act on the Store directly, in the world's time.
class Cluster {
 public:
  Cluster(kube::Store& store, net::Clock& clock, net::Random random, net::Trace& trace,
          net::Executor executor, ClusterOptions options = {});
  ~Cluster();

  void add_node(const NodeSpec& node);
  // Nothing scheduled and no pass pending.
  bool idle() const { return pending_transitions_ == 0 && !pass_posted_; }
  std::size_t pods_running() const;

 private:
  void on_change(const kube::Change& change);
  void post_pass();
  void reconcile();
  void reconcile_deployment(const kube::Json& deployment, std::vector<kube::Json>& pods);
  void reconcile_endpoint_slices(const kube::Json& service, const std::vector<kube::Json>& pods);
  void schedule_start(const std::string& ns, const std::string& name);
  void start_pod(const std::string& ns, const std::string& name);
  void make_ready(const std::string& ns, const std::string& name);
  std::string allocate_ip(const std::string& node);
  const kube::ResourceType& type(const char* api_version, const char* kind) const;

  kube::Store& store_;
  net::Clock& clock_;
  net::Random random_;
  net::Trace& trace_;
  net::Executor executor_;
  ClusterOptions options_;
  struct Node {
    std::string name;
    std::string zone;
    std::string subnet_cidr;
  };
  std::vector<Node> nodes_;
  std::set<std::string> used_ips_;
  std::set<std::string> scheduled_;  // pods with a start pending
  std::set<net::Clock::TimerId> timers_;
  std::size_t pending_transitions_ = 0;
  bool pass_posted_ = false;
  bool destroyed_ = false;
};

}  // namespace albc::sim::world
