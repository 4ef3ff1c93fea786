#pragma once

#include <string>
#include <vector>

#include "controller/aws/elbv2.hpp"
#include "controller/k8s/cache.hpp"
#include "controller/k8s/controller.hpp"
#include "controller/k8s/event_recorder.hpp"
#include "controller/k8s/finalizers.hpp"
#include "controller/net/cidr.hpp"
#include "controller/tgb/endpoints.hpp"

namespace albc::tgb {

using Json = nlohmann::json;

inline constexpr std::string_view kBindingFinalizer = "elbv2.k8s.aws/resources";
inline constexpr std::string_view kCheckpointAnnotation = "elbv2.k8s.aws/checkpoint";
inline constexpr std::string_view kCheckpointTimestampAnnotation =
    "elbv2.k8s.aws/checkpoint-timestamp";

struct BindingCaches {
  const k8s::ObjectCache& bindings;
  const k8s::ObjectCache& services;
  const k8s::ObjectCache& endpoint_slices;
  const k8s::ObjectCache& pods;
  const k8s::ObjectCache& nodes;
};

// Keeps a target group's registered targets equal to what is behind a TargetGroupBinding's
// Service port: the ready pods (ip targets) or the nodes (instance targets, on the node port);
// deregisters them all when the binding is deleted, before its finalizer goes.
class BindingReconciler final : public k8s::Reconciler {
 public:
  BindingReconciler(BindingCaches caches, aws::Elbv2& elbv2, k8s::Client& client,
                    k8s::FinalizerManager& finalizers, k8s::EventRecorder& events,
                    net::Clock& clock, net::Trace& trace, std::vector<net::Ipv4Cidr> vpc_cidrs);

  net::Awaitable<k8s::Outcome> reconcile(std::string key) override;

 private:
  net::Result<std::vector<TargetEndpoint>> endpoints_of(const Json& binding) const;
  // True when it changed something, false when the checkpoint says nothing changed.
  net::Awaitable<net::Result<bool>> register_targets(const Json& binding);
  net::Awaitable<net::Result<void>> deregister_all(const Json& binding);
  net::Awaitable<net::Result<void>> write_checkpoint(const Json& binding, std::string checkpoint);
  net::Awaitable<net::Result<void>> write_observed_generation(const Json& binding);

  BindingCaches caches_;
  aws::Elbv2& elbv2_;
  k8s::Client& client_;
  k8s::FinalizerManager& finalizers_;
  k8s::EventRecorder& events_;
  net::Clock& clock_;
  net::Trace& trace_;
  std::vector<net::Ipv4Cidr> vpc_cidrs_;
};

}  // namespace albc::tgb
