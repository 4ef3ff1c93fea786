#include <catch2/catch.hpp>

#include <stdexcept>

#include "controller/k8s/controller.hpp"
#include "tests/support/sim_fixture.hpp"

using namespace albc;

namespace {

// Throws on one key, as a bug in a reconciler would; succeeds on the others.
class ThrowingReconciler final : public k8s::Reconciler {
 public:
  net::Awaitable<k8s::Outcome> reconcile(std::string key) override {
    ++calls;
    if (key == "bad") throw std::out_of_range("index 3 past the end");
    co_return k8s::Outcome::forget();
  }
  int calls = 0;
};

}  // namespace

TEST_CASE("controller: a reconcile that throws backs off, and is reported as a bug", "[k8s][sim]") {
  test_support::SimFixture fixture(81);
  auto& world = fixture.world;
  k8s::WorkQueue queue(world.clock());
  ThrowingReconciler reconciler;
  k8s::Controller controller("ingress", queue, reconciler, world.clock(), world.trace(), 1);
  std::vector<std::string> bugs;
  controller.set_bug_sink([&](std::string_view place, std::string_view what) {
    bugs.push_back(std::string(place) + ": " + std::string(what));
  });
  controller.start(world.executor());
  queue.add("good");
  queue.add("bad");
  world.run_for(std::chrono::seconds(1));
  REQUIRE_FALSE(bugs.empty());
  CHECK(bugs.front() == "the ingress controller's reconcile of bad: index 3 past the end");
  // The key backs off and is tried again (what production does); the others go on.
  CHECK(reconciler.calls >= 3);
  queue.shut_down();
  world.run_for(std::chrono::seconds(1));
}
