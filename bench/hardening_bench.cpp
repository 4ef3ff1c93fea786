// What checking outside input costs: a write through the fake API server's whole door (decode,
// schema, validation, admission, store), the refusal of a body nested past the limit, and
// SigV4 verification as the fake AWS does it for every request.
#include <benchmark/benchmark.h>

#include <string>

#include "controller/net/sigv4.hpp"
#include "sim/kube/api_server.hpp"
#include "sim/world/virtual_clock.hpp"

using namespace albc;

namespace {

net::Request kube_request(std::string method, std::string target, std::string body) {
  net::Request request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.body = std::move(body);
  if (!request.body.empty()) request.headers.set("Content-Type", "application/json");
  return request;
}

// A fresh API server with the namespace "default".
struct ApiServerFixture {
  sim::world::VirtualClock clock{net::Clock::wall_time_point{}};
  sim::kube::ResourceRegistry registry = sim::kube::ResourceRegistry::standard();
  sim::kube::Store store{registry, clock, net::Random(1)};
  sim::kube::ApiServer api{store, clock};

  ApiServerFixture() {
    (void)api.handle(
        kube_request("POST", "/api/v1/namespaces", R"({"metadata":{"name":"default"}})"));
  }
};

// POST then DELETE of a Deployment: two requests through every check of the door.
void BM_ApiServerDeploymentCreateDelete(benchmark::State& state) {
  ApiServerFixture fixture;
  const std::string collection = "/apis/apps/v1/namespaces/default/deployments";
  std::uint64_t i = 0;
  for (auto _ : state) {
    const std::string name = "web-" + std::to_string(i++);
    const auto created = fixture.api.handle(kube_request(
        "POST", collection, R"({"metadata":{"name":")" + name + R"(","labels":{"app":"web"}},
      "spec":{"replicas":0,"selector":{"matchLabels":{"app":"web"}},
        "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web",
          "image":"nginx","ports":[{"containerPort":80}]}]}}}})"));
    if (created.status != 201) state.SkipWithError(created.body.c_str());
    const auto deleted = fixture.api.handle(kube_request("DELETE", collection + "/" + name, ""));
    if (deleted.status != 200) state.SkipWithError(deleted.body.c_str());
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_ApiServerDeploymentCreateDelete);

// A ConfigMap body nested 10,001 levels deep: refused with 400 before anything is built.
void BM_ApiServerRefusesDeepBody(benchmark::State& state) {
  ApiServerFixture fixture;
  const int depth = 10'001;
  const std::string body = R"({"metadata":{"name":"deep"},"data":)" + std::string(depth, '[') +
                           std::string(depth, ']') + "}";
  for (auto _ : state) {
    const auto refused =
        fixture.api.handle(kube_request("POST", "/api/v1/namespaces/default/configmaps", body));
    if (refused.status != 400) state.SkipWithError(refused.body.c_str());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_ApiServerRefusesDeepBody);

// The check every request to the fake AWS goes through.
void BM_SigV4Verify(benchmark::State& state) {
  const auto now = net::Clock::wall_time_point{} + std::chrono::seconds(1'767'225'600);
  net::Request request;
  request.method = "POST";
  request.headers.set("Host", "elasticloadbalancing.us-east-1.amazonaws.com");
  request.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  request.body = "Action=DescribeLoadBalancers&Version=2015-12-01";
  net::sign_request(request, {"testing", "testing", ""}, {"us-east-1", "elasticloadbalancing"},
                    now);
  const net::SecretLookup secret_of = [](std::string_view key) -> std::optional<std::string> {
    if (key == "testing") return std::string("testing");
    return std::nullopt;
  };
  for (auto _ : state) {
    auto verified =
        net::verify_signature(request, secret_of, now, "us-east-1", "elasticloadbalancing");
    if (!verified) state.SkipWithError(verified.error().message.c_str());
    benchmark::DoNotOptimize(verified);
  }
}
BENCHMARK(BM_SigV4Verify);

}  // namespace
