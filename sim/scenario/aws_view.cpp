#include "sim/scenario/aws_view.hpp"

#include <algorithm>
#include <sstream>

namespace albc::sim::scenario {
namespace {

Json tag_map(const aws::Tags& tags) {
  Json map = Json::object();
  for (const auto& [key, value] : tags)
    map[key] = value;
  return map;
}

std::string target_group_name(const aws::AwsState& state, const std::string& arn) {
  auto found = state.find_target_group(arn);
  return found == nullptr ? arn : found->name;
}

// Forward targets by target group name as well as ARN, so expectations can name them.
Json readable_actions(const aws::AwsState& state, Json actions) {
  for (Json& action : actions) {
    if (!action.contains("ForwardConfig")) continue;
    for (Json& group : action["ForwardConfig"]["TargetGroups"]) {
      group["TargetGroupName"] = target_group_name(state, group.value("TargetGroupArn", ""));
    }
  }
  return actions;
}

std::string action_text(const aws::AwsState& state, const Json& action) {
  const std::string type = action.value("Type", "");
  if (type == "forward") {
    std::string text = "forward";
    for (const Json& group : action["ForwardConfig"]["TargetGroups"]) {
      text += " " + target_group_name(state, group.value("TargetGroupArn", ""));
    }
    return text;
  }
  if (type == "fixed-response") {
    const Json config = action.value("FixedResponseConfig", Json::object());
    return "fixed-response " + config.value("StatusCode", "") + " " +
           config.value("ContentType", "");
  }
  if (type == "redirect") {
    const Json config = action.value("RedirectConfig", Json::object());
    return "redirect " + config.value("StatusCode", "") + " " + config.value("Protocol", "") + ":" +
           config.value("Port", "");
  }
  return type;
}

std::string conditions_text(const Json& conditions) {
  std::string text;
  for (const Json& condition : conditions) {
    std::string values;
    for (const char* config :
         {"HostHeaderConfig", "PathPatternConfig", "HttpRequestMethodConfig", "SourceIpConfig"}) {
      if (!condition.contains(config)) continue;
      for (const Json& value : condition[config].value("Values", Json::array()))
        values += (values.empty() ? "" : ",") + value.get<std::string>();
    }
    text += (text.empty() ? "" : " ") + condition.value("Field", "") + "=" + values;
  }
  return text;
}

}  // namespace

Json aws_view(const aws::AwsServer& server) {
  const aws::AwsState& state = server.state();
  Json load_balancers = Json::array();
  std::vector<const aws::LoadBalancer*> sorted_lbs;
  for (const auto& [arn, lb] : state.load_balancers())
    sorted_lbs.push_back(&lb);
  std::sort(sorted_lbs.begin(), sorted_lbs.end(),
            [](auto* a, auto* b) { return a->name < b->name; });
  for (const aws::LoadBalancer* lb : sorted_lbs) {
    Json listeners = Json::array();
    for (const aws::Listener* listener : state.listeners_of(lb->arn)) {
      Json rules = Json::array();
      for (const aws::Rule* rule : state.rules_of(listener->arn)) {
        rules.push_back({{"Priority", std::to_string(rule->priority)},
                         {"Conditions", rule->conditions},
                         {"Actions", readable_actions(state, rule->actions)},
                         {"Tags", tag_map(rule->tags)}});
      }
      listeners.push_back({{"Port", std::to_string(listener->port)},
                           {"Protocol", listener->protocol},
                           {"DefaultActions", readable_actions(state, listener->default_actions)},
                           {"Rules", rules},
                           {"Tags", tag_map(listener->tags)}});
    }
    Json groups = Json::array();
    for (const std::string& id : lb->security_group_ids) {
      auto group = state.security_groups.find(id);
      groups.push_back(group == state.security_groups.end() ? id : group->second.name);
    }
    Json zones = Json::array();
    for (const std::string& id : lb->subnet_ids) {
      const aws::Subnet& subnet = state.subnets.at(id);
      zones.push_back({{"ZoneName", subnet.availability_zone},
                       {"SubnetId", id},
                       {"SubnetName", subnet.tags.contains("Name") ? subnet.tags.at("Name") : ""}});
    }
    Json attributes = Json::object();
    for (const auto& [key, value] : lb->attributes)
      attributes[key] = value;
    load_balancers.push_back({{"LoadBalancerName", lb->name},
                              {"LoadBalancerArn", lb->arn},
                              {"DNSName", lb->dns_name},
                              {"Scheme", lb->scheme},
                              {"Type", lb->type},
                              {"State", server.elbv2().load_balancer_state(*lb)},
                              {"IpAddressType", lb->ip_address_type},
                              {"SecurityGroups", groups},
                              {"AvailabilityZones", zones},
                              {"Attributes", attributes},
                              {"Tags", tag_map(lb->tags)},
                              {"Listeners", listeners}});
  }
  Json target_groups = Json::array();
  std::vector<const aws::TargetGroup*> sorted_groups;
  for (const auto& [arn, group] : state.target_groups())
    sorted_groups.push_back(&group);
  std::sort(sorted_groups.begin(), sorted_groups.end(),
            [](auto* a, auto* b) { return a->name < b->name; });
  for (const aws::TargetGroup* group : sorted_groups) {
    Json targets = Json::array();
    for (const aws::Target* target : server.elbv2().current_targets(*group)) {
      const Json health = server.elbv2().target_health(*group, *target);
      targets.push_back({{"Id", target->id},
                         {"Port", std::to_string(target->port)},
                         {"State", health["TargetHealth"].value("State", "")},
                         {"Reason", health["TargetHealth"].value("Reason", "")}});
    }
    std::sort(targets.begin(), targets.end(),
              [](const Json& a, const Json& b) { return a.value("Id", "") < b.value("Id", ""); });
    Json matcher = Json::object();
    if (!group->matcher_http_code.empty()) matcher["HttpCode"] = group->matcher_http_code;
    if (!group->matcher_grpc_code.empty()) matcher["GrpcCode"] = group->matcher_grpc_code;
    target_groups.push_back(
        {{"TargetGroupName", group->name},
         {"TargetGroupArn", group->arn},
         {"TargetType", group->target_type},
         {"Protocol", group->protocol},
         {"ProtocolVersion", group->protocol_version},
         {"Port", std::to_string(group->port)},
         {"HealthCheckProtocol", group->health_check_protocol},
         {"HealthCheckPort", group->health_check_port},
         {"HealthCheckPath", group->health_check_path},
         {"HealthCheckIntervalSeconds", std::to_string(group->health_check_interval_seconds)},
         {"HealthCheckTimeoutSeconds", std::to_string(group->health_check_timeout_seconds)},
         {"HealthyThresholdCount", std::to_string(group->healthy_threshold_count)},
         {"UnhealthyThresholdCount", std::to_string(group->unhealthy_threshold_count)},
         {"Matcher", matcher},
         {"Tags", tag_map(group->tags)},
         {"Targets", targets}});
  }
  Json security_groups = Json::array();
  std::vector<const aws::SecurityGroup*> sorted_security_groups;
  for (const auto& [id, group] : state.security_groups)
    sorted_security_groups.push_back(&group);
  std::sort(sorted_security_groups.begin(), sorted_security_groups.end(),
            [](auto* a, auto* b) { return a->name < b->name; });
  for (const aws::SecurityGroup* group : sorted_security_groups) {
    Json permissions = Json::array();
    for (const aws::SecurityGroupRule& rule : group->ingress) {
      permissions.push_back({{"IpProtocol", rule.protocol},
                             {"FromPort", std::to_string(rule.from_port)},
                             {"ToPort", std::to_string(rule.to_port)},
                             {"Source", rule.source}});
    }
    security_groups.push_back({{"GroupName", group->name},
                               {"GroupId", group->id},
                               {"Description", group->description},
                               {"Tags", tag_map(group->tags)},
                               {"IpPermissions", permissions}});
  }
  return {{"load_balancers", load_balancers},
          {"target_groups", target_groups},
          {"security_groups", security_groups}};
}

std::string describe_aws(const aws::AwsServer& server) {
  const aws::AwsState& state = server.state();
  const Json view = aws_view(server);
  std::ostringstream out;
  if (view["load_balancers"].empty() && view["target_groups"].empty())
    out << "  (no load balancers, no target groups)\n";
  for (const Json& lb : view["load_balancers"]) {
    out << "  load balancer " << lb["LoadBalancerName"].get<std::string>() << "  "
        << lb["Scheme"].get<std::string>() << "  " << lb["Type"].get<std::string>() << "  "
        << lb["State"].get<std::string>() << "\n";
    out << "    dns name        " << lb["DNSName"].get<std::string>() << "\n";
    std::string zones;
    for (const Json& zone : lb["AvailabilityZones"])
      zones += (zones.empty() ? "" : ", ") + zone["SubnetName"].get<std::string>() + " (" +
               zone["ZoneName"].get<std::string>() + ")";
    out << "    subnets         " << zones << "\n";
    std::string groups;
    for (const Json& group : lb["SecurityGroups"])
      groups += (groups.empty() ? "" : ", ") + group.get<std::string>();
    out << "    security groups " << groups << "\n";
    for (const Json& listener : lb["Listeners"]) {
      out << "    listener " << listener["Protocol"].get<std::string>() << ":"
          << listener["Port"].get<std::string>()
          << "  default: " << action_text(state, listener["DefaultActions"][0]) << "\n";
      for (const Json& rule : listener["Rules"]) {
        out << "      rule " << rule["Priority"].get<std::string>() << "  "
            << conditions_text(rule["Conditions"]) << "  -> "
            << action_text(state, rule["Actions"].back()) << "\n";
      }
    }
  }
  for (const Json& group : view["target_groups"]) {
    out << "  target group " << group["TargetGroupName"].get<std::string>() << "  "
        << group["TargetType"].get<std::string>() << "  " << group["Protocol"].get<std::string>()
        << ":" << group["Port"].get<std::string>() << "\n";
    out << "    health check    " << group["HealthCheckProtocol"].get<std::string>() << " port "
        << group["HealthCheckPort"].get<std::string>() << " path "
        << group["HealthCheckPath"].get<std::string>() << "  interval "
        << group["HealthCheckIntervalSeconds"].get<std::string>() << "s timeout "
        << group["HealthCheckTimeoutSeconds"].get<std::string>() << "s healthy "
        << group["HealthyThresholdCount"].get<std::string>() << " unhealthy "
        << group["UnhealthyThresholdCount"].get<std::string>() << " matcher "
        << group["Matcher"].value("HttpCode", group["Matcher"].value("GrpcCode", "")) << "\n";
    if (group["Targets"].empty()) out << "    targets         (none)\n";
    for (const Json& target : group["Targets"]) {
      out << "    target          " << target["Id"].get<std::string>() << ":"
          << target["Port"].get<std::string>() << "  " << target["State"].get<std::string>()
          << (target["Reason"].get<std::string>().empty()
                  ? ""
                  : " (" + target["Reason"].get<std::string>() + ")")
          << "\n";
    }
  }
  return out.str();
}

}  // namespace albc::sim::scenario
