#include "controller/ingress/group_reconciler.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace albc::ingress {

GroupReconciler::GroupReconciler(const GroupLoader& loader, ModelBuilder& builder,
                                 deploy::StackDeployer& deployer, NetworkResolver& resolver,
                                 k8s::Client& client, k8s::FinalizerManager& finalizers,
                                 k8s::EventRecorder& events, net::Trace& trace)
    : loader_(loader),
      builder_(builder),
      deployer_(deployer),
      resolver_(resolver),
      client_(client),
      finalizers_(finalizers),
      events_(events),
      trace_(trace) {}

k8s::Outcome GroupReconciler::fail_stage(const Group& group, const char* reason, const char* prefix,
                                         const net::Error& error) {
  // A group-level failure is reported on every member: one bad Ingress shows on all of them.
  for (const Member& member : group.members)
    events_.warning(member.ingress, reason, std::string(prefix) + error.describe());
  return k8s::Outcome::backoff(reason, error.describe());
}

net::Awaitable<k8s::Outcome> GroupReconciler::reconcile(std::string key) {
  const GroupId id = GroupId::parse(key);
  deployer_.begin(id.to_string());
  auto group = loader_.load(id);
  if (!group) co_return k8s::Outcome::backoff("FailedLoadGroup", group.error().describe());
  trace_.event("ingress.reconcile", {{"group", id.to_string()},
                                     {"members", std::to_string(group->members.size())},
                                     {"leaving", std::to_string(group->inactive_members.size())}});
  if (auto added = co_await add_finalizers(*group); !added) {
    co_return fail_stage(*group, "FailedAddFinalizer", "Failed add finalizer due to ",
                         added.error());
  }
  auto model = co_await builder_.build(*group);
  if (!model)
    co_return fail_stage(*group, "FailedBuildModel", "Failed build model due to ", model.error());
  trace_.event("ingress.model.built",
               {{"group", id.to_string()},
                {"listeners", std::to_string(model->stack.listeners.size())},
                {"rules", std::to_string(model->stack.rules.size())},
                {"target_groups", std::to_string(model->stack.target_groups.size())}});
  auto deployed = co_await deployer_.deploy(model->stack);
  if (!deployed)
    co_return fail_stage(*group, "FailedDeployModel", "Failed deploy model due to ",
                         deployed.error());
  // The shared backend security group goes with the last group that used it: checked when a
  // group loses members, so that a steady-state reconcile makes no extra call.
  if (!group->inactive_members.empty() && !model->uses_backend_security_group &&
      !loader_.others_hold_finalizers(*group)) {
    if (auto released = co_await resolver_.release_backend_security_group(); !released) {
      co_return fail_stage(*group, "FailedDeployModel", "Failed deploy model due to ",
                           released.error());
    }
  }
  if (!group->members.empty() && model->stack.load_balancer) {
    if (auto written = co_await write_status(*group, *deployed, model->listener_ports); !written) {
      co_return fail_stage(*group, "FailedUpdateStatus", "Failed update status due to ",
                           written.error());
    }
  }
  if (auto removed = co_await remove_inactive_finalizers(*group); !removed) {
    co_return fail_stage(*group, "FailedRemoveFinalizer", "Failed remove finalizer due to ",
                         removed.error());
  }
  for (const Member& member : group->members)
    events_.normal(member.ingress, "SuccessfullyReconciled", "Successfully reconciled");
  co_return k8s::Outcome::forget("SuccessfullyReconciled");
}

net::Awaitable<net::Result<void>> GroupReconciler::add_finalizers(const Group& group) {
  const std::string finalizer = finalizer_of(group.id);
  for (const Member& member : group.members) {
    if (k8s::has_finalizer(member.ingress, finalizer)) continue;
    const Json& metadata = k8s::metadata_of(member.ingress);
    auto added =
        co_await finalizers_.add(k8s::resources::ingresses, k8s::text_field(metadata, "namespace"),
                                 k8s::text_field(metadata, "name"), finalizer);
    if (!added) co_return added;
  }
  co_return net::Result<void>();
}

net::Awaitable<net::Result<void>> GroupReconciler::remove_inactive_finalizers(const Group& group) {
  const std::string finalizer = finalizer_of(group.id);
  for (const Json& ingress : group.inactive_members) {
    const Json& metadata = k8s::metadata_of(ingress);
    auto removed = co_await finalizers_.remove(k8s::resources::ingresses,
                                               k8s::text_field(metadata, "namespace"),
                                               k8s::text_field(metadata, "name"), finalizer);
    if (!removed) co_return removed;
  }
  co_return net::Result<void>();
}

std::optional<Json> ingress_status_patch(const Json& ingress, const std::string& dns_name,
                                         const std::vector<int>& ports) {
  std::string hostname = dns_name;
  std::transform(hostname.begin(), hostname.end(), hostname.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::vector<int> sorted = ports;
  std::sort(sorted.begin(), sorted.end());
  // Compared as hostname → set of ports, ignoring order.
  const Json& current =
      k8s::list_field(k8s::map_field(k8s::map_field(ingress, "status"), "loadBalancer"), "ingress");
  std::map<std::string, std::set<int>> current_view;
  for (const Json& entry : current) {
    std::set<int>& entry_ports =
        current_view[k8s::text_field(entry, "hostname", k8s::text_field(entry, "ip"))];
    for (const Json& port : k8s::list_field(entry, "ports"))
      entry_ports.insert(k8s::integer_field(port, "port", 0));
  }
  const std::map<std::string, std::set<int>> desired_view = {
      {hostname, std::set<int>(sorted.begin(), sorted.end())}};
  if (current_view == desired_view) return std::nullopt;
  Json port_list = Json::array();
  for (int port : sorted)
    port_list.push_back({{"port", port}, {"protocol", ""}});
  Json entry = {{"hostname", hostname}};
  if (!port_list.empty()) entry["ports"] = port_list;
  return Json{{"status", {{"loadBalancer", {{"ingress", Json::array({entry})}}}}}};
}

net::Awaitable<net::Result<void>> GroupReconciler::write_status(const Group& group,
                                                                const deploy::Deployed& deployed,
                                                                const std::vector<int>& ports) {
  for (const Member& member : group.members) {
    const auto patch = ingress_status_patch(member.ingress, deployed.load_balancer_dns_name, ports);
    if (!patch) continue;
    const Json& metadata = k8s::metadata_of(member.ingress);
    auto patched = co_await client_.patch(
        k8s::resources::ingresses, k8s::text_field(metadata, "namespace"),
        k8s::text_field(metadata, "name"), k8s::PatchType::Merge, *patch, true);
    if (!patched)
      co_return net::fail(net::with_context(patched.error(), "failed to update ingress status"));
    trace_.event("ingress.status.updated",
                 {{"ingress", member.key()},
                  {"hostname", (*patch)["status"]["loadBalancer"]["ingress"][0]["hostname"]}});
  }
  co_return net::Result<void>();
}

}  // namespace albc::ingress
