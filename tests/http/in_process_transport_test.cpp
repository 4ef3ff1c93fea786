#include <catch2/catch.hpp>

#include "tests/support/sim_fixture.hpp"

using namespace albc;

TEST_CASE("in-process transport: requests take virtual time drawn from the seed", "[http][sim]") {
  test_support::SimFixture first(31);
  test_support::SimFixture second(31);
  auto timed = [](test_support::SimFixture& fixture) {
    net::Request request;
    request.target = "/version";
    auto response = fixture.run(fixture.world.kube_transport().send(request));
    REQUIRE(response);
    CHECK(response->status == 200);
    return fixture.world.clock().elapsed();
  };
  const auto elapsed = timed(first);
  CHECK(elapsed > std::chrono::microseconds(0));
  CHECK(elapsed <= std::chrono::milliseconds(3));
  CHECK(timed(second) == elapsed);  // same seed, same latency
  CHECK(first.world.kube_transport().in_flight() == 0);
}
