#include <algorithm>
#include <set>

#include "controller/net/cidr.hpp"
#include "controller/net/numbers.hpp"
#include "sim/aws/elbv2_api.hpp"

namespace albc::sim::aws {
namespace {

std::map<std::string, std::string> default_target_group_attributes(const std::string& target_type) {
  std::map<std::string, std::string> attributes = {
      {"deregistration_delay.timeout_seconds", "300"},
      {"load_balancing.algorithm.type", "round_robin"},
      {"load_balancing.algorithm.anomaly_mitigation", "off"},
      {"load_balancing.cross_zone.enabled", "use_load_balancer_configuration"},
      {"slow_start.duration_seconds", "0"},
      {"stickiness.app_cookie.cookie_name", ""},
      {"stickiness.app_cookie.duration_seconds", "86400"},
      {"stickiness.enabled", "false"},
      {"stickiness.lb_cookie.duration_seconds", "86400"},
      {"stickiness.type", "lb_cookie"},
      {"target_group_health.dns_failover.minimum_healthy_targets.count", "1"},
      {"target_group_health.dns_failover.minimum_healthy_targets.percentage", "off"},
      {"target_group_health.unhealthy_state_routing.minimum_healthy_targets.count", "1"},
      {"target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage", "off"}};
  (void)target_type;
  return attributes;
}

std::optional<AwsError> check_target_group_attribute(const std::string& key,
                                                     const std::string& value) {
  struct Range {
    const char* key;
    long long minimum;
    long long maximum;
  };
  static const Range kRanges[] = {{"deregistration_delay.timeout_seconds", 0, 3600},
                                  {"slow_start.duration_seconds", 0, 900},
                                  {"stickiness.lb_cookie.duration_seconds", 1, 604800},
                                  {"stickiness.app_cookie.duration_seconds", 1, 604800}};
  for (const Range& range : kRanges) {
    if (key != range.key) continue;
    const long long number = net::parse_integer<long long>(value).value_or(-1);
    if (number < range.minimum || number > range.maximum) {
      return AwsError{400, "InvalidConfigurationRequest",
                      "'" + value + "' must be an integer between " +
                          std::to_string(range.minimum) + " and " + std::to_string(range.maximum) +
                          " for target group attribute '" + key + "'"};
    }
  }
  if ((key == "stickiness.enabled") && value != "true" && value != "false") {
    return AwsError{
        400, "InvalidConfigurationRequest",
        "'" + value + "' must be true or false for target group attribute '" + key + "'"};
  }
  return std::nullopt;
}

std::optional<AwsError> check_target_group_name(const std::string& name) {
  if (name.empty() || name.size() > 32) {
    return validation_error("Target group name '" + name +
                            "' cannot be longer than '32' characters");
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') {
      return validation_error(
          "Target group name '" + name +
          "' can only contain characters that are alphanumeric characters or hyphens(-)");
    }
  }
  if (name.front() == '-' || name.back() == '-') {
    return validation_error("Target group name '" + name + "' cannot begin or end with a hyphen");
  }
  return std::nullopt;
}

// Reads the health-check parameters into `group`, leaving unset ones as they are.
std::optional<AwsError> apply_health_check(const Params& params, TargetGroup& group) {
  struct IntegerField {
    const char* name;
    int minimum;
    int maximum;
    int TargetGroup::*field;
  };
  const IntegerField fields[] = {
      {"HealthCheckIntervalSeconds", 5, 300, &TargetGroup::health_check_interval_seconds},
      {"HealthCheckTimeoutSeconds", 2, 120, &TargetGroup::health_check_timeout_seconds},
      {"HealthyThresholdCount", 2, 10, &TargetGroup::healthy_threshold_count},
      {"UnhealthyThresholdCount", 2, 10, &TargetGroup::unhealthy_threshold_count}};
  for (const IntegerField& field : fields) {
    auto value = params.integer(field.name, field.minimum, field.maximum);
    if (!value) return value.error();
    if (*value) group.*field.field = **value;
  }
  if (auto enabled = params.boolean("HealthCheckEnabled"); !enabled) {
    return enabled.error();
  } else if (*enabled) {
    group.health_check_enabled = **enabled;
  }
  if (auto protocol = params.optional("HealthCheckProtocol")) {
    if (*protocol != "HTTP" && *protocol != "HTTPS") {
      return validation_error("Health check protocol '" + *protocol +
                              "' is not supported for target groups with the " + group.protocol +
                              " protocol");
    }
    group.health_check_protocol = *protocol;
  }
  if (auto port = params.optional("HealthCheckPort")) {
    if (*port != "traffic-port") {
      const int number = net::parse_integer<int>(*port).value_or(0);
      if (number < 1 || number > 65535) {
        return validation_error("Health check port '" + *port +
                                "' must be 'traffic-port' or a number between 1 and 65535");
      }
    }
    group.health_check_port = *port;
  }
  if (auto path = params.optional("HealthCheckPath")) {
    if (path->empty() || path->front() != '/' || path->size() > 1024) {
      return validation_error("Health check path '" + *path +
                              "' must begin with a '/' character and be at most 1024 characters");
    }
    group.health_check_path = *path;
  }
  const Json& tree = params.tree();
  if (tree.contains("Matcher")) {
    const Json& matcher = tree["Matcher"];
    if (matcher.contains("HttpCode")) group.matcher_http_code = text_of(matcher, "HttpCode");
    if (matcher.contains("GrpcCode")) group.matcher_grpc_code = text_of(matcher, "GrpcCode");
  }
  if (group.health_check_timeout_seconds >= group.health_check_interval_seconds) {
    return validation_error("Health check timeout '" +
                            std::to_string(group.health_check_timeout_seconds) +
                            "' must be smaller than the interval '" +
                            std::to_string(group.health_check_interval_seconds) + "'");
  }
  return std::nullopt;
}

bool same_settings(const TargetGroup& a, const TargetGroup& b) {
  return a.target_type == b.target_type && a.protocol == b.protocol &&
         a.protocol_version == b.protocol_version && a.port == b.port && a.vpc_id == b.vpc_id &&
         a.health_check_protocol == b.health_check_protocol &&
         a.health_check_port == b.health_check_port && a.health_check_path == b.health_check_path &&
         a.health_check_interval_seconds == b.health_check_interval_seconds &&
         a.health_check_timeout_seconds == b.health_check_timeout_seconds &&
         a.healthy_threshold_count == b.healthy_threshold_count &&
         a.unhealthy_threshold_count == b.unhealthy_threshold_count &&
         a.matcher_http_code == b.matcher_http_code && a.matcher_grpc_code == b.matcher_grpc_code;
}

// A target's port: its own, else the group's; 1 to 65535.
net::Result<int, AwsError> port_of_target(const Json& entry, const TargetGroup& group) {
  if (!entry.contains("Port")) return group.port;
  const std::string text = text_of(entry, "Port");
  const int port = net::parse_integer<int>(text).value_or(0);
  if (port < 1 || port > 65535)
    return net::fail(validation_error("Port '" + text + "' must be between 1 and 65535"));
  return port;
}

}  // namespace

Json Elbv2Api::render_target_group(const TargetGroup& group) const {
  Json matcher = Json::object();
  if (!group.matcher_http_code.empty()) matcher["HttpCode"] = group.matcher_http_code;
  if (!group.matcher_grpc_code.empty()) matcher["GrpcCode"] = group.matcher_grpc_code;
  return {{"TargetGroupArn", group.arn},
          {"TargetGroupName", group.name},
          {"Protocol", group.protocol},
          {"ProtocolVersion", group.protocol_version},
          {"Port", std::to_string(group.port)},
          {"VpcId", group.vpc_id},
          {"HealthCheckProtocol", group.health_check_protocol},
          {"HealthCheckPort", group.health_check_port},
          {"HealthCheckEnabled", group.health_check_enabled ? "true" : "false"},
          {"HealthCheckIntervalSeconds", std::to_string(group.health_check_interval_seconds)},
          {"HealthCheckTimeoutSeconds", std::to_string(group.health_check_timeout_seconds)},
          {"HealthyThresholdCount", std::to_string(group.healthy_threshold_count)},
          {"UnhealthyThresholdCount", std::to_string(group.unhealthy_threshold_count)},
          {"HealthCheckPath", group.health_check_path},
          {"Matcher", matcher},
          {"LoadBalancerArns", state_.load_balancers_using(group.arn)},
          {"TargetType", group.target_type},
          {"IpAddressType", group.ip_address_type}};
}

Outcome Elbv2Api::create_target_group(const Params& params) {
  auto name = params.required("Name");
  if (!name) return net::fail(name.error());
  if (auto invalid = check_target_group_name(*name)) return net::fail(*invalid);
  TargetGroup group;
  group.name = *name;
  group.target_type = params.value_or("TargetType", "instance");
  if (group.target_type != "instance" && group.target_type != "ip") {
    return net::fail(
        validation_error("albc's fake ELBv2 supports target types instance and ip, not '" +
                         group.target_type + "'"));
  }
  auto protocol = params.required("Protocol");
  if (!protocol) return net::fail(protocol.error());
  if (*protocol != "HTTP" && *protocol != "HTTPS") {
    return net::fail(validation_error(
        "albc's fake ELBv2 serves Application Load Balancer target groups (HTTP, HTTPS), not '" +
        *protocol + "'"));
  }
  group.protocol = *protocol;
  group.health_check_protocol = *protocol;
  group.protocol_version = params.value_or("ProtocolVersion", "HTTP1");
  if (group.protocol_version != "HTTP1" && group.protocol_version != "HTTP2" &&
      group.protocol_version != "GRPC") {
    return net::fail(validation_error("Protocol version '" + group.protocol_version +
                                      "' must be one of HTTP1, HTTP2, GRPC"));
  }
  if (group.protocol_version == "GRPC") {
    group.health_check_path = "/AWS.ALB/healthcheck";
    group.matcher_http_code.clear();
    group.matcher_grpc_code = "12";
  }
  auto port = params.required("Port");
  if (!port) return net::fail(port.error());
  auto port_number = params.integer("Port", 1, 65535);
  if (!port_number) return net::fail(port_number.error());
  group.port = **port_number;
  auto vpc_id = params.required("VpcId");
  if (!vpc_id) return net::fail(vpc_id.error());
  if (!state_.vpcs.contains(*vpc_id)) {
    return net::fail(validation_error("The VPC ID '" + *vpc_id + "' is not found"));
  }
  group.vpc_id = *vpc_id;
  group.ip_address_type = params.value_or("IpAddressType", "ipv4");
  if (auto invalid = apply_health_check(params, group)) return net::fail(*invalid);
  auto tags = parse_tags(params.list("Tags"), options_.quotas.tags_per_resource_max);
  if (!tags) return net::fail(tags.error());
  if (const TargetGroup* existing = state_.target_group_named(*name)) {
    if (same_settings(*existing, group)) {
      return Json{{"TargetGroups", Json::array({render_target_group(*existing)})}};
    }
    return net::fail(AwsError{
        400, "DuplicateTargetGroupName",
        "A target group with the same name '" + *name + "' exists, but with different settings"});
  }
  if (state_.target_groups().size() >= options_.quotas.target_groups_max) {
    return net::fail(
        AwsError{400, "TooManyTargetGroups",
                 "You've reached the limit on the number of target groups for your AWS account"});
  }
  group.arn = arn_prefix() + "targetgroup/" + *name + "/" + new_id();
  group.attributes = default_target_group_attributes(group.target_type);
  group.tags = *tags;
  Json rendered = Json{{"TargetGroups", Json::array({render_target_group(group)})}};
  created("CreateTargetGroup", group.arn);
  state_.add(std::move(group));
  return rendered;
}

Outcome Elbv2Api::describe_target_groups(const Params& params) {
  const auto arns = params.strings("TargetGroupArns");
  const auto names = params.strings("Names");
  // A marker belongs to the list it came from: all by name, a load balancer's, or those asked for.
  auto pager = Pager::start(params, options_.quotas.describe_page_size_max, "TargetGroups",
                            !arns.empty() || !names.empty()
                                ? "asked"
                                : "of " + params.value_or("LoadBalancerArn", "the account"));
  if (!pager) return net::fail(pager.error());
  auto not_found = [] {
    return AwsError{400, "TargetGroupNotFound", "One or more target groups not found"};
  };
  if (!arns.empty() || !names.empty()) {
    // In the order asked for; every one must exist.
    std::vector<const TargetGroup*> found;
    for (const std::string& arn : arns) {
      const TargetGroup* group = state_.find_target_group(arn);
      if (group == nullptr || !visible(arn)) return net::fail(not_found());
      found.push_back(group);
    }
    for (const std::string& name : names) {
      const TargetGroup* group = state_.target_group_named(name);
      if (group == nullptr || !visible(group->arn)) return net::fail(not_found());
      found.push_back(group);
    }
    for (std::size_t i = 0; i < found.size(); ++i) {
      if (!pager->offer(numeric_key(i), [&] { return render_target_group(*found[i]); })) break;
    }
    return std::move(*pager).finish();
  }
  // By name, from the one after the marker's: all of them, or those a load balancer uses.
  const std::string load_balancer_arn = params.value_or("LoadBalancerArn", "");
  std::map<std::string, std::string> used_by_load_balancer;
  if (!load_balancer_arn.empty()) {
    if (state_.find_load_balancer(load_balancer_arn) == nullptr)
      return net::fail(resource_not_found(load_balancer_arn));
    for (const std::string& arn : state_.target_groups_of(load_balancer_arn))
      used_by_load_balancer.emplace(state_.find_target_group(arn)->name, arn);
  }
  const auto& by_name =
      load_balancer_arn.empty() ? state_.target_group_names() : used_by_load_balancer;
  for (auto entry = by_name.upper_bound(pager->after()); entry != by_name.end(); ++entry) {
    if (!visible(entry->second)) continue;
    const TargetGroup& group = *state_.find_target_group(entry->second);
    if (!pager->offer(entry->first, [&] { return render_target_group(group); })) break;
  }
  return std::move(*pager).finish();
}

Outcome Elbv2Api::modify_target_group(const Params& params) {
  auto arn = params.required("TargetGroupArn");
  if (!arn) return net::fail(arn.error());
  TargetGroup* found = state_.find_target_group(*arn);
  if (found == nullptr) return net::fail(resource_not_found(*arn));
  TargetGroup updated = *found;
  if (auto invalid = apply_health_check(params, updated)) return net::fail(*invalid);
  *found = updated;
  return Json{{"TargetGroups", Json::array({render_target_group(updated)})}};
}

Outcome Elbv2Api::delete_target_group(const Params& params) {
  auto arn = params.required("TargetGroupArn");
  if (!arn) return net::fail(arn.error());
  if (state_.find_target_group(*arn) == nullptr) return Json::object();  // already gone: success
  if (state_.in_use(*arn)) {
    return net::fail(
        AwsError{400, "ResourceInUse",
                 "Target group '" + *arn + "' is currently in use by a listener or a rule"});
  }
  state_.erase_target_group(*arn);
  return Json::object();
}

Outcome Elbv2Api::describe_target_group_attributes(const Params& params) {
  auto arn = params.required("TargetGroupArn");
  if (!arn) return net::fail(arn.error());
  TargetGroup* found = state_.find_target_group(*arn);
  if (found == nullptr) return net::fail(resource_not_found(*arn));
  Json attributes = Json::array();
  for (const auto& [key, value] : found->attributes)
    attributes.push_back({{"Key", key}, {"Value", value}});
  return Json{{"Attributes", attributes}};
}

Outcome Elbv2Api::modify_target_group_attributes(const Params& params) {
  auto arn = params.required("TargetGroupArn");
  if (!arn) return net::fail(arn.error());
  TargetGroup* found = state_.find_target_group(*arn);
  if (found == nullptr) return net::fail(resource_not_found(*arn));
  const auto known = default_target_group_attributes(found->target_type);
  for (const Json& change : params.list("Attributes")) {
    const std::string key = text_of(change, "Key");
    if (!known.contains(key)) {
      return net::fail(AwsError{400, "InvalidConfigurationRequest",
                                "Target group attribute key '" + key + "' is not recognized"});
    }
    if (auto invalid = check_target_group_attribute(key, text_of(change, "Value")))
      return net::fail(*invalid);
  }
  for (const Json& change : params.list("Attributes"))
    found->attributes[text_of(change, "Key")] = text_of(change, "Value");
  return describe_target_group_attributes(params);
}

Outcome Elbv2Api::register_targets(const Params& params) {
  auto arn = params.required("TargetGroupArn");
  if (!arn) return net::fail(arn.error());
  TargetGroup* found = state_.find_target_group(*arn);
  if (found == nullptr) return net::fail(resource_not_found(*arn));
  TargetGroup& group = *found;
  const Json targets = params.list("Targets");
  if (targets.empty())
    return net::fail(
        validation_error("1 validation error detected: Value null at 'targets' failed to satisfy "
                         "constraint: Member must not be null"));
  const Vpc& vpc = state_.vpcs.at(group.vpc_id);
  std::vector<Target> additions;
  for (const Json& entry : targets) {
    Target target;
    target.id = text_of(entry, "Id");
    const auto port = port_of_target(entry, group);
    if (!port) return net::fail(port.error());
    target.port = *port;
    target.availability_zone = text_of(entry, "AvailabilityZone");
    if (group.target_type == "ip") {
      const auto address = net::parse_ipv4(target.id);
      if (!address)
        return net::fail(
            AwsError{400, "InvalidTarget",
                     "The IP address '" + target.id + "' is not a valid IPv4 address"});
      if (target.availability_zone != "all" && !vpc.contains(target.id)) {
        return net::fail(validation_error("The IP address '" + target.id +
                                          "' is outside the VPC '" + group.vpc_id +
                                          "', you must specify an Availability Zone of 'all'"));
      }
      if (target.availability_zone.empty()) {
        for (const auto& [id, subnet] : state_.subnets) {
          const auto block = net::parse_cidr(subnet.cidr);
          if (subnet.vpc_id == group.vpc_id && block && block->contains(*address))
            target.availability_zone = subnet.availability_zone;
        }
      }
    } else if (!target.id.starts_with("i-")) {
      return net::fail(
          AwsError{400, "InvalidTarget",
                   "The following targets are not valid instances: '" + target.id + "'"});
    }
    target.registered_at = clock_.now();
    additions.push_back(target);
  }
  std::size_t count = group.targets.size();
  for (const Target& target : additions) {
    auto existing = std::find_if(
        group.targets.begin(), group.targets.end(),
        [&](const Target& other) { return other.id == target.id && other.port == target.port; });
    if (existing == group.targets.end()) ++count;
  }
  if (count > options_.quotas.targets_per_target_group_max) {
    return net::fail(
        AwsError{400, "TooManyTargets", "You've reached the limit on the number of targets"});
  }
  for (const Target& target : additions) {
    auto existing = std::find_if(
        group.targets.begin(), group.targets.end(),
        [&](const Target& other) { return other.id == target.id && other.port == target.port; });
    if (existing == group.targets.end()) {
      group.targets.push_back(target);
    } else if (existing->draining_until) {
      *existing = target;  // re-registered while draining: starts over
    }
  }
  return Json::object();
}

Outcome Elbv2Api::deregister_targets(const Params& params) {
  auto arn = params.required("TargetGroupArn");
  if (!arn) return net::fail(arn.error());
  TargetGroup* found = state_.find_target_group(*arn);
  if (found == nullptr) return net::fail(resource_not_found(*arn));
  TargetGroup& group = *found;
  // Attributes are validated when set: the delay is always a number.
  const int delay =
      net::parse_integer<int>(group.attributes["deregistration_delay.timeout_seconds"])
          .value_or(300);
  // Every target is checked before any is changed: a bad entry changes nothing.
  std::vector<std::pair<std::string, int>> leaving;
  for (const Json& entry : params.list("Targets")) {
    const auto port = port_of_target(entry, group);
    if (!port) return net::fail(port.error());
    leaving.emplace_back(text_of(entry, "Id"), *port);
  }
  for (const auto& [id, port] : leaving) {
    for (Target& target : group.targets) {
      // Deregistering a target that is not registered succeeds and changes nothing.
      if (target.id == id && target.port == port && !target.draining_until) {
        target.draining_until = clock_.now() + std::chrono::seconds(delay);
        draining_.emplace(*target.draining_until, group.arn);  // once per group and deadline
      }
    }
  }
  return Json::object();
}

std::vector<const Target*> Elbv2Api::current_targets(const TargetGroup& group) const {
  const auto now = clock_.now();
  std::vector<const Target*> current;
  for (const Target& target : group.targets) {
    if (!target.draining_until || *target.draining_until > now) current.push_back(&target);
  }
  return current;
}

void Elbv2Api::purge_drained_targets() {
  const auto now = clock_.now();
  while (!draining_.empty() && draining_.begin()->first <= now) {
    const std::string arn = draining_.begin()->second;
    draining_.erase(draining_.begin());
    if (TargetGroup* group = state_.find_target_group(arn)) {
      std::erase_if(group->targets, [&](const Target& target) {
        return target.draining_until && *target.draining_until <= now;
      });
    }
  }
}

std::optional<net::Clock::time_point> Elbv2Api::healthy_from(const TargetGroup& group,
                                                             const Target& target) const {
  if (target.draining_until || !group.health_check_enabled || !state_.in_use(group.arn))
    return std::nullopt;
  // Health checks start when the target is registered and its group receives traffic,
  // whichever is later; the target is healthy after HealthyThresholdCount passing checks.
  const auto checks =
      std::chrono::seconds(group.health_check_interval_seconds) * group.healthy_threshold_count;
  return std::max(target.registered_at, group.in_use_since.value_or(target.registered_at)) + checks;
}

Json Elbv2Api::target_health(const TargetGroup& group, const Target& target) const {
  Json health;
  if (target.draining_until) {
    health = {{"State", "draining"},
              {"Reason", "Target.DeregistrationInProgress"},
              {"Description", "Target deregistration is in progress"}};
  } else if (!state_.in_use(group.arn)) {
    health = {{"State", "unused"},
              {"Reason", "Target.NotInUse"},
              {"Description",
               "Target group is not configured to receive traffic from the load balancer"}};
  } else if (!group.health_check_enabled) {
    health = {{"State", "unavailable"},
              {"Reason", "Target.HealthCheckDisabled"},
              {"Description", "Health checks are disabled"}};
  } else {
    if (clock_.now() < *healthy_from(group, target)) {
      health = {{"State", "initial"},
                {"Reason", "Elb.RegistrationInProgress"},
                {"Description", "Target registration is in progress"}};
    } else {
      health = {{"State", "healthy"}};
    }
  }
  Json description = {
      {"Target", {{"Id", target.id}, {"Port", std::to_string(target.port)}}},
      {"HealthCheckPort", group.health_check_port == "traffic-port" ? std::to_string(target.port)
                                                                    : group.health_check_port},
      {"TargetHealth", health}};
  if (!target.availability_zone.empty())
    description["Target"]["AvailabilityZone"] = target.availability_zone;
  return description;
}

Outcome Elbv2Api::describe_target_health(const Params& params) {
  auto arn = params.required("TargetGroupArn");
  if (!arn) return net::fail(arn.error());
  TargetGroup* found = state_.find_target_group(*arn);
  if (found == nullptr) return net::fail(resource_not_found(*arn));
  const TargetGroup& group = *found;
  Json descriptions = Json::array();
  const Json asked = params.list("Targets");
  if (asked.empty()) {
    for (const Target* target : current_targets(group))
      descriptions.push_back(target_health(group, *target));
    return Json{{"TargetHealthDescriptions", descriptions}};
  }
  for (const Json& entry : asked) {
    const std::string id = text_of(entry, "Id");
    const auto found_port = port_of_target(entry, group);
    if (!found_port) return net::fail(found_port.error());
    const int port = *found_port;
    auto target =
        std::find_if(group.targets.begin(), group.targets.end(),
                     [&](const Target& other) { return other.id == id && other.port == port; });
    if (target != group.targets.end()) {
      descriptions.push_back(target_health(group, *target));
    } else {
      descriptions.push_back({{"Target", {{"Id", id}, {"Port", std::to_string(port)}}},
                              {"TargetHealth",
                               {{"State", "unused"},
                                {"Reason", "Target.NotRegistered"},
                                {"Description", "Target is not registered to the target group"}}}});
    }
  }
  return Json{{"TargetHealthDescriptions", descriptions}};
}

}  // namespace albc::sim::aws
