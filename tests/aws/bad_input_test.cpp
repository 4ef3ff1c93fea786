#include <catch2/catch.hpp>

#include "controller/net/sigv4.hpp"
#include "controller/net/url.hpp"
#include "controller/net/xml.hpp"
#include "tests/support/sim_fixture.hpp"

using namespace albc;

namespace {

struct Signed {
  std::string body = "Action=DescribeLoadBalancers&Version=2015-12-01";
  std::string service = "elasticloadbalancing";
  std::string region = "us-east-1";
  std::string access_key = "testing";
  std::string secret = "testing";
  net::Clock::duration skew{};
  bool sign_host = true;
};

net::Request make_request(const Signed& spec, net::Clock::wall_time_point now) {
  net::Request request;
  request.method = "POST";
  if (spec.sign_host) request.headers.set("Host", spec.service + ".us-east-1.amazonaws.com");
  request.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  request.body = spec.body;
  net::sign_request(request, {spec.access_key, spec.secret, ""}, {spec.region, spec.service},
                    now + spec.skew);
  if (!spec.sign_host) request.headers.set("Host", "elasticloadbalancing.us-east-1.amazonaws.com");
  return request;
}

struct Answer {
  int status;
  std::string code;
  std::string message;
};

Answer send(test_support::SimFixture& fixture, const net::Request& request) {
  const net::Response response = fixture.world.aws().handle(request);
  if (response.status == 200) return {200, "", ""};
  auto parsed = net::xml_to_json(response.body);
  REQUIRE(parsed);  // every error answer is well-formed XML
  const nlohmann::json& error = parsed->contains("ErrorResponse")
                                    ? (*parsed)["ErrorResponse"]["Error"]
                                    : (*parsed)["Response"]["Errors"]["Error"];
  return {response.status, error.value("Code", ""), error.value("Message", "")};
}

Answer send(test_support::SimFixture& fixture, const Signed& spec) {
  return send(fixture, make_request(spec, fixture.world.clock().wall_now()));
}

}  // namespace

TEST_CASE("aws bad input: SigV4 requests dated more than 15 minutes off are refused",
          "[aws][sim]") {
  test_support::SimFixture fixture(71);
  Signed past;
  past.skew = -std::chrono::minutes(16);
  auto expired = send(fixture, past);
  CHECK(expired.status == 403);
  CHECK(expired.code == "SignatureDoesNotMatch");
  CHECK(
      expired.message.starts_with("Signature expired: 20251231T234400Z is now earlier than "
                                  "20251231T234500Z (20260101T000000Z - 15 min.)"));
  Signed future;
  future.skew = std::chrono::hours(24 * 365 * 73);
  auto early = send(fixture, future);
  CHECK(early.status == 403);
  CHECK(early.message.starts_with("Signature not yet current: "));
  Signed within;
  within.skew = std::chrono::minutes(14);
  CHECK(send(fixture, within).status == 200);
  Signed ec2;
  ec2.service = "ec2";
  ec2.body = "Action=DescribeVpcs&Version=2016-11-15";
  ec2.skew = -std::chrono::hours(24 * 365 * 6);
  auto ec2_expired = send(fixture, ec2);
  CHECK(ec2_expired.status == 400);
  CHECK(ec2_expired.code == "RequestExpired");
  CHECK(ec2_expired.message == "Request has expired.");
}

TEST_CASE("aws bad input: host must be signed; broken headers are IncompleteSignature",
          "[aws][sim]") {
  test_support::SimFixture fixture(72);
  Signed unsigned_host;
  unsigned_host.sign_host = false;
  auto host = send(fixture, unsigned_host);
  CHECK(host.status == 403);
  CHECK(host.code == "SignatureDoesNotMatch");
  CHECK(host.message ==
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  net::Request request = make_request(Signed{}, fixture.world.clock().wall_now());
  request.headers.remove("X-Amz-Date");
  auto undated = send(fixture, request);
  CHECK(undated.status == 400);
  CHECK(undated.code == "IncompleteSignature");
  CHECK(undated.message ==
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  request.headers.set("X-Amz-Date", "2026");
  CHECK(send(fixture, request).message ==
        "Date must be in ISO-8601 'basic format'. Got '2026'. See "
        "http://en.wikipedia.org/wiki/ISO_8601");
  request.headers.set("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1");
  auto missing = send(fixture, request);
  CHECK(missing.code == "IncompleteSignature");
  CHECK(missing.message ==
        "Authorization header requires 'Signature' parameter. Authorization header requires "
        "'SignedHeaders' parameter.");
  Signed wrong_region;
  wrong_region.region = "eu-west-1";
  auto region = send(fixture, wrong_region);
  CHECK(region.status == 403);
  CHECK(region.message == "Credential should be scoped to a valid region, not 'eu-west-1'. ");
  Signed ec2_stranger;
  ec2_stranger.service = "ec2";
  ec2_stranger.body = "Action=DescribeVpcs&Version=2016-11-15";
  ec2_stranger.access_key = "nobody";
  auto stranger = send(fixture, ec2_stranger);
  CHECK(stranger.status == 401);
  CHECK(stranger.code == "AuthFailure");
}

TEST_CASE("aws bad input: text that cannot go back into XML is refused at the door", "[aws][sim]") {
  test_support::SimFixture fixture(73);
  fixture.build_account();
  auto created = fixture.run(fixture.elbv2.create_target_group({{"Name", "web"},
                                                                {"Protocol", "HTTP"},
                                                                {"Port", "80"},
                                                                {"VpcId", fixture.vpc_id},
                                                                {"TargetType", "ip"}}));
  REQUIRE(created);
  const std::string arn = created->arn;
  const std::string base =
      "Action=AddTags&Version=2015-12-01&ResourceArns.member.1=" + net::percent_encode(arn) +
      "&Tags.member.1.Key=k";
  Signed latin1;
  latin1.body = base + "&Tags.member.1.Value=caf%E9";
  auto invalid_utf8 = send(fixture, latin1);
  CHECK(invalid_utf8.status == 400);
  CHECK(invalid_utf8.code == "MalformedQueryString");
  CHECK(invalid_utf8.message ==
        "The value of parameter Tags.member.1.Value is not valid UTF-8 text or holds a control "
        "character");
  Signed control;
  control.body = base + "&Tags.member.1.Value=a%01b";
  CHECK(send(fixture, control).code == "MalformedQueryString");
  Signed pattern;
  pattern.body = base + "&Tags.member.1.Value=a%3Cb";
  auto angle = send(fixture, pattern);
  CHECK(angle.code == "ValidationError");
  CHECK(angle.message ==
        "1 validation error detected: Value 'a<b' at 'tags.1.member.value' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: "
        "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$");
  Signed reserved;
  reserved.body =
      "Action=AddTags&Version=2015-12-01&ResourceArns.member.1=" + net::percent_encode(arn) +
      "&Tags.member.1.Key=aws%3Ax&Tags.member.1.Value=v";
  CHECK(send(fixture, reserved).message == "Tag key 'aws:x' cannot start with 'aws:'");
  Signed nothing;
  nothing.body = "Action=AddTags&Version=2015-12-01";
  CHECK(send(fixture, nothing).message ==
        "1 validation error detected: Value null at 'resourceArns' failed to satisfy constraint: "
        "Member must not be null");
  // None of the refused calls tagged anything.
  auto tags = fixture.run(fixture.elbv2.describe_tags({arn}));
  REQUIRE(tags);
  CHECK(tags->at(arn).empty());
}

TEST_CASE("aws bad input: a structure given as a value reads as missing, not as a crash",
          "[aws][sim]") {
  test_support::SimFixture fixture(74);
  fixture.build_account();
  Signed scalar_tags;
  scalar_tags.body = "Action=AddTags&Version=2015-12-01&ResourceArns.member.1=x&Tags.member.1=v";
  auto tags = send(fixture, scalar_tags);
  CHECK(tags.status == 400);
  CHECK(tags.code == "ValidationError");
  CHECK(tags.message ==
        "1 validation error detected: Value null at 'tags.1.member.key' failed to satisfy "
        "constraint: Member must not be null");
  Signed scalar_actions;
  scalar_actions.body =
      "Action=CreateListener&Version=2015-12-01&LoadBalancerArn=x&Protocol=HTTP&Port=80"
      "&DefaultActions.member.1=forward";
  CHECK(send(fixture, scalar_actions).status == 400);
}

TEST_CASE("aws bad input: empty lists, constraint order, and unknown actions not kept by name",
          "[aws][sim]") {
  test_support::SimFixture fixture(75);
  Signed empty;
  empty.body = "Action=AddTags&Version=2015-12-01&ResourceArns.member.1=x&Tags=";
  CHECK(send(fixture, empty).message ==
        "1 validation error detected: Value '[]' at 'tags' failed to satisfy constraint: Member "
        "must have length greater than or equal to 1");
  // The model's constraints (a bad second tag) come before the service's checks (aws: key).
  Signed order;
  order.body =
      "Action=AddTags&Version=2015-12-01&ResourceArns.member.1=x&Tags.member.1.Key=aws%3Ax"
      "&Tags.member.2.Key=k&Tags.member.2.Value=%3C";
  CHECK(
      send(fixture, order)
          .message.starts_with("1 validation error detected: Value '<' at 'tags.2.member.value'"));
  for (int i = 0; i < 50; ++i) {
    Signed invented;
    invented.body = "Action=Invented" + std::to_string(i) + "&Version=2015-12-01";
    CHECK(send(fixture, invented).code == "InvalidAction");
  }
  const auto& counts = fixture.world.aws().calls_by_operation();
  CHECK(counts.at("elbv2 Unknown").calls == 50);
  CHECK_FALSE(counts.contains("elbv2 Invented0"));
}
