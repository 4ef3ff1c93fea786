#include <catch2/catch.hpp>

#include "controller/net/cidr.hpp"

using namespace albc::net;

TEST_CASE("cidr: blocks parse, contain and overlap", "[net]") {
  auto vpc = parse_cidr("10.20.0.0/16");
  auto subnet = parse_cidr("10.20.1.0/24");
  REQUIRE(vpc);
  REQUIRE(subnet);
  CHECK(vpc->contains(*subnet));
  CHECK_FALSE(subnet->contains(*vpc));
  CHECK(vpc->overlaps(*subnet));
  CHECK(subnet->contains(*parse_ipv4("10.20.1.200")));
  CHECK_FALSE(subnet->contains(*parse_ipv4("10.20.2.1")));
  CHECK(subnet->usable_addresses() == 251);
  CHECK(subnet->to_string() == "10.20.1.0/24");
}

TEST_CASE("cidr: malformed blocks and addresses are rejected", "[net]") {
  CHECK_FALSE(parse_cidr("10.0.0.1/24"));  // host bits set
  CHECK_FALSE(parse_cidr("10.0.0.0/33"));
  CHECK_FALSE(parse_cidr("10.0.0.0"));
  CHECK_FALSE(parse_cidr("300.0.0.0/8"));
  CHECK_FALSE(parse_ipv4("1.2.3"));
  CHECK_FALSE(parse_ipv4("1.2.3.4.5"));
  CHECK(is_ipv6_cidr("::/0"));
  CHECK(is_ipv6_cidr("2001:db8::/32"));
  CHECK_FALSE(is_ipv6_cidr("2001:db8::"));
  CHECK_FALSE(is_ipv6_cidr("10.0.0.0/8"));
}

TEST_CASE("cidr: zone IDs follow AWS's naming", "[net]") {
  CHECK(availability_zone_id("ap-northeast-2", "ap-northeast-2a") == "apne2-az1");
  CHECK(availability_zone_id("us-east-1", "us-east-1c") == "use1-az3");
  CHECK(availability_zone_id("eu-west-1", "eu-west-1b") == "euw1-az2");
}
