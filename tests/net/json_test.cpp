#include <catch2/catch.hpp>

#include "controller/net/json.hpp"

using namespace albc::net;

namespace {
std::string nested(std::size_t depth, char open = '[', char close = ']') {
  return std::string(depth, open) + std::string(depth, close);
}
}  // namespace

TEST_CASE("json: documents nested past the limit are refused before parsing", "[net]") {
  CHECK(nesting_depth(nested(3), 100) == 3);
  CHECK(nesting_depth(R"({"a":"[[[[","b":[{"c":"\"]"}]})", 100) == 3);
  CHECK(parse_json(nested(10'000)).has_value());
  auto deep = parse_json(nested(100'000));
  REQUIRE_FALSE(deep);
  CHECK(deep.error().code == "JsonTooDeep");
  CHECK(deep.error().message == "exceeded max depth (10000)");
  auto limited = parse_json(nested(5), JsonLimits{4});
  REQUIRE_FALSE(limited);
  CHECK(limited.error().code == "JsonTooDeep");
}

TEST_CASE("json: malformed text, ill-formed UTF-8 and oversized text are errors", "[net]") {
  auto malformed = parse_json("{\"a\":");
  REQUIRE_FALSE(malformed);
  CHECK(malformed.error().code == "MalformedJson");
  auto utf8 = parse_json("\"\xff\"");
  REQUIRE_FALSE(utf8);
  CHECK(utf8.error().code == "MalformedJson");
  auto large = parse_json("[1,2,3]", JsonLimits{10, 4});
  REQUIRE_FALSE(large);
  CHECK(large.error().code == "JsonTooLarge");
}

TEST_CASE("json: exceeds_depth measures a parsed value without recursing", "[net]") {
  auto array = parse_json(nested(10'000));
  REQUIRE(array);
  CHECK(exceeds_depth(*array, 9'999));
  CHECK_FALSE(exceeds_depth(*array, 10'000));
  CHECK_FALSE(exceeds_depth(nlohmann::json(5), 0));
  CHECK(exceeds_depth(nlohmann::json::array(), 0));
}

TEST_CASE("json: UTF-8 validation refuses overlong forms, surrogates and stray bytes", "[net]") {
  CHECK(is_valid_utf8("plain"));
  CHECK(is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  CHECK_FALSE(is_valid_utf8("\x80"));              // a continuation byte alone
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong, three bytes
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));      // a UTF-16 surrogate
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xe2\x82"));          // truncated
}

TEST_CASE("json: numbers out of range are malformed, not an exception", "[net]") {
  auto huge = parse_json("[1e999]");
  REQUIRE_FALSE(huge);
  CHECK(huge.error().code == "MalformedJson");
}
