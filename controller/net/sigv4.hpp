#pragma once

#include <functional>
#include <map>
#include <optional>
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

// The signing key derived from a secret for one day, region and service (four HMACs), kept as the
// SDKs keep it: it changes only when one of those does. Signers and verifiers that handle many
// requests own one; a few dozen keys cover any realistic mix.
class SigningKeyCache {
 public:
  std::string key(std::string_view secret, std::string_view date, std::string_view region,
                  std::string_view service);
  std::size_t derivations() const { return derivations_; }

 private:
  static constexpr std::size_t kKeysMax = 64;
  std::map<std::string, std::string> keys_;  // by secret, date, region and service
  std::size_t derivations_ = 0;
};

// AWS Signature Version 4 over a request whose Host header is set: adds X-Amz-Date,
// X-Amz-Security-Token (session credentials) and Authorization. Signs content-type, host and
// the x-amz-* headers.
void sign_request(Request& request, const Credentials& credentials, const SigningScope& scope,
                  Clock::wall_time_point now, SigningKeyCache* keys = nullptr);

// What an Authorization header says.
struct SignatureClaim {
  std::string access_key_id;
  std::string date;  // YYYYMMDD
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;
  std::string signature;
};

// Errors ("IncompleteSignature") are worded as AWS words them.
Result<SignatureClaim> parse_authorization(std::string_view header);

// The signature a request should carry, given the claim's scope and signed headers.
std::string expected_signature(const Request& request, const SignatureClaim& claim,
                               std::string_view secret_access_key, SigningKeyCache* keys = nullptr);

// Why AWS's front door refuses a request's signature. Services answer each kind with their own
// status and code (ELBv2: IncompleteSignature, SignatureDoesNotMatch, InvalidClientTokenId;
// EC2: RequestExpired, AuthFailure); the message is AWS's.
struct SignatureRejection {
  enum class Kind { Incomplete, DoesNotMatch, Expired, UnknownKey };
  Kind kind = Kind::Incomplete;
  std::string message;
};

// The secret of an access key, or nullopt for a key the server does not know.
using SecretLookup = std::function<std::optional<std::string>(std::string_view access_key_id)>;

// How far a request's X-Amz-Date may be from the server's clock, either way.
inline constexpr std::chrono::minutes kSignatureSkewMax{15};

// Verifies a SigV4-signed request as AWS does, in AWS's order: the Authorization header's form,
// `host` among the signed headers, X-Amz-Date present, well-formed and within 15 minutes of
// `now`, the credential scope (region, service, date), the access key, then the signature
// (compared in constant time).
Result<SignatureClaim, SignatureRejection> verify_signature(
    const Request& request, const SecretLookup& secret_of, Clock::wall_time_point now,
    std::string_view region, std::string_view service, SigningKeyCache* keys = nullptr);

// "20260101T000000Z" back into a time point; nullopt unless exactly that form.
std::optional<Clock::wall_time_point> parse_amz_date(std::string_view text);

// "20260101T000000Z"
std::string amz_date(Clock::wall_time_point time);

}  // namespace albc::net
