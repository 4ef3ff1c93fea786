// The fakes at scale, in process, through the same door as the in-process transport (the fake
// AWS verifies SigV4 and renders XML; the fake API server parses and renders JSON): Describe*
// latency against the size of the account, DescribeTargetHealth throughput, and a GET and a
// LIST of pods in a cluster of 100,000. bench/RESULTS.md has the figures and the commands.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "controller/net/sigv4.hpp"
#include "sim/kube/api_server.hpp"
#include "sim/world/virtual_clock.hpp"
#include "sim/world/world.hpp"

using namespace albc;

namespace {

// A world with the account built (a VPC and two subnets) and nothing running.
struct AwsFixture {
  sim::world::World world{sim::world::WorldOptions{}};
  std::string vpc_id;
  net::SigningKeyCache keys;

  AwsFixture() {
    auto& ec2 = world.aws().ec2();
    auto vpc = ec2.handle("CreateVpc", sim::aws::Params({{"CidrBlock", "10.0.0.0/16"}},
                                                        sim::aws::Params::Style::Ec2));
    vpc_id = (*vpc)["vpc"]["vpcId"];
    sim::aws::Elbv2Quotas quotas;
    quotas.target_groups_max = 100'000;
    world.aws().elbv2().set_quotas(quotas);
  }

  net::Response call(const std::string& body) {
    net::Request request;
    request.method = "POST";
    request.headers.set("Host", "elasticloadbalancing.us-east-1.amazonaws.com");
    request.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    request.body = body + "&Version=2015-12-01";
    net::sign_request(request, {"testing", "testing", ""}, {"us-east-1", "elasticloadbalancing"},
                      world.clock().wall_now(), &keys);
    return world.aws().handle(request);
  }

  std::string create_target_group(std::size_t i) {
    const auto answer = call("Action=CreateTargetGroup&Name=tg-" + std::to_string(i) +
                             "&Protocol=HTTP&Port=80&TargetType=ip&VpcId=" + vpc_id);
    const auto begin = answer.body.find("<TargetGroupArn>") + 16;
    return answer.body.substr(begin, answer.body.find("</TargetGroupArn>") - begin);
  }
};

// The first page (400) of DescribeTargetGroups with no filter, in accounts of 100 to 10,000
// target groups: the page costs the same whatever the account holds.
void BM_Elbv2DescribeTargetGroupsPage(benchmark::State& state) {
  AwsFixture fixture;
  for (std::int64_t i = 0; i < state.range(0); ++i)
    fixture.create_target_group(static_cast<std::size_t>(i));
  for (auto _ : state) {
    const auto answer = fixture.call("Action=DescribeTargetGroups&PageSize=100");
    if (answer.status != 200) state.SkipWithError(answer.body.c_str());
    benchmark::DoNotOptimize(answer);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Elbv2DescribeTargetGroupsPage)->Arg(100)->Arg(1'000)->Arg(10'000);

// DescribeTargetHealth of a target group of 50 targets (the wrk figure, in process).
void BM_Elbv2DescribeTargetHealth50(benchmark::State& state) {
  AwsFixture fixture;
  const std::string arn = fixture.create_target_group(0);
  std::string targets;
  for (int i = 1; i <= 50; ++i) {
    targets += "&Targets.member." + std::to_string(i) + ".Id=10.0.0." + std::to_string(i + 10) +
               "&Targets.member." + std::to_string(i) + ".Port=8080";
  }
  const auto registered = fixture.call("Action=RegisterTargets&TargetGroupArn=" + arn + targets);
  if (registered.status != 200) state.SkipWithError(registered.body.c_str());
  for (auto _ : state) {
    const auto answer = fixture.call("Action=DescribeTargetHealth&TargetGroupArn=" + arn);
    if (answer.status != 200) state.SkipWithError(answer.body.c_str());
    benchmark::DoNotOptimize(answer);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Elbv2DescribeTargetHealth50);

// A cluster of `pods` pods in namespaces of 1,000, written straight to the store.
struct KubeFixture {
  sim::world::VirtualClock clock{net::Clock::wall_time_point{} +
                                 std::chrono::seconds(1'767'225'600)};
  sim::kube::ResourceRegistry registry = sim::kube::ResourceRegistry::standard();
  sim::kube::StoreLimits limits = [] {
    sim::kube::StoreLimits raised;
    raised.pods_per_namespace_max = 1'000;
    return raised;
  }();
  sim::kube::Store store{registry, clock, net::Random(1), limits};
  sim::kube::ApiServer api{store, clock};

  explicit KubeFixture(std::size_t pods) {
    const auto& pod_type = store.type("v1", "Pod");
    const auto& namespace_type = store.type("v1", "Namespace");
    for (std::size_t i = 0; i < pods; ++i) {
      const std::string ns = "ns-" + std::to_string(i / 1000);
      if (i % 1000 == 0) (void)store.create(namespace_type, "", {{"metadata", {{"name", ns}}}});
      (void)store.create(
          pod_type, ns,
          {{"metadata", {{"name", "pod-" + std::to_string(i)}, {"labels", {{"app", "web"}}}}},
           {"spec",
            {{"containers", sim::kube::Json::array({{{"name", "web"},
                                                     {"image", "nginx:1.25"},
                                                     {"ports", {{{"containerPort", 8080}}}}}})}}}});
    }
  }

  net::Response get(const std::string& target) {
    net::Request request;
    request.method = "GET";
    request.target = target;
    request.headers.set("Accept", "application/json");
    return api.handle(request);
  }
};

// GET of one pod among 100,000; the p99 of the iterations is a counter.
void BM_KubeGetPodOf100k(benchmark::State& state) {
  KubeFixture fixture(100'000);
  std::vector<double> micros;
  std::uint64_t i = 0;
  for (auto _ : state) {
    const std::size_t pod = (i++ * 7919) % 100'000;
    const auto started = std::chrono::steady_clock::now();
    const auto answer = fixture.get("/api/v1/namespaces/ns-" + std::to_string(pod / 1000) +
                                    "/pods/pod-" + std::to_string(pod));
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started)
            .count());
    if (answer.status != 200) state.SkipWithError(answer.body.c_str());
  }
  std::sort(micros.begin(), micros.end());
  state.counters["p99_us"] = micros.empty() ? 0 : micros[micros.size() * 99 / 100];
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KubeGetPodOf100k)->Unit(benchmark::kMicrosecond);

// LIST of a namespace of 1,000 pods, in a cluster of 100,000.
void BM_KubeListNamespaceOf1000(benchmark::State& state) {
  KubeFixture fixture(100'000);
  for (auto _ : state) {
    const auto answer = fixture.get("/api/v1/namespaces/ns-42/pods");
    if (answer.status != 200) state.SkipWithError("LIST failed");
    benchmark::DoNotOptimize(answer);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KubeListNamespaceOf1000)->Unit(benchmark::kMillisecond);

}  // namespace
