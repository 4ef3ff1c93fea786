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

TEST_CASE(
    "cluster: a slice relabelled by hand leaves its Service, whose endpoints move to a new one",
    "[world][sim]") {
  test_support::SimFixture fixture(57);
  fixture.build_account();
  auto& store = fixture.world.store();
  const auto& slices = store.type("discovery.k8s.io/v1", "EndpointSlice");
  for (const char* name : {"web", "api"}) {
    REQUIRE(store.create(store.type("apps/v1", "Deployment"), "default", deployment(name, 2)));
    REQUIRE(store.create(store.type("v1", "Service"), "default", service(name)));
  }
  settle(fixture);
  std::string relabelled;
  for (const Json& slice : store.snapshot(slices, "default")) {
    if (slice["metadata"]["labels"]["kubernetes.io/service-name"] == "web")
      relabelled = slice["metadata"]["name"];
  }
  REQUIRE_FALSE(relabelled.empty());
  // Someone hands web's slice to nobody: it is no longer the controller's to write.
  REQUIRE(store.patch(
      slices, "default", relabelled,
      {{"metadata", {{"labels", {{"endpointslice.kubernetes.io/managed-by", "someone-else"}}}}}},
      sim::kube::PatchType::Merge, sim::kube::Subresource::None));
  scale(fixture, "web", 3);
  settle(fixture);
  const Json kept = *store.get(slices, "default", relabelled);
  CHECK(kept["endpoints"].size() == 2);  // untouched since it left
  std::size_t managed_web_endpoints = 0;
  for (const Json& slice : store.snapshot(slices, "default")) {
    const Json& labels = slice["metadata"]["labels"];
    if (labels["kubernetes.io/service-name"] == "web" &&
        labels["endpointslice.kubernetes.io/managed-by"] == "endpointslice-controller.k8s.io")
      managed_web_endpoints += slice["endpoints"].size();
  }
  CHECK(managed_web_endpoints == 3);
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
  const Json& failure = web["status"]["conditions"].back();
  CHECK(failure["type"] == "ReplicaFailure");
  CHECK(failure["message"].get<std::string>().ends_with(
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

TEST_CASE("cluster: in a simulation that stops on bugs, the same failure stops the world there",
          "[world][sim]") {
  auto options = test_support::world_options(61);
  options.stop_on_bug = true;
  sim::world::World world(options);
  world.cluster().add_node({"us-east-1a", "10.0.0.0/24"});
  REQUIRE(sim::world::build_cluster(world.store(), {"alb"}));
  world.cluster().fail_deployment_for_test("default/broken");
  auto& store = world.store();
  REQUIRE(store.create(store.type("apps/v1", "Deployment"), "default", deployment("broken", 2)));
  CHECK_FALSE(world.run_until([&] { return world.quiescent(); }, std::chrono::minutes(1)));
  REQUIRE(world.failure());
  CHECK(*world.failure() ==
        "bug in the world's deployment controller, on default/broken: failure injected by a test");
}

TEST_CASE("cluster: a Deployment deleted and applied again at once loses its old pods",
          "[world][sim]") {
  test_support::SimFixture fixture(58);
  fixture.build_account();
  auto& store = fixture.world.store();
  const auto& deployments = store.type("apps/v1", "Deployment");
  REQUIRE(store.create(deployments, "default", deployment("web", 3)));
  settle(fixture);
  // No pass runs between the two writes: only the uid tells the old pods from the new.
  REQUIRE(store.remove(deployments, "default", "web", {}));
  REQUIRE(store.create(deployments, "default", deployment("web", 2)));
  settle(fixture);
  const std::string uid = store.get(deployments, "default", "web")->at("metadata").at("uid");
  const auto pods = store.snapshot(store.type("v1", "Pod"), "default");
  REQUIRE(pods.size() == 2);
  // Each pod's ReplicaSet belongs to the new Deployment.
  for (const Json& pod : pods) {
    const Json& owner = pod["metadata"]["ownerReferences"][0];
    CHECK(owner["kind"] == "ReplicaSet");
    const auto set = store.get(store.type("apps/v1", "ReplicaSet"), "default", owner["name"]);
    REQUIRE(set);
    CHECK((*set)["metadata"]["uid"] == owner["uid"]);
    CHECK((*set)["metadata"]["ownerReferences"][0]["uid"] == uid);
  }
}

TEST_CASE("cluster: pods made by hand start, on the node they name if they name one",
          "[world][sim]") {
  test_support::SimFixture fixture(59);
  fixture.build_account();
  auto& store = fixture.world.store();
  const Json node = store.snapshot(store.type("v1", "Node"), "").back();
  const std::string node_name = node["metadata"]["name"];
  const auto pod = [](const std::string& name) {
    return Json{{"metadata", {{"name", name}, {"labels", {{"app", "solo"}}}}},
                {"spec", {{"containers", Json::array({{{"name", "c"}, {"image", "i"}}})}}}};
  };
  Json pinned = pod("pinned");
  pinned["spec"]["nodeName"] = node_name;
  REQUIRE(store.create(store.type("v1", "Pod"), "default", pod("loose")));
  REQUIRE(store.create(store.type("v1", "Pod"), "default", pinned));
  // Deleted before its start: nothing of it is left behind.
  REQUIRE(store.create(store.type("v1", "Pod"), "default", pod("brief")));
  REQUIRE(store.remove(store.type("v1", "Pod"), "default", "brief", {}));
  settle(fixture);
  const Json started = *store.get(store.type("v1", "Pod"), "default", "pinned");
  CHECK(started["spec"]["nodeName"] == node_name);
  CHECK(started["status"]["hostIP"] == node["status"]["addresses"][0]["address"]);
  CHECK(store.get(store.type("v1", "Pod"), "default", "loose")->at("status").contains("podIP"));
  CHECK(fixture.world.cluster().pods_running() == 2);
}

TEST_CASE("cluster: scaling down takes the pods waiting for a node first", "[world][sim]") {
  test_support::SimFixture fixture(60);
  fixture.build_account();  // room for 220 pods
  auto& store = fixture.world.store();
  REQUIRE(store.create(store.type("apps/v1", "Deployment"), "default", deployment("web", 240)));
  settle(fixture);
  scale(fixture, "web", 220);
  settle(fixture);
  std::size_t pending = 0;
  for (const Json& pod : store.snapshot(store.type("v1", "Pod"), "default"))
    pending += pod["status"].contains("podIP") ? 0 : 1;
  CHECK(pending == 0);
  CHECK(fixture.world.cluster().pods_running() == 220);
}

TEST_CASE("cluster: a named target port resolves once a pod with that port exists",
          "[world][sim]") {
  test_support::SimFixture fixture(61);
  fixture.build_account();
  auto& store = fixture.world.store();
  Json named = service("web");
  named["spec"]["ports"][0]["targetPort"] = "http";
  REQUIRE(store.create(store.type("v1", "Service"), "default", named));
  settle(fixture);
  Json with_port = deployment("web", 1);
  with_port["spec"]["template"]["spec"]["containers"][0]["ports"] =
      Json::array({{{"name", "http"}, {"containerPort", 8080}}});
  REQUIRE(store.create(store.type("apps/v1", "Deployment"), "default", with_port));
  settle(fixture);
  const auto slices = store.snapshot(store.type("discovery.k8s.io/v1", "EndpointSlice"), "default");
  REQUIRE(slices.size() == 1);
  CHECK(slices[0]["ports"][0]["port"] == 8080);
  CHECK(slices[0]["endpoints"].size() == 1);
}

TEST_CASE("cluster: a drained node's pods run elsewhere; a removed node's pods go with it",
          "[world][sim]") {
  test_support::SimFixture fixture(60);
  fixture.build_account();  // ip-10-0-0-4 in us-east-1a, ip-10-0-1-4 in us-east-1b
  auto& store = fixture.world.store();
  auto& cluster = fixture.world.cluster();
  const std::string first = "ip-10-0-0-4.us-east-1.compute.internal";
  const std::string second = "ip-10-0-1-4.us-east-1.compute.internal";
  REQUIRE(store.create(store.type("apps/v1", "Deployment"), "default", deployment("web", 6)));
  settle(fixture);
  const auto on_node = [&](const std::string& node) {
    std::size_t count = 0;
    for (const Json& pod : store.snapshot(store.type("v1", "Pod"), "default"))
      count += pod["spec"].value("nodeName", "") == node ? 1 : 0;
    return count;
  };
  REQUIRE(on_node(first) > 0);
  CHECK(cluster.drain(first) == on_node(first));
  settle(fixture);
  CHECK(on_node(first) == 0);
  CHECK(on_node(second) == 6);
  const Json cordoned = *store.get(store.type("v1", "Node"), "", first);
  CHECK(cordoned["spec"]["unschedulable"] == true);
  CHECK(cordoned["spec"]["taints"][0]["key"] == "node.kubernetes.io/unschedulable");

  // A new node takes the removed one's address, and so its name; pods placed on the old one no
  // longer count against it.
  REQUIRE(cluster.remove_node(second));
  CHECK_FALSE(cluster.remove_node(second));
  settle(fixture);  // the pods of the removed node go, and their ReplicaSet waits for room
  CHECK(on_node(second) == 0);
  CHECK(cluster.add_node({"us-east-1b", "10.0.1.0/24"}) == second);
  CHECK(cluster.cordon(first, false));
  settle(fixture);
  CHECK(on_node(first) + on_node(second) == 6);
  std::size_t ready = 0;
  for (const Json& pod : store.snapshot(store.type("v1", "Pod"), "default"))
    ready += cluster.ready("default", pod["metadata"]["name"]) ? 1 : 0;
  CHECK(ready == 6);
  CHECK(cluster.errors() == 0);
}
