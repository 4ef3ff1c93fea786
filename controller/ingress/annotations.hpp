#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "controller/net/result.hpp"

namespace albc::ingress {

using Json = nlohmann::json;

inline constexpr std::string_view kAnnotationPrefix = "alb.ingress.kubernetes.io/";

// Reads `alb.ingress.kubernetes.io/*` annotations the way the real controller's parser does
// (Go's strconv for bools and integers, its stringList and stringMap rules), with its error
// texts: "failed to parse int32 annotation, <key>: <raw>: ...".
class Annotations {
 public:
  Annotations() = default;
  // Keeps the alb.ingress.kubernetes.io/ entries only (not, say, the last-applied manifest).
  explicit Annotations(const Json& annotations);
  // An object's metadata.annotations.
  static Annotations of(const Json& object);
  // Service annotations override the Ingress's, key by key.
  static Annotations merged(const Annotations& ingress, const Annotations& service);

  bool has(std::string_view name) const;
  std::optional<std::string> string(std::string_view name) const;
  net::Result<std::optional<bool>> boolean(std::string_view name) const;
  net::Result<std::optional<std::int32_t>> int32(std::string_view name) const;
  net::Result<std::optional<std::int64_t>> int64(std::string_view name) const;
  // Split on commas, trimmed, empty elements dropped.
  std::optional<std::vector<std::string>> string_list(std::string_view name) const;
  net::Result<std::optional<std::map<std::string, std::string>>> string_map(
      std::string_view name) const;
  net::Result<std::optional<Json>> json(std::string_view name) const;
  // Names (after the prefix) that start with `prefix`: "actions." → {"actions.svc", ...}.
  std::vector<std::string> names_with_prefix(std::string_view prefix) const;

 private:
  std::map<std::string, std::string> values_;  // full keys
};

// The first annotation this Ingress (or Service) sets that albc does not implement yet, so that
// it fails loudly instead of being ignored (WAF, Shield, auth, transforms, frontend NLB, ...).
std::optional<std::string> unsupported_annotation(const Annotations& annotations);

// Go's strconv.ParseBool / ParseInt with their error texts.
net::Result<bool> parse_go_bool(std::string_view raw);
net::Result<std::int64_t> parse_go_int(std::string_view raw, int bits);

}  // namespace albc::ingress
