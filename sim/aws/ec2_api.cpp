#include "sim/aws/ec2_api.hpp"

#include <algorithm>

#include "controller/net/cidr.hpp"
#include "controller/net/digest.hpp"
#include "controller/net/numbers.hpp"
#include "sim/aws/ec2_filters.hpp"

namespace albc::sim::aws {
namespace {

// EC2 tags take any characters; keys are 1 to 127 of them and may not start with "aws:",
// values at most 256.
std::optional<AwsError> tag_problem(const std::string& key, const std::string& value) {
  const auto characters = [](std::string_view text) {
    return std::count_if(text.begin(), text.end(),
                         [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
  };
  if (key.empty() || characters(key) > 127) {
    return AwsError{400, "InvalidParameterValue",
                    "Value ( " + key +
                        " ) for parameter key is invalid. Tag keys must be between 1 and 127 "
                        "characters long"};
  }
  if (key.starts_with("aws:")) {
    return AwsError{400, "InvalidParameterValue",
                    "Value ( " + key +
                        " ) for parameter key is invalid. Tag keys starting with 'aws:' are "
                        "reserved for internal use"};
  }
  if (characters(value) > 256) {
    return AwsError{400, "InvalidParameterValue",
                    "Tag value exceeds the maximum length of 256 characters"};
  }
  return std::nullopt;
}

net::Result<Tags, AwsError> tags_of_list(const Json& list) {
  Tags tags;
  for (const Json& tag : list) {
    if (auto problem = tag_problem(text_of(tag, "Key"), text_of(tag, "Value"))) {
      return net::fail(*problem);
    }
    tags[text_of(tag, "Key")] = text_of(tag, "Value");
  }
  if (tags.size() > 50) {
    return net::fail(AwsError{400, "TagLimitExceeded",
                              "The maximum number of Tags for a resource has been reached."});
  }
  return tags;
}

net::Result<Tags, AwsError> tags_from_specification(const Params& params,
                                                    std::string_view resource_type) {
  Tags tags;
  for (const Json& specification : params.list("TagSpecification")) {
    if (text_of(specification, "ResourceType") != resource_type) continue;
    auto listed = tags_of_list(list_of(specification, "Tag"));
    if (!listed) return listed;
    tags.insert(listed->begin(), listed->end());
  }
  return tags;
}

Json rule_permission(const SecurityGroupRule& rule, const std::string& account_id) {
  Json permission = {{"ipProtocol", rule.protocol},
                     {"groups", Json::array()},
                     {"ipRanges", Json::array()},
                     {"ipv6Ranges", Json::array()},
                     {"prefixListIds", Json::array()}};
  if (rule.protocol != "-1") {
    permission["fromPort"] = std::to_string(rule.from_port);
    permission["toPort"] = std::to_string(rule.to_port);
  }
  Json source;
  switch (rule.source_kind) {
    case SecurityGroupRule::Source::Cidr:
      source = {{"cidrIp", rule.source}};
      if (!rule.description.empty()) source["description"] = rule.description;
      permission["ipRanges"].push_back(source);
      break;
    case SecurityGroupRule::Source::CidrV6:
      source = {{"cidrIpv6", rule.source}};
      if (!rule.description.empty()) source["description"] = rule.description;
      permission["ipv6Ranges"].push_back(source);
      break;
    case SecurityGroupRule::Source::PrefixList:
      source = {{"prefixListId", rule.source}};
      if (!rule.description.empty()) source["description"] = rule.description;
      permission["prefixListIds"].push_back(source);
      break;
    case SecurityGroupRule::Source::Group:
      source = {{"groupId", rule.source}, {"userId", account_id}};
      if (!rule.description.empty()) source["description"] = rule.description;
      permission["groups"].push_back(source);
      break;
  }
  return permission;
}

AwsError vpc_not_found(const std::string& id) {
  return AwsError{400, "InvalidVpcID.NotFound", "The vpc ID '" + id + "' does not exist"};
}

Vpc* find_vpc(AwsState& state, const std::string& id) {
  auto found = state.vpcs.find(id);
  return found == state.vpcs.end() ? nullptr : &found->second;
}

// A block a VPC may have (/16 to /28), or EC2's error.
net::Result<net::Ipv4Cidr, AwsError> vpc_sized_block(const std::string& cidr) {
  auto block = net::parse_cidr(cidr);
  if (!block || block->prefix < 16 || block->prefix > 28) {
    return net::fail(
        AwsError{400, "InvalidParameterValue",
                 "Value (" + cidr +
                     ") for parameter cidrBlock is invalid. This is not a valid CIDR block."});
  }
  return *block;
}

std::string rule_text(const SecurityGroupRule& rule) {
  std::string protocol = rule.protocol == "-1" ? "ALL" : rule.protocol;
  std::transform(protocol.begin(), protocol.end(), protocol.begin(), ::toupper);
  return "peer: " + rule.source + ", " + protocol +
         ", from port: " + std::to_string(rule.from_port) +
         ", to port: " + std::to_string(rule.to_port) + ", ALLOW";
}

}  // namespace

Json ec2_tag_set(const Tags& tags) {
  Json set = Json::array();
  for (const auto& [key, value] : tags)
    set.push_back({{"key", key}, {"value", value}});
  return set;
}

Ec2Api::Ec2Api(AwsState& state, net::Random random) : state_(state), random_(std::move(random)) {}

const std::map<std::string_view, Ec2Api::Route>& Ec2Api::routes() {
  static const std::map<std::string_view, Route> kRoutes = {
      {"CreateVpc", &Ec2Api::create_vpc},
      {"DescribeVpcs", &Ec2Api::describe_vpcs},
      {"AssociateVpcCidrBlock", &Ec2Api::associate_vpc_cidr_block},
      {"CreateSubnet", &Ec2Api::create_subnet},
      {"DescribeSubnets", &Ec2Api::describe_subnets},
      {"DescribeAvailabilityZones", &Ec2Api::describe_availability_zones},
      {"CreateSecurityGroup", &Ec2Api::create_security_group},
      {"DescribeSecurityGroups", &Ec2Api::describe_security_groups},
      {"DeleteSecurityGroup", &Ec2Api::delete_security_group},
      {"AuthorizeSecurityGroupIngress", &Ec2Api::authorize_ingress},
      {"RevokeSecurityGroupIngress", &Ec2Api::revoke_ingress},
      {"CreateTags", &Ec2Api::create_tags},
      {"DeleteTags", &Ec2Api::delete_tags},
  };
  return kRoutes;
}

bool Ec2Api::knows(std::string_view action) const {
  return routes().contains(action);
}

Outcome Ec2Api::handle(std::string_view action, const Params& params) {
  const auto route = routes().find(action);
  if (route != routes().end()) return (this->*route->second)(params);
  return net::fail(
      AwsError{400, "InvalidAction",
               "The action " + std::string(action) + " is not valid for this web service."});
}

Outcome Ec2Api::create_vpc(const Params& params) {
  auto cidr = params.required("CidrBlock");
  if (!cidr) return net::fail(cidr.error());
  if (auto block = vpc_sized_block(*cidr); !block) return net::fail(block.error());
  auto tags = tags_from_specification(params, "vpc");
  if (!tags) return net::fail(tags.error());
  Vpc vpc{"vpc-" + random_.hex(17), *cidr, *tags, {}};
  state_.vpcs[vpc.id] = vpc;
  return Json{{"vpc",
               {{"vpcId", vpc.id},
                {"cidrBlock", vpc.cidr},
                {"state", "available"},
                {"ownerId", state_.account_id},
                {"tagSet", ec2_tag_set(vpc.tags)}}}};
}

Outcome Ec2Api::describe_vpcs(const Params& params) {
  const auto not_found = [](const std::string& id) { return vpc_not_found(id); };
  const auto field_of = [&](const Vpc& vpc, const std::string& field) -> std::vector<std::string> {
    if (field == "vpc-id") return {vpc.id};
    if (field == "cidr") return {vpc.cidr};
    if (field == "cidr-block-association.cidr-block") return vpc.cidrs();
    if (field == "state") return {"available"};
    if (field == "is-default") return {"false"};
    return {state_.account_id};
  };
  auto selected = select_resources(
      state_.vpcs, params, "VpcId",
      {"vpc-id", "cidr", "cidr-block-association.cidr-block", "state", "is-default", "owner-id"},
      not_found, field_of);
  if (!selected) return net::fail(selected.error());
  Json set = Json::array();
  for (const Vpc* found : *selected) {
    const Vpc& vpc = *found;
    Json associations = Json::array();
    for (const std::string& block : vpc.cidrs())
      associations.push_back(cidr_association(vpc, block));
    set.push_back({{"vpcId", vpc.id},
                   {"state", "available"},
                   {"cidrBlock", vpc.cidr},
                   {"cidrBlockAssociationSet", associations},
                   {"dhcpOptionsId", "default"},
                   {"instanceTenancy", "default"},
                   {"isDefault", "false"},
                   {"ownerId", state_.account_id},
                   {"tagSet", ec2_tag_set(vpc.tags)}});
  }
  return Json{{"vpcSet", set}};
}

Json Ec2Api::cidr_association(const Vpc& vpc, const std::string& block) {
  // The primary block's association id derives from the VPC's; a secondary one's from both.
  const std::string suffix =
      block == vpc.cidr ? vpc.id.substr(4) : net::sha256_hex(vpc.id + block).substr(0, 17);
  return {{"associationId", "vpc-cidr-assoc-" + suffix},
          {"cidrBlock", block},
          {"cidrBlockState", {{"state", "associated"}}}};
}

Outcome Ec2Api::associate_vpc_cidr_block(const Params& params) {
  auto vpc_id = params.required("VpcId");
  if (!vpc_id) return net::fail(vpc_id.error());
  auto cidr = params.required("CidrBlock");
  if (!cidr) return net::fail(cidr.error());
  Vpc* vpc = find_vpc(state_, *vpc_id);
  if (vpc == nullptr) return net::fail(vpc_not_found(*vpc_id));
  auto block = vpc_sized_block(*cidr);
  if (!block) return net::fail(block.error());
  for (const std::string& existing : vpc->cidrs()) {
    auto other = net::parse_cidr(existing);
    if (other && other->overlaps(*block)) {
      return net::fail(
          AwsError{400, "InvalidVpc.Range",
                   "The CIDR '" + *cidr + "' conflicts with another CIDR block of " + *vpc_id});
    }
  }
  // The default quota of IPv4 CIDR blocks per VPC: the primary and four more.
  if (vpc->cidrs().size() >= 5) {
    return net::fail(
        AwsError{400, "CidrLimitExceeded",
                 "This network '" + *vpc_id + "' has met its maximum number of allowed CIDRs: 5"});
  }
  vpc->secondary_cidrs.push_back(block->to_string());  // as AWS writes it back
  return Json{{"cidrBlockAssociation", cidr_association(*vpc, block->to_string())},
              {"vpcId", *vpc_id}};
}

Outcome Ec2Api::create_subnet(const Params& params) {
  auto vpc_id = params.required("VpcId");
  if (!vpc_id) return net::fail(vpc_id.error());
  auto cidr = params.required("CidrBlock");
  if (!cidr) return net::fail(cidr.error());
  const Vpc* vpc = find_vpc(state_, *vpc_id);
  if (vpc == nullptr) return net::fail(vpc_not_found(*vpc_id));
  auto block = net::parse_cidr(*cidr);
  if (!block || !vpc->contains(*cidr)) {
    return net::fail(AwsError{400, "InvalidSubnet.Range", "The CIDR '" + *cidr + "' is invalid."});
  }
  for (const auto& [id, subnet] : state_.subnets) {
    auto other = net::parse_cidr(subnet.cidr);
    if (subnet.vpc_id == *vpc_id && other && other->overlaps(*block)) {
      return net::fail(AwsError{400, "InvalidSubnet.Conflict",
                                "The CIDR '" + *cidr + "' conflicts with another subnet"});
    }
  }
  const std::string zone = params.value_or("AvailabilityZone", state_.region + "a");
  if (!zone.starts_with(state_.region)) {
    return net::fail(
        AwsError{400, "InvalidParameterValue",
                 "Value (" + zone +
                     ") for parameter availabilityZone is invalid. Subnets can currently only be "
                     "created in the following availability zones: " +
                     state_.region + "a, " + state_.region + "b, " + state_.region + "c, " +
                     state_.region + "d."});
  }
  auto tags = tags_from_specification(params, "subnet");
  if (!tags) return net::fail(tags.error());
  Subnet subnet{"subnet-" + random_.hex(17),
                *vpc_id,
                *cidr,
                zone,
                net::availability_zone_id(state_.region, zone),
                *tags};
  state_.subnets[subnet.id] = subnet;
  return Json{{"subnet",
               {{"subnetId", subnet.id},
                {"vpcId", subnet.vpc_id},
                {"cidrBlock", subnet.cidr},
                {"availabilityZone", subnet.availability_zone},
                {"state", "available"},
                {"tagSet", ec2_tag_set(subnet.tags)}}}};
}

Outcome Ec2Api::describe_subnets(const Params& params) {
  const auto not_found = [](const std::string& id) {
    return AwsError{400, "InvalidSubnetID.NotFound", "The subnet ID '" + id + "' does not exist"};
  };
  const auto field_of = [](const Subnet& subnet, const std::string& field) -> std::string {
    if (field == "vpc-id") return subnet.vpc_id;
    if (field == "subnet-id") return subnet.id;
    if (field == "availability-zone") return subnet.availability_zone;
    if (field == "availability-zone-id") return subnet.availability_zone_id;
    if (field == "cidr-block" || field == "cidr") return subnet.cidr;
    if (field == "state") return "available";
    return "false";
  };
  auto selected =
      select_resources(state_.subnets, params, "SubnetId",
                       {"vpc-id", "subnet-id", "availability-zone", "availability-zone-id",
                        "cidr-block", "cidr", "state", "default-for-az"},
                       not_found, field_of);
  if (!selected) return net::fail(selected.error());
  Json set = Json::array();
  for (const Subnet* found : *selected) {
    const Subnet& subnet = *found;
    const auto block = net::parse_cidr(subnet.cidr);
    set.push_back(
        {{"subnetId", subnet.id},
         {"subnetArn",
          "arn:aws:ec2:" + state_.region + ":" + state_.account_id + ":subnet/" + subnet.id},
         {"state", "available"},
         {"vpcId", subnet.vpc_id},
         {"cidrBlock", subnet.cidr},
         {"availableIpAddressCount", std::to_string(block ? block->usable_addresses() : 0)},
         {"availabilityZone", subnet.availability_zone},
         {"availabilityZoneId", subnet.availability_zone_id},
         {"defaultForAz", "false"},
         {"mapPublicIpOnLaunch", "false"},
         {"ownerId", state_.account_id},
         {"tagSet", ec2_tag_set(subnet.tags)}});
  }
  return Json{{"subnetSet", set}};
}

Outcome Ec2Api::describe_availability_zones(const Params& params) {
  Json set = Json::array();
  for (const char* letter : {"a", "b", "c", "d"}) {
    const std::string zone = state_.region + letter;
    set.push_back({{"zoneName", zone},
                   {"zoneId", net::availability_zone_id(state_.region, zone)},
                   {"zoneState", "available"},
                   {"regionName", state_.region},
                   {"zoneType", "availability-zone"},
                   {"groupName", state_.region},
                   {"optInStatus", "opt-in-not-required"}});
  }
  return Json{{"availabilityZoneInfo", set}};
}

Outcome Ec2Api::create_security_group(const Params& params) {
  auto name = params.required("GroupName");
  if (!name) return net::fail(name.error());
  auto description = params.required("GroupDescription");
  if (!description) return net::fail(description.error());
  auto vpc_id = params.required("VpcId");
  if (!vpc_id) return net::fail(vpc_id.error());
  if (find_vpc(state_, *vpc_id) == nullptr) return net::fail(vpc_not_found(*vpc_id));
  if (name->empty() || name->size() > 255 || name->starts_with("sg-")) {
    return net::fail(
        AwsError{400, "InvalidParameterValue", "Invalid value '" + *name + "' for groupName."});
  }
  for (const auto& [id, group] : state_.security_groups) {
    if (group.vpc_id == *vpc_id && group.name == *name) {
      return net::fail(
          AwsError{400, "InvalidGroup.Duplicate",
                   "The security group '" + *name + "' already exists for VPC '" + *vpc_id + "'"});
    }
  }
  auto tags = tags_from_specification(params, "security-group");
  if (!tags) return net::fail(tags.error());
  SecurityGroup group{"sg-" + random_.hex(17), *name, *description, *vpc_id, *tags, {}};
  state_.security_groups[group.id] = group;
  return Json{{"return", "true"}, {"groupId", group.id}, {"tagSet", ec2_tag_set(group.tags)}};
}

Outcome Ec2Api::describe_security_groups(const Params& params) {
  const auto not_found = [](const std::string& id) {
    return AwsError{400, "InvalidGroup.NotFound", "The security group '" + id + "' does not exist"};
  };
  const auto field_of = [&](const SecurityGroup& group, const std::string& field) -> std::string {
    if (field == "vpc-id") return group.vpc_id;
    if (field == "group-id") return group.id;
    if (field == "group-name") return group.name;
    if (field == "description") return group.description;
    return state_.account_id;
  };
  auto selected = select_resources(state_.security_groups, params, "GroupId",
                                   {"vpc-id", "group-id", "group-name", "description", "owner-id"},
                                   not_found, field_of);
  if (!selected) return net::fail(selected.error());
  const auto names = params.strings("GroupName");
  Json set = Json::array();
  for (const SecurityGroup* found : *selected) {
    const SecurityGroup& group = *found;
    if (!names.empty() && std::find(names.begin(), names.end(), group.name) == names.end())
      continue;
    Json permissions = Json::array();
    for (const SecurityGroupRule& rule : group.ingress) {
      permissions.push_back(rule_permission(rule, state_.account_id));
    }
    set.push_back({{"ownerId", state_.account_id},
                   {"groupId", group.id},
                   {"groupName", group.name},
                   {"groupDescription", group.description},
                   {"vpcId", group.vpc_id},
                   {"ipPermissions", permissions},
                   {"ipPermissionsEgress",
                    Json::array({{{"ipProtocol", "-1"},
                                  {"groups", Json::array()},
                                  {"ipRanges", Json::array({{{"cidrIp", "0.0.0.0/0"}}})},
                                  {"ipv6Ranges", Json::array()},
                                  {"prefixListIds", Json::array()}}})},
                   {"tagSet", ec2_tag_set(group.tags)}});
  }
  return Json{{"securityGroupInfo", set}};
}

Outcome Ec2Api::delete_security_group(const Params& params) {
  auto id = params.required("GroupId");
  if (!id) return net::fail(id.error());
  auto found = state_.security_groups.find(*id);
  if (found == state_.security_groups.end()) {
    return net::fail(
        AwsError{400, "InvalidGroup.NotFound", "The security group '" + *id + "' does not exist"});
  }
  for (const auto& [arn, load_balancer] : state_.load_balancers()) {
    const auto& groups = load_balancer.security_group_ids;
    if (std::find(groups.begin(), groups.end(), *id) != groups.end()) {
      return net::fail(
          AwsError{400, "DependencyViolation", "resource " + *id + " has a dependent object"});
    }
  }
  for (const auto& [other_id, other] : state_.security_groups) {
    for (const SecurityGroupRule& rule : other.ingress) {
      if (rule.source_kind == SecurityGroupRule::Source::Group && rule.source == *id &&
          other_id != *id) {
        return net::fail(
            AwsError{400, "DependencyViolation", "resource " + *id + " has a dependent object"});
      }
    }
  }
  state_.security_groups.erase(found);
  return Json{{"return", "true"}};
}

Outcome Ec2Api::change_ingress(const Params& params, bool authorize) {
  auto id = params.required("GroupId");
  if (!id) return net::fail(id.error());
  auto found = state_.security_groups.find(*id);
  if (found == state_.security_groups.end()) {
    return net::fail(
        AwsError{400, "InvalidGroup.NotFound", "The security group '" + *id + "' does not exist"});
  }
  std::vector<SecurityGroupRule> rules;
  for (const Json& permission : params.list("IpPermissions")) {
    SecurityGroupRule base;
    base.protocol = text_of(permission, "IpProtocol");
    if (base.protocol == "all") base.protocol = "-1";
    if (base.protocol != "-1" && base.protocol != "icmp" && base.protocol != "icmpv6") {
      const auto from_port = net::parse_integer<int>(text_of(permission, "FromPort"));
      const auto to_port = net::parse_integer<int>(text_of(permission, "ToPort"));
      if (from_port && to_port) {
        base.from_port = *from_port;
        base.to_port = *to_port;
      } else {
        return net::fail(AwsError{
            400, "InvalidParameterValue",
            "Invalid value for portRange. Must specify both from and to ports with TCP/UDP."});
      }
      if (base.from_port < 0 || base.to_port > 65535 || base.from_port > base.to_port) {
        return net::fail(AwsError{
            400, "InvalidParameterValue",
            "Invalid value for portRange. Must specify both from and to ports with TCP/UDP."});
      }
    }
    std::optional<AwsError> bad_source;
    auto add_sources = [&](const char* list, const char* field, SecurityGroupRule::Source kind) {
      for (const Json& source : list_of(permission, list)) {
        SecurityGroupRule rule = base;
        rule.source_kind = kind;
        rule.source = text_of(source, field);
        if (rule.source.empty()) {
          bad_source = AwsError{400, "MissingParameter",
                                std::string("The request must contain the parameter ") + field};
          return;
        }
        rule.description = text_of(source, "Description");
        rules.push_back(rule);
      }
    };
    add_sources("IpRanges", "CidrIp", SecurityGroupRule::Source::Cidr);
    add_sources("Ipv6Ranges", "CidrIpv6", SecurityGroupRule::Source::CidrV6);
    add_sources("PrefixListIds", "PrefixListId", SecurityGroupRule::Source::PrefixList);
    add_sources("Groups", "GroupId", SecurityGroupRule::Source::Group);
    if (bad_source) return net::fail(*bad_source);
  }
  if (rules.empty()) {
    return net::fail(
        AwsError{400, "MissingParameter", "The request must contain the parameter ipPermissions"});
  }
  auto& ingress = found->second.ingress;
  for (const SecurityGroupRule& rule : rules) {
    auto existing =
        std::find_if(ingress.begin(), ingress.end(),
                     [&](const SecurityGroupRule& other) { return other.same_permission(rule); });
    if (authorize && existing != ingress.end()) {
      return net::fail(AwsError{400, "InvalidPermission.Duplicate",
                                "the specified rule \"" + rule_text(rule) + "\" already exists"});
    }
    if (!authorize && existing == ingress.end()) {
      return net::fail(AwsError{400, "InvalidPermission.NotFound",
                                "The specified rule does not exist in this security group."});
    }
  }
  for (const SecurityGroupRule& rule : rules) {
    if (authorize) {
      ingress.push_back(rule);
    } else {
      std::erase_if(ingress,
                    [&](const SecurityGroupRule& other) { return other.same_permission(rule); });
    }
  }
  return Json{{"return", "true"}};
}

Tags* Ec2Api::tags_of(const std::string& resource_id) {
  if (auto vpc = state_.vpcs.find(resource_id); vpc != state_.vpcs.end()) return &vpc->second.tags;
  if (auto subnet = state_.subnets.find(resource_id); subnet != state_.subnets.end())
    return &subnet->second.tags;
  if (auto group = state_.security_groups.find(resource_id);
      group != state_.security_groups.end()) {
    return &group->second.tags;
  }
  return nullptr;
}

Outcome Ec2Api::create_tags(const Params& params) {
  const auto resources = params.strings("ResourceId");
  if (resources.empty()) {
    return net::fail(
        AwsError{400, "MissingParameter", "The request must contain the parameter resourceIdSet"});
  }
  for (const std::string& id : resources) {
    if (tags_of(id) == nullptr) {
      return net::fail(AwsError{400, "InvalidID", "The ID '" + id + "' is not valid"});
    }
  }
  // All or nothing: every tag and resource is checked before any is tagged.
  auto added = tags_of_list(params.list("Tag"));
  if (!added) return net::fail(added.error());
  for (const std::string& id : resources) {
    Tags merged = *tags_of(id);
    for (const auto& [key, value] : *added)
      merged[key] = value;
    if (merged.size() > 50) {
      return net::fail(AwsError{400, "TagLimitExceeded",
                                "The maximum number of Tags for a resource has been reached."});
    }
  }
  for (const std::string& id : resources) {
    Tags& tags = *tags_of(id);
    for (const Json& tag : params.list("Tag"))
      tags[text_of(tag, "Key")] = text_of(tag, "Value");
  }
  return Json{{"return", "true"}};
}

Outcome Ec2Api::delete_tags(const Params& params) {
  for (const std::string& id : params.strings("ResourceId")) {
    Tags* tags = tags_of(id);
    if (tags == nullptr)
      return net::fail(AwsError{400, "InvalidID", "The ID '" + id + "' is not valid"});
    for (const Json& tag : params.list("Tag")) {
      auto found = tags->find(text_of(tag, "Key"));
      if (found == tags->end()) continue;
      if (tag.contains("Value") && tag["Value"] != found->second) continue;
      tags->erase(found);
    }
  }
  return Json{{"return", "true"}};
}

}  // namespace albc::sim::aws
