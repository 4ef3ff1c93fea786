#include <catch2/catch.hpp>

#include "controller/net/url.hpp"

using namespace albc::net;

TEST_CASE("url: percent_encode keeps unreserved characters and encodes the rest", "[net]") {
  CHECK(percent_encode("abc-_.~XYZ019") == "abc-_.~XYZ019");
  CHECK(percent_encode("a b/c=d&e") == "a%20b%2Fc%3Dd%26e");
  CHECK(percent_encode("ü") == "%C3%BC");
}

TEST_CASE("url: QueryForm parses and re-encodes a form body in order", "[net]") {
  auto form =
      QueryForm::parse("Action=CreateRule&Conditions.member.1.Values.member.1=%2F%2A&x=a+b");
  REQUIRE(form);
  CHECK(form->value_or("Action", "") == "CreateRule");
  CHECK(form->value_or("Conditions.member.1.Values.member.1", "") == "/*");
  CHECK(form->value_or("x", "") == "a b");
  CHECK(form->entries().size() == 3);
  CHECK(form->encode() == "Action=CreateRule&Conditions.member.1.Values.member.1=%2F%2A&x=a%20b");
}

TEST_CASE("url: QueryForm rejects broken percent-encoding", "[net]") {
  CHECK_FALSE(QueryForm::parse("a=%2"));
  CHECK_FALSE(QueryForm::parse("a=%zz"));
  CHECK(QueryForm::parse("a=%2F").has_value());
}

TEST_CASE("url: parse_go_bool accepts what Go's strconv.ParseBool accepts", "[net]") {
  for (const char* yes : {"1", "t", "T", "TRUE", "true", "True"})
    CHECK(parse_go_bool(yes) == true);
  for (const char* no : {"0", "f", "F", "FALSE", "false", "False"})
    CHECK(parse_go_bool(no) == false);
  CHECK_FALSE(parse_go_bool("yes").has_value());
  CHECK_FALSE(parse_go_bool("").has_value());
}
