#include <algorithm>
#include <set>

#include "sim/aws/elbv2_api.hpp"

namespace albc::sim::aws {
namespace {

const std::map<std::string, std::string>& default_load_balancer_attributes() {
  static const std::map<std::string, std::string> kDefaults = {
      {"access_logs.s3.bucket", ""},
      {"access_logs.s3.enabled", "false"},
      {"access_logs.s3.prefix", ""},
      {"client_keep_alive.seconds", "3600"},
      {"connection_logs.s3.bucket", ""},
      {"connection_logs.s3.enabled", "false"},
      {"connection_logs.s3.prefix", ""},
      {"deletion_protection.enabled", "false"},
      {"idle_timeout.timeout_seconds", "60"},
      {"routing.http.desync_mitigation_mode", "defensive"},
      {"routing.http.drop_invalid_header_fields.enabled", "false"},
      {"routing.http.preserve_host_header.enabled", "false"},
      {"routing.http.x_amzn_tls_version_and_cipher_suite.enabled", "false"},
      {"routing.http.xff_client_port.enabled", "false"},
      {"routing.http.xff_header_processing.mode", "append"},
      {"routing.http2.enabled", "true"},
      {"waf.fail_open.enabled", "false"},
      {"zonal_shift.config.enabled", "false"}};
  return kDefaults;
}

// Route 53 hosted zone IDs of ALBs, per region (the ones albc's scenarios use; others get a
// stable made-up value).
std::string hosted_zone_for(const std::string& region) {
  static const std::map<std::string, std::string> kZones = {
      {"us-east-1", "Z35SXDOTRQ7X7K"},    {"us-east-2", "Z3AADJGX6KTTL2"},
      {"us-west-2", "Z1H1FL5HABSF5"},     {"eu-west-1", "Z32O12XQLNTSW2"},
      {"eu-central-1", "Z215JYRZR1TBD5"}, {"ap-northeast-1", "Z14GRHDCWA56QT"},
      {"ap-northeast-2", "ZWKZPGTI48KDX"}};
  auto found = kZones.find(region);
  return found == kZones.end() ? "Z1ALBCFAKEZONE" : found->second;
}

std::optional<AwsError> check_load_balancer_name(const std::string& name) {
  if (name.empty() || name.size() > 32) {
    return validation_error("The load balancer name '" + name +
                            "' cannot be longer than 32 characters");
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') {
      return validation_error(
          "The load balancer name '" + name +
          "' can only contain characters that are alphanumeric characters and hyphens(-)");
    }
  }
  if (name.front() == '-' || name.back() == '-') {
    return validation_error("The load balancer name '" + name +
                            "' cannot begin or end with a hyphen");
  }
  if (name.starts_with("internal-")) {
    return validation_error("The load balancer name '" + name + "' cannot begin with 'internal-'");
  }
  return std::nullopt;
}

// The fake's subnets have no IPv6 blocks, so dual-stack is refused as AWS refuses it for such
// subnets.
std::optional<AwsError> check_ip_address_type(const std::string& type) {
  if (type != "ipv4" && type != "dualstack" && type != "dualstack-without-public-ipv4") {
    return validation_error(
        "1 validation error detected: Value '" + type +
        "' at 'ipAddressType' failed to satisfy constraint: Member must satisfy enum value set: "
        "[ipv4, dualstack, dualstack-without-public-ipv4]");
  }
  if (type != "ipv4") {
    return AwsError{400, "InvalidConfigurationRequest",
                    "You must specify subnets with an associated IPv6 CIDR block."};
  }
  return std::nullopt;
}

}  // namespace

std::string Elbv2Api::load_balancer_state(const LoadBalancer& load_balancer) const {
  return clock_.now() - load_balancer.created_at >= options_.provisioning_time ? "active"
                                                                               : "provisioning";
}

Json Elbv2Api::render_load_balancer(const LoadBalancer& load_balancer) const {
  Json zones = Json::array();
  for (const std::string& subnet_id : load_balancer.subnet_ids) {
    const Subnet& subnet = state_.subnets.at(subnet_id);
    zones.push_back({{"ZoneName", subnet.availability_zone},
                     {"SubnetId", subnet.id},
                     {"LoadBalancerAddresses", Json::array()}});
  }
  return {{"LoadBalancerArn", load_balancer.arn},
          {"DNSName", load_balancer.dns_name},
          {"CanonicalHostedZoneId", hosted_zone_for(state_.region)},
          {"CreatedTime", aws_timestamp(load_balancer.created_wall)},
          {"LoadBalancerName", load_balancer.name},
          {"Scheme", load_balancer.scheme},
          {"VpcId", load_balancer.vpc_id},
          {"State", {{"Code", load_balancer_state(load_balancer)}}},
          {"Type", load_balancer.type},
          {"AvailabilityZones", zones},
          {"SecurityGroups", load_balancer.security_group_ids},
          {"IpAddressType", load_balancer.ip_address_type}};
}

net::Result<std::vector<std::string>, AwsError> Elbv2Api::resolve_subnets(
    const Params& params, std::string& vpc_id) const {
  std::vector<std::string> ids = params.strings("Subnets");
  for (const Json& mapping : params.list("SubnetMappings"))
    ids.push_back(text_of(mapping, "SubnetId"));
  if (ids.empty()) {
    return net::fail(validation_error("At least one subnet must be specified"));
  }
  std::set<std::string> zones;
  for (const std::string& id : ids) {
    auto subnet = state_.subnets.find(id);
    if (subnet == state_.subnets.end()) {
      return net::fail(AwsError{400, "SubnetNotFound", "The subnet ID '" + id + "' is not valid"});
    }
    if (vpc_id.empty()) vpc_id = subnet->second.vpc_id;
    if (subnet->second.vpc_id != vpc_id) {
      return net::fail(AwsError{400, "InvalidConfigurationRequest",
                                "All subnets must belong to the same VPC: '" + vpc_id + "'"});
    }
    if (!zones.insert(subnet->second.availability_zone).second) {
      return net::fail(
          AwsError{400, "InvalidConfigurationRequest",
                   "You cannot specify multiple subnets in the same Availability Zone"});
    }
  }
  if (zones.size() < 2) {
    return net::fail(validation_error(
        "At least two subnets in two different Availability Zones must be specified"));
  }
  std::sort(ids.begin(), ids.end(), [&](const std::string& a, const std::string& b) {
    return state_.subnets.at(a).availability_zone < state_.subnets.at(b).availability_zone;
  });
  return ids;
}

net::Result<std::vector<std::string>, AwsError> Elbv2Api::resolve_security_groups(
    const std::vector<std::string>& ids, const std::string& vpc_id) const {
  for (const std::string& id : ids) {
    auto group = state_.security_groups.find(id);
    if (group == state_.security_groups.end() || group->second.vpc_id != vpc_id) {
      return net::fail(
          AwsError{400, "InvalidSecurityGroup", "Security group '" + id + "' does not exist"});
    }
  }
  return ids;
}

Outcome Elbv2Api::create_load_balancer(const Params& params) {
  auto name = params.required("Name");
  if (!name) return net::fail(name.error());
  if (auto invalid = check_load_balancer_name(*name)) return net::fail(*invalid);
  const std::string type = params.value_or("Type", "application");
  if (type != "application") {
    return net::fail(validation_error(
        "albc's fake ELBv2 serves Application Load Balancers only, not '" + type + "'"));
  }
  const std::string scheme = params.value_or("Scheme", "internet-facing");
  if (scheme != "internet-facing" && scheme != "internal") {
    return net::fail(validation_error("1 validation error detected: Value '" + scheme +
                                      "' at 'scheme' failed to satisfy constraint: Member must "
                                      "satisfy enum value set: [internet-facing, internal]"));
  }
  const std::string ip_address_type = params.value_or("IpAddressType", "ipv4");
  if (auto invalid = check_ip_address_type(ip_address_type)) return net::fail(*invalid);
  std::string vpc_id;
  auto subnets = resolve_subnets(params, vpc_id);
  if (!subnets) return net::fail(subnets.error());
  auto groups = resolve_security_groups(params.strings("SecurityGroups"), vpc_id);
  if (!groups) return net::fail(groups.error());
  auto tags = parse_tags(params.list("Tags"), options_.quotas.tags_per_resource_max);
  if (!tags) return net::fail(tags.error());
  if (const LoadBalancer* existing = state_.load_balancer_named(*name)) {
    // Idempotent: the same name with the same settings returns the existing load balancer.
    std::vector<std::string> sorted_groups = *groups;
    std::vector<std::string> existing_groups = existing->security_group_ids;
    std::sort(sorted_groups.begin(), sorted_groups.end());
    std::sort(existing_groups.begin(), existing_groups.end());
    if (existing->scheme == scheme && existing->subnet_ids == *subnets &&
        existing_groups == sorted_groups && existing->ip_address_type == ip_address_type) {
      return Json{{"LoadBalancers", Json::array({render_load_balancer(*existing)})}};
    }
    return net::fail(AwsError{
        400, "DuplicateLoadBalancerName",
        "A load balancer with the same name '" + *name + "' exists, but with different settings"});
  }
  if (state_.load_balancers().size() >= options_.quotas.load_balancers_max) {
    return net::fail(AwsError{
        400, "TooManyLoadBalancers",
        "You have reached the limit on the number of load balancers for your AWS account"});
  }
  LoadBalancer load_balancer;
  const std::string id = new_id();
  load_balancer.arn = arn_prefix() + "loadbalancer/app/" + *name + "/" + id;
  load_balancer.name = *name;
  load_balancer.dns_name = (scheme == "internal" ? "internal-" : "") + *name + "-" +
                           std::to_string(random_.uniform(1'000'000'000ULL, 2'147'483'647ULL)) +
                           "." + state_.region + ".elb.amazonaws.com";
  load_balancer.scheme = scheme;
  load_balancer.ip_address_type = ip_address_type;
  load_balancer.vpc_id = vpc_id;
  load_balancer.subnet_ids = *subnets;
  load_balancer.security_group_ids = *groups;
  load_balancer.attributes = default_load_balancer_attributes();
  load_balancer.tags = *tags;
  load_balancer.created_at = clock_.now();
  load_balancer.created_wall = clock_.wall_now();
  Json rendered = Json{{"LoadBalancers", Json::array({render_load_balancer(load_balancer)})}};
  created("CreateLoadBalancer", load_balancer.arn);
  state_.add(std::move(load_balancer));
  return rendered;
}

Outcome Elbv2Api::describe_load_balancers(const Params& params) {
  const auto arns = params.strings("LoadBalancerArns");
  const auto names = params.strings("Names");
  // A marker belongs to the list it came from: all by name, or the ones asked for.
  auto pager = Pager::start(params, options_.quotas.describe_page_size_max, "LoadBalancers",
                            arns.empty() && names.empty() ? "by name" : "asked");
  if (!pager) return net::fail(pager.error());
  if (!arns.empty() || !names.empty()) {
    // In the order asked for; every one must exist.
    std::vector<const LoadBalancer*> found;
    for (const std::string& arn : arns) {
      const LoadBalancer* load_balancer = state_.find_load_balancer(arn);
      if (load_balancer == nullptr || !visible(arn)) {
        return net::fail(
            AwsError{400, "LoadBalancerNotFound", "One or more load balancers not found"});
      }
      found.push_back(load_balancer);
    }
    for (const std::string& name : names) {
      const LoadBalancer* load_balancer = state_.load_balancer_named(name);
      if (load_balancer == nullptr || !visible(load_balancer->arn)) {
        return net::fail(
            AwsError{400, "LoadBalancerNotFound", "Load balancers '[" + name + "]' not found"});
      }
      found.push_back(load_balancer);
    }
    for (std::size_t i = 0; i < found.size(); ++i) {
      if (!pager->offer(numeric_key(i), [&] { return render_load_balancer(*found[i]); })) break;
    }
  } else {
    // By name, from the one after the marker's.
    const auto& by_name = state_.load_balancer_names();
    for (auto entry = by_name.upper_bound(pager->after()); entry != by_name.end(); ++entry) {
      if (!visible(entry->second)) continue;
      const LoadBalancer& load_balancer = *state_.find_load_balancer(entry->second);
      if (!pager->offer(entry->first, [&] { return render_load_balancer(load_balancer); })) break;
    }
  }
  return std::move(*pager).finish();
}

Outcome Elbv2Api::delete_load_balancer(const Params& params) {
  auto arn = params.required("LoadBalancerArn");
  if (!arn) return net::fail(arn.error());
  LoadBalancer* found = state_.find_load_balancer(*arn);
  if (found == nullptr) return Json::object();  // already gone: success
  if (found->attributes["deletion_protection.enabled"] == "true") {
    return net::fail(AwsError{
        400, "OperationNotPermitted",
        "Load balancer '" + *arn + "' cannot be deleted because deletion protection is enabled"});
  }
  const auto forwarded_before = state_.target_groups_of(*arn);
  state_.erase_load_balancer(*arn);
  forget_unused(forwarded_before);
  return Json::object();
}

Outcome Elbv2Api::describe_load_balancer_attributes(const Params& params) {
  auto arn = params.required("LoadBalancerArn");
  if (!arn) return net::fail(arn.error());
  LoadBalancer* found = state_.find_load_balancer(*arn);
  if (found == nullptr) return net::fail(resource_not_found(*arn));
  Json attributes = Json::array();
  for (const auto& [key, value] : found->attributes)
    attributes.push_back({{"Key", key}, {"Value", value}});
  return Json{{"Attributes", attributes}};
}

Outcome Elbv2Api::modify_load_balancer_attributes(const Params& params) {
  auto arn = params.required("LoadBalancerArn");
  if (!arn) return net::fail(arn.error());
  LoadBalancer* found = state_.find_load_balancer(*arn);
  if (found == nullptr) return net::fail(resource_not_found(*arn));
  const Json changes = params.list("Attributes");
  for (const Json& change : changes) {
    const std::string key = text_of(change, "Key");
    if (!default_load_balancer_attributes().contains(key)) {
      return net::fail(AwsError{400, "InvalidConfigurationRequest",
                                "Load balancer attribute key '" + key + "' is not recognized"});
    }
  }
  for (const Json& change : changes)
    found->attributes[text_of(change, "Key")] = text_of(change, "Value");
  return describe_load_balancer_attributes(params);
}

Outcome Elbv2Api::set_security_groups(const Params& params) {
  auto arn = params.required("LoadBalancerArn");
  if (!arn) return net::fail(arn.error());
  LoadBalancer* found = state_.find_load_balancer(*arn);
  if (found == nullptr) return net::fail(resource_not_found(*arn));
  auto groups = resolve_security_groups(params.strings("SecurityGroups"), found->vpc_id);
  if (!groups) return net::fail(groups.error());
  found->security_group_ids = *groups;
  return Json{{"SecurityGroupIds", *groups}};
}

Outcome Elbv2Api::set_ip_address_type(const Params& params) {
  auto arn = params.required("LoadBalancerArn");
  if (!arn) return net::fail(arn.error());
  auto type = params.required("IpAddressType");
  if (!type) return net::fail(type.error());
  LoadBalancer* found = state_.find_load_balancer(*arn);
  if (found == nullptr) return net::fail(resource_not_found(*arn));
  if (auto invalid = check_ip_address_type(*type)) return net::fail(*invalid);
  found->ip_address_type = *type;
  return Json{{"IpAddressType", *type}};
}

Outcome Elbv2Api::set_subnets(const Params& params) {
  auto arn = params.required("LoadBalancerArn");
  if (!arn) return net::fail(arn.error());
  LoadBalancer* found = state_.find_load_balancer(*arn);
  if (found == nullptr) return net::fail(resource_not_found(*arn));
  std::string vpc_id = found->vpc_id;
  auto subnets = resolve_subnets(params, vpc_id);
  if (!subnets) return net::fail(subnets.error());
  found->subnet_ids = *subnets;
  return Json{{"AvailabilityZones", render_load_balancer(*found)["AvailabilityZones"]},
              {"IpAddressType", found->ip_address_type}};
}

}  // namespace albc::sim::aws
