#pragma once

#include <map>
#include <string>
#include <vector>

#include "controller/aws/aws_client.hpp"

namespace albc::aws {

struct Vpc {
  std::string id;
  std::vector<std::string> cidrs;
  std::map<std::string, std::string> tags;
};

struct Subnet {
  std::string id;
  std::string vpc_id;
  std::string availability_zone;
  std::string availability_zone_id;
  std::string cidr;
  int available_ips = 0;
  std::map<std::string, std::string> tags;
};

struct SecurityGroupPermission {
  std::string protocol;
  int from_port = -1;
  int to_port = -1;
  std::string cidr;  // one of cidr, cidr_v6, prefix_list, group is set
  std::string cidr_v6;
  std::string prefix_list;
  std::string group;
  std::string description;
  bool operator==(const SecurityGroupPermission& other) const {
    // Descriptions are not part of a permission's identity.
    return protocol == other.protocol && from_port == other.from_port && to_port == other.to_port &&
           cidr == other.cidr && cidr_v6 == other.cidr_v6 && prefix_list == other.prefix_list &&
           group == other.group;
  }
};

struct SecurityGroup {
  std::string id;
  std::string name;
  std::string vpc_id;
  std::map<std::string, std::string> tags;
  std::vector<SecurityGroupPermission> ingress;  // one source each
};

struct Filter {
  std::string name;
  std::vector<std::string> values;
};

// Typed EC2 calls.
class Ec2 {
 public:
  explicit Ec2(Client& client) : client_(client) {}

  net::Awaitable<net::Result<std::vector<Vpc>>> describe_vpcs(std::vector<std::string> ids,
                                                              std::vector<Filter> filters);
  net::Awaitable<net::Result<std::vector<Subnet>>> describe_subnets(std::vector<std::string> ids,
                                                                    std::vector<Filter> filters);
  net::Awaitable<net::Result<std::vector<SecurityGroup>>> describe_security_groups(
      std::vector<std::string> ids, std::vector<Filter> filters);
  net::Awaitable<net::Result<std::string>> create_security_group(
      std::string vpc_id, std::string name, std::string description,
      std::map<std::string, std::string> tags);
  net::Awaitable<net::Result<void>> delete_security_group(std::string id);
  net::Awaitable<net::Result<void>> authorize_ingress(
      std::string group_id, std::vector<SecurityGroupPermission> permissions);
  net::Awaitable<net::Result<void>> revoke_ingress(
      std::string group_id, std::vector<SecurityGroupPermission> permissions);
  net::Awaitable<net::Result<void>> create_tags(std::string resource_id,
                                                std::map<std::string, std::string> tags);
  net::Awaitable<net::Result<void>> delete_tags(std::string resource_id,
                                                std::vector<std::string> keys);

 private:
  Client& client_;
};

}  // namespace albc::aws
