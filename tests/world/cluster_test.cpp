#include <catch2/catch.hpp>

#include <set>

#include "tests/support/sim_fixture.hpp"

using namespace albc;
using Json = nlohmann::json;

namespace {

Json deployment(const std::string& name, int replicas) {
  return {{"metadata", {{"name", name}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", {{"app", name}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", name}}}}},
              {"spec", {{"containers", Json::array({{{"name", "web"}, {"image", "nginx"}}})}}}}}}}};
}

Json service(const std::string& name) {
  return {{"metadata", {{"name", name}}},
          {"spec", {{"selector", {{"app", name}}}, {"ports", Json::array({{{"port", 80}}})}}}};
}

void settle(test_support::SimFixture& fixture) {
  REQUIRE(
      fixture.world.run_until([&] { return fixture.world.quiescent(); }, std::chrono::minutes(10)));
}

void scale(test_support::SimFixture& fixture, const std::string& name, int replicas) {
  auto& store = fixture.world.store();
  const auto& type = store.type("apps/v1", "Deployment");
  REQUIRE(store.patch(type, "default", name, {{"spec", {{"replicas", replicas}}}},
                      sim::kube::PatchType::Merge, sim::kube::Subresource::None));
}

}  // namespace

TEST_CASE("cluster: pods past the nodes' room stay Pending, and get a node when room frees",
          "[world][sim]") {
  test_support::SimFixture fixture(54);
  fixture.build_account();  // two nodes of 110 pods
  auto& store = fixture.world.store();
  REQUIRE(store.create(store.type("apps/v1", "Deployment"), "default", deployment("web", 250)));
  REQUIRE(store.create(store.type("v1", "Service"), "default", service("web")));
  settle(fixture);
  std::size_t running = 0;
  std::size_t unschedulable = 0;
  for (const Json& pod : store.snapshot(store.type("v1", "Pod"), "default")) {
    if (pod["status"].contains("podIP")) ++running;
    const Json& conditions = pod["status"].value("conditions", Json::array());
    if (!conditions.empty() && conditions[0].value("reason", "") == "Unschedulable")
      ++unschedulable;
  }
  CHECK(running == 220);
  CHECK(unschedulable == 30);
  scale(fixture, "web", 200);
  settle(fixture);
  running = 0;
  for (const Json& pod : store.snapshot(store.type("v1", "Pod"), "default"))
    running += pod["status"].contains("podIP") ? 1 : 0;
  CHECK(running == 200);
}

TEST_CASE("cluster: a Service's endpoints are split into slices of at most 100", "[world][sim]") {
  test_support::SimFixture fixture(55);
  fixture.build_account();
  auto& store = fixture.world.store();
  REQUIRE(store.create(store.type("apps/v1", "Deployment"), "default", deployment("web", 210)));
  REQUIRE(store.create(store.type("v1", "Service"), "default", service("web")));
  settle(fixture);
  const auto check_slices = [&](std::size_t expected) {
    std::set<std::string> addresses;
    std::size_t endpoints = 0;
    for (const Json& slice :
         store.snapshot(store.type("discovery.k8s.io/v1", "EndpointSlice"), "default")) {
      CHECK(slice["endpoints"].size() <= 100);
      for (const Json& endpoint : slice["endpoints"]) {
        ++endpoints;
        addresses.insert(endpoint["addresses"][0].get<std::string>());
        CHECK(endpoint["conditions"]["ready"] == true);
      }
    }
    CHECK(endpoints == expected);
    CHECK(addresses.size() == expected);  // every pod in one slice only
  };
  check_slices(210);
  scale(fixture, "web", 120);
  settle(fixture);
  check_slices(120);
  REQUIRE(store.remove(store.type("v1", "Service"), "default", "web", {}));
  settle(fixture);
  CHECK(store.snapshot(store.type("discovery.k8s.io/v1", "EndpointSlice"), "default").empty());
}

TEST_CASE("cluster: a namespace's pod quota stops a Deployment, which says why", "[world][sim]") {
  auto options = test_support::world_options(56);
  options.store.pods_per_namespace_max = 5;
  sim::world::World world(options);
  world.cluster().add_node({"us-east-1a", "10.0.0.0/24"});
  REQUIRE(sim::world::build_cluster(world.store(), {"alb"}));
  auto& store = world.store();
  REQUIRE(store.create(store.type("apps/v1", "Deployment"), "default", deployment("web", 8)));
  REQUIRE(world.run_until([&] { return world.quiescent(); }, std::chrono::minutes(1)));
  CHECK(store.snapshot(store.type("v1", "Pod"), "default").size() == 5);
  const Json web = *store.get(store.type("apps/v1", "Deployment"), "default", "web");
  CHECK(web["status"]["replicas"] == 5);
  CHECK(web["status"]["conditions"][0]["type"] == "ReplicaFailure");
  CHECK(web["status"]["conditions"][0]["message"].get<std::string>().ends_with(
      "is forbidden: exceeded quota: albc-pods-per-namespace, requested: pods=1, used: pods=5, "
      "limited: pods=5"));
}

TEST_CASE("cluster: a failure on one Deployment is traced and leaves the others alone",
          "[world][sim]") {
  test_support::SimFixture fixture(57);
  fixture.build_account();
  auto& store = fixture.world.store();
  fixture.world.cluster().fail_deployment_for_test("default/broken");
  REQUIRE(store.create(store.type("apps/v1", "Deployment"), "default", deployment("broken", 2)));
  REQUIRE(store.create(store.type("apps/v1", "Deployment"), "default", deployment("web", 2)));
  settle(fixture);
  CHECK(fixture.world.cluster().errors() > 0);
  CHECK_FALSE(fixture.world.failure());
  std::size_t web_pods = 0;
  for (const Json& pod : store.snapshot(store.type("v1", "Pod"), "default"))
    web_pods += pod["metadata"]["name"].get<std::string>().starts_with("web-") ? 1 : 0;
  CHECK(web_pods == 2);
  bool traced = false;
  for (const std::string& line : fixture.world.trace().lines()) {
    traced = traced || (line.find("world.error controller=deployment object=default/broken "
                                  "error=\"failure injected by a test\"") != std::string::npos);
  }
  CHECK(traced);
}
