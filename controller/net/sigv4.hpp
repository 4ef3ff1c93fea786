#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "controller/net/clock.hpp"
#include "controller/net/http.hpp"
#include "controller/net/result.hpp"

namespace albc::net {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
};

struct SigningScope {
  std::string region;
  std::string service;  // the signing name: "elasticloadbalancing", "ec2", ...
};

// AWS Signature Version 4 over a request whose Host header is set: adds X-Amz-Date,
// X-Amz-Security-Token (session credentials) and Authorization. Signs content-type, host and
// the x-amz-* headers.
void sign_request(Request& request, const Credentials& credentials, const SigningScope& scope,
                  Clock::wall_time_point now);

// What an Authorization header says.
struct SignatureClaim {
  std::string access_key_id;
  std::string date;  // YYYYMMDD
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;
  std::string signature;
};

Result<SignatureClaim> parse_authorization(std::string_view header);

// The signature a request should carry, given the claim's scope and signed headers.
std::string expected_signature(const Request& request, const SignatureClaim& claim,
                               std::string_view secret_access_key);

// "20260101T000000Z"
std::string amz_date(Clock::wall_time_point time);

}  // namespace albc::net
