#include "sim/scenario/expectations.hpp"

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

}  // namespace

net::Result<void> match_pattern(const Json& pattern, const Json& actual, const std::string& path) {
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
