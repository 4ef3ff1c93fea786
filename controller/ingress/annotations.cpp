#include "controller/ingress/annotations.hpp"

#include <charconv>

#include "controller/net/json.hpp"

namespace albc::ingress {
namespace {

std::string full_key(std::string_view name) {
  return std::string(kAnnotationPrefix) + std::string(name);
}

std::string trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

net::Result<bool> parse_go_bool(std::string_view raw) {
  if (raw == "1" || raw == "t" || raw == "T" || raw == "TRUE" || raw == "true" || raw == "True")
    return true;
  if (raw == "0" || raw == "f" || raw == "F" || raw == "FALSE" || raw == "false" || raw == "False")
    return false;
  return net::fail("InvalidAnnotation",
                   "strconv.ParseBool: parsing \"" + std::string(raw) + "\": invalid syntax");
}

net::Result<std::int64_t> parse_go_int(std::string_view raw, int bits) {
  std::string_view digits = raw;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || end != digits.data() + digits.size() ||
      (error != std::errc() && error != std::errc::result_out_of_range)) {
    return net::fail("InvalidAnnotation",
                     "strconv.ParseInt: parsing \"" + std::string(raw) + "\": invalid syntax");
  }
  const std::int64_t limit = bits == 32 ? std::int64_t{2147483647} : INT64_MAX;
  if (error == std::errc::result_out_of_range || value > limit || value < -limit - 1) {
    return net::fail("InvalidAnnotation",
                     "strconv.ParseInt: parsing \"" + std::string(raw) + "\": value out of range");
  }
  return value;
}

Annotations::Annotations(const Json& annotations) {
  if (!annotations.is_object()) return;
  for (auto it = annotations.begin(); it != annotations.end(); ++it) {
    if (it->is_string() && it.key().starts_with(kAnnotationPrefix))
      values_[it.key()] = it->get<std::string>();
  }
}

Annotations Annotations::of(const Json& object) {
  static const Json kNone = Json::object();
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return Annotations(kNone);
  const auto annotations = metadata->find("annotations");
  return Annotations(annotations == metadata->end() ? kNone : *annotations);
}

Annotations Annotations::merged(const Annotations& ingress, const Annotations& service) {
  Annotations result = ingress;
  for (const auto& [key, value] : service.values_)
    result.values_[key] = value;
  return result;
}

bool Annotations::has(std::string_view name) const {
  return values_.contains(full_key(name));
}

std::optional<std::string> Annotations::string(std::string_view name) const {
  auto found = values_.find(full_key(name));
  if (found == values_.end()) return std::nullopt;
  return found->second;
}

net::Result<std::optional<bool>> Annotations::boolean(std::string_view name) const {
  const auto raw = string(name);
  if (!raw) return std::optional<bool>();
  auto parsed = parse_go_bool(*raw);
  if (!parsed) {
    return net::fail("InvalidAnnotation", "failed to parse bool annotation, " + full_key(name) +
                                              ": " + *raw + ": " + parsed.error().message);
  }
  return std::optional<bool>(*parsed);
}

net::Result<std::optional<std::int32_t>> Annotations::int32(std::string_view name) const {
  const auto raw = string(name);
  if (!raw) return std::optional<std::int32_t>();
  auto parsed = parse_go_int(*raw, 32);
  if (!parsed) {
    return net::fail("InvalidAnnotation", "failed to parse int32 annotation, " + full_key(name) +
                                              ": " + *raw + ": " + parsed.error().message);
  }
  return std::optional<std::int32_t>(static_cast<std::int32_t>(*parsed));
}

net::Result<std::optional<std::int64_t>> Annotations::int64(std::string_view name) const {
  const auto raw = string(name);
  if (!raw) return std::optional<std::int64_t>();
  auto parsed = parse_go_int(*raw, 64);
  if (!parsed) {
    return net::fail("InvalidAnnotation", "failed to parse int64 annotation, " + full_key(name) +
                                              ": " + *raw + ": " + parsed.error().message);
  }
  return std::optional<std::int64_t>(*parsed);
}

std::optional<std::vector<std::string>> Annotations::string_list(std::string_view name) const {
  const auto raw = string(name);
  if (!raw) return std::nullopt;
  std::vector<std::string> values;
  std::size_t start = 0;
  while (start <= raw->size()) {
    const auto comma = raw->find(',', start);
    const std::string element = trim(std::string_view(*raw).substr(
        start, comma == std::string::npos ? std::string::npos : comma - start));
    if (!element.empty()) values.push_back(element);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return values;
}

net::Result<std::optional<std::map<std::string, std::string>>> Annotations::string_map(
    std::string_view name) const {
  const auto raw = string(name);
  if (!raw) return std::optional<std::map<std::string, std::string>>();
  auto invalid = [&] {
    return net::fail("InvalidAnnotation",
                     "failed to parse stringMap annotation, " + full_key(name) + ": " + *raw);
  };
  // Split on unescaped commas; a piece without '=' continues the previous value.
  std::vector<std::pair<std::string, bool>> pieces;  // text, has an unescaped '='
  std::string current;
  bool has_equals = false;
  for (std::size_t i = 0; i < raw->size(); ++i) {
    const char c = (*raw)[i];
    if (c == '\\' && i + 1 < raw->size()) {
      current += (*raw)[++i];
      continue;
    }
    if (c == ',') {
      pieces.emplace_back(current, has_equals);
      current.clear();
      has_equals = false;
      continue;
    }
    if (c == '=' && !has_equals) {
      has_equals = true;
      current += '\x01';  // marks the separator, so an escaped '=' stays part of the key
      continue;
    }
    current += c;
  }
  pieces.emplace_back(current, has_equals);
  std::map<std::string, std::string> values;
  std::string last_key;
  for (const auto& [piece, separated] : pieces) {
    if (!separated) {
      if (last_key.empty()) return invalid();
      values[last_key] += "," + piece;
      continue;
    }
    const auto marker = piece.find('\x01');
    const std::string key = trim(piece.substr(0, marker));
    const std::string value = trim(piece.substr(marker + 1));
    if (key.empty()) return invalid();
    values[key] = value;
    last_key = key;
  }
  for (auto& [key, value] : values)
    value = trim(value);
  return std::optional<std::map<std::string, std::string>>(values);
}

net::Result<std::optional<Json>> Annotations::json(std::string_view name) const {
  const auto raw = string(name);
  if (!raw) return std::optional<Json>();
  auto parsed = net::parse_json(*raw);
  if (parsed) return std::optional<Json>(std::move(*parsed));
  std::string detail = parsed.error().message;
  const auto colon = detail.rfind(": ");
  if (colon != std::string::npos) detail = detail.substr(colon + 2);
  return net::fail("InvalidAnnotation", "failed to parse json annotation, " + full_key(name) +
                                            ": " + *raw + ": " + detail);
}

std::optional<std::string> unsupported_annotation(const Annotations& annotations) {
  static const std::vector<std::string_view> kUnsupported = {"auth-idp-cognito",
                                                             "auth-idp-oidc",
                                                             "jwt-validation",
                                                             "wafv2-acl-arn",
                                                             "wafv2-acl-name",
                                                             "waf-acl-id",
                                                             "web-acl-id",
                                                             "shield-advanced-protection",
                                                             "mutual-authentication",
                                                             "customer-owned-ipv4-pool",
                                                             "ipam-ipv4-pool-id",
                                                             "minimum-load-balancer-capacity",
                                                             "target-node-labels",
                                                             "frontend-nlb-scheme",
                                                             "acm-pca-arn"};
  for (std::string_view name : kUnsupported) {
    if (annotations.has(name)) return std::string(name);
  }
  for (std::string_view prefix : {"transforms.", "listener-attributes.", "target-control-port."}) {
    auto names = annotations.names_with_prefix(prefix);
    if (!names.empty()) return names.front();
  }
  // Switches that are fine when off.
  for (std::string_view name : {"use-regex-path-match", "enable-frontend-nlb", "create-acm-cert",
                                "multi-cluster-target-group"}) {
    auto value = annotations.boolean(name);
    if (value && *value && **value) return std::string(name);
  }
  if (annotations.string("auth-type").value_or("none") != "none") return std::string("auth-type");
  return std::nullopt;
}

std::vector<std::string> Annotations::names_with_prefix(std::string_view prefix) const {
  std::vector<std::string> names;
  const std::string full = full_key(prefix);
  for (const auto& [key, value] : values_) {
    if (key.starts_with(full)) names.push_back(key.substr(kAnnotationPrefix.size()));
  }
  return names;
}

}  // namespace albc::ingress
