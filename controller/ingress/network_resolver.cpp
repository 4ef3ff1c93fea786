#include "controller/ingress/network_resolver.hpp"

#include <algorithm>
#include <set>

#include "controller/deploy/discovery.hpp"
#include "controller/ingress/go_text.hpp"
#include "controller/ingress/naming.hpp"
#include "controller/net/retry.hpp"

namespace albc::ingress {
namespace {

std::string name_tag(const std::map<std::string, std::string>& tags) {
  auto found = tags.find("Name");
  return found == tags.end() ? "" : found->second;
}

}  // namespace

AwsNetworkResolver::AwsNetworkResolver(aws::Ec2& ec2, deploy::Inventory& inventory,
                                       net::Clock& clock, net::Trace& trace,
                                       ResolverOptions options)
    : ec2_(ec2),
      inventory_(inventory),
      clock_(clock),
      trace_(trace),
      options_(std::move(options)),
      backend_security_group_id_(options_.backend_security_group_id) {}

net::Awaitable<net::Result<std::vector<std::string>>> AwsNetworkResolver::resolve_subnets(
    std::vector<std::string> ids_or_names) {
  auto looked_up = co_await lookup_subnets(ids_or_names);
  if (!looked_up)
    co_return net::fail(
        net::with_context(looked_up.error(), "failed to list subnets by names or IDs"));
  // Subnets named explicitly keep the annotation's order: no one-per-zone choice is made.
  std::vector<std::string> subnet_ids;
  std::map<std::string, std::vector<std::string>> by_zone;
  for (const aws::Subnet& subnet : *looked_up) {
    subnet_ids.push_back(subnet.id);
    by_zone[subnet.availability_zone].push_back(subnet.id);
  }
  if (subnet_ids.empty())
    co_return net::fail("InvalidConfiguration", "unable to resolve at least one subnet");
  for (const auto& [zone, ids] : by_zone) {
    if (ids.size() > 1) {
      co_return net::fail("InvalidConfiguration", "multiple subnets in same Availability Zone " +
                                                      zone + ": " + go_list(ids));
    }
  }
  if (subnet_ids.size() < 2) {
    co_return net::fail("InvalidConfiguration", "subnets count less than minimal required count: " +
                                                    std::to_string(subnet_ids.size()) + " < 2");
  }
  co_return subnet_ids;
}

net::Awaitable<net::Result<std::vector<aws::Subnet>>> AwsNetworkResolver::lookup_subnets(
    std::vector<std::string> ids_or_names) {
  std::vector<std::string> ids;
  std::vector<std::string> names;
  for (const std::string& entry : ids_or_names) {
    auto& bucket = entry.starts_with("subnet-") ? ids : names;
    if (std::find(bucket.begin(), bucket.end(), entry) == bucket.end()) bucket.push_back(entry);
  }
  std::map<std::string, aws::Subnet> by_id;
  std::map<std::string, std::vector<aws::Subnet>> by_name;
  if (!ids.empty()) {
    auto found = co_await ec2_.describe_subnets(ids, {});
    if (!found) co_return net::fail(found.error());
    if (found->size() != ids.size()) {
      std::vector<std::string> found_ids;
      for (const aws::Subnet& subnet : *found)
        found_ids.push_back(subnet.id);
      co_return net::fail("SubnetNotFound", "couldn't find all subnets, want: " + go_list(ids) +
                                                ", found: " + go_list(found_ids));
    }
    for (const aws::Subnet& subnet : *found)
      by_id[subnet.id] = subnet;
  }
  if (!names.empty()) {
    std::vector<aws::Filter> filters = {{"vpc-id", {options_.vpc_id}}, {"tag:Name", names}};
    auto found = co_await ec2_.describe_subnets({}, filters);
    if (!found) co_return net::fail(found.error());
    std::sort(found->begin(), found->end(),
              [](const aws::Subnet& a, const aws::Subnet& b) { return a.id < b.id; });
    for (const aws::Subnet& subnet : *found)
      by_name[name_tag(subnet.tags)].push_back(subnet);
    std::vector<std::string> missing;
    for (const std::string& name : names) {
      if (!by_name.contains(name)) missing.push_back(name);
    }
    if (!missing.empty())
      co_return net::fail("SubnetNotFound",
                          "couldn't find all subnets, missing names: " + go_list(missing));
  }
  std::vector<aws::Subnet> subnets;
  std::map<std::string, std::size_t> name_uses;
  for (const std::string& entry : ids_or_names) {
    if (entry.starts_with("subnet-")) {
      const auto found = by_id.find(entry);
      if (found == by_id.end()) {
        co_return net::fail("SubnetNotFound", "couldn't find subnet " + entry);
      }
      subnets.push_back(found->second);
      continue;
    }
    const std::vector<aws::Subnet>& candidates = by_name[entry];
    const std::size_t use = name_uses[entry]++;
    if (use >= candidates.size()) {
      co_return net::fail("SubnetNotFound", "subnet with Name tag \"" + entry + "\" requested " +
                                                std::to_string(use + 1) + " times but only " +
                                                std::to_string(candidates.size()) +
                                                " subnet(s) found with that name");
    }
    subnets.push_back(candidates[use]);
  }
  co_return subnets;
}

net::Awaitable<net::Result<std::vector<std::string>>> AwsNetworkResolver::discover_subnets(
    std::string scheme) {
  const std::string role =
      scheme == "internal" ? "kubernetes.io/role/internal-elb" : "kubernetes.io/role/elb";
  std::vector<aws::Filter> filters = {{"vpc-id", {options_.vpc_id}}, {"tag:" + role, {"", "1"}}};
  auto candidates = co_await ec2_.describe_subnets({}, filters);
  if (!candidates)
    co_return net::with_context(
        net::Result<std::vector<std::string>>(net::fail(candidates.error())),
        "couldn't auto-discover subnets");
  const std::string cluster_key = "kubernetes.io/cluster/" + options_.cluster_name;
  std::map<std::string, const aws::Subnet*> by_zone;
  for (const aws::Subnet& subnet : *candidates) {
    bool tagged_for_other_cluster = false;
    for (const auto& [key, value] : subnet.tags) {
      if (key.starts_with("kubernetes.io/cluster/") && key != cluster_key)
        tagged_for_other_cluster = true;
    }
    if (tagged_for_other_cluster && !subnet.tags.contains(cluster_key)) continue;
    if (subnet.available_ips < 8) continue;
    const aws::Subnet*& chosen = by_zone[subnet.availability_zone];
    const bool tagged = subnet.tags.contains(cluster_key);
    if (chosen == nullptr || (tagged && !chosen->tags.contains(cluster_key)) ||
        (tagged == chosen->tags.contains(cluster_key) && subnet.id < chosen->id)) {
      chosen = &subnet;
    }
  }
  std::vector<std::string> subnet_ids;
  for (const auto& [zone, subnet] : by_zone)
    subnet_ids.push_back(subnet->id);
  if (subnet_ids.size() < 2) {
    co_return net::fail(
        "SubnetDiscovery",
        "couldn't auto-discover subnets: subnets count less than minimal required count: " +
            std::to_string(subnet_ids.size()) + " < 2");
  }
  std::sort(subnet_ids.begin(), subnet_ids.end());
  co_return subnet_ids;
}

net::Awaitable<net::Result<std::vector<std::string>>> AwsNetworkResolver::resolve_security_groups(
    std::vector<std::string> ids_or_names) {
  std::vector<std::string> ids;
  std::vector<std::string> names;
  for (const std::string& entry : ids_or_names) {
    auto& bucket = entry.starts_with("sg-") ? ids : names;
    if (std::find(bucket.begin(), bucket.end(), entry) == bucket.end()) bucket.push_back(entry);
  }
  std::vector<std::string> resolved;
  std::vector<std::string> problems;
  auto joined = [](const std::vector<std::string>& values) {
    std::string text;
    for (const std::string& value : values)
      text += (text.empty() ? "" : ", ") + value;
    return text;
  };
  if (!ids.empty()) {
    auto by_id = co_await ec2_.describe_security_groups(ids, {});
    if (!by_id) {
      problems.push_back(by_id.error().describe());
    } else {
      std::vector<std::string> found;
      for (const aws::SecurityGroup& group : *by_id)
        found.push_back(group.id);
      if (found.size() != ids.size())
        problems.push_back("requested ids [" + joined(ids) + "] but found [" + joined(found) + "]");
      resolved.insert(resolved.end(), found.begin(), found.end());
    }
  }
  if (!names.empty()) {
    std::vector<aws::Filter> filters = {{"tag:Name", names}, {"vpc-id", {options_.vpc_id}}};
    auto by_name = co_await ec2_.describe_security_groups({}, filters);
    if (!by_name) {
      problems.push_back(by_name.error().describe());
    } else {
      std::vector<std::string> found_names;
      for (const aws::SecurityGroup& group : *by_name) {
        const std::string name = name_tag(group.tags);
        if (std::find(found_names.begin(), found_names.end(), name) == found_names.end())
          found_names.push_back(name);
        resolved.push_back(group.id);
      }
      if (found_names.size() != names.size()) {
        problems.push_back("requested names [" + joined(names) + "] but found [" +
                           joined(found_names) + "]");
      }
    }
  }
  if (!problems.empty())
    co_return net::fail("SecurityGroupNotFound",
                        "couldn't find all security groups: " + joined(problems));
  co_return resolved;
}

net::Awaitable<net::Result<std::optional<aws::LoadBalancer>>>
AwsNetworkResolver::stack_load_balancer(deploy::StackIdentity stack) {
  auto found = co_await inventory_.load_balancers(stack);
  if (!found) co_return net::fail(found.error());
  if (found->empty()) co_return std::optional<aws::LoadBalancer>();
  co_return std::optional<aws::LoadBalancer>(found->front().resource);
}

// The shared backend security group is found by its tags, so that a restarted controller adopts
// the one it created before.
std::vector<aws::Filter> AwsNetworkResolver::backend_security_group_filters() const {
  return {{"vpc-id", {options_.vpc_id}},
          {"tag:" + std::string(deploy::kClusterTag), {options_.cluster_name}},
          {"tag:" + std::string(deploy::kBackendSecurityGroupResourceTag),
           {std::string(deploy::kBackendSecurityGroupResourceValue)}}};
}

net::Awaitable<net::Result<std::string>> AwsNetworkResolver::backend_security_group() {
  while (resolving_)
    co_await resolved_.wait();
  if (!backend_security_group_id_.empty()) co_return backend_security_group_id_;
  resolving_ = true;
  struct Done {
    AwsNetworkResolver& resolver;
    ~Done() {
      resolver.resolving_ = false;
      resolver.resolved_.notify_all();
    }
  } done{*this};
  const std::vector<aws::Filter> filters = backend_security_group_filters();
  auto existing = co_await ec2_.describe_security_groups({}, filters);
  if (!existing) co_return net::fail(existing.error());
  if (!existing->empty()) {
    backend_security_group_id_ = existing->front().id;
    co_return backend_security_group_id_;
  }
  const std::string name = backend_security_group_name(options_.cluster_name);
  trace_.event("deploy.backend_security_group.creating", {{"name", name}});
  std::map<std::string, std::string> tags = {
      {std::string(deploy::kClusterTag), options_.cluster_name},
      {std::string(deploy::kBackendSecurityGroupResourceTag),
       std::string(deploy::kBackendSecurityGroupResourceValue)}};
  auto created = co_await ec2_.create_security_group(
      options_.vpc_id, name, "[k8s] Shared Backend SecurityGroup for LoadBalancer", tags);
  if (!created) co_return net::fail(created.error());
  backend_security_group_id_ = *created;
  trace_.event("deploy.backend_security_group.created", {{"name", name}, {"id", *created}});
  co_return backend_security_group_id_;
}

net::Awaitable<net::Result<void>> AwsNetworkResolver::release_backend_security_group() {
  if (!options_.backend_security_group_id.empty())
    co_return net::Result<void>();  // the user's: never deleted
  while (resolving_)
    co_await resolved_.wait();
  const std::vector<aws::Filter> filters = backend_security_group_filters();
  auto existing = co_await ec2_.describe_security_groups({}, filters);
  if (!existing) co_return net::fail(existing.error());
  for (const aws::SecurityGroup& group : *existing) {
    trace_.event("deploy.backend_security_group.deleting", {{"id", group.id}});
    // Network interfaces of a load balancer deleted a moment ago may still hold it.
    auto deleted = co_await net::retry_while(clock_, "DependencyViolation",
                                             options_.release_timeout, options_.retry_interval,
                                             [&] { return ec2_.delete_security_group(group.id); });
    if (!deleted && deleted.error().code != "InvalidGroup.NotFound")
      co_return net::fail(net::with_context(deleted.error(), "failed to delete securityGroup"));
    trace_.event("deploy.backend_security_group.deleted", {{"id", group.id}});
  }
  backend_security_group_id_.clear();
  co_return net::Result<void>();
}

}  // namespace albc::ingress
