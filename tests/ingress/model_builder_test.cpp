#include <catch2/catch.hpp>
#include "controller/ingress/ingress_indexes.hpp"

#include <boost/asio/io_context.hpp>

#include "controller/ingress/group.hpp"
#include "controller/ingress/model_builder.hpp"
#include "controller/ingress/naming.hpp"
#include "tests/support/fixed_resolver.hpp"

using namespace albc;
using namespace albc::ingress;

namespace {

struct BuildFixture {
  k8s::ObjectCache ingresses;
  k8s::ObjectCache classes;
  k8s::ObjectCache params;
  k8s::ObjectCache services;
  test_support::FixedResolver resolver;
  GroupLoader loader{ingresses, classes, params, LoaderOptions{}};

  BuildFixture() {
    add_ingress_indexes(ingresses);
    classes.put(
        {{"metadata", {{"name", "alb"}}}, {"spec", {{"controller", "ingress.k8s.aws/alb"}}}});
    classes.put(
        {{"metadata", {{"name", "nginx"}}}, {"spec", {{"controller", "k8s.io/ingress-nginx"}}}});
    services.put({{"metadata", {{"namespace", "test"}, {"name", "nginx-svc"}, {"uid", "uid-1"}}},
                  {"spec",
                   {{"ports", Json::array({{{"name", "http"},
                                            {"port", 80},
                                            {"targetPort", 8080},
                                            {"protocol", "TCP"},
                                            {"nodePort", 31234}}})}}}});
  }

  static Json ingress(const std::string& name, Json annotations, Json paths = Json()) {
    if (paths.is_null()) {
      paths = Json::array(
          {{{"path", "/"},
            {"pathType", "Prefix"},
            {"backend", {{"service", {{"name", "nginx-svc"}, {"port", {{"number", 80}}}}}}}}});
    }
    return {
        {"metadata",
         {{"namespace", "test"},
          {"name", name},
          {"annotations", annotations},
          {"uid", name + "-uid"}}},
        {"spec",
         {{"ingressClassName", "alb"}, {"rules", Json::array({{{"http", {{"paths", paths}}}}})}}}};
  }

  net::Result<BuiltModel> build(const GroupId& id, BuilderOptions options = {}) {
    options.cluster_name = options.cluster_name.empty() ? "demo" : options.cluster_name;
    options.vpc_id = "vpc-1";
    auto group = loader.load(id);
    if (!group) return net::fail(group.error());
    ModelBuilder builder(services, resolver, options);
    asio::io_context io;
    return test_support::run_build(io, builder, std::move(*group));
  }
};

Json seed_annotations() {
  return {{"alb.ingress.kubernetes.io/group.name", "nginx-group"},
          {"alb.ingress.kubernetes.io/subnets", "sbn-a, sbn-b"},
          {"alb.ingress.kubernetes.io/scheme", "internet-facing"},
          {"alb.ingress.kubernetes.io/security-groups", "sg-alb"},
          {"alb.ingress.kubernetes.io/listen-ports", R"([{"HTTP": 81}])"},
          {"alb.ingress.kubernetes.io/healthcheck-path", "/"},
          {"alb.ingress.kubernetes.io/healthcheck-interval-seconds", "15"},
          {"alb.ingress.kubernetes.io/healthcheck-timeout-seconds", "10"},
          {"alb.ingress.kubernetes.io/healthy-threshold-count", "2"},
          {"alb.ingress.kubernetes.io/unhealthy-threshold-count", "4"},
          {"alb.ingress.kubernetes.io/healthcheck-port", "traffic-port"},
          {"alb.ingress.kubernetes.io/success-codes", "200,302"},
          {"alb.ingress.kubernetes.io/target-type", "ip"}};
}

}  // namespace

TEST_CASE("model builder: the seed's Ingress becomes the seed's stack", "[ingress]") {
  BuildFixture fixture;
  fixture.ingresses.put(BuildFixture::ingress("nginx-ingress", seed_annotations()));
  auto built = fixture.build(GroupId{"", "nginx-group"});
  REQUIRE(built);
  const model::Stack& stack = built->stack;
  CHECK(stack.id == "nginx-group");
  REQUIRE(stack.load_balancer);
  CHECK(stack.load_balancer->name.starts_with("k8s-nginxgroup-"));
  CHECK(stack.load_balancer->scheme == "internet-facing");
  CHECK(stack.load_balancer->subnet_ids ==
        std::vector<std::string>{"subnet-sbn-a", "subnet-sbn-b"});
  REQUIRE(stack.load_balancer->security_groups.size() == 1);
  CHECK(stack.load_balancer->security_groups[0].group_id == "sg-alb");
  CHECK_FALSE(stack.managed_security_group);
  REQUIRE(stack.listeners.size() == 1);
  const model::ListenerSpec& listener = stack.listeners.at("81");
  CHECK(listener.protocol == "HTTP");
  CHECK(listener.default_actions[0].fixed_response->status_code == "404");
  CHECK(listener.default_actions[0].fixed_response->content_type == "text/plain");
  CHECK_FALSE(listener.default_actions[0].fixed_response->message_body);
  REQUIRE(stack.rules.size() == 1);
  const model::RuleSpec& rule = stack.rules.at("81:1");
  CHECK(rule.conditions[0].field == "path-pattern");
  CHECK(rule.conditions[0].values == std::vector<std::string>{"/*"});
  const std::string tg_id = "test/nginx-ingress-nginx-svc:80";
  CHECK(rule.actions[0].forward->target_groups[0].target_group_id == tg_id);
  const model::TargetGroupSpec& group = stack.target_groups.at(tg_id);
  CHECK(group.target_type == "ip");
  CHECK(group.port == 8080);
  CHECK(group.health_check.interval_seconds == 15);
  CHECK(group.health_check.timeout_seconds == 10);
  CHECK(group.health_check.healthy_threshold_count == 2);
  CHECK(group.health_check.unhealthy_threshold_count == 4);
  CHECK(group.health_check.matcher_http_code == "200,302");
  CHECK(group.health_check.port == "traffic-port");
  const model::TargetGroupBindingSpec& binding = stack.bindings.at(tg_id);
  CHECK(binding.name == group.name);
  CHECK(binding.ns == "test");
  CHECK(binding.service_port == 80);
  CHECK(binding.labels ==
        std::map<std::string, std::string>{{"ingress.k8s.aws/stack", "nginx-group"}});
  CHECK_FALSE(binding.networking);  // security groups given: the controller leaves node rules alone
  CHECK(built->listener_ports == std::vector<int>{81});
  const Json json = stack.to_json();
  CHECK(json["resources"]["AWS::ElasticLoadBalancingV2::ListenerRule"]["81:1"]["spec"]["actions"][0]
            ["forwardConfig"]["targetGroups"][0]["targetGroupARN"]["$ref"] ==
        "#/resources/AWS::ElasticLoadBalancingV2::TargetGroup/" + tg_id + "/status/targetGroupARN");
}

TEST_CASE("model builder: without security groups it builds a managed one and uses the backend one",
          "[ingress]") {
  BuildFixture fixture;
  fixture.ingresses.put(
      BuildFixture::ingress("web", {{"alb.ingress.kubernetes.io/target-type", "ip"}}));
  auto built = fixture.build(GroupId{"test", "web"});
  REQUIRE(built);
  const model::Stack& stack = built->stack;
  REQUIRE(stack.managed_security_group);
  CHECK(stack.managed_security_group->name ==
        managed_security_group_name("demo", GroupNameParts{false, "", "test", "web", "test/web"}));
  CHECK(stack.managed_security_group->name.starts_with("k8s-test-web-"));
  CHECK(stack.managed_security_group->ingress ==
        std::vector<model::IngressPermission>{{"tcp", 80, 80, "0.0.0.0/0", "", ""}});
  CHECK(stack.load_balancer->scheme == "internal");
  CHECK(stack.load_balancer->subnet_ids ==
        std::vector<std::string>{"subnet-internal-a", "subnet-internal-b"});
  REQUIRE(stack.load_balancer->security_groups.size() == 2);
  CHECK(stack.load_balancer->security_groups[0].resource_id == "ManagedLBSecurityGroup");
  CHECK(stack.load_balancer->security_groups[1].group_id == "sg-backend");
  const auto& binding = stack.bindings.begin()->second;
  REQUIRE(binding.networking);
  CHECK(binding.networking->at(0).from[0].security_group_id == "sg-backend");
  CHECK(binding.networking->at(0).ports[0].port == 8080);
  CHECK(binding.labels ==
        std::map<std::string, std::string>{{"ingress.k8s.aws/stack-name", "web"},
                                           {"ingress.k8s.aws/stack-namespace", "test"}});
}

TEST_CASE("model builder: rules follow group order, then path type and length", "[ingress]") {
  BuildFixture fixture;
  Json backend = {{"service", {{"name", "nginx-svc"}, {"port", {{"name", "http"}}}}}};
  Json paths = Json::array(
      {{{"path", "/a"}, {"pathType", "Prefix"}, {"backend", backend}},
       {{"path", "/api/"}, {"pathType", "Prefix"}, {"backend", backend}},
       {{"path", "/exact"}, {"pathType", "Exact"}, {"backend", backend}},
       {{"path", "/glob/*"}, {"pathType", "ImplementationSpecific"}, {"backend", backend}}});
  fixture.ingresses.put(
      BuildFixture::ingress("second", {{"alb.ingress.kubernetes.io/group.name", "g"}}, paths));
  fixture.ingresses.put(
      BuildFixture::ingress("first", {{"alb.ingress.kubernetes.io/group.name", "g"},
                                      {"alb.ingress.kubernetes.io/group.order", "-5"}}));
  auto built = fixture.build(GroupId{"", "g"});
  REQUIRE(built);
  const auto& rules = built->stack.rules;
  REQUIRE(rules.size() == 5);
  CHECK(rules.at("80:1").conditions[0].values ==
        std::vector<std::string>{"/*"});  // "first" sorts first by order
  CHECK(rules.at("80:2").conditions[0].values == std::vector<std::string>{"/exact"});
  CHECK(rules.at("80:3").conditions[0].values == std::vector<std::string>{"/api", "/api/*"});
  CHECK(rules.at("80:4").conditions[0].values == std::vector<std::string>{"/a", "/a/*"});
  CHECK(rules.at("80:5").conditions[0].values == std::vector<std::string>{"/glob/*"});
  CHECK(built->stack.target_groups.size() == 2);  // port 80 and port "http" are two target groups
}

TEST_CASE("model builder: conflicts and bad values fail the whole group with the real texts",
          "[ingress]") {
  BuildFixture fixture;
  fixture.ingresses.put(
      BuildFixture::ingress("a", {{"alb.ingress.kubernetes.io/group.name", "g"},
                                  {"alb.ingress.kubernetes.io/scheme", "internal"}}));
  fixture.ingresses.put(
      BuildFixture::ingress("b", {{"alb.ingress.kubernetes.io/group.name", "g"},
                                  {"alb.ingress.kubernetes.io/scheme", "internet-facing"}}));
  auto conflict = fixture.build(GroupId{"", "g"});
  REQUIRE_FALSE(conflict);
  CHECK(conflict.error().describe() == "conflicting scheme: map[internal:{} internet-facing:{}]");
  BuildFixture bad_type;
  bad_type.ingresses.put(
      BuildFixture::ingress("c", {{"alb.ingress.kubernetes.io/target-type", "pod"}}));
  auto unknown = bad_type.build(GroupId{"test", "c"});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().describe() == "ingress: test/c: unknown targetType: pod");
  BuildFixture bad_port;
  Json backend = {{"service", {{"name", "nginx-svc"}, {"port", {{"number", 9999}}}}}};
  bad_port.ingresses.put(BuildFixture::ingress(
      "d", Json::object(),
      Json::array({{{"path", "/"}, {"pathType", "Prefix"}, {"backend", backend}}})));
  auto missing = bad_port.build(GroupId{"test", "d"});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().describe() ==
        "ingress: test/d: unable to find port 9999 on service test/nginx-svc");
}

TEST_CASE("model builder: a missing Service becomes a 503 rule, not an error", "[ingress]") {
  BuildFixture fixture;
  Json backend = {{"service", {{"name", "gone"}, {"port", {{"number", 80}}}}}};
  fixture.ingresses.put(BuildFixture::ingress(
      "e", Json::object(),
      Json::array({{{"path", "/"}, {"pathType", "Prefix"}, {"backend", backend}}})));
  auto built = fixture.build(GroupId{"test", "e"});
  REQUIRE(built);
  const model::Action& action = built->stack.rules.at("80:1").actions[0];
  CHECK(action.type == "fixed-response");
  CHECK(action.fixed_response->status_code == "503");
  CHECK(action.fixed_response->message_body == "Backend service does not exist");
  CHECK(built->stack.target_groups.empty());
}

TEST_CASE("group loader: membership, order, inactive members and class matching", "[ingress]") {
  BuildFixture fixture;
  Json leaving =
      BuildFixture::ingress("leaving", {{"alb.ingress.kubernetes.io/group.name", "other"}});
  leaving["metadata"]["finalizers"] = {"group.ingress.k8s.aws/g"};
  fixture.ingresses.put(leaving);
  fixture.ingresses.put(
      BuildFixture::ingress("z", {{"alb.ingress.kubernetes.io/group.name", "g"}}));
  fixture.ingresses.put(
      BuildFixture::ingress("a", {{"alb.ingress.kubernetes.io/group.name", "g"},
                                  {"alb.ingress.kubernetes.io/group.order", "10"}}));
  Json foreign = BuildFixture::ingress("foreign", {{"alb.ingress.kubernetes.io/group.name", "g"}});
  foreign["spec"]["ingressClassName"] = "nginx";
  fixture.ingresses.put(foreign);
  auto group = fixture.loader.load(GroupId{"", "g"});
  REQUIRE(group);
  REQUIRE(group->members.size() == 2);
  CHECK(group->members[0].key() == "test/z");  // order 0 before 10
  CHECK(group->members[1].key() == "test/a");
  REQUIRE(group->inactive_members.size() == 1);
  CHECK(group->inactive_members[0]["metadata"]["name"] == "leaving");
  Json out_of_range =
      BuildFixture::ingress("x", {{"alb.ingress.kubernetes.io/group.name", "g"},
                                  {"alb.ingress.kubernetes.io/group.order", "2000"}});
  fixture.ingresses.put(out_of_range);
  auto failed = fixture.loader.load(GroupId{"", "g"});
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message ==
        "explicit Ingress group order must be within [-1000:1000], Ingress: test/x, order: 2000");
}

TEST_CASE(
    "group loader: a broken IngressClass stops the group only when a member holds the finalizer",
    "[ingress]") {
  BuildFixture fixture;
  Json member = BuildFixture::ingress("web", Json::object());
  member["spec"]["ingressClassName"] = "missing";
  fixture.ingresses.put(member);
  auto ignored = fixture.loader.load(GroupId{"test", "web"});
  REQUIRE(ignored);
  CHECK(ignored->members.empty());
  member["metadata"]["finalizers"] = {"ingress.k8s.aws/resources"};
  fixture.ingresses.put(member);
  auto protected_group = fixture.loader.load(GroupId{"test", "web"});
  REQUIRE_FALSE(protected_group);
  CHECK(protected_group.error().message.starts_with(
      "Ingress: test/web: Ingress has invalid IngressClass configuration: invalid ingress class"));
}
