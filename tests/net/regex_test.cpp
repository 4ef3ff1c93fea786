#include <catch2/catch.hpp>

#include "controller/net/regex.hpp"

using namespace albc::net;

TEST_CASE("regex: full and partial matches in RE2 syntax", "[net]") {
  auto regex = Regex::compile("k8s-[a-z]+-[0-9a-f]{10}");
  REQUIRE(regex);
  CHECK(regex->full_match("k8s-web-0123456789"));
  CHECK_FALSE(regex->full_match("xk8s-web-0123456789"));
  CHECK(regex->partial_match("xk8s-web-0123456789"));
  CHECK_FALSE(regex->partial_match("k8s-web-012345678"));
}

TEST_CASE("regex: a catastrophic pattern for a backtracking engine runs in linear time", "[net]") {
  auto regex = Regex::compile("(a+)+$");
  REQUIRE(regex);
  const std::string text = std::string(100'000, 'a') + "b";
  CHECK_FALSE(regex->full_match(text));
  auto nested = Regex::compile("(x+x+)+y");
  REQUIRE(nested);
  CHECK_FALSE(nested->full_match(std::string(50'000, 'x')));
}

TEST_CASE("regex: backreferences, bad syntax and oversized patterns are errors", "[net]") {
  auto backreference = Regex::compile("(a)\\1");
  REQUIRE_FALSE(backreference);
  CHECK(backreference.error().code == "InvalidRegex");
  CHECK(backreference.error().message.starts_with("invalid regular expression (a)\\1: "));
  CHECK_FALSE(Regex::compile("[unclosed"));
  auto long_pattern = Regex::compile(std::string(5000, 'a'));
  REQUIRE_FALSE(long_pattern);
  CHECK(long_pattern.error().message ==
        "regular expression of 5000 bytes is longer than the limit of 4096");
  // Within the length limit but too large a program once repetitions are expanded.
  CHECK_FALSE(Regex::compile("((((a{100}){100}){100}){100})"));
}
