#pragma once

#include "controller/deploy/stack_deployer.hpp"
#include "controller/ingress/group.hpp"
#include "controller/ingress/model_builder.hpp"
#include "controller/k8s/controller.hpp"
#include "controller/k8s/event_recorder.hpp"
#include "controller/k8s/finalizers.hpp"

namespace albc::ingress {

// One Ingress group, reconciled in the real controller's stages: load the group, add the
// group finalizer, build the model, deploy it, write the status, drop the finalizer of members
// that left, record an event on every member.
class GroupReconciler final : public k8s::Reconciler {
 public:
  GroupReconciler(const GroupLoader& loader, ModelBuilder& builder, deploy::StackDeployer& deployer,
                  NetworkResolver& resolver, k8s::Client& client, k8s::FinalizerManager& finalizers,
                  k8s::EventRecorder& events, net::Trace& trace);

  net::Awaitable<k8s::Outcome> reconcile(std::string key) override;

 private:
  net::Awaitable<net::Result<void>> add_finalizers(const Group& group);
  net::Awaitable<net::Result<void>> write_status(const Group& group,
                                                 const deploy::Deployed& deployed,
                                                 const std::vector<int>& ports);
  net::Awaitable<net::Result<void>> remove_inactive_finalizers(const Group& group);
  k8s::Outcome fail_stage(const Group& group, const char* reason, const char* prefix,
                          const net::Error& error);

  const GroupLoader& loader_;
  ModelBuilder& builder_;
  deploy::StackDeployer& deployer_;
  NetworkResolver& resolver_;
  k8s::Client& client_;
  k8s::FinalizerManager& finalizers_;
  k8s::EventRecorder& events_;
  net::Trace& trace_;
};

// The Ingress status the real controller writes: one entry with the load balancer's lower-cased
// DNS name and the group's listener ports; nullopt when the status already says so.
std::optional<Json> ingress_status_patch(const Json& ingress, const std::string& dns_name,
                                         const std::vector<int>& ports);

}  // namespace albc::ingress
