// Micro-benchmarks of the controller's pure parts and the fakes' hot paths, compared within one
// run (this machine is shared: ratios, not absolute times). See bench/RESULTS.md.

#include <benchmark/benchmark.h>
#include "controller/ingress/ingress_indexes.hpp"

#include <boost/asio/io_context.hpp>

#include "controller/deploy/sdk_form.hpp"
#include "controller/ingress/group.hpp"
#include "controller/ingress/model_builder.hpp"
#include "controller/ingress/naming.hpp"
#include "controller/net/query_tree.hpp"
#include "controller/net/xml.hpp"
#include "sim/kube/store.hpp"
#include "sim/world/virtual_clock.hpp"
#include "tests/support/fixed_resolver.hpp"

using namespace albc;
using Json = nlohmann::json;

namespace {

// The seed's Ingress, with `paths` paths to as many Services.
Json seed_ingress(int paths) {
  Json list = Json::array();
  for (int i = 0; i < paths; ++i) {
    list.push_back(
        {{"path", "/svc-" + std::to_string(i)},
         {"pathType", "Prefix"},
         {"backend",
          {{"service", {{"name", "svc-" + std::to_string(i)}, {"port", {{"number", 80}}}}}}}});
  }
  return {{"metadata",
           {{"namespace", "test"},
            {"name", "nginx-ingress"},
            {"annotations",
             {{"alb.ingress.kubernetes.io/group.name", "nginx-group"},
              {"alb.ingress.kubernetes.io/subnets", "subnet-1, subnet-2"},
              {"alb.ingress.kubernetes.io/scheme", "internet-facing"},
              {"alb.ingress.kubernetes.io/security-groups", "sg-1"},
              {"alb.ingress.kubernetes.io/listen-ports", R"([{"HTTP": 81}])"},
              {"alb.ingress.kubernetes.io/healthcheck-interval-seconds", "15"},
              {"alb.ingress.kubernetes.io/success-codes", "200,302"},
              {"alb.ingress.kubernetes.io/target-type", "ip"}}}}},
          {"spec",
           {{"ingressClassName", "alb"}, {"rules", Json::array({{{"http", {{"paths", list}}}}})}}}};
}

void BM_BuildSeedModel(benchmark::State& state) {
  const int paths = static_cast<int>(state.range(0));
  k8s::ObjectCache ingresses;
  k8s::ObjectCache classes;
  k8s::ObjectCache params;
  k8s::ObjectCache services;
  classes.put({{"metadata", {{"name", "alb"}}}, {"spec", {{"controller", "ingress.k8s.aws/alb"}}}});
  ingresses.put(seed_ingress(paths));
  for (int i = 0; i < paths; ++i) {
    services.put({{"metadata",
                   {{"namespace", "test"},
                    {"name", "svc-" + std::to_string(i)},
                    {"uid", "uid-" + std::to_string(i)}}},
                  {"spec", {{"ports", Json::array({{{"port", 80}, {"targetPort", 8080}}})}}}});
  }
  ingress::add_ingress_indexes(ingresses);
  ingress::GroupLoader loader(ingresses, classes, params, {});
  test_support::FixedResolver resolver;
  ingress::BuilderOptions options;
  options.cluster_name = "bys-dev";
  options.vpc_id = "vpc-1";
  ingress::ModelBuilder builder(services, resolver, options);
  asio::io_context io;
  for (auto _ : state) {
    auto group = loader.load(ingress::GroupId{"", "nginx-group"});
    if (!test_support::run_build(io, builder, std::move(*group)))
      state.SkipWithError("build failed");
  }
  state.SetItemsProcessed(state.iterations() * paths);
}
BENCHMARK(BM_BuildSeedModel)->Arg(1)->Arg(10)->Arg(100);

void BM_TargetGroupName(benchmark::State& state) {
  ingress::TargetGroupNameInputs inputs{"bys-dev",
                                        "nginx-group",
                                        "test",
                                        "nginx-ingress",
                                        "test",
                                        "nginx-svc",
                                        "6f1c1f5e-8d3b-4a5e-9a39-2f1e0c9d7b11",
                                        "80",
                                        80,
                                        "ip",
                                        "HTTP",
                                        "HTTP1"};
  for (auto _ : state)
    benchmark::DoNotOptimize(ingress::target_group_name(inputs));
}
BENCHMARK(BM_TargetGroupName);

void BM_QueryRoundTrip(benchmark::State& state) {
  const Json rule = {
      {"ListenerArn", "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2"},
      {"Priority", "7"},
      {"Conditions", Json::array({{{"Field", "path-pattern"},
                                   {"PathPatternConfig", {{"Values", {"/a", "/a/*"}}}}}})},
      {"Actions",
       Json::array({{{"Type", "forward"},
                     {"Order", "1"},
                     {"ForwardConfig",
                      {{"TargetGroups", Json::array({{{"TargetGroupArn", "arn:tg"}}})}}}}})}};
  for (auto _ : state) {
    const std::string body = net::flatten_query(rule, net::QueryStyle::Query).encode();
    auto parsed = net::QueryForm::parse(body);
    benchmark::DoNotOptimize(net::parse_query_tree(*parsed));
  }
}
BENCHMARK(BM_QueryRoundTrip);

void BM_XmlDescribeTargetHealth(benchmark::State& state) {
  Json descriptions = Json::array();
  for (int i = 0; i < state.range(0); ++i) {
    descriptions.push_back({{"Target", {{"Id", "10.0.0." + std::to_string(i)}, {"Port", "80"}}},
                            {"TargetHealth", {{"State", "healthy"}}}});
  }
  const std::string xml =
      "<DescribeTargetHealthResponse><DescribeTargetHealthResult>" +
      net::json_to_xml(Json{{"TargetHealthDescriptions", descriptions}}, "member") +
      "</DescribeTargetHealthResult></DescribeTargetHealthResponse>";
  for (auto _ : state)
    benchmark::DoNotOptimize(net::xml_to_json(xml));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_XmlDescribeTargetHealth)->Arg(2)->Arg(200);

void BM_StoreWrites(benchmark::State& state) {
  sim::world::VirtualClock clock(net::Clock::wall_time_point{});
  const auto registry = sim::kube::ResourceRegistry::standard();
  sim::kube::Store store(registry, clock, net::Random(1));
  const auto& namespaces = *registry.find("", "v1", "namespaces");
  const auto& configmaps = *registry.find("", "v1", "configmaps");
  (void)store.create(namespaces, "", {{"metadata", {{"name", "test"}}}});
  std::uint64_t i = 0;
  for (auto _ : state) {
    const std::string name = "c" + std::to_string(i++);
    (void)store.create(configmaps, "test",
                       {{"metadata", {{"name", name}}}, {"data", {{"k", "v"}}}});
    (void)store.remove(configmaps, "test", name, {});
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_StoreWrites);

}  // namespace

BENCHMARK_MAIN();
