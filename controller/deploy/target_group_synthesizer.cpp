#include "controller/deploy/stack_deployer.hpp"

namespace albc::deploy {
namespace {

// Changing any of these replaces the target group.
bool needs_replacement(const model::TargetGroupSpec& desired, const aws::TargetGroup& actual) {
  return desired.target_type != actual.target_type || desired.protocol != actual.protocol ||
         (!desired.protocol_version.empty() && desired.protocol_version != actual.protocol_version);
}

bool health_check_drifted(const model::TargetGroupSpec& desired, const aws::TargetGroup& actual) {
  const model::HealthCheck& check = desired.health_check;
  return check.port != actual.health_check_port || check.protocol != actual.health_check_protocol ||
         check.path != actual.health_check_path ||
         check.matcher_http_code != actual.matcher_http_code ||
         check.matcher_grpc_code != actual.matcher_grpc_code ||
         check.interval_seconds != actual.health_check_interval_seconds ||
         check.timeout_seconds != actual.health_check_timeout_seconds ||
         check.healthy_threshold_count != actual.healthy_threshold_count ||
         check.unhealthy_threshold_count != actual.unhealthy_threshold_count;
}

Json health_check_input(const model::HealthCheck& check) {
  Json matcher = Json::object();
  if (!check.matcher_http_code.empty()) matcher["HttpCode"] = check.matcher_http_code;
  if (!check.matcher_grpc_code.empty()) matcher["GrpcCode"] = check.matcher_grpc_code;
  return {{"HealthCheckEnabled", "true"},
          {"HealthCheckPort", check.port},
          {"HealthCheckProtocol", check.protocol},
          {"HealthCheckPath", check.path},
          {"Matcher", matcher},
          {"HealthCheckIntervalSeconds", std::to_string(check.interval_seconds)},
          {"HealthCheckTimeoutSeconds", std::to_string(check.timeout_seconds)},
          {"HealthyThresholdCount", std::to_string(check.healthy_threshold_count)},
          {"UnhealthyThresholdCount", std::to_string(check.unhealthy_threshold_count)}};
}

}  // namespace

// CreateTargetGroup's input for a spec: pure.
Json build_create_target_group_input(const model::TargetGroupSpec& spec, const std::string& vpc_id,
                                     const Tags& tags) {
  Json input = health_check_input(spec.health_check);
  input["Name"] = spec.name;
  input["TargetType"] = spec.target_type;
  input["Port"] = std::to_string(spec.port);
  input["Protocol"] = spec.protocol;
  input["ProtocolVersion"] = spec.protocol_version;
  if (spec.ip_address_type != "ipv4") input["IpAddressType"] = spec.ip_address_type;
  input["VpcId"] = vpc_id;
  input["Tags"] = aws::key_value_list(tags);
  return input;
}

net::Awaitable<net::Result<void>> StackDeployer::synthesize_target_groups(State& state) {
  auto found = co_await inventory_.target_groups(state.identity);
  if (!found) co_return net::fail(found.error());
  std::map<std::string, Tagged<aws::TargetGroup>> actual;
  for (Tagged<aws::TargetGroup>& group : *found) {
    const std::string id = resource_id_of(group.tags);
    if (id.empty())
      co_return net::fail("UnexpectedResource",
                          "unexpected targetGroup with no resourceID: " + group.resource.arn);
    if (!state.stack.target_groups.contains(id) || actual.contains(id) ||
        needs_replacement(state.stack.target_groups.at(id), group.resource)) {
      state.unwanted_target_groups.push_back(group);
      continue;
    }
    actual.emplace(id, group);
  }
  for (const auto& [id, spec] : state.stack.target_groups) {
    const Tags tags = resource_tags(state.identity, id, spec.tags);
    auto existing = actual.find(id);
    if (existing == actual.end()) {
      trace_.event("deploy.target_group.creating",
                   {{"stack", state.identity.stack_id}, {"id", id}, {"name", spec.name}});
      auto created = co_await elbv2_.create_target_group(
          build_create_target_group_input(spec, options_.vpc_id, tags));
      if (!created)
        co_return net::fail(net::with_context(created.error(), "failed to create targetGroup"));
      trace_.event("deploy.target_group.created",
                   {{"stack", state.identity.stack_id}, {"id", id}, {"arn", created->arn}});
      inventory_.created(created->arn, tags);
      state.target_group_arns[id] = created->arn;
      if (auto attributes =
              co_await reconcile_attributes_of_target_group(created->arn, spec.attributes);
          !attributes) {
        co_return net::fail(attributes.error());
      }
      continue;
    }
    const aws::TargetGroup& group = existing->second.resource;
    state.target_group_arns[id] = group.arn;
    if (auto tagged = co_await reconcile_elbv2_tags(group.arn, tags, existing->second.tags, true);
        !tagged) {
      co_return net::fail(tagged.error());
    }
    if (health_check_drifted(spec, group)) {
      trace_.event("deploy.target_group.modifying",
                   {{"stack", state.identity.stack_id}, {"id", id}, {"arn", group.arn}});
      Json input = health_check_input(spec.health_check);
      input["TargetGroupArn"] = group.arn;
      if (auto modified = co_await elbv2_.modify_target_group(input); !modified)
        co_return net::fail(modified.error());
      trace_.event("deploy.target_group.modified",
                   {{"stack", state.identity.stack_id}, {"id", id}, {"arn", group.arn}});
    }
    if (auto attributes = co_await reconcile_attributes_of_target_group(group.arn, spec.attributes);
        !attributes) {
      co_return net::fail(attributes.error());
    }
  }
  co_return net::Result<void>();
}

net::Awaitable<net::Result<void>> StackDeployer::remove_target_groups(State& state) {
  for (const Tagged<aws::TargetGroup>& group : state.unwanted_target_groups) {
    trace_.event("deploy.target_group.deleting",
                 {{"stack", state.identity.stack_id}, {"arn", group.resource.arn}});
    // A load balancer deleted a moment ago may still hold the target group.
    auto deleted = co_await net::retry_while(
        clock_, "ResourceInUse", options_.target_group_in_use_timeout, options_.retry_interval,
        [&] { return elbv2_.delete_target_group(group.resource.arn); });
    if (!deleted)
      co_return net::fail(net::with_context(deleted.error(), "failed to delete targetGroup"));
    inventory_.deleted(group.resource.arn);
    trace_.event("deploy.target_group.deleted",
                 {{"stack", state.identity.stack_id}, {"arn", group.resource.arn}});
  }
  co_return net::Result<void>();
}

}  // namespace albc::deploy
