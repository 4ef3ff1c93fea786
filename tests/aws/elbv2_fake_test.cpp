#include <catch2/catch.hpp>

#include "controller/net/sigv4.hpp"
#include "tests/support/sim_fixture.hpp"

using namespace albc;
using Json = nlohmann::json;

namespace {

Json target_group_input(const std::string& name, const std::string& vpc_id, int port = 80) {
  return {{"Name", name},
          {"Protocol", "HTTP"},
          {"Port", std::to_string(port)},
          {"VpcId", vpc_id},
          {"TargetType", "ip"},
          {"HealthCheckIntervalSeconds", "15"},
          {"HealthyThresholdCount", "2"}};
}

std::vector<std::string> subnet_ids(test_support::SimFixture& fixture,
                                    const std::vector<std::string>& names) {
  std::vector<std::string> ids;
  for (const std::string& name : names) {
    for (const auto& [id, subnet] : fixture.world.aws().state().subnets) {
      if (subnet.tags.at("Name") == name) ids.push_back(id);
    }
  }
  return ids;
}

Json load_balancer_input(test_support::SimFixture& fixture, const std::string& name,
                         const std::vector<std::string>& subnets = {"public-a", "public-b"}) {
  Json mappings = Json::array();
  for (const std::string& id : subnet_ids(fixture, subnets))
    mappings.push_back({{"SubnetId", id}});
  return {{"Name", name},
          {"Type", "application"},
          {"Scheme", "internet-facing"},
          {"SubnetMappings", mappings}};
}

}  // namespace

TEST_CASE("elbv2 fake: CreateTargetGroup is idempotent for identical settings only", "[aws][sim]") {
  test_support::SimFixture fixture(1);
  fixture.build_account();
  auto first =
      fixture.run(fixture.elbv2.create_target_group(target_group_input("web", fixture.vpc_id)));
  REQUIRE(first);
  auto again =
      fixture.run(fixture.elbv2.create_target_group(target_group_input("web", fixture.vpc_id)));
  REQUIRE(again);
  CHECK(again->arn == first->arn);
  auto different = fixture.run(
      fixture.elbv2.create_target_group(target_group_input("web", fixture.vpc_id, 8080)));
  REQUIRE_FALSE(different);
  CHECK(different.error().code == "DuplicateTargetGroupName");
  CHECK(different.error().http_status == 400);
}

TEST_CASE("elbv2 fake: target groups are validated as AWS validates them", "[aws][sim]") {
  test_support::SimFixture fixture(2);
  fixture.build_account();
  Json long_name = target_group_input(std::string(33, 'a'), fixture.vpc_id);
  auto named = fixture.run(fixture.elbv2.create_target_group(long_name));
  REQUIRE_FALSE(named);
  CHECK(named.error().code == "ValidationError");
  Json timeout = target_group_input("t", fixture.vpc_id);
  timeout["HealthCheckTimeoutSeconds"] = "20";
  auto timed = fixture.run(fixture.elbv2.create_target_group(timeout));
  REQUIRE_FALSE(timed);
  CHECK(timed.error().message.find("must be smaller than the interval") != std::string::npos);
  Json missing = target_group_input("m", fixture.vpc_id);
  missing.erase("Port");
  auto absent = fixture.run(fixture.elbv2.create_target_group(missing));
  REQUIRE_FALSE(absent);
  CHECK(absent.error().message ==
        "1 validation error detected: Value null at 'port' failed to satisfy constraint: Member "
        "must not be null");
}

TEST_CASE("elbv2 fake: an ALB needs subnets in two zones, and a repeat create returns it",
          "[aws][sim]") {
  test_support::SimFixture fixture(3);
  fixture.build_account();
  auto one_zone = fixture.run(
      fixture.elbv2.create_load_balancer(load_balancer_input(fixture, "web", {"public-a"})));
  REQUIRE_FALSE(one_zone);
  CHECK(one_zone.error().code == "ValidationError");
  auto same_zone = fixture.run(fixture.elbv2.create_load_balancer(
      load_balancer_input(fixture, "web", {"public-a", "private-a"})));
  REQUIRE_FALSE(same_zone);
  CHECK(same_zone.error().code == "InvalidConfigurationRequest");
  auto created =
      fixture.run(fixture.elbv2.create_load_balancer(load_balancer_input(fixture, "web")));
  REQUIRE(created);
  CHECK(created->state == "provisioning");
  CHECK(created->dns_name.starts_with("web-"));
  CHECK(created->dns_name.ends_with(".us-east-1.elb.amazonaws.com"));
  auto again = fixture.run(fixture.elbv2.create_load_balancer(load_balancer_input(fixture, "web")));
  REQUIRE(again);
  CHECK(again->arn == created->arn);
  Json internal = load_balancer_input(fixture, "web");
  internal["Scheme"] = "internal";
  auto conflicting = fixture.run(fixture.elbv2.create_load_balancer(internal));
  REQUIRE_FALSE(conflicting);
  CHECK(conflicting.error().code == "DuplicateLoadBalancerName");
  fixture.world.run_for(std::chrono::minutes(2));
  auto described = fixture.run(fixture.elbv2.describe_load_balancers());
  REQUIRE(described);
  REQUIRE(described->size() == 1);
  CHECK(described->front().state == "active");
}

TEST_CASE("elbv2 fake: rules keep priorities unique and the default rule last", "[aws][sim]") {
  test_support::SimFixture fixture(4);
  fixture.build_account();
  auto group =
      fixture.run(fixture.elbv2.create_target_group(target_group_input("web", fixture.vpc_id)));
  auto lb = fixture.run(fixture.elbv2.create_load_balancer(load_balancer_input(fixture, "web")));
  REQUIRE(group);
  REQUIRE(lb);
  Json fixed = Json::array(
      {{{"Type", "fixed-response"},
        {"FixedResponseConfig", {{"StatusCode", "404"}, {"ContentType", "text/plain"}}}}});
  auto listener = fixture.run(fixture.elbv2.create_listener({{"LoadBalancerArn", lb->arn},
                                                             {"Port", "80"},
                                                             {"Protocol", "HTTP"},
                                                             {"DefaultActions", fixed}}));
  REQUIRE(listener);
  Json forward = Json::array(
      {{{"Type", "forward"},
        {"ForwardConfig", {{"TargetGroups", Json::array({{{"TargetGroupArn", group->arn}}})}}}}});
  Json conditions = Json::array(
      {{{"Field", "path-pattern"}, {"PathPatternConfig", {{"Values", {"/api", "/api/*"}}}}}});
  Json rule = {{"ListenerArn", listener->arn},
               {"Priority", "1"},
               {"Conditions", conditions},
               {"Actions", forward}};
  REQUIRE(fixture.run(fixture.elbv2.create_rule(rule)));
  auto taken = fixture.run(fixture.elbv2.create_rule(rule));
  REQUIRE_FALSE(taken);
  CHECK(taken.error().code == "PriorityInUse");
  auto rules = fixture.run(fixture.elbv2.describe_rules(listener->arn));
  REQUIRE(rules);
  REQUIRE(rules->size() == 2);
  CHECK((*rules)[0].priority == "1");
  CHECK((*rules)[0].conditions[0]["PathPatternConfig"]["Values"] ==
        Json::array({"/api", "/api/*"}));
  CHECK((*rules)[0].actions[0]["ForwardConfig"]["TargetGroups"][0]["Weight"] == "1");
  CHECK((*rules)[1].is_default);
  CHECK((*rules)[1].priority == "default");
  auto in_use = fixture.run(fixture.elbv2.delete_target_group(group->arn));
  REQUIRE_FALSE(in_use);
  CHECK(in_use.error().code == "ResourceInUse");
  REQUIRE(fixture.run(fixture.elbv2.delete_load_balancer(lb->arn)));
  CHECK(fixture.run(fixture.elbv2.delete_target_group(group->arn)));
  CHECK(
      fixture.run(fixture.elbv2.delete_target_group(group->arn)));  // already gone: still a success
}

TEST_CASE("elbv2 fake: target health goes unused, initial, healthy, draining, gone", "[aws][sim]") {
  test_support::SimFixture fixture(5);
  fixture.build_account();
  auto group =
      fixture.run(fixture.elbv2.create_target_group(target_group_input("web", fixture.vpc_id)));
  REQUIRE(group);
  REQUIRE(fixture.run(
      fixture.elbv2.register_targets(group->arn, {{"10.0.0.20", 80, ""}, {"10.0.1.20", 80, ""}})));
  auto health = fixture.run(fixture.elbv2.describe_target_health(group->arn));
  REQUIRE(health);
  REQUIRE(health->size() == 2);
  CHECK((*health)[0].state == "unused");
  CHECK((*health)[0].reason == "Target.NotInUse");
  CHECK((*health)[0].availability_zone == "us-east-1a");
  auto lb = fixture.run(fixture.elbv2.create_load_balancer(load_balancer_input(fixture, "web")));
  Json forward = Json::array({{{"Type", "forward"}, {"TargetGroupArn", group->arn}}});
  REQUIRE(fixture.run(fixture.elbv2.create_listener({{"LoadBalancerArn", lb->arn},
                                                     {"Port", "80"},
                                                     {"Protocol", "HTTP"},
                                                     {"DefaultActions", forward}})));
  fixture.world.run_for(std::chrono::seconds(20));
  health = fixture.run(fixture.elbv2.describe_target_health(group->arn));
  CHECK((*health)[0].state == "initial");           // checks start when the group receives traffic
  fixture.world.run_for(std::chrono::seconds(11));  // two checks 15 s apart
  health = fixture.run(fixture.elbv2.describe_target_health(group->arn));
  CHECK((*health)[0].state == "healthy");
  REQUIRE(fixture.run(
      fixture.elbv2.deregister_targets(group->arn, {{"10.0.0.20", 80, ""}, {"10.9.9.9", 80, ""}})));
  health = fixture.run(fixture.elbv2.describe_target_health(group->arn));
  REQUIRE(health->size() == 2);
  CHECK((*health)[0].state == "draining");
  fixture.world.run_for(std::chrono::seconds(301));
  health = fixture.run(fixture.elbv2.describe_target_health(group->arn));
  REQUIRE(health->size() == 1);
  CHECK((*health)[0].id == "10.0.1.20");
}

TEST_CASE("elbv2 fake: a target group detached by ModifyListener starts its checks over",
          "[aws][sim]") {
  test_support::SimFixture fixture(9);
  fixture.build_account();
  auto first =
      fixture.run(fixture.elbv2.create_target_group(target_group_input("first", fixture.vpc_id)));
  auto second =
      fixture.run(fixture.elbv2.create_target_group(target_group_input("second", fixture.vpc_id)));
  REQUIRE(first);
  REQUIRE(second);
  REQUIRE(fixture.run(fixture.elbv2.register_targets(first->arn, {{"10.0.0.20", 80, ""}})));
  auto lb = fixture.run(fixture.elbv2.create_load_balancer(load_balancer_input(fixture, "web")));
  REQUIRE(lb);
  auto forward_to = [](const std::string& arn) {
    return Json::array({{{"Type", "forward"}, {"TargetGroupArn", arn}}});
  };
  Json listener_input = {{"LoadBalancerArn", lb->arn},
                         {"Port", "80"},
                         {"Protocol", "HTTP"},
                         {"DefaultActions", forward_to(first->arn)}};
  auto listener = fixture.run(fixture.elbv2.create_listener(listener_input));
  REQUIRE(listener);
  fixture.world.run_for(std::chrono::seconds(31));
  auto health = fixture.run(fixture.elbv2.describe_target_health(first->arn));
  REQUIRE(health);
  CHECK((*health)[0].state == "healthy");
  // Forward elsewhere for a while, then back: the first group's checks begin again.
  Json to_second = {{"ListenerArn", listener->arn}, {"DefaultActions", forward_to(second->arn)}};
  REQUIRE(fixture.run(fixture.elbv2.modify_listener(to_second)));
  fixture.world.run_for(std::chrono::seconds(60));
  Json to_first = {{"ListenerArn", listener->arn}, {"DefaultActions", forward_to(first->arn)}};
  REQUIRE(fixture.run(fixture.elbv2.modify_listener(to_first)));
  health = fixture.run(fixture.elbv2.describe_target_health(first->arn));
  CHECK((*health)[0].state == "initial");
  fixture.world.run_for(std::chrono::seconds(31));
  health = fixture.run(fixture.elbv2.describe_target_health(first->arn));
  CHECK((*health)[0].state == "healthy");
}

TEST_CASE("elbv2 fake: a DeregisterTargets call with one bad port changes nothing", "[aws][sim]") {
  test_support::SimFixture fixture(10);
  fixture.build_account();
  auto group =
      fixture.run(fixture.elbv2.create_target_group(target_group_input("web", fixture.vpc_id)));
  REQUIRE(group);
  REQUIRE(fixture.run(fixture.elbv2.register_targets(group->arn, {{"10.0.0.20", 80, ""}})));
  Json targets = Json::array(
      {{{"Id", "10.0.0.20"}, {"Port", "80"}}, {{"Id", "10.0.0.21"}, {"Port", "eighty"}}});
  auto refused = fixture.run(fixture.aws_client.elbv2(
      "DeregisterTargets", {{"TargetGroupArn", group->arn}, {"Targets", targets}}));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "ValidationError");
  CHECK(refused.error().message.find("'eighty'") != std::string::npos);
  auto health = fixture.run(fixture.elbv2.describe_target_health(group->arn));
  REQUIRE(health);
  REQUIRE(health->size() == 1);
  CHECK((*health)[0].state == "unused");  // still registered, not draining
}

TEST_CASE("elbv2 fake: ip targets outside the VPC need AvailabilityZone all", "[aws][sim]") {
  test_support::SimFixture fixture(6);
  fixture.build_account();
  auto group =
      fixture.run(fixture.elbv2.create_target_group(target_group_input("web", fixture.vpc_id)));
  auto outside = fixture.run(fixture.elbv2.register_targets(group->arn, {{"192.168.0.1", 80, ""}}));
  REQUIRE_FALSE(outside);
  CHECK(outside.error().code == "ValidationError");
  // The real controller keys its retry-with-zone path on this text.
  CHECK(outside.error().message.find("you must specify an Availability Zone") != std::string::npos);
  CHECK(fixture.run(fixture.elbv2.register_targets(group->arn, {{"192.168.0.1", 80, "all"}})));
}

TEST_CASE("elbv2 fake: Describe calls page with opaque markers", "[aws][sim]") {
  test_support::SimFixture fixture(7);
  fixture.build_account();
  for (int i = 0; i < 5; ++i) {
    REQUIRE(fixture.run(fixture.elbv2.create_target_group(
        target_group_input("tg-" + std::to_string(i), fixture.vpc_id))));
  }
  auto first_page =
      fixture.run(fixture.aws_client.elbv2("DescribeTargetGroups", {{"PageSize", "2"}}));
  REQUIRE(first_page);
  CHECK((*first_page)["TargetGroups"].size() == 2);
  const std::string marker = (*first_page)["NextMarker"];
  auto second_page = fixture.run(
      fixture.aws_client.elbv2("DescribeTargetGroups", {{"PageSize", "2"}, {"Marker", marker}}));
  REQUIRE(second_page);
  CHECK((*second_page)["TargetGroups"][0]["TargetGroupName"] == "tg-2");
  auto forged =
      fixture.run(fixture.aws_client.elbv2("DescribeTargetGroups", {{"Marker", "3-0000"}}));
  REQUIRE_FALSE(forged);
  CHECK(forged.error().code == "ValidationError");
}

TEST_CASE(
    "elbv2 fake: a marker is the last key shown, so creates and deletes between pages "
    "neither repeat nor skip",
    "[aws][sim]") {
  test_support::SimFixture fixture(7);
  fixture.build_account();
  std::map<std::string, std::string> arns;
  for (const char* name : {"tg-b", "tg-d", "tg-f", "tg-h"}) {
    auto group =
        fixture.run(fixture.elbv2.create_target_group(target_group_input(name, fixture.vpc_id)));
    REQUIRE(group);
    arns[name] = group->arn;
  }
  auto names_of = [](const Json& page) {
    std::vector<std::string> names;
    for (const Json& group : page["TargetGroups"])
      names.push_back(group["TargetGroupName"]);
    return names;
  };
  auto first = fixture.run(fixture.aws_client.elbv2("DescribeTargetGroups", {{"PageSize", "2"}}));
  REQUIRE(first);
  CHECK(names_of(*first) == std::vector<std::string>{"tg-b", "tg-d"});
  // Between the pages: one created before the marker's key (a position marker would now repeat
  // tg-d), one after it, and the next one deleted (a position marker would skip tg-h).
  REQUIRE(
      fixture.run(fixture.elbv2.create_target_group(target_group_input("tg-a", fixture.vpc_id))));
  REQUIRE(
      fixture.run(fixture.elbv2.create_target_group(target_group_input("tg-e", fixture.vpc_id))));
  REQUIRE(fixture.run(
      fixture.aws_client.elbv2("DeleteTargetGroup", {{"TargetGroupArn", arns["tg-f"]}})));
  auto second = fixture.run(fixture.aws_client.elbv2(
      "DescribeTargetGroups", {{"PageSize", "2"}, {"Marker", (*first)["NextMarker"]}}));
  REQUIRE(second);
  CHECK(names_of(*second) == std::vector<std::string>{"tg-e", "tg-h"});
  CHECK_FALSE(second->contains("NextMarker"));
  // A marker belongs to its list.
  auto other_list = fixture.run(
      fixture.aws_client.elbv2("DescribeLoadBalancers", {{"Marker", (*first)["NextMarker"]}}));
  REQUIRE_FALSE(other_list);
  CHECK(other_list.error().code == "ValidationError");
}

TEST_CASE("elbv2 fake: its indexes follow creates, modifications and cascading deletes",
          "[aws][sim]") {
  test_support::SimFixture fixture(9);
  fixture.build_account();
  auto& state = fixture.world.aws().state();
  auto web =
      fixture.run(fixture.elbv2.create_target_group(target_group_input("web", fixture.vpc_id)));
  auto api =
      fixture.run(fixture.elbv2.create_target_group(target_group_input("api", fixture.vpc_id)));
  REQUIRE((web && api));
  auto lb = fixture.run(
      fixture.aws_client.elbv2("CreateLoadBalancer", load_balancer_input(fixture, "front")));
  REQUIRE(lb);
  const std::string lb_arn = (*lb)["LoadBalancers"][0]["LoadBalancerArn"];
  auto forward_to = [](const std::string& arn) {
    return Json::array({{{"Type", "forward"}, {"TargetGroupArn", arn}}});
  };
  auto listener = fixture.run(
      fixture.aws_client.elbv2("CreateListener", {{"LoadBalancerArn", lb_arn},
                                                  {"Protocol", "HTTP"},
                                                  {"Port", "80"},
                                                  {"DefaultActions", forward_to(web->arn)}}));
  REQUIRE(listener);
  const std::string listener_arn = (*listener)["Listeners"][0]["ListenerArn"];
  auto rule = fixture.run(fixture.aws_client.elbv2(
      "CreateRule", {{"ListenerArn", listener_arn},
                     {"Priority", "1"},
                     {"Conditions", Json::array({{{"Field", "path-pattern"},
                                                  {"Values", Json::array({"/api"})}}})},
                     {"Actions", forward_to(api->arn)}}));
  REQUIRE(rule);
  CHECK(state.load_balancers_using(api->arn) == std::vector<std::string>{lb_arn});
  CHECK(state.target_groups_of(lb_arn).size() == 2);
  CHECK(state.check_indexes().empty());
  // The rule forwards to web instead: api is free again, and may be deleted.
  REQUIRE(fixture.run(fixture.aws_client.elbv2(
      "ModifyRule",
      {{"RuleArn", (*rule)["Rules"][0]["RuleArn"]}, {"Actions", forward_to(web->arn)}})));
  CHECK_FALSE(state.in_use(api->arn));
  CHECK(state.check_indexes().empty());
  REQUIRE(
      fixture.run(fixture.aws_client.elbv2("DeleteTargetGroup", {{"TargetGroupArn", api->arn}})));
  // web is in use until the load balancer, and with it its listener and rule, is gone.
  auto in_use =
      fixture.run(fixture.aws_client.elbv2("DeleteTargetGroup", {{"TargetGroupArn", web->arn}}));
  REQUIRE_FALSE(in_use);
  CHECK(in_use.error().code == "ResourceInUse");
  REQUIRE(
      fixture.run(fixture.aws_client.elbv2("DeleteLoadBalancer", {{"LoadBalancerArn", lb_arn}})));
  CHECK(state.listeners().empty());
  CHECK(state.rules().empty());
  CHECK_FALSE(state.in_use(web->arn));
  CHECK(state.load_balancer_named("front") == nullptr);
  CHECK(state.check_indexes().empty());
  CHECK(fixture.run(fixture.aws_client.elbv2("DeleteTargetGroup", {{"TargetGroupArn", web->arn}})));
  CHECK(state.target_group_named("web") == nullptr);
}

TEST_CASE("elbv2 client: Describe calls follow markers past the fake's largest page",
          "[aws][sim]") {
  test_support::SimFixture fixture(7);
  fixture.build_account();
  const std::size_t groups = sim::aws::Elbv2Quotas{}.describe_page_size_max + 1;
  for (std::size_t i = 0; i < groups; ++i) {
    REQUIRE(fixture.run(fixture.elbv2.create_target_group(
        target_group_input("tg-" + std::to_string(i), fixture.vpc_id))));
  }
  auto all = fixture.run(fixture.elbv2.describe_target_groups());
  REQUIRE(all);
  CHECK(all->size() == groups);
}

TEST_CASE("elbv2 fake: unknown actions and versions are refused", "[aws][sim]") {
  test_support::SimFixture fixture(8);
  auto unknown = fixture.run(fixture.aws_client.elbv2("DescribeEverything", Json::object()));
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == "InvalidAction");
  // The classic ELB API's version, signed as the aws CLI would sign it.
  net::Request old_version;
  old_version.method = "POST";
  old_version.headers.set("Host", "elasticloadbalancing.us-east-1.amazonaws.com");
  old_version.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  old_version.body = "Action=DescribeLoadBalancers&Version=2012-06-01";
  net::sign_request(old_version, {"testing", "testing", ""}, {"us-east-1", "elasticloadbalancing"},
                    fixture.world.clock().wall_now());
  const net::Response refused = fixture.world.aws().handle(old_version);
  CHECK(refused.status == 400);
  CHECK(refused.body.find("InvalidAction") != std::string::npos);
  CHECK(refused.body.find("2015-12-01") != std::string::npos);
}

TEST_CASE(
    "elbv2 fake: eventual consistency hides a new target group and shows old tags for a while",
    "[aws][sim]") {
  test_support::SimFixture fixture(9);
  fixture.build_account();
  std::vector<std::string> asked;
  fixture.world.aws().elbv2().set_visibility([&](std::string_view action) {
    asked.emplace_back(action);
    return std::optional<net::Clock::duration>(std::chrono::seconds(5));
  });
  auto created =
      fixture.run(fixture.elbv2.create_target_group(target_group_input("web", fixture.vpc_id)));
  REQUIRE(created);
  CHECK(asked == std::vector<std::string>{"CreateTargetGroup"});
  // Listed nowhere, and not found by its ARN.
  auto listed = fixture.run(fixture.elbv2.describe_target_groups());
  REQUIRE(listed);
  CHECK(listed->empty());
  auto tags = fixture.run(fixture.elbv2.describe_tags({created->arn}));
  REQUIRE_FALSE(tags);
  CHECK(tags.error().code == "TargetGroupNotFound");
  CHECK_FALSE(fixture.world.quiescent());
  fixture.world.run_for(std::chrono::seconds(6));
  listed = fixture.run(fixture.elbv2.describe_target_groups());
  REQUIRE(listed);
  CHECK(listed->size() == 1);

  // A tag change shows late: DescribeTags keeps the tags from before it for the window.
  REQUIRE(fixture.run(fixture.elbv2.add_tags(created->arn, {{"team", "web"}})));
  tags = fixture.run(fixture.elbv2.describe_tags({created->arn}));
  REQUIRE(tags);
  CHECK_FALSE((*tags)[created->arn].contains("team"));
  fixture.world.run_for(std::chrono::seconds(6));
  tags = fixture.run(fixture.elbv2.describe_tags({created->arn}));
  REQUIRE(tags);
  CHECK((*tags)[created->arn].at("team") == "web");
  CHECK(fixture.world.quiescent());
  fixture.world.aws().elbv2().set_visibility(nullptr);
}
