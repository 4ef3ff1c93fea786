#include "controller/tgb/binding_reconciler.hpp"

#include <algorithm>
#include <set>

#include "controller/tgb/endpoints.hpp"

namespace albc::tgb {
namespace {

std::string key_of(const aws::TargetDescription& target) {
  return target.id + ":" + std::to_string(target.port);
}

bool draining(const aws::TargetDescription& target) {
  return target.state == "draining" || target.state == "unhealthy.draining";
}

}  // namespace

BindingReconciler::BindingReconciler(BindingCaches caches, aws::Elbv2& elbv2, k8s::Client& client,
                                     k8s::FinalizerManager& finalizers, k8s::EventRecorder& events,
                                     net::Clock& clock, net::Trace& trace,
                                     std::vector<net::Ipv4Cidr> vpc_cidrs)
    : caches_(caches),
      elbv2_(elbv2),
      client_(client),
      finalizers_(finalizers),
      events_(events),
      clock_(clock),
      trace_(trace),
      vpc_cidrs_(std::move(vpc_cidrs)) {}

net::Awaitable<k8s::Outcome> BindingReconciler::reconcile(std::string key) {
  const auto slash = key.find('/');
  const std::string ns = key.substr(0, slash);
  const std::string name = key.substr(slash + 1);
  const Json* cached = caches_.bindings.get(ns, name);
  if (cached == nullptr) co_return k8s::Outcome::forget("NotFound");
  const Json binding = *cached;  // a copy: the cache may change across the co_awaits below
  if (k8s::being_deleted(binding)) {
    if (!k8s::has_finalizer(binding, kBindingFinalizer)) co_return k8s::Outcome::forget("Deleted");
    if (auto cleaned = co_await deregister_all(binding); !cleaned) {
      events_.warning(binding, "FailedCleanup",
                      "Failed cleanup due to " + cleaned.error().describe());
      co_return k8s::Outcome::backoff("FailedCleanup", cleaned.error().describe());
    }
    if (auto removed = co_await finalizers_.remove(k8s::resources::target_group_bindings, ns, name,
                                                   std::string(kBindingFinalizer));
        !removed) {
      events_.warning(binding, "FailedRemoveFinalizer",
                      "Failed remove finalizer due to " + removed.error().describe());
      co_return k8s::Outcome::backoff("FailedRemoveFinalizer", removed.error().describe());
    }
    co_return k8s::Outcome::forget("Deleted");
  }
  if (!k8s::has_finalizer(binding, kBindingFinalizer)) {
    if (auto added = co_await finalizers_.add(k8s::resources::target_group_bindings, ns, name,
                                              std::string(kBindingFinalizer));
        !added) {
      events_.warning(binding, "FailedAddFinalizer",
                      "Failed add finalizer due to " + added.error().describe());
      co_return k8s::Outcome::backoff("FailedAddFinalizer", added.error().describe());
    }
  }
  auto registered = co_await register_targets(binding);
  if (!registered) {
    events_.warning(binding, "FailedReconcile",
                    "Failed reconcile due to " + registered.error().describe());
    co_return k8s::Outcome::backoff("FailedReconcile", registered.error().describe());
  }
  // Nothing changed since the checkpoint: no status write, no event (the real controller
  // hands such a binding to its deferred queue).
  if (!*registered) co_return k8s::Outcome::forget("Unchanged");
  if (auto status = co_await write_observed_generation(binding); !status) {
    events_.warning(binding, "FailedUpdateStatus",
                    "Failed update status due to " + status.error().describe());
    co_return k8s::Outcome::backoff("FailedUpdateStatus", status.error().describe());
  }
  events_.normal(binding, "SuccessfullyReconciled", "Successfully reconciled");
  co_return k8s::Outcome::forget("SuccessfullyReconciled");
}

net::Result<std::vector<TargetEndpoint>> BindingReconciler::endpoints_of(
    const Json& binding) const {
  const std::string ns = k8s::namespace_of(binding);
  const Json spec = k8s::map_field(binding, "spec");
  const Json service_ref = k8s::map_field(spec, "serviceRef");
  const std::string target_type = k8s::text_field(spec, "targetType");
  if (target_type == "ip") {
    return resolve_pod_endpoints(caches_.services, caches_.endpoint_slices, caches_.pods, ns,
                                 k8s::text_field(service_ref, "name"),
                                 k8s::any_field(service_ref, "port"));
  }
  if (target_type == "instance") {
    return resolve_node_endpoints(
        caches_.services, caches_.nodes, ns, k8s::text_field(service_ref, "name"),
        k8s::any_field(service_ref, "port"), k8s::map_field(spec, "nodeSelector"));
  }
  return net::fail("InvalidBackend", "unknown targetType " + target_type);
}

net::Awaitable<net::Result<bool>> BindingReconciler::register_targets(const Json& binding) {
  const std::string ns = k8s::namespace_of(binding);
  const std::string key = ns + "/" + k8s::name_of(binding);
  const Json spec = k8s::map_field(binding, "spec");
  const std::string arn = k8s::text_field(spec, "targetGroupARN");
  const bool ip_targets = k8s::text_field(spec, "targetType") == "ip";
  auto endpoints = endpoints_of(binding);
  if (!endpoints) {
    if (endpoints.error().code != "BackendNotFound") co_return net::fail(endpoints.error());
    // The backend is gone: not an error, but no target may stay registered, and the checkpoint
    // goes too, so that the backend's return is noticed.
    events_.warning(binding, "BackendNotFound",
                    "backend not found: " + endpoints.error().describe());
    if (auto cleaned = co_await deregister_all(binding); !cleaned)
      co_return net::fail(cleaned.error());
    if (auto cleared = co_await write_checkpoint(binding, ""); !cleared)
      co_return net::fail(cleared.error());
    co_return true;
  }
  const std::string checkpoint = checkpoint_of(*endpoints, spec);
  const Json annotations = k8s::map_field(k8s::metadata_of(binding), "annotations");
  if (k8s::text_field(annotations, kCheckpointAnnotation) == checkpoint) co_return false;
  auto targets = co_await elbv2_.describe_target_health(arn);
  if (!targets) co_return net::fail(targets.error());
  std::set<std::string> wanted;
  for (const TargetEndpoint& endpoint : *endpoints)
    wanted.insert(endpoint.id + ":" + std::to_string(endpoint.port));
  std::set<std::string> registered;
  std::vector<aws::TargetRegistration> stale;
  for (const aws::TargetDescription& target : *targets) {
    if (draining(target)) continue;  // already on its way out
    registered.insert(key_of(target));
    if (!wanted.contains(key_of(target))) stale.push_back({target.id, target.port, ""});
  }
  std::vector<aws::TargetRegistration> fresh;
  for (const TargetEndpoint& endpoint : *endpoints) {
    if (registered.contains(endpoint.id + ":" + std::to_string(endpoint.port))) continue;
    std::string zone;
    if (ip_targets) {
      const auto address = net::parse_ipv4(endpoint.id);
      const bool in_vpc = address && std::any_of(vpc_cidrs_.begin(), vpc_cidrs_.end(),
                                                 [&](const net::Ipv4Cidr& cidr) {
                                                   return cidr.contains(*address);
                                                 });
      if (!in_vpc) zone = "all";
    }
    fresh.push_back({endpoint.id, endpoint.port, zone});
  }
  if (!stale.empty() || !fresh.empty()) {
    // Cleared first, so that a crash half-way forces a full pass next time.
    if (auto cleared = co_await write_checkpoint(binding, ""); !cleared)
      co_return net::fail(cleared.error());
  }
  if (!stale.empty()) {
    trace_.event("tgb.targets.deregistering",
                 {{"binding", key}, {"count", std::to_string(stale.size())}});
    if (auto done = co_await elbv2_.deregister_targets(arn, stale); !done)
      co_return net::fail(done.error());
  }
  if (!fresh.empty()) {
    std::string listed;
    for (const auto& target : fresh)
      listed += (listed.empty() ? "" : ",") + target.id + ":" + std::to_string(target.port);
    trace_.event("tgb.targets.registering", {{"binding", key}, {"targets", listed}});
    if (auto done = co_await elbv2_.register_targets(arn, fresh); !done)
      co_return net::fail(done.error());
  }
  if (auto saved = co_await write_checkpoint(binding, checkpoint); !saved)
    co_return net::fail(saved.error());
  co_return true;
}

net::Awaitable<net::Result<void>> BindingReconciler::deregister_all(const Json& binding) {
  const std::string arn = k8s::text_field(k8s::map_field(binding, "spec"), "targetGroupARN");
  auto targets = co_await elbv2_.describe_target_health(arn);
  if (!targets) {
    // The target group is already gone: nothing is registered.
    if (targets.error().code == "TargetGroupNotFound" || targets.error().code == "ValidationError")
      co_return net::Result<void>();
    co_return net::fail(targets.error());
  }
  std::vector<aws::TargetRegistration> registered;
  for (const aws::TargetDescription& target : *targets) {
    if (!draining(target)) registered.push_back({target.id, target.port, ""});
  }
  if (registered.empty()) co_return net::Result<void>();
  trace_.event("tgb.targets.deregistering", {{"binding", k8s::object_key(binding)},
                                             {"count", std::to_string(registered.size())}});
  auto done = co_await elbv2_.deregister_targets(arn, registered);
  if (!done && (done.error().code == "TargetGroupNotFound" || done.error().code == "InvalidTarget"))
    co_return net::Result<void>();
  co_return done;
}

net::Awaitable<net::Result<void>> BindingReconciler::write_checkpoint(const Json& binding,
                                                                      std::string checkpoint) {
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.wall_now().time_since_epoch())
          .count();
  Json patch = {{"metadata",
                 {{"annotations",
                   {{std::string(kCheckpointAnnotation), checkpoint},
                    {std::string(kCheckpointTimestampAnnotation), std::to_string(seconds)}}}}}};
  auto patched =
      co_await client_.patch(k8s::resources::target_group_bindings, k8s::namespace_of(binding),
                             k8s::name_of(binding), k8s::PatchType::Merge, patch);
  if (!patched) co_return net::fail(patched.error());
  co_return net::Result<void>();
}

net::Awaitable<net::Result<void>> BindingReconciler::write_observed_generation(
    const Json& binding) {
  const long long generation = k8s::integer_field(k8s::metadata_of(binding), "generation", 0);
  const long long observed =
      k8s::integer_field(k8s::map_field(binding, "status"), "observedGeneration", -1);
  if (generation == observed) co_return net::Result<void>();
  Json patch = {{"status", {{"observedGeneration", generation}}}};
  auto patched =
      co_await client_.patch(k8s::resources::target_group_bindings, k8s::namespace_of(binding),
                             k8s::name_of(binding), k8s::PatchType::Merge, patch, true);
  if (!patched) co_return net::fail(patched.error());
  co_return net::Result<void>();
}

}  // namespace albc::tgb
