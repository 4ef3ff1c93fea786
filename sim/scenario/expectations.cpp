#include "sim/scenario/expectations.hpp"

#include <vector>

#include "controller/net/regex.hpp"

namespace albc::sim::scenario {
namespace {

std::string text_of(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

std::string shown(const Json& value) {
  const std::string text = value.dump();
  return text.size() > 160 ? text.substr(0, 157) + "..." : text;
}

// Kuhn's augmenting paths: can pattern `i` take an element, moving others along if need be?
bool assign(std::size_t i, const std::vector<std::vector<bool>>& fits,
            std::vector<std::size_t>& owner, std::vector<bool>& seen) {
  constexpr std::size_t kFree = static_cast<std::size_t>(-1);
  for (std::size_t j = 0; j < fits[i].size(); ++j) {
    if (!fits[i][j] || seen[j]) continue;
    seen[j] = true;
    if (owner[j] == kFree || assign(owner[j], fits, owner, seen)) {
      owner[j] = i;
      return true;
    }
  }
  return false;
}

// {any_order: [...]}: as many elements as patterns, each pattern matching a different element.
net::Result<void> match_any_order(const Json& patterns, const Json& actual,
                                  const std::string& path) {
  if (!actual.is_array())
    return net::fail("ExpectationFailed", path + ": expected a list, got " + shown(actual));
  if (patterns.size() != actual.size()) {
    return net::fail("ExpectationFailed", path + ": expected " + std::to_string(patterns.size()) +
                                              " element(s) in any order, got " +
                                              std::to_string(actual.size()) + ": " + shown(actual));
  }
  std::vector<std::vector<bool>> fits(patterns.size(), std::vector<bool>(actual.size()));
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    bool any = false;
    for (std::size_t j = 0; j < actual.size(); ++j) {
      auto matched = match_pattern(patterns[i], actual[j], path + "[" + std::to_string(j) + "]");
      if (!matched && matched.error().code != "ExpectationFailed") return matched;
      fits[i][j] = static_cast<bool>(matched);
      any = any || fits[i][j];
    }
    if (!any) {
      return net::fail("ExpectationFailed", path + ".any_order[" + std::to_string(i) +
                                                "]: matches no element of " + shown(actual));
    }
  }
  std::vector<std::size_t> owner(actual.size(), static_cast<std::size_t>(-1));
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    std::vector<bool> seen(actual.size());
    if (!assign(i, fits, owner, seen)) {
      return net::fail("ExpectationFailed", path + ": no element is left for any_order[" +
                                                std::to_string(i) +
                                                "] once the others are matched: " + shown(actual));
    }
  }
  return {};
}

}  // namespace

net::Result<void> match_pattern(const Json& pattern, const Json& actual, const std::string& path) {
  if (pattern.is_object() && pattern.size() == 1 && pattern.contains("any_order"))
    return match_any_order(pattern["any_order"], actual, path);
  if (pattern.is_object()) {
    if (!actual.is_object())
      return net::fail("ExpectationFailed", path + ": expected a mapping, got " + shown(actual));
    for (auto it = pattern.begin(); it != pattern.end(); ++it) {
      const std::string child = path.empty() ? it.key() : path + "." + it.key();
      if (it->is_string() && it->get<std::string>() == "absent") {
        if (actual.contains(it.key()))
          return net::fail("ExpectationFailed",
                           child + ": expected absent, got " + shown(actual[it.key()]));
        continue;
      }
      if (!actual.contains(it.key())) return net::fail("ExpectationFailed", child + ": missing");
      if (auto matched = match_pattern(*it, actual[it.key()], child); !matched) return matched;
    }
    return {};
  }
  if (pattern.is_array()) {
    if (!actual.is_array())
      return net::fail("ExpectationFailed", path + ": expected a list, got " + shown(actual));
    if (pattern.size() != actual.size()) {
      return net::fail("ExpectationFailed",
                       path + ": expected " + std::to_string(pattern.size()) + " element(s), got " +
                           std::to_string(actual.size()) + ": " + shown(actual));
    }
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (auto matched = match_pattern(pattern[i], actual[i], path + "[" + std::to_string(i) + "]");
          !matched)
        return matched;
    }
    return {};
  }
  const std::string expected = text_of(pattern);
  const std::string got = actual.is_object() || actual.is_array() ? actual.dump() : text_of(actual);
  if (pattern.is_string() && expected == "*") {
    if (actual.is_null() || got.empty())
      return net::fail("ExpectationFailed", path + ": expected a value, got nothing");
    return {};
  }
  if (pattern.is_string() && expected.starts_with("re:")) {
    auto regex = net::Regex::compile(std::string_view(expected).substr(3));
    if (!regex) return net::fail("InvalidScenario", path + ": " + regex.error().message);
    if (regex->full_match(got)) return {};
    return net::fail("ExpectationFailed",
                     path + ": expected to match " + expected.substr(3) + ", got \"" + got + "\"");
  }
  if (expected != got)
    return net::fail("ExpectationFailed",
                     path + ": expected \"" + expected + "\", got \"" + got + "\"");
  return {};
}

}  // namespace albc::sim::scenario
