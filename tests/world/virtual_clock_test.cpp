#include <catch2/catch.hpp>

#include "controller/net/cidr.hpp"
#include "tests/support/sim_fixture.hpp"

using namespace albc;
using Json = nlohmann::json;

namespace {
net::Awaitable<void> sleeper(net::Clock& clock, std::chrono::milliseconds delay,
                             std::vector<std::string>& order, std::string name) {
  co_await clock.sleep_for(delay);
  order.push_back(name);
}
}  // namespace

TEST_CASE("virtual clock: timers fire in deadline order, equal deadlines in arming order",
          "[world][sim]") {
  test_support::SimFixture fixture(51);
  std::vector<std::string> order;
  auto& clock = fixture.world.clock();
  net::spawn_checked(fixture.world.executor(),
                     sleeper(clock, std::chrono::milliseconds(20), order, "b"), "b");
  net::spawn_checked(fixture.world.executor(),
                     sleeper(clock, std::chrono::milliseconds(10), order, "a"), "a");
  net::spawn_checked(fixture.world.executor(),
                     sleeper(clock, std::chrono::milliseconds(20), order, "c"), "c");
  fixture.world.run_for(std::chrono::milliseconds(0));  // the sleepers arm their timers now
  clock.call_after(std::chrono::milliseconds(20), [&] { order.push_back("callback"); });
  const auto cancelled =
      clock.call_after(std::chrono::milliseconds(5), [&] { order.push_back("cancelled"); });
  clock.cancel(cancelled);
  REQUIRE(fixture.world.run_until([&] { return order.size() == 4; }, std::chrono::seconds(1)));
  CHECK(order == std::vector<std::string>{"a", "b", "c", "callback"});
  CHECK(clock.elapsed() == std::chrono::milliseconds(20));
  CHECK(clock.wall_now() == fixture.world.options().epoch + std::chrono::milliseconds(20));
}

TEST_CASE("virtual clock: a day of simulated time costs no wall time", "[world][sim]") {
  test_support::SimFixture fixture(52);
  const auto started = std::chrono::steady_clock::now();
  fixture.world.run_for(std::chrono::hours(24));
  CHECK(fixture.world.clock().elapsed() == std::chrono::hours(24));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
}

TEST_CASE(
    "cluster: a Deployment's pods get IPs from their subnets, become ready and fill the slice",
    "[world][sim]") {
  test_support::SimFixture fixture(53);
  fixture.build_account();
  auto& store = fixture.world.store();
  REQUIRE(store.create(
      store.type("apps/v1", "Deployment"), "default",
      {{"metadata", {{"name", "web"}}},
       {"spec",
        {{"replicas", 3},
         {"selector", {{"matchLabels", {{"app", "web"}}}}},
         {"template",
          {{"metadata", {{"labels", {{"app", "web"}}}}},
           {"spec",
            {{"containers", Json::array({{{"name", "web"},
                                          {"image", "nginx"},
                                          {"ports", Json::array({{{"containerPort", 80},
                                                                  {"name", "http"}}})}}})}}}}}}}}));
  REQUIRE(store.create(store.type("v1", "Service"), "default",
                       {{"metadata", {{"name", "web"}}},
                        {"spec",
                         {{"selector", {{"app", "web"}}},
                          {"ports", Json::array({{{"port", 80}, {"targetPort", "http"}}})}}}}));
  REQUIRE(
      fixture.world.run_until([&] { return fixture.world.quiescent(); }, std::chrono::minutes(1)));
  const auto pods = store.snapshot(store.type("v1", "Pod"), "default");
  REQUIRE(pods.size() == 3);
  for (const Json& pod : pods) {
    const auto ip = net::parse_ipv4(pod["status"].value("podIP", ""));
    REQUIRE(ip);
    CHECK((net::parse_cidr("10.0.0.0/24")->contains(*ip) ||
           net::parse_cidr("10.0.1.0/24")->contains(*ip)));
  }
  const auto slices = store.snapshot(store.type("discovery.k8s.io/v1", "EndpointSlice"), "default");
  REQUIRE(slices.size() == 1);
  CHECK(slices[0]["endpoints"].size() == 3);
  CHECK(slices[0]["ports"][0]["port"] == 80);  // the named target port, resolved
  CHECK(slices[0]["endpoints"][0]["conditions"]["ready"] == true);
  const Json deployment = *store.get(store.type("apps/v1", "Deployment"), "default", "web");
  CHECK(deployment["status"]["readyReplicas"] == 3);
  REQUIRE(store.remove(store.type("apps/v1", "Deployment"), "default", "web", {}));
  REQUIRE(
      fixture.world.run_until([&] { return fixture.world.quiescent(); }, std::chrono::minutes(1)));
  CHECK(store.snapshot(store.type("v1", "Pod"), "default").empty());
}
