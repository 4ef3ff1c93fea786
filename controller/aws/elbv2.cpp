#include "controller/aws/elbv2.hpp"

namespace albc::aws {

namespace {

LoadBalancer parse_load_balancer(const Json& node) {
  LoadBalancer lb;
  lb.arn = text(node, "LoadBalancerArn");
  lb.name = text(node, "LoadBalancerName");
  lb.dns_name = text(node, "DNSName");
  lb.scheme = text(node, "Scheme");
  lb.type = text(node, "Type");
  lb.vpc_id = text(node, "VpcId");
  lb.state = node.contains("State") ? text(node["State"], "Code") : "";
  lb.ip_address_type = text(node, "IpAddressType");
  for (const Json& group : list_at(node, "SecurityGroups")) {
    if (group.is_string()) lb.security_groups.push_back(group.get<std::string>());
  }
  for (const Json& zone : list_at(node, "AvailabilityZones"))
    lb.subnet_ids.push_back(text(zone, "SubnetId"));
  return lb;
}

TargetGroup parse_target_group(const Json& node) {
  TargetGroup group;
  group.arn = text(node, "TargetGroupArn");
  group.name = text(node, "TargetGroupName");
  group.target_type = text(node, "TargetType");
  group.protocol = text(node, "Protocol");
  group.protocol_version = text(node, "ProtocolVersion");
  group.port = integer(node, "Port");
  group.vpc_id = text(node, "VpcId");
  group.ip_address_type = text(node, "IpAddressType");
  group.health_check_port = text(node, "HealthCheckPort");
  group.health_check_protocol = text(node, "HealthCheckProtocol");
  group.health_check_path = text(node, "HealthCheckPath");
  group.health_check_interval_seconds = integer(node, "HealthCheckIntervalSeconds");
  group.health_check_timeout_seconds = integer(node, "HealthCheckTimeoutSeconds");
  group.healthy_threshold_count = integer(node, "HealthyThresholdCount");
  group.unhealthy_threshold_count = integer(node, "UnhealthyThresholdCount");
  if (node.contains("Matcher")) {
    group.matcher_http_code = text(node["Matcher"], "HttpCode");
    group.matcher_grpc_code = text(node["Matcher"], "GrpcCode");
  }
  return group;
}

Listener parse_listener(const Json& node) {
  Listener listener;
  listener.arn = text(node, "ListenerArn");
  listener.load_balancer_arn = text(node, "LoadBalancerArn");
  listener.port = integer(node, "Port");
  listener.protocol = text(node, "Protocol");
  listener.default_actions = list_at(node, "DefaultActions");
  listener.certificates = list_at(node, "Certificates");
  listener.ssl_policy = text(node, "SslPolicy");
  return listener;
}

Rule parse_rule(const Json& node) {
  Rule rule;
  rule.arn = text(node, "RuleArn");
  rule.priority = text(node, "Priority");
  rule.is_default = text(node, "IsDefault") == "true";
  rule.conditions = list_at(node, "Conditions");
  rule.actions = list_at(node, "Actions");
  return rule;
}

template <class T, class Parse>
net::Result<std::vector<T>> parse_list(const net::Result<Json>& result, const char* list,
                                       Parse parse) {
  if (!result) return net::fail(result.error());
  std::vector<T> parsed;
  for (const Json& node : list_at(*result, list))
    parsed.push_back(parse(node));
  return parsed;
}

template <class T, class Parse>
net::Result<T> parse_first(const net::Result<Json>& result, const char* list, Parse parse) {
  if (!result) return net::fail(result.error());
  const Json nodes = list_at(*result, list);
  if (nodes.empty())
    return net::fail("MalformedResponse", std::string("the answer holds no ") + list);
  return parse(nodes[0]);
}

Json targets_input(const std::vector<TargetRegistration>& targets, std::size_t begin,
                   std::size_t end) {
  Json list = Json::array();
  for (std::size_t i = begin; i < end; ++i) {
    Json target = {{"Id", targets[i].id}, {"Port", std::to_string(targets[i].port)}};
    if (!targets[i].availability_zone.empty())
      target["AvailabilityZone"] = targets[i].availability_zone;
    list.push_back(target);
  }
  return list;
}

constexpr std::size_t kTargetsPerCall = 200;
constexpr std::size_t kArnsPerCall = 20;
}  // namespace

net::Awaitable<net::Result<Json>> Elbv2::describe_all(std::string action, Json params,
                                                      std::string list) {
  Json all = Json::array();
  std::string marker;
  do {
    Json page_params = params;
    if (!marker.empty()) page_params["Marker"] = marker;
    auto page = co_await client_.elbv2(action, page_params);
    if (!page) co_return page;
    for (const Json& item : list_at(*page, list))
      all.push_back(item);
    marker = text(*page, "NextMarker");
  } while (!marker.empty());
  co_return Json{{list, all}};
}

net::Awaitable<net::Result<Json>> Elbv2::describe_by_arn(std::string action, std::string arns_param,
                                                         std::vector<std::string> arns,
                                                         std::string list) {
  Json all = Json::array();
  for (std::size_t begin = 0; begin < arns.size(); begin += kArnsPerCall) {
    const std::size_t end = std::min(arns.size(), begin + kArnsPerCall);
    Json input = {{arns_param, std::vector<std::string>(arns.begin() + static_cast<long>(begin),
                                                        arns.begin() + static_cast<long>(end))}};
    auto chunk = co_await describe_all(action, input, list);
    if (!chunk) co_return chunk;
    for (Json& item : (*chunk)[list])
      all.push_back(std::move(item));
  }
  co_return Json{{list, all}};
}

net::Awaitable<net::Result<std::vector<LoadBalancer>>> Elbv2::describe_load_balancers(
    std::vector<std::string> arns) {
  co_return parse_list<LoadBalancer>(
      co_await describe_by_arn("DescribeLoadBalancers", "LoadBalancerArns", std::move(arns),
                               "LoadBalancers"),
      "LoadBalancers", parse_load_balancer);
}

net::Awaitable<net::Result<std::vector<TargetGroup>>> Elbv2::describe_target_groups(
    std::vector<std::string> arns) {
  co_return parse_list<TargetGroup>(
      co_await describe_by_arn("DescribeTargetGroups", "TargetGroupArns", std::move(arns),
                               "TargetGroups"),
      "TargetGroups", parse_target_group);
}

net::Awaitable<net::Result<std::vector<LoadBalancer>>> Elbv2::describe_load_balancers() {
  co_return parse_list<LoadBalancer>(
      co_await describe_all("DescribeLoadBalancers", Json::object(), "LoadBalancers"),
      "LoadBalancers", parse_load_balancer);
}

net::Awaitable<net::Result<LoadBalancer>> Elbv2::create_load_balancer(Json input) {
  co_return parse_first<LoadBalancer>(
      co_await client_.elbv2("CreateLoadBalancer", std::move(input)), "LoadBalancers",
      parse_load_balancer);
}

net::Awaitable<net::Result<void>> Elbv2::delete_load_balancer(std::string arn) {
  Json params = {{"LoadBalancerArn", arn}};
  co_return done(co_await client_.elbv2("DeleteLoadBalancer", params));
}

net::Awaitable<net::Result<Attributes>> Elbv2::describe_load_balancer_attributes(std::string arn) {
  Json input1 = {{"LoadBalancerArn", arn}};
  auto result = co_await client_.elbv2("DescribeLoadBalancerAttributes", input1);
  if (!result) co_return net::fail(result.error());
  co_return key_value_map(list_at(*result, "Attributes"), "Key", "Value");
}

net::Awaitable<net::Result<void>> Elbv2::modify_load_balancer_attributes(std::string arn,
                                                                         Attributes changes) {
  Json params = {{"LoadBalancerArn", arn}, {"Attributes", key_value_list(changes)}};
  co_return done(co_await client_.elbv2("ModifyLoadBalancerAttributes", params));
}

net::Awaitable<net::Result<void>> Elbv2::set_security_groups(std::string arn,
                                                             std::vector<std::string> groups) {
  Json params = {{"LoadBalancerArn", arn}, {"SecurityGroups", groups}};
  co_return done(co_await client_.elbv2("SetSecurityGroups", params));
}

net::Awaitable<net::Result<void>> Elbv2::set_subnets(std::string arn,
                                                     std::vector<std::string> subnets) {
  Json params = {{"LoadBalancerArn", arn}, {"Subnets", subnets}};
  co_return done(co_await client_.elbv2("SetSubnets", params));
}

net::Awaitable<net::Result<void>> Elbv2::set_ip_address_type(std::string arn, std::string type) {
  Json input = {{"LoadBalancerArn", arn}, {"IpAddressType", type}};
  co_return done(co_await client_.elbv2("SetIpAddressType", input));
}

net::Awaitable<net::Result<std::vector<std::pair<std::string, bool>>>>
Elbv2::describe_listener_certificates(std::string arn) {
  Json input = {{"ListenerArn", arn}};
  auto result = co_await describe_all("DescribeListenerCertificates", input, "Certificates");
  if (!result) co_return net::fail(result.error());
  std::vector<std::pair<std::string, bool>> certificates;
  for (const Json& certificate : list_at(*result, "Certificates")) {
    certificates.emplace_back(text(certificate, "CertificateArn"),
                              text(certificate, "IsDefault") == "true");
  }
  co_return certificates;
}

net::Awaitable<net::Result<void>> Elbv2::add_listener_certificate(std::string arn,
                                                                  std::string certificate) {
  Json input = {{"ListenerArn", arn},
                {"Certificates", Json::array({{{"CertificateArn", certificate}}})}};
  co_return done(co_await client_.elbv2("AddListenerCertificates", input));
}

net::Awaitable<net::Result<void>> Elbv2::remove_listener_certificate(std::string arn,
                                                                     std::string certificate) {
  Json input = {{"ListenerArn", arn},
                {"Certificates", Json::array({{{"CertificateArn", certificate}}})}};
  co_return done(co_await client_.elbv2("RemoveListenerCertificates", input));
}

net::Awaitable<net::Result<std::vector<TargetGroup>>> Elbv2::describe_target_groups() {
  co_return parse_list<TargetGroup>(
      co_await describe_all("DescribeTargetGroups", Json::object(), "TargetGroups"), "TargetGroups",
      parse_target_group);
}

net::Awaitable<net::Result<TargetGroup>> Elbv2::create_target_group(Json input) {
  co_return parse_first<TargetGroup>(co_await client_.elbv2("CreateTargetGroup", std::move(input)),
                                     "TargetGroups", parse_target_group);
}

net::Awaitable<net::Result<void>> Elbv2::modify_target_group(Json input) {
  co_return done(co_await client_.elbv2("ModifyTargetGroup", std::move(input)));
}

net::Awaitable<net::Result<void>> Elbv2::delete_target_group(std::string arn) {
  Json params = {{"TargetGroupArn", arn}};
  co_return done(co_await client_.elbv2("DeleteTargetGroup", params));
}

net::Awaitable<net::Result<Attributes>> Elbv2::describe_target_group_attributes(std::string arn) {
  Json input2 = {{"TargetGroupArn", arn}};
  auto result = co_await client_.elbv2("DescribeTargetGroupAttributes", input2);
  if (!result) co_return net::fail(result.error());
  co_return key_value_map(list_at(*result, "Attributes"), "Key", "Value");
}

net::Awaitable<net::Result<void>> Elbv2::modify_target_group_attributes(std::string arn,
                                                                        Attributes changes) {
  Json params = {{"TargetGroupArn", arn}, {"Attributes", key_value_list(changes)}};
  co_return done(co_await client_.elbv2("ModifyTargetGroupAttributes", params));
}

net::Awaitable<net::Result<std::vector<Listener>>> Elbv2::describe_listeners(
    std::string load_balancer_arn) {
  Json input3 = {{"LoadBalancerArn", load_balancer_arn}};
  co_return parse_list<Listener>(co_await describe_all("DescribeListeners", input3, "Listeners"),
                                 "Listeners", parse_listener);
}

net::Awaitable<net::Result<Listener>> Elbv2::create_listener(Json input) {
  co_return parse_first<Listener>(co_await client_.elbv2("CreateListener", std::move(input)),
                                  "Listeners", parse_listener);
}

net::Awaitable<net::Result<void>> Elbv2::modify_listener(Json input) {
  co_return done(co_await client_.elbv2("ModifyListener", std::move(input)));
}

net::Awaitable<net::Result<void>> Elbv2::delete_listener(std::string arn) {
  Json params = {{"ListenerArn", arn}};
  co_return done(co_await client_.elbv2("DeleteListener", params));
}

net::Awaitable<net::Result<std::vector<Rule>>> Elbv2::describe_rules(std::string listener_arn) {
  Json input4 = {{"ListenerArn", listener_arn}};
  co_return parse_list<Rule>(co_await describe_all("DescribeRules", input4, "Rules"), "Rules",
                             parse_rule);
}

net::Awaitable<net::Result<Rule>> Elbv2::create_rule(Json input) {
  co_return parse_first<Rule>(co_await client_.elbv2("CreateRule", std::move(input)), "Rules",
                              parse_rule);
}

net::Awaitable<net::Result<void>> Elbv2::modify_rule(Json input) {
  co_return done(co_await client_.elbv2("ModifyRule", std::move(input)));
}

net::Awaitable<net::Result<void>> Elbv2::delete_rule(std::string arn) {
  Json params = {{"RuleArn", arn}};
  co_return done(co_await client_.elbv2("DeleteRule", params));
}

net::Awaitable<net::Result<void>> Elbv2::set_rule_priorities(
    std::vector<std::pair<std::string, int>> priorities) {
  Json list = Json::array();
  for (const auto& [arn, priority] : priorities)
    list.push_back({{"RuleArn", arn}, {"Priority", std::to_string(priority)}});
  Json params = {{"RulePriorities", list}};
  co_return done(co_await client_.elbv2("SetRulePriorities", params));
}

net::Awaitable<net::Result<std::map<std::string, Tags>>> Elbv2::describe_tags(
    std::vector<std::string> arns) {
  std::map<std::string, Tags> tags;
  for (std::size_t begin = 0; begin < arns.size(); begin += kArnsPerCall) {
    const std::size_t end = std::min(arns.size(), begin + kArnsPerCall);
    Json input = {
        {"ResourceArns", std::vector<std::string>(arns.begin() + static_cast<long>(begin),
                                                  arns.begin() + static_cast<long>(end))}};
    auto result = co_await client_.elbv2("DescribeTags", input);
    if (!result) co_return net::fail(result.error());
    for (const Json& description : list_at(*result, "TagDescriptions")) {
      tags[text(description, "ResourceArn")] =
          key_value_map(list_at(description, "Tags"), "Key", "Value");
    }
  }
  co_return tags;
}

net::Awaitable<net::Result<void>> Elbv2::add_tags(std::string arn, Tags tags) {
  Json params = {{"ResourceArns", Json::array({arn})}, {"Tags", key_value_list(tags)}};
  co_return done(co_await client_.elbv2("AddTags", params));
}

net::Awaitable<net::Result<void>> Elbv2::remove_tags(std::string arn,
                                                     std::vector<std::string> keys) {
  Json params = {{"ResourceArns", Json::array({arn})}, {"TagKeys", keys}};
  co_return done(co_await client_.elbv2("RemoveTags", params));
}

net::Awaitable<net::Result<std::vector<TargetDescription>>> Elbv2::describe_target_health(
    std::string target_group_arn) {
  Json input5 = {{"TargetGroupArn", target_group_arn}};
  auto result = co_await client_.elbv2("DescribeTargetHealth", input5);
  if (!result) co_return net::fail(result.error());
  std::vector<TargetDescription> targets;
  for (const Json& node : list_at(*result, "TargetHealthDescriptions")) {
    const Json& target = member(node, "Target");
    const Json& health = member(node, "TargetHealth");
    TargetDescription description;
    description.id = text(target, "Id");
    description.port = integer(target, "Port");
    description.availability_zone = text(target, "AvailabilityZone");
    description.state = text(health, "State");
    description.reason = text(health, "Reason");
    targets.push_back(std::move(description));
  }
  co_return targets;
}

net::Awaitable<net::Result<void>> Elbv2::register_targets(std::string target_group_arn,
                                                          std::vector<TargetRegistration> targets) {
  co_return co_await change_targets("RegisterTargets", std::move(target_group_arn),
                                    std::move(targets));
}

net::Awaitable<net::Result<void>> Elbv2::deregister_targets(
    std::string target_group_arn, std::vector<TargetRegistration> targets) {
  co_return co_await change_targets("DeregisterTargets", std::move(target_group_arn),
                                    std::move(targets));
}

net::Awaitable<net::Result<void>> Elbv2::change_targets(std::string action,
                                                        std::string target_group_arn,
                                                        std::vector<TargetRegistration> targets) {
  for (std::size_t begin = 0; begin < targets.size(); begin += kTargetsPerCall) {
    const std::size_t end = std::min(targets.size(), begin + kTargetsPerCall);
    Json input = {{"TargetGroupArn", target_group_arn},
                  {"Targets", targets_input(targets, begin, end)}};
    auto result = co_await client_.elbv2(action, std::move(input));
    if (!result) co_return net::fail(result.error());
  }
  co_return net::Result<void>();
}

}  // namespace albc::aws
