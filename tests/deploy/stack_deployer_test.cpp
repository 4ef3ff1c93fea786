#include <catch2/catch.hpp>

#include "controller/deploy/sdk_form.hpp"
#include "controller/deploy/stack_deployer.hpp"
#include "tests/support/sim_fixture.hpp"

using namespace albc;
using Json = nlohmann::json;

namespace {

deploy::DeployerOptions deployer_options(const std::string& vpc_id) {
  deploy::DeployerOptions options;
  options.cluster_name = "test-cluster";
  options.vpc_id = vpc_id;
  return options;
}

// The seed walkthrough's stack, by hand: one ALB, HTTP:81, one rule to one ip target group.
model::Stack seed_stack(test_support::SimFixture& fixture) {
  model::Stack stack;
  stack.id = "nginx-group";
  std::vector<std::string> subnets;
  for (const auto& [id, subnet] : fixture.world.aws().state().subnets) {
    if (subnet.tags.at("Name").starts_with("public")) subnets.push_back(id);
  }
  std::string group_id;
  for (const auto& [id, group] : fixture.world.aws().state().security_groups)
    group_id = id;
  model::LoadBalancerSpec lb;
  lb.name = "k8s-nginxgroup-0123456789";
  lb.scheme = "internet-facing";
  lb.subnet_ids = subnets;
  lb.security_groups = {{"", group_id}};
  stack.load_balancer = lb;
  const std::string tg_id = "test/nginx-ingress-nginx-svc:80";
  model::TargetGroupSpec group;
  group.name = "k8s-test-nginxsvc-0123456789";
  group.target_type = "ip";
  group.port = 80;
  group.health_check.timeout_seconds = 10;
  group.health_check.unhealthy_threshold_count = 4;
  group.health_check.matcher_http_code = "200,302";
  stack.target_groups[tg_id] = group;
  model::Action not_found{"fixed-response", std::nullopt, std::nullopt,
                          model::FixedResponseConfig{"text/plain", std::nullopt, "404"}};
  stack.listeners["81"] = model::ListenerSpec{81, "HTTP", {not_found}, {}, "", {}};
  model::Action forward{
      "forward", model::ForwardConfig{{{tg_id, "", std::nullopt}}, std::nullopt, std::nullopt},
      std::nullopt, std::nullopt};
  stack.rules["81:1"] =
      model::RuleSpec{81, 1, {{"path-pattern", {"/*"}, {}, "", {}}}, {forward}, {}};
  model::TargetGroupBindingSpec binding;
  binding.name = group.name;
  binding.ns = "default";
  binding.target_group_id = tg_id;
  binding.target_type = "ip";
  binding.target_group_protocol = "HTTP";
  binding.service_name = "nginx-svc";
  binding.service_port = 80;
  binding.vpc_id = fixture.vpc_id;
  binding.labels = {{"ingress.k8s.aws/stack", "nginx-group"}};
  stack.bindings[tg_id] = binding;
  return stack;
}

// A deployer with its inventory, as the controller wires them.
struct Deployment {
  explicit Deployment(test_support::SimFixture& fixture)
      : inventory(fixture.elbv2, fixture.world.clock(), fixture.world.trace(), fixture.vpc_id),
        deployer(fixture.elbv2, inventory, fixture.ec2, fixture.kube, fixture.world.clock(),
                 fixture.world.trace(), deployer_options(fixture.vpc_id)) {}
  deploy::Inventory inventory;
  deploy::StackDeployer deployer;
};

}  // namespace

TEST_CASE("stack_deployer: redeploying an unchanged stack makes no mutating call",
          "[deploy][sim]") {
  const auto seed = GENERATE(range<std::uint64_t>(1, 6));
  CAPTURE(seed);
  test_support::SimFixture fixture(seed);
  fixture.build_account();
  Deployment deployment(fixture);
  auto& deployer = deployment.deployer;
  const model::Stack stack = seed_stack(fixture);
  auto first = fixture.run(deployer.deploy(stack));
  REQUIRE(first);
  CHECK(first->load_balancer_dns_name.starts_with("k8s-nginxgroup-0123456789-"));
  CHECK(fixture.world.aws().state().rules().size() == 1);
  const std::size_t mutating_before = fixture.world.aws().mutating_calls_total();
  auto second = fixture.run(deployer.deploy(stack));
  REQUIRE(second);
  CHECK(second->load_balancer_arn == first->load_balancer_arn);
  CHECK(fixture.world.aws().mutating_calls_total() == mutating_before);
}

TEST_CASE("stack_deployer: an empty stack deletes what the stack's tags find, in reverse order",
          "[deploy][sim]") {
  test_support::SimFixture fixture(7);
  fixture.build_account();
  Deployment deployment(fixture);
  auto& deployer = deployment.deployer;
  REQUIRE(fixture.run(deployer.deploy(seed_stack(fixture))));
  // The binding's finalizer is the TargetGroupBinding controller's, which does not run here.
  model::Stack empty;
  empty.id = "nginx-group";
  REQUIRE(fixture.run(deployer.deploy(empty)));
  const auto& state = fixture.world.aws().state();
  CHECK(state.load_balancers().empty());
  CHECK(state.listeners().empty());
  CHECK(state.rules().empty());
  CHECK(state.target_groups().empty());
  CHECK(fixture.world.aws().state().security_groups.size() == 1);  // the user's group stays
}

TEST_CASE("stack_deployer: a new rule at the top moves the old one with SetRulePriorities",
          "[deploy][sim]") {
  test_support::SimFixture fixture(8);
  fixture.build_account();
  Deployment deployment(fixture);
  auto& deployer = deployment.deployer;
  model::Stack stack = seed_stack(fixture);
  REQUIRE(fixture.run(deployer.deploy(stack)));
  model::RuleSpec moved = stack.rules.at("81:1");
  moved.priority = 2;
  model::RuleSpec inserted = moved;
  inserted.priority = 1;
  inserted.conditions = {{"path-pattern", {"/api", "/api/*"}, {}, "", {}}};
  stack.rules = {{"81:1", inserted}, {"81:2", moved}};
  const std::size_t calls_before = fixture.world.aws().calls_total();
  REQUIRE(fixture.run(deployer.deploy(stack)));
  std::vector<std::string> mutations;
  const auto& calls = fixture.world.aws().recent_calls();
  for (std::size_t i = calls.size() - (fixture.world.aws().calls_total() - calls_before);
       i < calls.size(); ++i) {
    if (calls[i].mutating()) mutations.push_back(calls[i].action);
  }
  // The moved rule keeps its settings; only its resource-id tag ("81:2") changes with it.
  CHECK(mutations == std::vector<std::string>{"SetRulePriorities", "CreateRule", "AddTags"});
  std::map<int, Json> by_priority;
  for (const auto& [arn, rule] : fixture.world.aws().state().rules())
    by_priority[rule.priority] = rule.conditions;
  REQUIRE(by_priority.size() == 2);
  CHECK(by_priority[1][0]["PathPatternConfig"]["Values"][0] == "/api");
  CHECK(by_priority[2][0]["PathPatternConfig"]["Values"][0] == "/*");
}

TEST_CASE("sdk form: actions compare by the real controller's equality rules", "[deploy]") {
  const Json desired = Json::array(
      {{{"Type", "forward"},
        {"Order", "1"},
        {"ForwardConfig", {{"TargetGroups", Json::array({{{"TargetGroupArn", "arn:tg"}}})}}}}});
  const Json echoed = Json::array(
      {{{"Type", "forward"},
        {"Order", "1"},
        {"TargetGroupArn", "arn:tg"},
        {"ForwardConfig",
         {{"TargetGroups", Json::array({{{"TargetGroupArn", "arn:tg"}, {"Weight", "1"}}})},
          {"TargetGroupStickinessConfig", {{"Enabled", "false"}}}}}}});
  CHECK(deploy::actions_equal(desired, echoed));
  Json other = echoed;
  other[0]["ForwardConfig"]["TargetGroups"][0]["TargetGroupArn"] = "arn:other";
  CHECK_FALSE(deploy::actions_equal(desired, other));
  const Json redirect =
      Json::array({{{"Type", "redirect"},
                    {"RedirectConfig", {{"StatusCode", "HTTP_301"}, {"Protocol", "HTTPS"}}}}});
  const Json redirect_echo = Json::array({{{"Type", "redirect"},
                                           {"Order", "1"},
                                           {"RedirectConfig",
                                            {{"StatusCode", "HTTP_301"},
                                             {"Protocol", "HTTPS"},
                                             {"Host", "#{host}"},
                                             {"Path", "/#{path}"},
                                             {"Port", "#{port}"},
                                             {"Query", "#{query}"}}}}});
  CHECK(deploy::actions_equal(redirect, redirect_echo));
  const Json conditions =
      Json::array({{{"Field", "path-pattern"}, {"PathPatternConfig", {{"Values", {"/a", "/b"}}}}}});
  const Json echoed_conditions = Json::array({{{"Field", "path-pattern"},
                                               {"Values", {"/a", "/b"}},
                                               {"PathPatternConfig", {{"Values", {"/a", "/b"}}}}}});
  CHECK(deploy::conditions_equal(conditions, echoed_conditions));
  const Json reordered =
      Json::array({{{"Field", "path-pattern"}, {"PathPatternConfig", {{"Values", {"/b", "/a"}}}}}});
  CHECK_FALSE(deploy::conditions_equal(conditions, reordered));  // value order matters
}

TEST_CASE("stack_deployer: a no-op reconcile describes each kind once, by ARN, from the inventory",
          "[deploy][sim]") {
  test_support::SimFixture fixture(9);
  fixture.build_account();
  Deployment deployment(fixture);
  auto& deployer = deployment.deployer;
  auto& inventory = deployment.inventory;
  const model::Stack stack = seed_stack(fixture);
  REQUIRE(fixture.run(deployer.deploy(stack)));
  CHECK(inventory.listings() == 1);  // the empty account, once
  auto calls_of = [&](const std::string& operation) {
    const auto& counts = fixture.world.aws().calls_by_operation();
    auto found = counts.find(operation);
    return found == counts.end() ? std::size_t{0} : found->second.calls;
  };
  const std::size_t lbs_before = calls_of("elbv2 DescribeLoadBalancers");
  const std::size_t tgs_before = calls_of("elbv2 DescribeTargetGroups");
  const std::size_t tags_before = calls_of("elbv2 DescribeTags");
  const std::size_t mutating_before = fixture.world.aws().mutating_calls_total();
  deployer.begin(stack.id);
  REQUIRE(fixture.run(deployer.deploy(stack)));
  CHECK(fixture.world.aws().mutating_calls_total() == mutating_before);
  CHECK(calls_of("elbv2 DescribeLoadBalancers") == lbs_before + 1);
  CHECK(calls_of("elbv2 DescribeTargetGroups") == tgs_before + 1);
  CHECK(calls_of("elbv2 DescribeTags") == tags_before);  // the cache has them
  CHECK(inventory.listings() == 1);

  SECTION("a load balancer deleted outside the controller is found gone and made again") {
    const std::string lb_arn = fixture.world.aws().state().load_balancers().begin()->first;
    REQUIRE(
        fixture.run(fixture.aws_client.elbv2("DeleteLoadBalancer", {{"LoadBalancerArn", lb_arn}})));
    deployer.begin(stack.id);
    auto redeployed = fixture.run(deployer.deploy(stack));
    REQUIRE(redeployed);
    CHECK(redeployed->load_balancer_arn != lb_arn);
    CHECK(inventory.listings() == 1);  // the gone one is left out, not a reason to list again
    CHECK(fixture.world.aws().state().load_balancers().size() == 1);
  }

  SECTION("the inventory is listed again once it is twenty minutes old") {
    fixture.world.run_for(deploy::Inventory::kLifetime);
    deployer.begin(stack.id);
    REQUIRE(fixture.run(deployer.deploy(stack)));
    CHECK(inventory.listings() == 2);
    CHECK(fixture.world.aws().mutating_calls_total() == mutating_before);
  }
}
