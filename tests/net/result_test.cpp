#include <catch2/catch.hpp>

#include "controller/net/http.hpp"
#include "controller/net/result.hpp"

using namespace albc::net;

TEST_CASE("result: an error carries its context outermost first", "[net]") {
  Result<int> failed = fail("NotFound", "no such thing");
  failed = with_context(std::move(failed), "inner");
  failed = with_context(std::move(failed), "outer");
  REQUIRE_FALSE(failed);
  CHECK(failed.error().describe() == "outer: inner: no such thing");
  Result<int> fine = 3;
  REQUIRE(fine);
  CHECK(*fine == 3);
}

TEST_CASE("http: header names compare without case; set replaces", "[net]") {
  Headers headers;
  headers.add("Content-Type", "a");
  headers.add("content-type", "b");
  CHECK(headers.get("CONTENT-TYPE") == "a");
  headers.set("Content-type", "c");
  CHECK(headers.size() == 1);
  CHECK(headers.value_or("content-type", "") == "c");
  Request request;
  request.target = "/api/v1/pods?watch=true&limit=5";
  CHECK(request.path() == "/api/v1/pods");
  CHECK(request.query() == "watch=true&limit=5");
}
