#include <catch2/catch.hpp>

#include "controller/net/glob.hpp"
#include "sim/scenario/invariants.hpp"
#include "tests/support/sim_fixture.hpp"

using namespace albc;
using Json = nlohmann::json;
using sim::scenario::Violation;

namespace {

constexpr const char* kTgArn =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/k8s-test-web-0123456789/1";

const sim::kube::ResourceType& type_of(sim::world::World& world, const char* api_version,
                                       const char* kind) {
  const sim::kube::ResourceType* type = world.store().registry().find_kind(api_version, kind);
  REQUIRE(type != nullptr);
  return *type;
}

void create(sim::world::World& world, const char* api_version, const char* kind, Json object) {
  object["apiVersion"] = api_version;
  object["kind"] = kind;
  const std::string ns = object["metadata"].value("namespace", "");
  auto created = world.store().create(type_of(world, api_version, kind), ns, object);
  INFO(object.dump());
  REQUIRE(created.has_value());
}

void add_target_group(sim::world::World& world, sim::aws::Tags tags,
                      std::vector<std::string> target_ips) {
  sim::aws::TargetGroup group;
  group.arn = kTgArn;
  group.name = "k8s-test-web-0123456789";
  group.target_type = "ip";
  group.port = 80;
  group.tags = std::move(tags);
  for (const std::string& ip : target_ips)
    group.targets.push_back({ip, 8080, "us-east-1a", world.clock().now(), std::nullopt});
  world.aws().state().add(group);
}

std::vector<Violation> check(sim::world::World& world, std::set<std::string> enabled) {
  return sim::scenario::check_state_invariants(world.aws(), world.store(), {"c1", "alb"}, enabled);
}

std::string messages(const std::vector<Violation>& violations) {
  std::string text;
  for (const Violation& violation : violations)
    text += violation.invariant + ": " + violation.message + "\n";
  return text;
}

Json pod(const char* name) {
  return {"targetRef", {{"kind", "Pod"}, {"namespace", "test"}, {"name", name}}};
}

void create_service_with_endpoints(sim::world::World& world) {
  create(world, "v1", "Namespace", {{"metadata", {{"name", "test"}}}});
  create(world, "v1", "Service",
         {{"metadata", {{"name", "web"}, {"namespace", "test"}}},
          {"spec", {{"ports", {{{"port", 80}, {"targetPort", 8080}}}}}}});
  create(world, "discovery.k8s.io/v1", "EndpointSlice",
         {{"metadata",
           {{"name", "web-abcde"},
            {"namespace", "test"},
            {"labels", {{"kubernetes.io/service-name", "web"}}}}},
          {"addressType", "IPv4"},
          {"ports", {{{"port", 8080}, {"protocol", "TCP"}}}},
          {"endpoints",
           {{{"addresses", {"10.0.0.11"}}, {"conditions", {{"ready", true}}}, pod("web-1")},
            {{"addresses", {"10.0.0.12"}}, {"conditions", {{"ready", true}}}, pod("web-2")},
            {{"addresses", {"10.0.0.13"}}, {"conditions", {{"ready", false}}}, pod("web-3")},
            // Not a pod: never a target.
            {{"addresses", {"10.0.0.14"}}, {"conditions", {{"ready", true}}}}}}});
}

void create_binding(sim::world::World& world, const std::string& arn) {
  create(world, "elbv2.k8s.aws/v1beta1", "TargetGroupBinding",
         {{"metadata", {{"name", "web"}, {"namespace", "test"}}},
          {"spec",
           {{"targetGroupARN", arn},
            {"targetType", "ip"},
            {"serviceRef", {{"name", "web"}, {"port", 80}}}}}});
}

}  // namespace

TEST_CASE(
    "invariants: a tagged target group with no Ingress behind it leaks, and one without "
    "a binding is an orphan",
    "[scenario][invariants]") {
  test_support::SimFixture fixture(71);
  fixture.build_account();
  add_target_group(fixture.world,
                   {{"elbv2.k8s.aws/cluster", "c1"}, {"ingress.k8s.aws/stack", "test/web"}}, {});
  const auto violations = check(fixture.world, {"no-leak", "no-orphan"});
  INFO(messages(violations));
  REQUIRE(violations.size() == 2);
  CHECK(violations[0].invariant == "no-leak");
  CHECK(violations[0].message ==
        "target group k8s-test-web-0123456789 of stack test/web is left while no Ingress of "
        "class alb forms that stack");
  CHECK(violations[1].invariant == "no-orphan");
  CHECK(violations[1].message ==
        "target group k8s-test-web-0123456789 has no TargetGroupBinding to keep its targets");

  // Another cluster's resources are not this controller's business.
  fixture.world.aws().state().find_target_group(kTgArn)->tags["elbv2.k8s.aws/cluster"] = "c2";
  CHECK(check(fixture.world, {"no-leak", "no-orphan"}).empty());
}

TEST_CASE("invariants: an Ingress of the class keeps its stack alive", "[scenario][invariants]") {
  test_support::SimFixture fixture(72);
  fixture.build_account();
  add_target_group(fixture.world,
                   {{"elbv2.k8s.aws/cluster", "c1"}, {"ingress.k8s.aws/stack", "shop"}}, {});
  create(fixture.world, "v1", "Namespace", {{"metadata", {{"name", "test"}}}});
  Json ingress = {
      {"metadata",
       {{"name", "web"},
        {"namespace", "test"},
        {"annotations", {{"alb.ingress.kubernetes.io/group.name", "shop"}}}}},
      {"spec",
       {{"ingressClassName", "other"},
        {"defaultBackend", {{"service", {{"name", "web"}, {"port", {{"number", 80}}}}}}}}}};
  create(fixture.world, "networking.k8s.io/v1", "Ingress", ingress);
  // Of another class, the Ingress does not count.
  CHECK(check(fixture.world, {"no-leak"}).size() == 1);
  ingress["metadata"]["name"] = "web2";
  ingress["spec"]["ingressClassName"] = "alb";
  create(fixture.world, "networking.k8s.io/v1", "Ingress", ingress);
  CHECK(check(fixture.world, {"no-leak"}).empty());
}

TEST_CASE("invariants: a binding's targets are the ready endpoints of its Service port",
          "[scenario][invariants]") {
  test_support::SimFixture fixture(73);
  fixture.build_account();
  create_service_with_endpoints(fixture.world);
  add_target_group(fixture.world, {}, {"10.0.0.11", "10.0.0.13"});
  create_binding(fixture.world, kTgArn);
  auto violations = check(fixture.world, {"targets-match-endpoints", "no-orphan"});
  INFO(messages(violations));
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].message ==
        "target group k8s-test-web-0123456789 of TargetGroupBinding test/web: missing "
        "10.0.0.12:8080; not expected 10.0.0.13:8080");

  auto& targets = fixture.world.aws().state().find_target_group(kTgArn)->targets;
  targets[1].id = "10.0.0.12";
  CHECK(check(fixture.world, {"targets-match-endpoints"}).empty());
  // A draining target is on its way out: it is not counted either way.
  targets.push_back({"10.0.0.99", 8080, "us-east-1a", fixture.world.clock().now(),
                     fixture.world.clock().now() + std::chrono::seconds(300)});
  CHECK(check(fixture.world, {"targets-match-endpoints"}).empty());
}

TEST_CASE("invariants: a binding whose target group is gone is an orphan",
          "[scenario][invariants]") {
  test_support::SimFixture fixture(74);
  fixture.build_account();
  create_service_with_endpoints(fixture.world);
  create_binding(fixture.world, kTgArn);
  const auto violations = check(fixture.world, {"no-orphan", "targets-match-endpoints"});
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].message ==
        std::string("TargetGroupBinding test/web points at target group ") + kTgArn +
            ", which does not exist");
}

TEST_CASE("invariants: the account stays within the quotas the fake declares",
          "[scenario][invariants]") {
  auto options = test_support::world_options(75);
  options.elbv2.quotas.targets_per_target_group_max = 1;
  sim::world::World world(options);
  add_target_group(world, {}, {"10.0.0.11", "10.0.0.12"});
  const auto violations = sim::scenario::check_state_invariants(world.aws(), world.store(),
                                                                {"c1", "alb"}, {"within-quota"});
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].message ==
        "targets of target group k8s-test-web-0123456789: 2, over the quota of 1");
  world.shutdown();
}

TEST_CASE("globs: call-name patterns match with '*' for any run of characters",
          "[scenario][faults]") {
  using net::glob_match;
  CHECK(glob_match("*", "elbv2 CreateRule"));
  CHECK(glob_match("elbv2 Describe*", "elbv2 DescribeTargetHealth"));
  CHECK_FALSE(glob_match("elbv2 Describe*", "elbv2 CreateRule"));
  CHECK(glob_match("kube * ingresses/status", "kube patch ingresses/status"));
  CHECK_FALSE(glob_match("kube * ingresses", "kube patch ingresses/status"));
  CHECK(glob_match("*Rule*", "elbv2 ModifyRule"));
  CHECK(glob_match("a*b*c", "aXbYbZc"));
  CHECK_FALSE(glob_match("a*b*c", "aXbYbZ"));
  CHECK(glob_match("", ""));
  CHECK_FALSE(glob_match("", "x"));
}
