#include <catch2/catch.hpp>

#include "sim/http/call_name.hpp"
#include "tests/support/sim_fixture.hpp"

using namespace albc;

namespace {
struct Unwound {
  bool& flag;
  ~Unwound() { flag = true; }
};

net::Awaitable<void> sleep_then_count(net::Clock& clock, bool& unwound, int& woke) {
  Unwound guard{unwound};
  co_await clock.sleep_for(std::chrono::seconds(10));
  ++woke;
}

net::Request request(std::string method, std::string target, std::string host = "",
                     std::string body = "") {
  net::Request built;
  built.method = std::move(method);
  built.target = std::move(target);
  if (!host.empty()) built.headers.set("Host", host);
  built.body = std::move(body);
  return built;
}
}  // namespace

TEST_CASE("world process: killing a process unwinds its coroutines and disarms their timers",
          "[world][sim]") {
  test_support::SimFixture fixture(61);
  sim::world::World& world = fixture.world;
  const auto process = world.start_process();
  bool unwound = false;
  int woke = 0;
  net::spawn_checked(world.executor_of(process), sleep_then_count(world.clock(), unwound, woke),
                     "sleeper");
  world.run_for(std::chrono::seconds(1));
  REQUIRE(world.clock().armed() == 1);
  CHECK_FALSE(unwound);

  world.kill(process);
  CHECK(unwound);
  CHECK_FALSE(world.alive(process));
  CHECK(world.clock().armed() == 0);
  world.run_for(std::chrono::seconds(20));
  CHECK(woke == 0);
  // A process that is already gone is killed again without effect.
  world.kill(process);
}

TEST_CASE("world process: the survivors keep running after a kill", "[world][sim]") {
  test_support::SimFixture fixture(62);
  sim::world::World& world = fixture.world;
  const auto doomed = world.start_process();
  const auto survivor = world.start_process();
  bool doomed_unwound = false;
  bool survivor_unwound = false;
  int woke = 0;
  net::spawn_checked(world.executor_of(doomed),
                     sleep_then_count(world.clock(), doomed_unwound, woke), "doomed");
  net::spawn_checked(world.executor_of(survivor),
                     sleep_then_count(world.clock(), survivor_unwound, woke), "survivor");
  // kill_soon from a timer callback: the process dies once the callback has returned.
  world.clock().call_after(std::chrono::seconds(5), [&] { world.kill_soon(doomed); });
  world.run_for(std::chrono::seconds(11));
  CHECK(doomed_unwound);
  CHECK(woke == 1);
  CHECK(world.alive(survivor));
  CHECK_FALSE(world.alive(doomed));
}

TEST_CASE("call names: AWS actions by service, Kubernetes writes by verb and resource",
          "[world][sim]") {
  using sim::http::call_name;
  CHECK(call_name(request("POST", "/", "elasticloadbalancing.us-east-1.amazonaws.com",
                          "Action=CreateListener&Version=2015-12-01")) == "elbv2 CreateListener");
  CHECK(call_name(request("POST", "/", "ec2.eu-west-1.amazonaws.com",
                          "Version=2016-11-15&Action=DescribeVpcs")) == "ec2 DescribeVpcs");
  CHECK(call_name(request("POST", "/", "sts.amazonaws.com", "Action=GetCallerIdentity")).empty());
  CHECK(call_name(request("POST", "/", "ec2.us-east-1.amazonaws.com", "Version=1")).empty());
  CHECK(call_name(request("PATCH",
                          "/apis/networking.k8s.io/v1/namespaces/test/ingresses/web/"
                          "status")) == "kube patch ingresses/status");
  CHECK(call_name(request("POST", "/api/v1/namespaces/test/events")) == "kube create events");
  CHECK(call_name(request("PUT",
                          "/apis/elbv2.k8s.aws/v1beta1/namespaces/test/"
                          "targetgroupbindings/tgb")) == "kube update targetgroupbindings");
  CHECK(call_name(request("DELETE", "/api/v1/namespaces/test/pods")) ==
        "kube deletecollection pods");
  CHECK(call_name(request("DELETE", "/api/v1/namespaces/test")) == "kube delete namespaces");
  CHECK(call_name(request("GET", "/api/v1/namespaces/test/pods?watch=true")) == "kube watch pods");
  CHECK(call_name(request("GET", "/api/v1/namespaces/test/pods?limit=500")) == "kube list pods");
  CHECK(call_name(request("GET", "/api/v1/namespaces/test/pods/web")) == "kube get pods");
  CHECK(call_name(request("GET", "/api")).empty());
}
