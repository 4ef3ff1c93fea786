#include "controller/deploy/stack_deployer.hpp"

namespace albc::deploy {
namespace {

Json binding_spec(const model::TargetGroupBindingSpec& spec, const std::string& target_group_arn,
                  const std::string& managed_security_group_id) {
  Json json = {{"targetGroupARN", target_group_arn},
               {"targetType", spec.target_type},
               {"targetGroupProtocol", spec.target_group_protocol},
               {"serviceRef", {{"name", spec.service_name}, {"port", spec.service_port}}},
               {"ipAddressType", spec.ip_address_type},
               {"vpcID", spec.vpc_id}};
  if (spec.networking) {
    Json rules = Json::array();
    for (const model::NetworkingRule& rule : *spec.networking) {
      Json from = Json::array();
      for (const model::NetworkingPeer& peer : rule.from) {
        if (!peer.cidr.empty()) {
          from.push_back({{"ipBlock", {{"cidr", peer.cidr}}}});
        } else {
          const std::string group = peer.security_group_resource_id.empty()
                                        ? peer.security_group_id
                                        : managed_security_group_id;
          from.push_back({{"securityGroup", {{"groupID", group}}}});
        }
      }
      Json ports = Json::array();
      for (const model::NetworkingPort& port : rule.ports) {
        Json entry = {{"protocol", port.protocol}};
        if (!port.port.is_null()) entry["port"] = port.port;
        ports.push_back(entry);
      }
      rules.push_back({{"from", from}, {"ports", ports}});
    }
    json["networking"] = {{"ingress", rules}};
  }
  return json;
}

}  // namespace

net::Awaitable<net::Result<void>> StackDeployer::synthesize_bindings(State& state) {
  k8s::ListOptions options;
  options.label_selector = stack_label_selector(state.identity);
  auto listed = co_await kube_.list(k8s::resources::target_group_bindings, "", options);
  if (!listed) co_return net::fail(listed.error());
  std::map<std::string, Json> by_arn;
  for (const Json& binding : (*listed)["items"]) {
    const std::string arn = k8s::text_field(k8s::map_field(binding, "spec"), "targetGroupARN");
    by_arn.emplace(arn, binding);
  }
  for (const auto& [id, spec] : state.stack.bindings) {
    auto arn = state.target_group_arns.find(spec.target_group_id);
    if (arn == state.target_group_arns.end())
      co_return net::fail("UnresolvedReference",
                          "target group " + spec.target_group_id + " has no ARN yet");
    const Json desired_spec = binding_spec(spec, arn->second, state.managed_security_group_id);
    Json labels = Json::object();
    for (const auto& [key, value] : spec.labels)
      labels[key] = value;
    auto existing = by_arn.find(arn->second);
    if (existing == by_arn.end()) {
      Json object = {
          {"apiVersion", k8s::resources::target_group_bindings.api_version()},
          {"kind", "TargetGroupBinding"},
          {"metadata", {{"name", spec.name}, {"namespace", spec.ns}, {"labels", labels}}},
          {"spec", desired_spec}};
      trace_.event("deploy.binding.creating",
                   {{"stack", state.identity.stack_id}, {"binding", spec.ns + "/" + spec.name}});
      auto created = co_await kube_.create(k8s::resources::target_group_bindings, spec.ns, object);
      if (!created)
        co_return net::fail(
            net::with_context(created.error(), "failed to create targetGroupBinding"));
      trace_.event("deploy.binding.created",
                   {{"stack", state.identity.stack_id}, {"binding", spec.ns + "/" + spec.name}});
      continue;
    }
    const Json current = existing->second;
    by_arn.erase(existing);
    const Json current_labels = k8s::map_field(k8s::metadata_of(current), "labels");
    if (k8s::map_field(current, "spec") == desired_spec && current_labels == labels) continue;
    const std::string ns = k8s::namespace_of(current);
    const std::string name = k8s::name_of(current);
    // A merge patch from current to desired: what the desired side drops is written as null.
    Json spec_patch = desired_spec;
    const Json current_spec = k8s::map_field(current, "spec");
    for (auto it = current_spec.begin(); it != current_spec.end(); ++it) {
      if (!desired_spec.contains(it.key())) spec_patch[it.key()] = nullptr;
    }
    Json labels_patch = labels;
    for (auto it = current_labels.begin(); it != current_labels.end(); ++it) {
      if (!labels.contains(it.key())) labels_patch[it.key()] = nullptr;
    }
    Json patch = {{"metadata", {{"labels", labels_patch}}}, {"spec", spec_patch}};
    trace_.event("deploy.binding.updating",
                 {{"stack", state.identity.stack_id}, {"binding", ns + "/" + name}});
    auto patched = co_await kube_.patch(k8s::resources::target_group_bindings, ns, name,
                                        k8s::PatchType::Merge, patch);
    if (!patched)
      co_return net::fail(
          net::with_context(patched.error(), "failed to update targetGroupBinding"));
    if (auto waited = co_await wait_for_binding(ns, name, false); !waited)
      co_return net::fail(waited.error());
    trace_.event("deploy.binding.updated",
                 {{"stack", state.identity.stack_id}, {"binding", ns + "/" + name}});
  }
  for (auto& [arn, binding] : by_arn)
    state.unwanted_bindings.push_back(binding);
  co_return net::Result<void>();
}

net::Awaitable<net::Result<void>> StackDeployer::remove_bindings(State& state) {
  for (const Json& binding : state.unwanted_bindings) {
    const std::string ns = k8s::namespace_of(binding);
    const std::string name = k8s::name_of(binding);
    trace_.event("deploy.binding.deleting",
                 {{"stack", state.identity.stack_id}, {"binding", ns + "/" + name}});
    auto deleted = co_await kube_.remove(k8s::resources::target_group_bindings, ns, name);
    if (!deleted && !k8s::is_not_found(deleted.error())) co_return net::fail(deleted.error());
    // The binding's finalizer holds it until its targets are deregistered.
    if (auto gone = co_await wait_for_binding(ns, name, true); !gone) {
      co_return net::fail(
          net::with_context(gone.error(), "failed to wait targetGroupBinding deletion"));
    }
    trace_.event("deploy.binding.deleted",
                 {{"stack", state.identity.stack_id}, {"binding", ns + "/" + name}});
  }
  co_return net::Result<void>();
}

net::Awaitable<net::Result<void>> StackDeployer::wait_for_binding(std::string ns, std::string name,
                                                                  bool gone) {
  const auto deadline = clock_.now() + options_.binding_poll_timeout;
  while (true) {
    auto current = co_await kube_.get(k8s::resources::target_group_bindings, ns, name);
    if (gone && !current && k8s::is_not_found(current.error())) co_return net::Result<void>();
    if (!current && !k8s::is_not_found(current.error())) co_return net::fail(current.error());
    if (!gone && current) {
      const long long generation = k8s::integer_field(k8s::metadata_of(*current), "generation", 0);
      const long long observed =
          k8s::integer_field(k8s::map_field(*current, "status"), "observedGeneration", 0);
      if (observed >= generation) co_return net::Result<void>();
    }
    if (clock_.now() >= deadline)
      co_return net::fail("Timeout", "timed out waiting for the condition");
    co_await clock_.sleep_for(options_.binding_poll_interval);
  }
}

}  // namespace albc::deploy
