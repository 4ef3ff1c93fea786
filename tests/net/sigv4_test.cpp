#include <catch2/catch.hpp>

#include "controller/net/digest.hpp"
#include "controller/net/sigv4.hpp"

using namespace albc::net;

namespace {
Request form_request() {
  Request request;
  request.method = "POST";
  request.target = "/";
  request.headers.set("Host", "elasticloadbalancing.ap-northeast-2.amazonaws.com");
  request.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  request.body = "Action=DescribeLoadBalancers&Version=2015-12-01";
  return request;
}
Clock::wall_time_point fixed_time() {
  return Clock::wall_time_point{} + std::chrono::seconds(1'767'225'600);  // 2026-01-01T00:00:00Z
}
}  // namespace

TEST_CASE("sigv4: digests match known values", "[net]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(base64_encode("ab") == "YWI=");
  CHECK(base64url_encode("\xfb\xff") == "-_8");
}

TEST_CASE("sigv4: a signed request carries a parseable Authorization header", "[net]") {
  Request request = form_request();
  sign_request(request, Credentials{"AKIDEXAMPLE", "secret", ""},
               SigningScope{"ap-northeast-2", "elasticloadbalancing"}, fixed_time());
  CHECK(request.headers.value_or("X-Amz-Date", "") == "20260101T000000Z");
  auto claim = parse_authorization(request.headers.value_or("Authorization", ""));
  REQUIRE(claim);
  CHECK(claim->access_key_id == "AKIDEXAMPLE");
  CHECK(claim->date == "20260101");
  CHECK(claim->region == "ap-northeast-2");
  CHECK(claim->service == "elasticloadbalancing");
  CHECK(claim->signed_headers == std::vector<std::string>{"content-type", "host", "x-amz-date"});
  CHECK(expected_signature(request, *claim, "secret") == claim->signature);
}

TEST_CASE("sigv4: a changed body or the wrong secret fails verification", "[net]") {
  Request request = form_request();
  sign_request(request, Credentials{"AKIDEXAMPLE", "secret", "token"},
               SigningScope{"ap-northeast-2", "elasticloadbalancing"}, fixed_time());
  auto claim = parse_authorization(request.headers.value_or("Authorization", ""));
  REQUIRE(claim);
  CHECK(claim->signed_headers.back() == "x-amz-security-token");
  CHECK(expected_signature(request, *claim, "other") != claim->signature);
  request.body += "&Marker=x";
  CHECK(expected_signature(request, *claim, "secret") != claim->signature);
}

TEST_CASE("sigv4: the signing key is derived once per secret, day, region and service", "[net]") {
  SigningKeyCache keys;
  Request plain = form_request();
  sign_request(plain, Credentials{"AKIDEXAMPLE", "secret", ""},
               SigningScope{"ap-northeast-2", "elasticloadbalancing"}, fixed_time());
  for (int i = 0; i < 3; ++i) {
    Request cached = form_request();
    sign_request(cached, Credentials{"AKIDEXAMPLE", "secret", ""},
                 SigningScope{"ap-northeast-2", "elasticloadbalancing"}, fixed_time(), &keys);
    CHECK(cached.headers.value_or("Authorization", "") ==
          plain.headers.value_or("Authorization", ""));
  }
  CHECK(keys.derivations() == 1);
  auto claim = parse_authorization(plain.headers.value_or("Authorization", ""));
  REQUIRE(claim);
  CHECK(expected_signature(plain, *claim, "secret", &keys) == claim->signature);
  CHECK(keys.derivations() == 1);  // the verifier's key is the signer's
  CHECK(expected_signature(plain, *claim, "other", &keys) != claim->signature);
  Request elsewhere = form_request();
  sign_request(elsewhere, Credentials{"AKIDEXAMPLE", "secret", ""},
               SigningScope{"eu-west-1", "elasticloadbalancing"}, fixed_time(), &keys);
  CHECK(keys.derivations() == 3);
  Request next_day = form_request();
  sign_request(next_day, Credentials{"AKIDEXAMPLE", "secret", ""},
               SigningScope{"eu-west-1", "elasticloadbalancing"},
               fixed_time() + std::chrono::hours(24), &keys);
  CHECK(keys.derivations() == 4);
}

TEST_CASE("sigv4: malformed Authorization headers are errors, not crashes", "[net]") {
  CHECK_FALSE(parse_authorization(""));
  CHECK_FALSE(parse_authorization("AWS4-HMAC-SHA256 Credential=a/b"));
  CHECK_FALSE(parse_authorization("Bearer token"));
}

TEST_CASE("sigv4: X-Amz-Date in any year parses without overflow", "[net]") {
  const auto far = parse_amz_date("99991231T235959Z");
  REQUIRE(far);
  CHECK(*far > fixed_time());
  const auto ancient = parse_amz_date("00000101T000000Z");
  REQUIRE(ancient);
  CHECK(*ancient < fixed_time());
  CHECK_FALSE(parse_amz_date("20261301T000000Z"));
  CHECK_FALSE(parse_amz_date("2026-01-01T00:00:00Z"));
}
