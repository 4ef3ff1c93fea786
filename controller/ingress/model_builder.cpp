#include "controller/ingress/model_builder.hpp"

#include <algorithm>
#include <set>

#include "controller/ingress/build_task.hpp"
#include "controller/ingress/go_text.hpp"

namespace albc::ingress {

namespace {

std::optional<std::string> params_string(const Member& member, const char* field) {
  if (!member.class_config.params || !member.class_config.params->contains(field))
    return std::nullopt;
  const Json& value = (*member.class_config.params)[field];
  if (!value.is_string()) return std::nullopt;
  return value.get<std::string>();
}

}  // namespace

ModelBuilder::ModelBuilder(const k8s::ObjectCache& services, NetworkResolver& resolver,
                           BuilderOptions options)
    : services_(services), resolver_(resolver), options_(std::move(options)) {}

net::Awaitable<net::Result<BuiltModel>> ModelBuilder::build(Group group) {
  BuildTask task(services_, resolver_, options_, std::move(group));
  co_return co_await task.run();
}

BuildTask::BuildTask(const k8s::ObjectCache& services, NetworkResolver& resolver,
                     const BuilderOptions& options, Group group)
    : services_(services), resolver_(resolver), options_(options), group_(std::move(group)) {
  identity_ = {options_.cluster_name, group_.id.to_string(), group_.id.is_explicit()};
  name_parts_ = {group_.id.is_explicit(), group_.id.name, group_.id.ns, group_.id.name,
                 group_.id.to_string()};
  stack_.id = group_.id.to_string();
}

std::vector<const Member*> BuildTask::all_members() const {
  std::vector<const Member*> members;
  for (const Member& member : group_.members)
    members.push_back(&member);
  return members;
}

net::Result<void> BuildTask::check_deletion_protection() const {
  for (const Json& inactive : group_.inactive_members) {
    if (!k8s::being_deleted(inactive)) continue;
    auto attributes = Annotations::of(inactive).string_map("load-balancer-attributes");
    if (!attributes) return net::fail(attributes.error());
    if (!*attributes || !(**attributes).contains("deletion_protection.enabled")) continue;
    auto protected_value = parse_go_bool((**attributes).at("deletion_protection.enabled"));
    if (!protected_value) return net::fail(protected_value.error());
    if (*protected_value) {
      return net::fail(
          "DeletionProtection",
          "deletion_protection is enabled, cannot delete the ingress: " + k8s::name_of(inactive));
    }
  }
  return {};
}

net::Awaitable<net::Result<BuiltModel>> BuildTask::run() {
  if (auto protection = check_deletion_protection(); !protection)
    co_return net::fail(protection.error());
  if (group_.members.empty()) co_return BuiltModel{stack_, {}};
  if (auto ports = build_listen_ports(); !ports) co_return net::fail(ports.error());
  if (auto lb = co_await build_load_balancer(); !lb) co_return net::fail(lb.error());
  if (auto listeners = build_listeners_and_rules(); !listeners)
    co_return net::fail(listeners.error());
  BuiltModel built{stack_, {}, !backend_security_group_id_.empty()};
  for (const auto& [port, config] : ports_)
    built.listener_ports.push_back(port);
  co_return built;
}

net::Result<void> BuildTask::build_listen_ports() {
  std::map<int, std::vector<MergeInput>> inputs;
  for (const Member& member : group_.members) {
    if (auto unsupported = unsupported_annotation(member.annotations)) {
      return net::fail("UnsupportedConfiguration", "ingress: " + member.key() + ": annotation " +
                                                       std::string(kAnnotationPrefix) +
                                                       *unsupported +
                                                       " is not supported by albc yet");
    }
    auto configs = listen_ports_of(member.ingress, member.class_config.params);
    if (!configs) return net::fail(net::with_context(configs.error(), "ingress: " + member.key()));
    for (auto& [port, config] : *configs) {
      inputs[port].push_back(MergeInput{member.key(), config});
      port_members_[port].push_back(&member);
    }
  }
  for (const auto& [port, port_inputs] : inputs) {
    auto merged = merge_listen_port(port, port_inputs, options_.default_ssl_policy);
    if (!merged) return net::fail(merged.error());
    ports_[port] = *merged;
  }
  return {};
}

// A group-wide setting all members must agree on: IngressClassParams field, else annotation,
// else the fallback. Conflicts are reported as the real controller formats them.
net::Result<std::string> BuildTask::exclusive(const char* annotation, const char* params_field,
                                              const std::string& fallback,
                                              const char* conflict_label, bool as_set) {
  std::set<std::string> values;
  for (const Member& member : group_.members) {
    std::optional<std::string> value = params_string(member, params_field);
    if (!value) value = member.annotations.string(annotation);
    if (value) values.insert(*value);
  }
  if (values.size() > 1) {
    const std::string listed =
        as_set ? go_set(values) : go_list(std::vector<std::string>(values.begin(), values.end()));
    return net::fail("InvalidConfiguration",
                     std::string("conflicting ") + conflict_label + ": " + listed);
  }
  return values.empty() ? fallback : *values.begin();
}

net::Result<model::Tags> BuildTask::ingress_tags(const Member& member) const {
  auto member_tags = member.annotations.string_map("tags");
  if (!member_tags)
    return net::fail(net::with_context(member_tags.error(), "ingress: " + member.key()));
  model::Tags merged = member_tags->value_or(std::map<std::string, std::string>());
  if (member.class_config.params) {
    for (const Json& tag : k8s::list_field(*member.class_config.params, "tags"))
      merged[k8s::text_field(tag, "key")] = k8s::text_field(tag, "value");
  }
  return merged;
}

net::Result<model::Tags> BuildTask::group_tags(const std::vector<const Member*>& members) const {
  model::Tags tags;
  for (const Member* member : members) {
    auto merged = ingress_tags(*member);
    if (!merged) return net::fail(merged.error());
    for (const auto& [key, value] : *merged) {
      if (tags.contains(key) && tags[key] != value) {
        return net::fail("InvalidConfiguration",
                         "conflicting tag " + key + ": " + tags[key] + " | " + value);
      }
      tags[key] = value;
    }
  }
  for (const auto& [key, value] : options_.default_tags)
    tags[key] = value;  // default tags win
  return tags;
}

net::Awaitable<net::Result<void>> BuildTask::build_load_balancer() {
  model::LoadBalancerSpec spec;
  auto scheme = exclusive("scheme", "scheme", options_.default_scheme, "scheme");
  if (!scheme) co_return net::fail(scheme.error());
  if (*scheme != "internal" && *scheme != "internet-facing")
    co_return net::fail("InvalidConfiguration", "unknown scheme: " + *scheme);
  scheme_ = spec.scheme = *scheme;
  auto ip_type = exclusive("ip-address-type", "ipAddressType", "ipv4", "IPAddressType", false);
  if (!ip_type) co_return net::fail(ip_type.error());
  if (*ip_type != "ipv4" && *ip_type != "dualstack" &&
      *ip_type != "dualstack-without-public-ipv4") {
    co_return net::fail("InvalidConfiguration", "unknown IPAddressType: " + *ip_type);
  }
  ip_address_type_ = spec.ip_address_type = *ip_type;
  auto name = exclusive("load-balancer-name", "loadBalancerName", "", "load balancer name");
  if (!name) co_return net::fail(name.error());
  if (name->size() > 32)
    co_return net::fail("InvalidConfiguration",
                        "load balancer name cannot be longer than 32 characters");
  spec.name =
      name->empty() ? load_balancer_name(options_.cluster_name, name_parts_, scheme_) : *name;
  // Subnets: the annotation (all members that set it must agree, in any order), else the
  // existing load balancer's when its scheme is unchanged, else discovery.
  std::optional<std::vector<std::string>> subnet_entries;
  for (const Member& member : group_.members) {
    auto listed = member.annotations.string_list("subnets");
    if (!listed) continue;
    std::vector<std::string> sorted = *listed;
    std::sort(sorted.begin(), sorted.end());
    if (subnet_entries) {
      std::vector<std::string> existing = *subnet_entries;
      std::sort(existing.begin(), existing.end());
      if (existing != sorted) {
        co_return net::fail(
            "InvalidConfiguration",
            "conflicting subnets: " + go_list(*subnet_entries) + " | " + go_list(*listed));
      }
    } else {
      subnet_entries = *listed;
    }
  }
  if (subnet_entries) {
    auto subnets = co_await resolver_.resolve_subnets(*subnet_entries);
    if (!subnets) co_return net::fail(subnets.error());
    spec.subnet_ids = *subnets;
  } else {
    auto existing = co_await resolver_.stack_load_balancer(identity_);
    if (!existing) co_return net::fail(existing.error());
    if (*existing && (*existing)->scheme == scheme_) {
      spec.subnet_ids = (*existing)->subnet_ids;
      std::sort(spec.subnet_ids.begin(), spec.subnet_ids.end());
    } else {
      auto discovered = co_await resolver_.discover_subnets(scheme_);
      if (!discovered) co_return net::fail(discovered.error());
      spec.subnet_ids = *discovered;
    }
  }
  if (auto groups = co_await build_security_groups(spec); !groups)
    co_return net::fail(groups.error());
  std::map<std::string, std::string> attributes;
  for (const Member& member : group_.members) {
    auto member_attributes = member.annotations.string_map("load-balancer-attributes");
    if (!member_attributes)
      co_return net::fail(net::with_context(member_attributes.error(), "ingress: " + member.key()));
    for (const auto& [key, value] :
         member_attributes->value_or(std::map<std::string, std::string>())) {
      if (attributes.contains(key) && attributes[key] != value) {
        co_return net::fail("InvalidConfiguration", "conflicting load balancer attributes " + key +
                                                        ": " + attributes[key] + " | " + value);
      }
      attributes[key] = value;
    }
  }
  spec.attributes = attributes;
  auto tags = group_tags(all_members());
  if (!tags) co_return net::fail(tags.error());
  spec.tags = *tags;
  stack_.load_balancer = spec;
  co_return net::Result<void>();
}

net::Awaitable<net::Result<void>> BuildTask::build_security_groups(model::LoadBalancerSpec& spec) {
  std::optional<std::vector<std::string>> listed;
  std::optional<bool> manage_rules;
  for (const Member& member : group_.members) {
    const Annotations annotations = member.annotations;
    if (auto groups = annotations.string_list("security-groups")) {
      if (listed && *listed != *groups) {
        co_return net::fail(
            "InvalidConfiguration",
            "conflicting securityGroups: " + go_list(*listed) + " | " + go_list(*groups));
      }
      listed = *groups;
    }
    auto manage = annotations.boolean("manage-backend-security-group-rules");
    if (!manage) co_return net::fail(manage.error());
    if (*manage) {
      if (manage_rules && *manage_rules != **manage) {
        co_return net::fail("InvalidConfiguration",
                            "conflicting manage backend security group rules settings");
      }
      manage_rules = **manage;
    }
  }
  if (listed) {
    auto resolved = co_await resolver_.resolve_security_groups(*listed);
    if (!resolved) co_return net::fail(resolved.error());
    for (const std::string& id : *resolved)
      spec.security_groups.push_back({"", id});
    manage_backend_rules_ = manage_rules.value_or(options_.manage_backend_security_group_rules);
    if (manage_backend_rules_) {
      if (!options_.enable_backend_security_group) {
        co_return net::fail("InvalidConfiguration",
                            "backendSG feature is required to manage worker node SG rules when "
                            "frontendSG manually specified");
      }
      auto backend = co_await resolver_.backend_security_group();
      if (!backend) co_return net::fail(backend.error());
      backend_security_group_id_ = *backend;
      spec.security_groups.push_back({"", *backend});
    }
    co_return net::Result<void>();
  }
  // No security groups named: a managed one opening the listen ports, plus the shared backend one.
  model::SecurityGroupSpec managed;
  managed.name = managed_security_group_name(options_.cluster_name, name_parts_);
  managed.description = "[k8s] Managed SecurityGroup for LoadBalancer";
  for (const auto& [port, config] : ports_) {
    for (const std::string& cidr : config.inbound_cidrs_v4)
      managed.ingress.push_back({"tcp", port, port, cidr, "", ""});
    if (ip_address_type_ != "ipv4") {
      for (const std::string& cidr : config.inbound_cidrs_v6)
        managed.ingress.push_back({"tcp", port, port, "", cidr, ""});
    }
    for (const std::string& list : config.prefix_lists)
      managed.ingress.push_back({"tcp", port, port, "", "", list});
  }
  auto tags = group_tags(all_members());
  if (!tags) co_return net::fail(tags.error());
  managed.tags = *tags;
  stack_.managed_security_group = managed;
  spec.security_groups.push_back({model::kManagedSecurityGroupId, ""});
  manage_backend_rules_ = true;
  if (options_.enable_backend_security_group) {
    auto backend = co_await resolver_.backend_security_group();
    if (!backend) co_return net::fail(backend.error());
    backend_security_group_id_ = *backend;
    spec.security_groups.push_back({"", *backend});
  } else {
    backend_security_group_from_managed_ = true;
  }
  co_return net::Result<void>();
}

}  // namespace albc::ingress
