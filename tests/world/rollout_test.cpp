#include <catch2/catch.hpp>

#include <algorithm>

#include "sim/world/rollout.hpp"
#include "tests/support/sim_fixture.hpp"

using namespace albc;
using Json = nlohmann::json;
using sim::world::RolloutLimits;

namespace {

Json deployment(const std::string& name, int replicas, Json strategy, std::string image) {
  return {
      {"metadata", {{"name", name}}},
      {"spec",
       {{"replicas", replicas},
        {"strategy", std::move(strategy)},
        {"selector", {{"matchLabels", {{"app", name}}}}},
        {"template",
         {{"metadata", {{"labels", {{"app", name}}}}},
          {"spec",
           {{"containers", Json::array({{{"name", "web"}, {"image", std::move(image)}}})}}}}}}}};
}

void settle(test_support::SimFixture& fixture) {
  REQUIRE(
      fixture.world.run_until([&] { return fixture.world.quiescent(); }, std::chrono::minutes(10)));
}

void set_image(test_support::SimFixture& fixture, const std::string& image) {
  auto& store = fixture.world.store();
  Json patch = {
      {"spec",
       {{"template",
         {{"spec", {{"containers", Json::array({{{"name", "web"}, {"image", image}}})}}}}}}}};
  REQUIRE(store.patch(store.type("apps/v1", "Deployment"), "default", "web", patch,
                      sim::kube::PatchType::Merge, sim::kube::Subresource::None));
}

// Pods by their image, the terminating ones apart.
struct PodCensus {
  std::map<std::string, int> running;  // not being deleted, by image
  std::map<std::string, int> ready;    // Ready and not being deleted, by image
  int terminating = 0;
};

PodCensus census(sim::kube::Store& store) {
  PodCensus counted;
  for (const Json& pod : store.snapshot(store.type("v1", "Pod"), "default")) {
    if (pod["metadata"].contains("deletionTimestamp")) {
      ++counted.terminating;
      continue;
    }
    const std::string image = pod["spec"]["containers"][0]["image"];
    ++counted.running[image];
    for (const Json& condition : pod["status"].value("conditions", Json::array())) {
      if (condition["type"] == "Ready" && condition["status"] == "True") ++counted.ready[image];
    }
  }
  return counted;
}

std::vector<Json> replica_sets(sim::kube::Store& store) {
  return store.snapshot(store.type("apps/v1", "ReplicaSet"), "default");
}

std::string annotation(const Json& object, const std::string& key) {
  return object["metadata"].value("annotations", Json::object()).value(key, "");
}

}  // namespace

TEST_CASE("rollout: maxSurge and maxUnavailable as counts of pods", "[world]") {
  const auto limits = [](Json rolling, long long replicas) {
    auto resolved = sim::world::rollout_limits(rolling, replicas);
    REQUIRE(resolved);
    return std::make_pair(resolved->surge, resolved->unavailable);
  };
  // Percentages: surge rounds up, unavailable down.
  CHECK(limits({{"maxSurge", "25%"}, {"maxUnavailable", "25%"}}, 10) == std::make_pair(3LL, 2LL));
  CHECK(limits(Json::object(), 10) == std::make_pair(3LL, 2LL));  // the defaults
  CHECK(limits({{"maxSurge", 2}, {"maxUnavailable", 0}}, 4) == std::make_pair(2LL, 0LL));
  // Both zero cannot move: one pod may be unavailable.
  CHECK(limits({{"maxSurge", "0%"}, {"maxUnavailable", 0}}, 3) == std::make_pair(0LL, 1LL));
  CHECK(limits({{"maxSurge", "10%"}, {"maxUnavailable", "10%"}}, 1) == std::make_pair(1LL, 0LL));
  CHECK_FALSE(sim::world::rollout_limits({{"maxSurge", "x%"}}, 4));
  CHECK_FALSE(sim::world::rollout_limits({{"maxSurge", true}}, 4));
}

TEST_CASE("rollout: one step of scaling up the new ReplicaSet and down the old ones", "[world]") {
  const RolloutLimits surge_one{1, 0};
  // 4 wanted, all old: the new one may add one pod over the total.
  CHECK(sim::world::scaled_new_replicas(4, surge_one, 0, 4) == 1);
  CHECK(sim::world::scaled_new_replicas(4, surge_one, 1, 5) == 1);  // no room until an old goes
  CHECK(sim::world::scaled_new_replicas(4, surge_one, 1, 4) == 2);
  CHECK(sim::world::scaled_new_replicas(4, surge_one, 6, 6) == 4);  // scaled down to the desired
  // No availability to spare: nothing old goes until the new pod is available.
  CHECK(sim::world::scaled_old_replicas(4, surge_one, {1, 0}, {{4, 4}}) ==
        std::vector<long long>{4});
  CHECK(sim::world::scaled_old_replicas(4, surge_one, {1, 1}, {{4, 4}}) ==
        std::vector<long long>{3});
  // Unavailable old pods go first, whatever the availability.
  CHECK(sim::world::scaled_old_replicas(4, RolloutLimits{1, 2}, {2, 0}, {{1, 1}, {3, 1}}) ==
        std::vector<long long>{1, 1});
}

TEST_CASE("rollout: a rolling update keeps the surge and availability bounds, and rolls back",
          "[world][sim]") {
  test_support::SimFixture fixture(71);
  fixture.build_account();
  auto& store = fixture.world.store();
  REQUIRE(store.create(store.type("apps/v1", "Deployment"), "default",
                       deployment("web", 4,
                                  {{"type", "RollingUpdate"},
                                   {"rollingUpdate", {{"maxSurge", 1}, {"maxUnavailable", 0}}}},
                                  "nginx:1.26")));
  settle(fixture);
  REQUIRE(replica_sets(store).size() == 1);
  CHECK(annotation(replica_sets(store)[0], "deployment.kubernetes.io/revision") == "1");

  // Watch every pod write of the rollout: never more than 5 pods that are not terminating,
  // never fewer than 4 ready.
  int most_running = 0;
  int fewest_ready = 4;
  store.observe([&](const sim::kube::Change& change) {
    if (change.resource->kind != "Pod") return;
    const PodCensus now = census(store);
    int running = 0;
    int ready = 0;
    for (const auto& [image, count] : now.running)
      running += count;
    for (const auto& [image, count] : now.ready)
      ready += count;
    most_running = std::max(most_running, running);
    fewest_ready = std::min(fewest_ready, ready);
  });
  set_image(fixture, "nginx:1.27");
  settle(fixture);
  CHECK(most_running == 5);
  CHECK(fewest_ready == 4);
  PodCensus done = census(store);
  CHECK(done.running == std::map<std::string, int>{{"nginx:1.27", 4}});
  CHECK(done.terminating == 0);
  const Json web = *store.get(store.type("apps/v1", "Deployment"), "default", "web");
  CHECK(annotation(web, "deployment.kubernetes.io/revision") == "2");
  CHECK(web["status"]["updatedReplicas"] == 4);
  CHECK(web["status"]["availableReplicas"] == 4);
  CHECK(web["status"]["conditions"][1]["reason"] == "NewReplicaSetAvailable");

  // Back to the first template: its ReplicaSet comes back with the next revision.
  set_image(fixture, "nginx:1.26");
  settle(fixture);
  const auto sets = replica_sets(store);
  REQUIRE(sets.size() == 2);
  for (const Json& set : sets) {
    const bool first = set["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.26";
    CHECK(set["spec"]["replicas"] == (first ? 4 : 0));
    CHECK(annotation(set, "deployment.kubernetes.io/revision") == (first ? "3" : "2"));
    if (first) CHECK(annotation(set, "deployment.kubernetes.io/revision-history") == "1");
  }
  CHECK(census(store).running == std::map<std::string, int>{{"nginx:1.26", 4}});
}

TEST_CASE("rollout: Recreate stops every old pod before a new one starts", "[world][sim]") {
  test_support::SimFixture fixture(72);
  fixture.build_account();
  auto& store = fixture.world.store();
  REQUIRE(store.create(store.type("apps/v1", "Deployment"), "default",
                       deployment("web", 3, {{"type", "Recreate"}}, "nginx:1.26")));
  settle(fixture);
  bool mixed = false;
  store.observe([&](const sim::kube::Change& change) {
    if (change.resource->kind != "Pod") return;
    int images = 0;
    bool old_left = false;
    for (const Json& pod : store.snapshot(store.type("v1", "Pod"), "default")) {
      if (pod["spec"]["containers"][0]["image"] == "nginx:1.26")
        old_left = true;
      else
        ++images;
    }
    mixed = mixed || (old_left && images > 0);
  });
  set_image(fixture, "nginx:1.27");
  // Every pod is down for a while: the Deployment is not Available then, as in Kubernetes
  // (Recreate tolerates no unavailable pod).
  fixture.world.run_for(std::chrono::milliseconds(300));
  const Json down = *store.get(store.type("apps/v1", "Deployment"), "default", "web");
  CHECK(down["status"]["conditions"][0]["type"] == "Available");
  CHECK(down["status"]["conditions"][0]["status"] == "False");
  settle(fixture);
  CHECK_FALSE(mixed);
  const Json up = *store.get(store.type("apps/v1", "Deployment"), "default", "web");
  CHECK(up["status"]["conditions"][0]["status"] == "True");
  CHECK(census(store).running == std::map<std::string, int>{{"nginx:1.27", 3}});
}

TEST_CASE("rollout: revisionHistoryLimit keeps that many old ReplicaSets", "[world][sim]") {
  test_support::SimFixture fixture(73);
  fixture.build_account();
  auto& store = fixture.world.store();
  Json web = deployment("web", 1, {{"type", "RollingUpdate"}}, "nginx:1");
  web["spec"]["revisionHistoryLimit"] = 1;
  REQUIRE(store.create(store.type("apps/v1", "Deployment"), "default", web));
  settle(fixture);
  for (const char* image : {"nginx:2", "nginx:3", "nginx:4"}) {
    set_image(fixture, image);
    settle(fixture);
  }
  std::vector<std::string> revisions;
  for (const Json& set : replica_sets(store))
    revisions.push_back(annotation(set, "deployment.kubernetes.io/revision"));
  std::sort(revisions.begin(), revisions.end());
  CHECK(revisions == std::vector<std::string>{"3", "4"});
}

TEST_CASE("termination: a deleted pod terminates for a while, and its endpoint says so",
          "[world][sim]") {
  test_support::SimFixture fixture(74);
  fixture.build_account();
  auto& store = fixture.world.store();
  REQUIRE(store.create(store.type("apps/v1", "Deployment"), "default",
                       deployment("web", 1, {{"type", "RollingUpdate"}}, "nginx")));
  REQUIRE(store.create(
      store.type("v1", "Service"), "default",
      {{"metadata", {{"name", "web"}}},
       {"spec", {{"selector", {{"app", "web"}}}, {"ports", Json::array({{{"port", 80}}})}}}}));
  settle(fixture);
  const auto pods = store.snapshot(store.type("v1", "Pod"), "default");
  REQUIRE(pods.size() == 1);
  const std::string name = pods[0]["metadata"]["name"];
  auto deleted = store.remove(store.type("v1", "Pod"), "default", name, {});
  REQUIRE(deleted);
  CHECK((*deleted)["metadata"]["deletionGracePeriodSeconds"] == 30);
  // Let the slice controller run, not the kubelet's stop (at least half a second away).
  fixture.world.run_for(std::chrono::milliseconds(100));
  REQUIRE(store.get(store.type("v1", "Pod"), "default", name));
  bool seen = false;
  for (const Json& slice :
       store.snapshot(store.type("discovery.k8s.io/v1", "EndpointSlice"), "default")) {
    for (const Json& endpoint : slice["endpoints"]) {
      if (endpoint["targetRef"]["name"] != name) continue;
      seen = true;
      CHECK(endpoint["conditions"] ==
            Json{{"ready", false}, {"serving", true}, {"terminating", true}});
    }
  }
  CHECK(seen);
  // A second DELETE with no period, or a longer one, changes nothing.
  sim::kube::DeleteOptions longer;
  longer.grace_period_seconds = 60;
  for (const auto& options : {sim::kube::DeleteOptions{}, longer}) {
    auto again = store.remove(store.type("v1", "Pod"), "default", name, options);
    REQUIRE(again);
    CHECK((*again)["metadata"]["deletionGracePeriodSeconds"] == 30);
    CHECK((*again)["metadata"]["resourceVersion"] == (*deleted)["metadata"]["resourceVersion"]);
  }
  // A second DELETE with a shorter period (kubectl delete --grace-period=0 --force) ends it.
  sim::kube::DeleteOptions now;
  now.grace_period_seconds = 0;
  REQUIRE(store.remove(store.type("v1", "Pod"), "default", name, now));
  CHECK_FALSE(store.get(store.type("v1", "Pod"), "default", name));
  settle(fixture);
  CHECK(census(store).ready == std::map<std::string, int>{{"nginx", 1}});
}
