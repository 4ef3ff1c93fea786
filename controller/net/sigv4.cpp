#include "controller/net/sigv4.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "controller/net/digest.hpp"
#include "controller/net/url.hpp"

namespace albc::net {
namespace {

std::string lower(std::string_view text) {
  std::string result(text);
  for (char& c : result)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

// Trims and collapses runs of spaces, as the canonical header form requires.
std::string canonical_header_value(std::string_view value) {
  std::string result;
  bool in_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      in_space = true;
      continue;
    }
    if (in_space && !result.empty()) result += ' ';
    in_space = false;
    result += c;
  }
  return result;
}

std::string canonical_uri(std::string_view path) {
  if (path.empty()) return "/";
  std::string uri;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto segment = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    auto decoded = percent_decode(segment, false);
    uri += percent_encode(decoded ? *decoded : std::string(segment));
    if (slash == std::string_view::npos) break;
    uri += '/';
    start = slash + 1;
  }
  return uri;
}

std::string canonical_query(std::string_view query) {
  auto form = QueryForm::parse(query);
  if (!form) return "";
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& [name, value] : form->entries()) {
    pairs.emplace_back(percent_encode(name), percent_encode(value));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string result;
  for (const auto& [name, value] : pairs) {
    if (!result.empty()) result += '&';
    result += name + "=" + value;
  }
  return result;
}

std::string canonical_request(const Request& request,
                              const std::vector<std::string>& signed_headers) {
  std::string text = request.method + "\n";
  text += canonical_uri(request.path()) + "\n";
  text += canonical_query(request.query()) + "\n";
  for (const std::string& name : signed_headers) {
    text += name + ":" + canonical_header_value(request.headers.value_or(name, "")) + "\n";
  }
  text += "\n";
  std::string joined;
  for (const std::string& name : signed_headers) {
    if (!joined.empty()) joined += ';';
    joined += name;
  }
  text += joined + "\n";
  text += sha256_hex(request.body);
  return text;
}

std::string derive_key(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service) {
  std::string key = hmac_sha256("AWS4" + std::string(secret), date);
  key = hmac_sha256(key, region);
  key = hmac_sha256(key, service);
  return hmac_sha256(key, "aws4_request");
}

std::string signature_for(const std::string& canonical, std::string_view date_time,
                          std::string_view date, std::string_view region, std::string_view service,
                          std::string_view secret, SigningKeyCache* keys) {
  const std::string scope =
      std::string(date) + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  const std::string string_to_sign =
      "AWS4-HMAC-SHA256\n" + std::string(date_time) + "\n" + scope + "\n" + sha256_hex(canonical);
  const std::string key = keys != nullptr ? keys->key(secret, date, region, service)
                                          : derive_key(secret, date, region, service);
  return to_hex(hmac_sha256(key, string_to_sign));
}

}  // namespace

std::string SigningKeyCache::key(std::string_view secret, std::string_view date,
                                 std::string_view region, std::string_view service) {
  std::string id;
  for (std::string_view part : {secret, date, region, service}) {
    id += part;
    id += '\0';
  }
  if (auto found = keys_.find(id); found != keys_.end()) return found->second;
  if (keys_.size() >= kKeysMax) keys_.clear();  // a new day, or a churn of secrets: start over
  ++derivations_;
  return keys_[id] = derive_key(secret, date, region, service);
}

std::string amz_date(Clock::wall_time_point time) {
  const std::time_t seconds =
      std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(time));
  std::tm fields{};
  gmtime_r(&seconds, &fields);
  char text[20];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &fields);
  return text;
}

void sign_request(Request& request, const Credentials& credentials, const SigningScope& scope,
                  Clock::wall_time_point now, SigningKeyCache* keys) {
  const std::string date_time = amz_date(now);
  const std::string date = date_time.substr(0, 8);
  request.headers.set("X-Amz-Date", date_time);
  if (!credentials.session_token.empty()) {
    request.headers.set("X-Amz-Security-Token", credentials.session_token);
  }
  std::vector<std::string> signed_headers;
  for (const Header& field : request.headers) {
    const std::string name = lower(field.name);
    if (name == "host" || name == "content-type" || name.starts_with("x-amz-")) {
      signed_headers.push_back(name);
    }
  }
  std::sort(signed_headers.begin(), signed_headers.end());
  signed_headers.erase(std::unique(signed_headers.begin(), signed_headers.end()),
                       signed_headers.end());
  const std::string signature =
      signature_for(canonical_request(request, signed_headers), date_time, date, scope.region,
                    scope.service, credentials.secret_access_key, keys);
  std::string joined;
  for (const std::string& name : signed_headers) {
    if (!joined.empty()) joined += ';';
    joined += name;
  }
  request.headers.set("Authorization", "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id +
                                           "/" + date + "/" + scope.region + "/" + scope.service +
                                           "/aws4_request, SignedHeaders=" + joined +
                                           ", Signature=" + signature);
}

namespace {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto found = text.find(separator, start);
    parts.emplace_back(text.substr(
        start, found == std::string_view::npos ? std::string_view::npos : found - start));
    if (found == std::string_view::npos) break;
    start = found + 1;
  }
  return parts;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

}  // namespace

Result<SignatureClaim> parse_authorization(std::string_view header) {
  constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
  const std::string_view algorithm = header.substr(0, header.find(' '));
  if (algorithm != kAlgorithm) {
    return fail("IncompleteSignature", "Unsupported AWS 'algorithm': '" + std::string(algorithm) +
                                           "' (only AWS4-HMAC-SHA256 for now). ");
  }
  SignatureClaim claim;
  std::string credential;
  std::string signed_headers;
  bool has_credential = false;
  bool has_signed_headers = false;
  bool has_signature = false;
  for (const std::string& part : split(header.substr(kAlgorithm.size()), ',')) {
    const std::string_view pair = trimmed(part);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) {
      return fail("IncompleteSignature",
                  "'" + std::string(pair) +
                      "' not a valid key=value pair (missing equal-sign) in Authorization "
                      "header: '" +
                      std::string(header) + "'.");
    }
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value = pair.substr(eq + 1);
    if (key == "Credential") {
      credential = value;
      has_credential = true;
    } else if (key == "SignedHeaders") {
      signed_headers = value;
      has_signed_headers = true;
    } else if (key == "Signature") {
      claim.signature = value;
      has_signature = true;
    }
  }
  std::string missing;
  if (!has_credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!has_signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!has_signed_headers) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!missing.empty()) {
    missing.pop_back();
    return fail("IncompleteSignature", missing);
  }
  const std::vector<std::string> scope = split(credential, '/');
  if (scope.size() != 5) {
    return fail("IncompleteSignature",
                "Credential must have exactly 5 slash-delimited elements, e.g. "
                "keyid/date/region/service/term, got '" +
                    credential + "'");
  }
  if (scope[4] != "aws4_request") {
    return fail("SignatureDoesNotMatch",
                "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                    scope[4] + "'. ");
  }
  claim.access_key_id = scope[0];
  claim.date = scope[1];
  claim.region = scope[2];
  claim.service = scope[3];
  claim.signed_headers = split(signed_headers, ';');
  return claim;
}

std::optional<Clock::wall_time_point> parse_amz_date(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  for (std::size_t i = 0; i < 15; ++i) {
    if (i != 8 && (text[i] < '0' || text[i] > '9')) return std::nullopt;
  }
  auto number = [&](std::size_t at, std::size_t length) {
    int value = 0;
    for (std::size_t i = at; i < at + length; ++i)
      value = value * 10 + (text[i] - '0');
    return value;
  };
  std::tm fields{};
  // The clock's nanoseconds reach from 1677 to 2262: years are kept within 1900 and 2200, still
  // far past or ahead for the 15-minute check.
  fields.tm_year = std::clamp(number(0, 4), 1900, 2200) - 1900;
  fields.tm_mon = number(4, 2) - 1;
  fields.tm_mday = number(6, 2);
  fields.tm_hour = number(9, 2);
  fields.tm_min = number(11, 2);
  fields.tm_sec = number(13, 2);
  if (fields.tm_mon > 11 || fields.tm_mday < 1 || fields.tm_mday > 31 || fields.tm_hour > 23 ||
      fields.tm_min > 59 || fields.tm_sec > 60) {
    return std::nullopt;
  }
  return std::chrono::system_clock::from_time_t(timegm(&fields));
}

namespace {

Unexpected<SignatureRejection> rejected(SignatureRejection::Kind kind, std::string message) {
  return fail(SignatureRejection{kind, std::move(message)});
}

// The date and skew checks, after the header's form.
Result<void, SignatureRejection> check_date(const std::optional<std::string_view>& header,
                                            const SignatureClaim& claim,
                                            Clock::wall_time_point now) {
  using Kind = SignatureRejection::Kind;
  if (!header) {
    return rejected(Kind::Incomplete,
                    "Authorization header requires existence of either a 'X-Amz-Date' or a "
                    "'Date' header.");
  }
  const auto signed_at = parse_amz_date(*header);
  if (!signed_at) {
    return rejected(Kind::Incomplete, "Date must be in ISO-8601 'basic format'. Got '" +
                                          std::string(*header) +
                                          "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
  if (*signed_at < now - kSignatureSkewMax) {
    return rejected(Kind::Expired, "Signature expired: " + std::string(*header) +
                                       " is now earlier than " + amz_date(now - kSignatureSkewMax) +
                                       " (" + amz_date(now) + " - 15 min.)");
  }
  if (*signed_at > now + kSignatureSkewMax) {
    return rejected(Kind::Expired, "Signature not yet current: " + std::string(*header) +
                                       " is still later than " + amz_date(now + kSignatureSkewMax) +
                                       " (" + amz_date(now) + " + 15 min.)");
  }
  if (claim.date != header->substr(0, 8)) {
    return rejected(Kind::DoesNotMatch,
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                    "date from HTTP: '" +
                        claim.date + "' != '" + std::string(header->substr(0, 8)) + "', from '" +
                        std::string(*header) + "'.");
  }
  return {};
}

}  // namespace

Result<SignatureClaim, SignatureRejection> verify_signature(
    const Request& request, const SecretLookup& secret_of, Clock::wall_time_point now,
    std::string_view region, std::string_view service, SigningKeyCache* keys) {
  using Kind = SignatureRejection::Kind;
  auto claim = parse_authorization(request.headers.value_or("Authorization", ""));
  if (!claim) {
    const Kind kind =
        claim.error().code == "IncompleteSignature" ? Kind::Incomplete : Kind::DoesNotMatch;
    return rejected(kind, claim.error().message);
  }
  if (std::find(claim->signed_headers.begin(), claim->signed_headers.end(), "host") ==
      claim->signed_headers.end()) {
    return rejected(Kind::DoesNotMatch,
                    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (auto dated = check_date(request.headers.get("X-Amz-Date"), *claim, now); !dated) {
    return fail(std::move(dated).error());
  }
  std::string scope_errors;
  if (claim->region != region) {
    scope_errors += "Credential should be scoped to a valid region, not '" + claim->region + "'. ";
  }
  if (claim->service != service) {
    scope_errors +=
        "Credential should be scoped to correct service: '" + std::string(service) + "'. ";
  }
  if (!scope_errors.empty()) return rejected(Kind::DoesNotMatch, scope_errors);
  const std::optional<std::string> secret = secret_of(claim->access_key_id);
  if (!secret) {
    return rejected(Kind::UnknownKey, "The security token included in the request is invalid.");
  }
  const std::string expected = expected_signature(request, *claim, *secret, keys);
  if (!constant_time_equals(expected, claim->signature)) {
    return rejected(Kind::DoesNotMatch,
                    "The request signature we calculated does not match the signature you "
                    "provided. Check your AWS Secret Access Key and signing method. Consult the "
                    "service documentation for details.");
  }
  return std::move(*claim);
}

std::string expected_signature(const Request& request, const SignatureClaim& claim,
                               std::string_view secret_access_key, SigningKeyCache* keys) {
  const std::string date_time = request.headers.value_or("X-Amz-Date", "");
  return signature_for(canonical_request(request, claim.signed_headers), date_time, claim.date,
                       claim.region, claim.service, secret_access_key, keys);
}

}  // namespace albc::net
