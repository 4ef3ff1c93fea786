#pragma once

#include <map>
#include <string_view>

#include "controller/net/random.hpp"
#include "sim/aws/aws_state.hpp"
#include "sim/aws/params.hpp"

namespace albc::sim::aws {

// The fake EC2 endpoint (API 2016-11-15): VPCs, subnets and security groups, the part of EC2
// the controller reads and writes. Results use EC2's lowerCamel names and <item> lists.
class Ec2Api {
 public:
  Ec2Api(AwsState& state, net::Random random);

  bool knows(std::string_view action) const;
  Outcome handle(std::string_view action, const Params& params);

 private:
  using Route = Outcome (Ec2Api::*)(const Params&);
  static const std::map<std::string_view, Route>& routes();
  Outcome create_vpc(const Params& params);
  Outcome describe_vpcs(const Params& params);
  Outcome associate_vpc_cidr_block(const Params& params);
  static Json cidr_association(const Vpc& vpc, const std::string& block);
  Outcome create_subnet(const Params& params);
  Outcome describe_subnets(const Params& params);
  Outcome describe_availability_zones(const Params& params);
  Outcome create_security_group(const Params& params);
  Outcome describe_security_groups(const Params& params);
  Outcome delete_security_group(const Params& params);
  Outcome change_ingress(const Params& params, bool authorize);
  Outcome authorize_ingress(const Params& params) { return change_ingress(params, true); }
  Outcome revoke_ingress(const Params& params) { return change_ingress(params, false); }
  Outcome create_tags(const Params& params);
  Outcome delete_tags(const Params& params);
  Tags* tags_of(const std::string& resource_id);

  AwsState& state_;
  net::Random random_;
};

// EC2's <tagSet>.
Json ec2_tag_set(const Tags& tags);

}  // namespace albc::sim::aws
