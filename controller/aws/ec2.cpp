#include "controller/aws/ec2.hpp"

namespace albc::aws {
namespace {

Json filters_input(const std::vector<Filter>& filters) {
  Json list = Json::array();
  for (const Filter& filter : filters)
    list.push_back({{"Name", filter.name}, {"Value", filter.values}});
  return list;
}

Json permissions_input(const std::vector<SecurityGroupPermission>& permissions) {
  Json list = Json::array();
  for (const SecurityGroupPermission& permission : permissions) {
    Json entry = {{"IpProtocol", permission.protocol}};
    if (permission.protocol != "-1") {
      entry["FromPort"] = std::to_string(permission.from_port);
      entry["ToPort"] = std::to_string(permission.to_port);
    }
    auto with_description = [&](Json source) {
      if (!permission.description.empty()) source["Description"] = permission.description;
      return Json::array({source});
    };
    if (!permission.cidr.empty())
      entry["IpRanges"] = with_description({{"CidrIp", permission.cidr}});
    if (!permission.cidr_v6.empty())
      entry["Ipv6Ranges"] = with_description({{"CidrIpv6", permission.cidr_v6}});
    if (!permission.prefix_list.empty())
      entry["PrefixListIds"] = with_description({{"PrefixListId", permission.prefix_list}});
    if (!permission.group.empty())
      entry["Groups"] = with_description({{"GroupId", permission.group}});
    list.push_back(entry);
  }
  return list;
}

// EC2 groups sources under one permission; albc compares one source at a time.
std::vector<SecurityGroupPermission> expand_permissions(const Json& permissions) {
  std::vector<SecurityGroupPermission> expanded;
  for (const Json& permission : as_list(permissions)) {
    SecurityGroupPermission base;
    base.protocol = text(permission, "ipProtocol");
    base.from_port = integer(permission, "fromPort", -1);
    base.to_port = integer(permission, "toPort", -1);
    for (const Json& range : list_at(permission, "ipRanges")) {
      SecurityGroupPermission one = base;
      one.cidr = text(range, "cidrIp");
      one.description = text(range, "description");
      expanded.push_back(one);
    }
    for (const Json& range : list_at(permission, "ipv6Ranges")) {
      SecurityGroupPermission one = base;
      one.cidr_v6 = text(range, "cidrIpv6");
      one.description = text(range, "description");
      expanded.push_back(one);
    }
    for (const Json& list : list_at(permission, "prefixListIds")) {
      SecurityGroupPermission one = base;
      one.prefix_list = text(list, "prefixListId");
      one.description = text(list, "description");
      expanded.push_back(one);
    }
    for (const Json& group : list_at(permission, "groups")) {
      SecurityGroupPermission one = base;
      one.group = text(group, "groupId");
      one.description = text(group, "description");
      expanded.push_back(one);
    }
  }
  return expanded;
}

}  // namespace

net::Awaitable<net::Result<std::vector<Vpc>>> Ec2::describe_vpcs(std::vector<std::string> ids,
                                                                 std::vector<Filter> filters) {
  Json params = Json::object();
  if (!ids.empty()) params["VpcId"] = ids;
  if (!filters.empty()) params["Filter"] = filters_input(filters);
  auto result = co_await client_.ec2("DescribeVpcs", params);
  if (!result) co_return net::fail(result.error());
  std::vector<Vpc> vpcs;
  for (const Json& node : list_at(*result, "vpcSet")) {
    Vpc vpc;
    vpc.id = text(node, "vpcId");
    vpc.tags = key_value_map(list_at(node, "tagSet"), "key", "value");
    for (const Json& association : list_at(node, "cidrBlockAssociationSet")) {
      vpc.cidrs.push_back(text(association, "cidrBlock"));
    }
    if (vpc.cidrs.empty()) vpc.cidrs.push_back(text(node, "cidrBlock"));
    vpcs.push_back(std::move(vpc));
  }
  co_return vpcs;
}

net::Awaitable<net::Result<std::vector<Subnet>>> Ec2::describe_subnets(
    std::vector<std::string> ids, std::vector<Filter> filters) {
  Json params = Json::object();
  if (!ids.empty()) params["SubnetId"] = ids;
  if (!filters.empty()) params["Filter"] = filters_input(filters);
  auto result = co_await client_.ec2("DescribeSubnets", params);
  if (!result) co_return net::fail(result.error());
  std::vector<Subnet> subnets;
  for (const Json& node : list_at(*result, "subnetSet")) {
    Subnet subnet;
    subnet.id = text(node, "subnetId");
    subnet.vpc_id = text(node, "vpcId");
    subnet.availability_zone = text(node, "availabilityZone");
    subnet.availability_zone_id = text(node, "availabilityZoneId");
    subnet.cidr = text(node, "cidrBlock");
    subnet.available_ips = integer(node, "availableIpAddressCount");
    subnet.tags = key_value_map(list_at(node, "tagSet"), "key", "value");
    subnets.push_back(std::move(subnet));
  }
  co_return subnets;
}

net::Awaitable<net::Result<std::vector<SecurityGroup>>> Ec2::describe_security_groups(
    std::vector<std::string> ids, std::vector<Filter> filters) {
  Json params = Json::object();
  if (!ids.empty()) params["GroupId"] = ids;
  if (!filters.empty()) params["Filter"] = filters_input(filters);
  auto result = co_await client_.ec2("DescribeSecurityGroups", params);
  if (!result) co_return net::fail(result.error());
  std::vector<SecurityGroup> groups;
  for (const Json& node : list_at(*result, "securityGroupInfo")) {
    SecurityGroup group;
    group.id = text(node, "groupId");
    group.name = text(node, "groupName");
    group.vpc_id = text(node, "vpcId");
    group.tags = key_value_map(list_at(node, "tagSet"), "key", "value");
    group.ingress = expand_permissions(member(node, "ipPermissions"));
    groups.push_back(std::move(group));
  }
  co_return groups;
}

net::Awaitable<net::Result<std::string>> Ec2::create_security_group(
    std::string vpc_id, std::string name, std::string description,
    std::map<std::string, std::string> tags) {
  Json params = {{"VpcId", vpc_id}, {"GroupName", name}, {"GroupDescription", description}};
  if (!tags.empty()) {
    params["TagSpecification"] =
        Json::array({{{"ResourceType", "security-group"}, {"Tag", key_value_list(tags)}}});
  }
  auto result = co_await client_.ec2("CreateSecurityGroup", params);
  if (!result) co_return net::fail(result.error());
  co_return text(*result, "groupId");
}

net::Awaitable<net::Result<void>> Ec2::delete_security_group(std::string id) {
  Json params = {{"GroupId", id}};
  co_return done(co_await client_.ec2("DeleteSecurityGroup", params));
}

net::Awaitable<net::Result<void>> Ec2::authorize_ingress(
    std::string group_id, std::vector<SecurityGroupPermission> permissions) {
  Json params = {{"GroupId", group_id}, {"IpPermissions", permissions_input(permissions)}};
  co_return done(co_await client_.ec2("AuthorizeSecurityGroupIngress", params));
}

net::Awaitable<net::Result<void>> Ec2::revoke_ingress(
    std::string group_id, std::vector<SecurityGroupPermission> permissions) {
  Json params = {{"GroupId", group_id}, {"IpPermissions", permissions_input(permissions)}};
  co_return done(co_await client_.ec2("RevokeSecurityGroupIngress", params));
}

net::Awaitable<net::Result<void>> Ec2::create_tags(std::string resource_id,
                                                   std::map<std::string, std::string> tags) {
  Json params = {{"ResourceId", Json::array({resource_id})}, {"Tag", key_value_list(tags)}};
  co_return done(co_await client_.ec2("CreateTags", params));
}

net::Awaitable<net::Result<void>> Ec2::delete_tags(std::string resource_id,
                                                   std::vector<std::string> keys) {
  Json tag_list = Json::array();
  for (const std::string& key : keys)
    tag_list.push_back({{"Key", key}});
  Json params = {{"ResourceId", Json::array({resource_id})}, {"Tag", tag_list}};
  co_return done(co_await client_.ec2("DeleteTags", params));
}

}  // namespace albc::aws
