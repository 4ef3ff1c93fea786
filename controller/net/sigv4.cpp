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

std::string signature_for(const std::string& canonical, std::string_view date_time,
                          std::string_view date, std::string_view region, std::string_view service,
                          std::string_view secret) {
  const std::string scope =
      std::string(date) + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  const std::string string_to_sign =
      "AWS4-HMAC-SHA256\n" + std::string(date_time) + "\n" + scope + "\n" + sha256_hex(canonical);
  std::string key = hmac_sha256("AWS4" + std::string(secret), date);
  key = hmac_sha256(key, region);
  key = hmac_sha256(key, service);
  key = hmac_sha256(key, "aws4_request");
  return to_hex(hmac_sha256(key, string_to_sign));
}

}  // namespace

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
                  Clock::wall_time_point now) {
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
                    scope.service, credentials.secret_access_key);
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

Result<SignatureClaim> parse_authorization(std::string_view header) {
  constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256 ";
  if (!header.starts_with(kAlgorithm)) {
    return fail("IncompleteSignature", "Authorization header must start with AWS4-HMAC-SHA256");
  }
  SignatureClaim claim;
  std::string_view rest = header.substr(kAlgorithm.size());
  std::string credential;
  std::string signed_headers;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!part.empty() && part.front() == ' ')
      part.remove_prefix(1);
    const auto eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = part.substr(0, eq);
    const std::string_view value = part.substr(eq + 1);
    if (key == "Credential") credential = value;
    if (key == "SignedHeaders") signed_headers = value;
    if (key == "Signature") claim.signature = value;
  }
  std::vector<std::string> scope;
  std::size_t start = 0;
  while (start <= credential.size()) {
    const auto slash = credential.find('/', start);
    scope.push_back(
        credential.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (scope.size() != 5 || scope[4] != "aws4_request" || claim.signature.empty() ||
      signed_headers.empty()) {
    return fail("IncompleteSignature",
                "Authorization header requires Credential, SignedHeaders and Signature");
  }
  claim.access_key_id = scope[0];
  claim.date = scope[1];
  claim.region = scope[2];
  claim.service = scope[3];
  start = 0;
  while (start <= signed_headers.size()) {
    const auto semicolon = signed_headers.find(';', start);
    claim.signed_headers.push_back(signed_headers.substr(
        start, semicolon == std::string::npos ? std::string::npos : semicolon - start));
    if (semicolon == std::string::npos) break;
    start = semicolon + 1;
  }
  return claim;
}

std::string expected_signature(const Request& request, const SignatureClaim& claim,
                               std::string_view secret_access_key) {
  const std::string date_time = request.headers.value_or("X-Amz-Date", "");
  return signature_for(canonical_request(request, claim.signed_headers), date_time, claim.date,
                       claim.region, claim.service, secret_access_key);
}

}  // namespace albc::net
