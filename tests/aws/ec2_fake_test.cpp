#include <catch2/catch.hpp>

#include "controller/net/sigv4.hpp"
#include "tests/support/sim_fixture.hpp"

using namespace albc;
using Json = nlohmann::json;

TEST_CASE("ec2 fake: security groups, rules and their errors", "[aws][sim]") {
  test_support::SimFixture fixture(11);
  fixture.build_account();
  auto created = fixture.run(fixture.ec2.create_security_group(
      fixture.vpc_id, "lb", "for the load balancer", {{"team", "a"}}));
  REQUIRE(created);
  auto duplicate =
      fixture.run(fixture.ec2.create_security_group(fixture.vpc_id, "lb", "again", {}));
  REQUIRE_FALSE(duplicate);
  CHECK(duplicate.error().code == "InvalidGroup.Duplicate");
  aws::SecurityGroupPermission http;
  http.protocol = "tcp";
  http.from_port = 80;
  http.to_port = 80;
  http.cidr = "0.0.0.0/0";
  REQUIRE(fixture.run(fixture.ec2.authorize_ingress(*created, {http})));
  auto again = fixture.run(fixture.ec2.authorize_ingress(*created, {http}));
  REQUIRE_FALSE(again);
  CHECK(again.error().code == "InvalidPermission.Duplicate");
  std::vector<aws::Filter> filters = {{"tag:team", {"a"}}, {"vpc-id", {fixture.vpc_id}}};
  auto found = fixture.run(fixture.ec2.describe_security_groups({}, filters));
  REQUIRE(found);
  REQUIRE(found->size() == 1);
  CHECK(found->front().ingress == std::vector<aws::SecurityGroupPermission>{http});
  REQUIRE(fixture.run(fixture.ec2.revoke_ingress(*created, {http})));
  auto missing = fixture.run(fixture.ec2.revoke_ingress(*created, {http}));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == "InvalidPermission.NotFound");
  REQUIRE(fixture.run(fixture.ec2.delete_security_group(*created)));
  auto gone = fixture.run(fixture.ec2.delete_security_group(*created));
  REQUIRE_FALSE(gone);
  CHECK(gone.error().code == "InvalidGroup.NotFound");
}

TEST_CASE("ec2 fake: filters select by tag and wildcard; unknown filters are refused",
          "[aws][sim]") {
  test_support::SimFixture fixture(12);
  fixture.build_account();
  std::vector<aws::Filter> public_subnets = {{"tag:kubernetes.io/role/elb", {"", "1"}}};
  auto found = fixture.run(fixture.ec2.describe_subnets({}, public_subnets));
  REQUIRE(found);
  CHECK(found->size() == 2);
  std::vector<aws::Filter> wildcard = {{"tag:Name", {"private-*"}}};
  auto named = fixture.run(fixture.ec2.describe_subnets({}, wildcard));
  REQUIRE(named);
  CHECK(named->size() == 2);
  std::vector<aws::Filter> bogus = {{"bogus", {"x"}}};
  auto refused = fixture.run(fixture.ec2.describe_subnets({}, bogus));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "InvalidParameterValue");
  auto unknown = fixture.run(fixture.ec2.describe_vpcs({"vpc-0000"}, {}));
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == "InvalidVpcID.NotFound");
}

TEST_CASE("aws fake: requests are verified against their SigV4 signature", "[aws][sim]") {
  test_support::SimFixture fixture(13);
  const auto now = fixture.world.clock().wall_now();
  auto signed_request = [now](std::string secret, std::string access_key, std::string region) {
    net::Request request;
    request.method = "POST";
    request.headers.set("Host", "elasticloadbalancing.us-east-1.amazonaws.com");
    request.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    request.body = "Action=DescribeLoadBalancers&Version=2015-12-01";
    net::sign_request(request, {access_key, secret, ""}, {region, "elasticloadbalancing"}, now);
    return request;
  };
  auto answer = fixture.world.aws().handle(signed_request("testing", "testing", "us-east-1"));
  CHECK(answer.status == 200);
  CHECK(answer.body.find("<DescribeLoadBalancersResult>") != std::string::npos);
  answer = fixture.world.aws().handle(signed_request("wrong", "testing", "us-east-1"));
  CHECK(answer.status == 403);
  CHECK(answer.body.find("<Code>SignatureDoesNotMatch</Code>") != std::string::npos);
  answer = fixture.world.aws().handle(signed_request("testing", "nobody", "us-east-1"));
  CHECK(answer.status == 403);
  CHECK(answer.body.find("<Code>InvalidClientTokenId</Code>") != std::string::npos);
  net::Request unsigned_request;
  unsigned_request.method = "POST";
  unsigned_request.body = "Action=DescribeVpcs&Version=2016-11-15";
  answer = fixture.world.aws().handle(unsigned_request);
  CHECK(answer.status == 403);
  CHECK(answer.body.find("<Response><Errors><Error><Code>MissingAuthenticationToken</Code>") !=
        std::string::npos);
}

TEST_CASE("ec2 fake: a VPC takes secondary CIDR blocks for its subnets and targets", "[aws][sim]") {
  test_support::SimFixture fixture(12);
  fixture.build_account();
  auto associate = [&](const std::string& block) {
    return fixture.run(fixture.aws_client.ec2("AssociateVpcCidrBlock",
                                              {{"VpcId", fixture.vpc_id}, {"CidrBlock", block}}));
  };
  auto associated = associate("10.1.0.0/16");
  REQUIRE(associated);
  CHECK((*associated)["cidrBlockAssociation"]["cidrBlock"] == "10.1.0.0/16");
  // What the controller reads for its VPC's blocks, and the filter on any of them.
  auto vpcs = fixture.run(
      fixture.ec2.describe_vpcs({}, {{"cidr-block-association.cidr-block", {"10.1.0.0/16"}}}));
  REQUIRE(vpcs);
  REQUIRE(vpcs->size() == 1);
  CHECK(vpcs->front().cidrs == std::vector<std::string>{"10.0.0.0/16", "10.1.0.0/16"});
  auto subnet = fixture.run(fixture.aws_client.ec2(
      "CreateSubnet", {{"VpcId", fixture.vpc_id},
                       {"CidrBlock", "10.1.0.0/20"},
                       {"AvailabilityZone", fixture.world.options().region + "a"}}));
  CHECK(subnet);
  auto overlapping = associate("10.1.128.0/17");
  REQUIRE_FALSE(overlapping);
  CHECK(overlapping.error().code == "InvalidVpc.Range");
  for (const char* block : {"10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16"})
    REQUIRE(associate(block));
  auto sixth = associate("10.5.0.0/16");
  REQUIRE_FALSE(sixth);
  CHECK(sixth.error().code == "CidrLimitExceeded");
  // An ip target in a secondary block is inside the VPC.
  auto group = fixture.run(fixture.elbv2.create_target_group({{"Name", "web"},
                                                              {"Protocol", "HTTP"},
                                                              {"Port", "80"},
                                                              {"VpcId", fixture.vpc_id},
                                                              {"TargetType", "ip"}}));
  REQUIRE(group);
  CHECK(fixture.run(fixture.elbv2.register_targets(group->arn, {{"10.3.0.9", 80, ""}})));
}
