#include <catch2/catch.hpp>
#include "controller/ingress/ingress_indexes.hpp"

#include <boost/asio/io_context.hpp>

#include "controller/ingress/event_mapping.hpp"
#include "controller/ingress/group.hpp"
#include "controller/ingress/model_builder.hpp"
#include "tests/support/fixed_resolver.hpp"
#include "tests/support/mutations.hpp"

using namespace albc;
using namespace albc::ingress;

// The controller never throws on an object an API server could hold: each field of each object
// it reads, broken in every way, gives a value or an error for that group.

namespace {

Json seed_ingress() {
  return {{"apiVersion", "networking.k8s.io/v1"},
          {"kind", "Ingress"},
          {"metadata",
           {{"namespace", "test"},
            {"name", "web"},
            {"uid", "web-uid"},
            {"finalizers", {"group.ingress.k8s.aws/g"}},
            {"annotations",
             {{"alb.ingress.kubernetes.io/group.name", "g"},
              {"alb.ingress.kubernetes.io/subnets", "sbn-a, sbn-b"},
              {"alb.ingress.kubernetes.io/listen-ports", R"([{"HTTP": 80}, {"HTTPS": 443}])"},
              {"alb.ingress.kubernetes.io/certificate-arn", "arn:aws:acm:x"},
              {"alb.ingress.kubernetes.io/actions.forward-two",
               R"({"type":"forward","forwardConfig":{"targetGroups":[
                   {"serviceName":"web","servicePort":80,"weight":1},
                   {"serviceName":"web","servicePort":"http","weight":2}],
                   "targetGroupStickinessConfig":{"enabled":true,"durationSeconds":60}}})"},
              {"alb.ingress.kubernetes.io/conditions.web",
               R"([{"field":"host-header","hostHeaderConfig":{"values":["a.example.com"]}}])"},
              {"alb.ingress.kubernetes.io/target-type", "ip"}}}}},
          {"spec",
           {{"ingressClassName", "alb"},
            {"defaultBackend", {{"service", {{"name", "web"}, {"port", {{"name", "http"}}}}}}},
            {"rules",
             Json::array(
                 {{{"host", "a.example.com"},
                   {"http",
                    {{"paths",
                      Json::array({{{"path", "/"},
                                    {"pathType", "Prefix"},
                                    {"backend",
                                     {{"service", {{"name", "web"}, {"port", {{"number", 80}}}}}}}},
                                   {{"path", "/two"},
                                    {"pathType", "Exact"},
                                    {"backend",
                                     {{"service",
                                       {{"name", "forward-two"},
                                        {"port", {{"name", "use-annotation"}}}}}}}}})}}}}})}}},
          {"status", {{"loadBalancer", {{"ingress", Json::array({{{"hostname", "x"}}})}}}}}};
}

Json seed_service() {
  return {{"metadata", {{"namespace", "test"}, {"name", "web"}, {"uid", "svc-uid"}}},
          {"spec",
           {{"type", "NodePort"},
            {"ipFamilies", Json::array({"IPv4"})},
            {"ports", Json::array({{{"name", "http"},
                                    {"port", 80},
                                    {"targetPort", 8080},
                                    {"protocol", "TCP"},
                                    {"nodePort", 31234}}})}}}};
}

Json seed_class() {
  return {{"metadata", {{"name", "alb"}}},
          {"spec",
           {{"controller", "ingress.k8s.aws/alb"},
            {"parameters",
             {{"apiGroup", "elbv2.k8s.aws"}, {"kind", "IngressClassParams"}, {"name", "p"}}}}}};
}

Json seed_params() {
  return {{"metadata", {{"name", "p"}}},
          {"spec",
           {{"group", {{"name", "g"}}},
            {"scheme", "internet-facing"},
            {"tags", Json::array({{{"key", "team"}, {"value", "web"}}})}}}};
}

struct World {
  k8s::ObjectCache ingresses;
  k8s::ObjectCache classes;
  k8s::ObjectCache params;
  k8s::ObjectCache services;
  test_support::FixedResolver resolver;
  GroupLoader loader{ingresses, classes, params, LoaderOptions{}};

  World(const Json& ingress, const Json& service, const Json& ingress_class,
        const Json& class_params) {
    add_ingress_indexes(ingresses);
    ingresses.put(ingress);
    services.put(service);
    classes.put(ingress_class);
    params.put(class_params);
  }

  // Loads and builds the group; either may fail, neither may throw. Whether the model was
  // built.
  bool build() {
    auto group = loader.load(GroupId{"", "g"});
    (void)loader.group_of(*ingresses.list().front());
    if (!group) return false;
    BuilderOptions options;
    options.cluster_name = "demo";
    options.vpc_id = "vpc-1";
    ModelBuilder builder(services, resolver, options);
    asio::io_context io;
    return test_support::run_build(io, builder, std::move(*group)).has_value();
  }
};

}  // namespace

TEST_CASE("malformed objects: the seed objects build a model", "[ingress]") {
  World world(seed_ingress(), seed_service(), seed_class(), seed_params());
  auto group = world.loader.load(GroupId{"", "g"});
  REQUIRE(group);
  REQUIRE(group->members.size() == 1);
  // Mutations are measured against a seed that builds: one that failed early would hide them.
  REQUIRE(world.build());
}

TEST_CASE("malformed objects: no field of an Ingress breaks the loader or the builder",
          "[ingress]") {
  std::size_t cases = 0;
  test_support::for_each_mutation(
      seed_ingress(), [&](const Json& ingress, const std::string& where) {
        if (k8s::name_of(ingress).empty()) {
          return;  // the cache is keyed by metadata.name: an object without one never reaches it
        }
        CAPTURE(where);
        World world(ingress, seed_service(), seed_class(), seed_params());
        CHECK_NOTHROW(world.build());
        ++cases;
      });
  CHECK(cases > 300);
}

TEST_CASE(
    "malformed objects: no field of a Service, IngressClass or IngressClassParams breaks "
    "the build",
    "[ingress]") {
  std::size_t cases = 0;
  const auto keyed = [](const Json& object) { return !k8s::name_of(object).empty(); };
  test_support::for_each_mutation(
      seed_service(), [&](const Json& service, const std::string& where) {
        if (!keyed(service)) return;
        CAPTURE(where);
        World world(seed_ingress(), service, seed_class(), seed_params());
        CHECK_NOTHROW(world.build());
        ++cases;
      });
  test_support::for_each_mutation(
      seed_class(), [&](const Json& ingress_class, const std::string& where) {
        if (!keyed(ingress_class)) return;
        CAPTURE(where);
        World world(seed_ingress(), seed_service(), ingress_class, seed_params());
        CHECK_NOTHROW(world.build());
        ++cases;
      });
  test_support::for_each_mutation(seed_params(), [&](const Json& params, const std::string& where) {
    if (!keyed(params)) return;
    CAPTURE(where);
    World world(seed_ingress(), seed_service(), seed_class(), params);
    CHECK_NOTHROW(world.build());
    ++cases;
  });
  CHECK(cases > 200);
}
