#include <catch2/catch.hpp>

#include "controller/k8s/informer.hpp"
#include "controller/k8s/work_queue.hpp"
#include "tests/support/sim_fixture.hpp"

using namespace albc;

TEST_CASE("work_queue: a key is queued once and never processed twice at a time", "[k8s][sim]") {
  test_support::SimFixture fixture(41);
  k8s::WorkQueue queue(fixture.world.clock());
  queue.add("a");
  queue.add("a");
  queue.add("b");
  CHECK(queue.length() == 2);
  auto first = fixture.run(queue.get());
  REQUIRE(first == "a");
  queue.add("a");  // while processing: queued again when done
  CHECK(queue.length() == 1);
  queue.done("a");
  CHECK(queue.length() == 2);
  CHECK(fixture.run(queue.get()) == "b");
  CHECK(fixture.run(queue.get()) == "a");
  queue.done("b");
  queue.done("a");
  CHECK(queue.idle());
}

TEST_CASE("work_queue: delays keep the earliest deadline and backoff doubles per key",
          "[k8s][sim]") {
  test_support::SimFixture fixture(42);
  k8s::WorkQueue queue(fixture.world.clock());
  queue.add_after("a", std::chrono::seconds(10));
  queue.add_after("a", std::chrono::seconds(5));
  queue.add_after("a", std::chrono::seconds(20));
  CHECK_FALSE(queue.idle());
  auto key = fixture.run(queue.get());
  CHECK(key == "a");
  CHECK(fixture.world.clock().elapsed() == std::chrono::seconds(5));
  queue.done("a");
  const auto start = fixture.world.clock().elapsed();
  std::vector<std::chrono::nanoseconds> waits;
  for (int i = 0; i < 4; ++i) {
    queue.add_rate_limited("a");
    const auto before = fixture.world.clock().elapsed();
    REQUIRE(fixture.run(queue.get()) == "a");
    waits.push_back(fixture.world.clock().elapsed() - before);
    queue.done("a");
  }
  CHECK(waits == std::vector<std::chrono::nanoseconds>{
                     std::chrono::milliseconds(5), std::chrono::milliseconds(10),
                     std::chrono::milliseconds(20), std::chrono::milliseconds(40)});
  queue.forget("a");
  CHECK(queue.failures("a") == 0);
  CHECK(fixture.world.clock().elapsed() - start == std::chrono::milliseconds(75));
}

TEST_CASE("informer: lists, then follows a watch into its cache", "[k8s][sim]") {
  test_support::SimFixture fixture(43);
  fixture.build_account();
  auto& store = fixture.world.store();
  const auto& configmaps = store.type("v1", "ConfigMap");
  REQUIRE(store.create(configmaps, "default", {{"metadata", {{"name", "before"}}}}));
  static const k8s::Resource kConfigMaps{"", "v1", "configmaps", "ConfigMap", true};
  k8s::Informer informer(fixture.kube, fixture.world.clock(), net::Random(1), fixture.world.trace(),
                         kConfigMaps);
  std::vector<std::string> seen;
  informer.on_change([&](const k8s::Json* old, const k8s::Json* current) {
    const k8s::Json& object = current != nullptr ? *current : *old;
    seen.push_back(std::string(old == nullptr       ? "add "
                               : current == nullptr ? "delete "
                                                    : "update ") +
                   object["metadata"].value("name", ""));
  });
  informer.start(fixture.world.executor());
  REQUIRE(fixture.world.run_until([&] { return informer.synced(); }, std::chrono::seconds(5)));
  REQUIRE(store.create(configmaps, "default", {{"metadata", {{"name", "after"}}}}));
  REQUIRE(store.remove(configmaps, "default", "before", {}));
  REQUIRE(fixture.world.run_until([&] { return seen.size() == 3; }, std::chrono::seconds(5)));
  CHECK(seen == std::vector<std::string>{"add before", "add after", "delete before"});
  CHECK(informer.cache().get("default", "after") != nullptr);
  CHECK(informer.cache().get("default", "before") == nullptr);
  // A watch that times out is re-established from the last resourceVersion: nothing is missed.
  fixture.world.run_for(std::chrono::minutes(15));
  REQUIRE(store.create(configmaps, "default", {{"metadata", {{"name", "later"}}}}));
  REQUIRE(fixture.world.run_until([&] { return seen.size() == 4; }, std::chrono::seconds(5)));
  CHECK(seen.back() == "add later");
  informer.stop();
}
