#include <algorithm>

#include "controller/deploy/stack_deployer.hpp"

namespace albc::deploy {
namespace {

std::vector<aws::SecurityGroupPermission> desired_permissions(
    const model::SecurityGroupSpec& spec) {
  std::vector<aws::SecurityGroupPermission> permissions;
  for (const model::IngressPermission& rule : spec.ingress) {
    aws::SecurityGroupPermission permission;
    permission.protocol = rule.protocol;
    permission.from_port = rule.from_port;
    permission.to_port = rule.to_port;
    permission.cidr = rule.cidr;
    permission.cidr_v6 = rule.cidr_v6;
    permission.prefix_list = rule.prefix_list;
    permissions.push_back(permission);
  }
  return permissions;
}

}  // namespace

net::Awaitable<net::Result<void>> StackDeployer::synthesize_security_groups(State& state) {
  // Two lookups, as the real controller makes them: the current cluster tag and the legacy one.
  std::map<std::string, aws::SecurityGroup> found;
  for (std::string_view cluster_key : {kClusterTag, kLegacyClusterTag}) {
    std::vector<aws::Filter> filters = {
        {"vpc-id", {options_.vpc_id}},
        {"tag:" + std::string(cluster_key), {options_.cluster_name}},
        {"tag:" + std::string(kStackTag), {state.identity.stack_id}}};
    auto groups = co_await ec2_.describe_security_groups({}, filters);
    if (!groups) co_return net::fail(groups.error());
    for (aws::SecurityGroup& group : *groups)
      found.emplace(group.id, std::move(group));
  }
  std::optional<aws::SecurityGroup> matched;
  for (auto& [id, group] : found) {
    const std::string resource_id = resource_id_of(group.tags);
    if (resource_id.empty())
      co_return net::fail("UnexpectedResource",
                          "unexpected securityGroup with no resourceID: " + id);
    if (state.stack.managed_security_group && resource_id == model::kManagedSecurityGroupId &&
        !matched) {
      matched = group;
    } else {
      state.unwanted_security_groups.push_back(group);
    }
  }
  if (!state.stack.managed_security_group) co_return net::Result<void>();
  const model::SecurityGroupSpec& spec = *state.stack.managed_security_group;
  const Tags tags = resource_tags(state.identity, model::kManagedSecurityGroupId, spec.tags);
  if (!matched) {
    trace_.event("deploy.security_group.creating",
                 {{"stack", state.identity.stack_id}, {"name", spec.name}});
    auto created =
        co_await ec2_.create_security_group(options_.vpc_id, spec.name, spec.description, tags);
    if (!created)
      co_return net::fail(net::with_context(created.error(), "failed to create securityGroup"));
    trace_.event("deploy.security_group.created",
                 {{"stack", state.identity.stack_id}, {"id", *created}});
    matched = aws::SecurityGroup{*created, spec.name, options_.vpc_id, tags, {}};
  } else {
    const TagChanges changes = tag_changes(tags, matched->tags, options_.cluster_name, true);
    if (!changes.set.empty()) {
      if (auto done = co_await ec2_.create_tags(matched->id, changes.set); !done)
        co_return net::fail(done.error());
    }
    if (!changes.remove.empty()) {
      if (auto done = co_await ec2_.delete_tags(matched->id, changes.remove); !done)
        co_return net::fail(done.error());
    }
  }
  state.managed_security_group_id = matched->id;
  // Every permission not desired is revoked: hand-added rules on the managed group go away.
  const auto desired = desired_permissions(spec);
  std::vector<aws::SecurityGroupPermission> missing;
  for (const aws::SecurityGroupPermission& permission : desired) {
    if (std::find(matched->ingress.begin(), matched->ingress.end(), permission) ==
        matched->ingress.end())
      missing.push_back(permission);
  }
  std::vector<aws::SecurityGroupPermission> extra;
  for (const aws::SecurityGroupPermission& permission : matched->ingress) {
    if (std::find(desired.begin(), desired.end(), permission) == desired.end())
      extra.push_back(permission);
  }
  if (!missing.empty()) {
    trace_.event("deploy.security_group.authorizing",
                 {{"stack", state.identity.stack_id},
                  {"id", matched->id},
                  {"permissions", std::to_string(missing.size())}});
    if (auto done = co_await ec2_.authorize_ingress(matched->id, missing); !done)
      co_return net::fail(done.error());
  }
  if (!extra.empty()) {
    trace_.event("deploy.security_group.revoking", {{"stack", state.identity.stack_id},
                                                    {"id", matched->id},
                                                    {"permissions", std::to_string(extra.size())}});
    if (auto done = co_await ec2_.revoke_ingress(matched->id, extra); !done)
      co_return net::fail(done.error());
  }
  co_return net::Result<void>();
}

net::Awaitable<net::Result<void>> StackDeployer::remove_security_groups(State& state) {
  for (const aws::SecurityGroup& group : state.unwanted_security_groups) {
    trace_.event("deploy.security_group.deleting",
                 {{"stack", state.identity.stack_id}, {"id", group.id}});
    // The network interfaces of a load balancer deleted a moment ago may still hold it.
    auto deleted = co_await net::retry_while(
        clock_, "DependencyViolation", options_.security_group_dependency_timeout,
        options_.retry_interval, [&] { return ec2_.delete_security_group(group.id); });
    if (!deleted)
      co_return net::fail(net::with_context(deleted.error(), "failed to delete securityGroup"));
    trace_.event("deploy.security_group.deleted",
                 {{"stack", state.identity.stack_id}, {"id", group.id}});
  }
  co_return net::Result<void>();
}

}  // namespace albc::deploy
