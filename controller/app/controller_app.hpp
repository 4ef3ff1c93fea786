#pragma once

#include <map>
#include <memory>
#include <string>

#include "controller/aws/aws_client.hpp"
#include "controller/ingress/model_builder.hpp"
#include "controller/k8s/client.hpp"
#include "controller/k8s/controller.hpp"
#include "controller/net/clock.hpp"
#include "controller/net/random.hpp"
#include "controller/net/trace.hpp"

namespace albc::app {

struct ControllerOptions {
  std::string cluster_name;                     // --cluster-name (required)
  std::string region;                           // --aws-region
  std::string vpc_id;                           // --aws-vpc-id
  std::map<std::string, std::string> vpc_tags;  // --aws-vpc-tags, used when vpc_id is empty
  std::string ingress_class = "alb";            // --ingress-class
  std::size_t ingress_workers = 3;              // --ingress-max-concurrent-reconciles
  std::size_t binding_workers = 3;              // --targetgroupbinding-max-concurrent-reconciles
  ingress::BuilderOptions builder;              // cluster_name and vpc_id are filled in at start
  // Where a reconcile or an informer handler that throws is reported; none in production (the
  // key backs off, as controller-runtime recovers a panic), a simulation stops there.
  net::BugSink on_bug;
};

// Everything a running controller is: the Kubernetes and AWS clients over their transports,
// informers and caches, the Ingress group and TargetGroupBinding controllers. Production and
// simulation build the same object; only the transports and the clock differ.
class ControllerApp {
 public:
  ControllerApp(net::Executor executor, net::Clock& clock, net::Random random, net::Trace& trace,
                net::Transport& kube_transport, k8s::ClientOptions kube_options,
                aws::Endpoint elbv2, aws::Endpoint ec2, net::Credentials credentials,
                aws::ClientOptions aws_options, ControllerOptions options);
  ~ControllerApp();

  // Resolves the VPC, starts the informers, waits for their caches, starts the controllers.
  net::Awaitable<net::Result<void>> start();
  // Queues empty and nothing in progress or waiting for a retry.
  bool idle() const;
  // Which keys are still unsettled, for a report.
  std::string pending() const;
  std::size_t reconciles() const;
  // By "ingress <group>" and "targetgroupbinding <namespace/name>".
  std::map<std::string, k8s::ReconcileStats> reconcile_stats() const;
  // Queues every Ingress group and TargetGroupBinding again, as the informers' resync period
  // does (--sync-period).
  void resync();

  struct Parts;

 private:
  std::unique_ptr<Parts> parts_;
};

}  // namespace albc::app
