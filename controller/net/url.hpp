#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "controller/net/result.hpp"

namespace albc::net {

// RFC 3986 percent-encoding: unreserved characters stay, everything else is %XX (upper case).
// This is also SigV4's canonical encoding.
std::string percent_encode(std::string_view text);
// Decodes %XX and, for form bodies and query strings, '+' as a space.
Result<std::string> percent_decode(std::string_view text, bool plus_is_space = true);

// An ordered list of name=value pairs: a query string or a form body (AWS Query protocol).
class QueryForm {
 public:
  static Result<QueryForm> parse(std::string_view encoded);

  void add(std::string name, std::string value);
  std::optional<std::string_view> get(std::string_view name) const;
  std::string value_or(std::string_view name, std::string_view fallback) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  std::string encode() const;

  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

// Go's strconv.ParseBool, which Kubernetes uses for query parameters ("watch=True").
std::optional<bool> parse_go_bool(std::string_view text);

}  // namespace albc::net
