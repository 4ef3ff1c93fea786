#include <catch2/catch.hpp>

#include <sstream>

#include "controller/net/yaml.hpp"
#include "sim/scenario/expectations.hpp"
#include "sim/scenario/runner.hpp"

using namespace albc::sim::scenario;

namespace {

const std::string kSource = ALBC_SOURCE_DIR;

std::string error_of(const std::string& yaml) {
  auto document = albc::net::yaml_to_json(yaml, "test.yaml");
  REQUIRE(document);
  auto scenario = parse_scenario(*document, "test.yaml");
  REQUIRE_FALSE(scenario);
  return scenario.error().describe();
}

RunResult run(const Scenario& scenario, std::string& output) {
  std::ostringstream out;
  RunOptions options;
  options.out = &out;
  RunResult result = run_scenario(scenario, options);
  output = out.str();
  return result;
}

}  // namespace

TEST_CASE("scenario: bad files are refused with the file and the field named", "[scenario]") {
  CHECK(error_of("name: x\nsteps: []\n") == "scenario test.yaml: steps: must be a non-empty list");
  CHECK(error_of("name: x\nbogus: 1\nsteps: [{wait: converged}]\n") ==
        "scenario test.yaml: scenario.bogus: unknown field (known: name, description, seed, world, "
        "controller, invariants, faults, steps)");
  CHECK(error_of(
            "name: x\nworld: {vpc: {name: v, cidr: 10.0.0.0/33}}\nsteps: [{wait: converged}]\n") ==
        "scenario test.yaml: world.vpc.cidr: \"10.0.0.0/33\" is not an IPv4 block between /16 and "
        "/28");
  CHECK(error_of("name: x\nworld: {region: us-east-1, subnets: [{name: a, zone: eu-west-1a, cidr: "
                 "10.0.0.0/24}]}\nsteps: [{wait: converged}]\n") ==
        "scenario test.yaml: world.subnets[0].zone: \"eu-west-1a\" is not a zone of region "
        "us-east-1");
  CHECK(error_of("name: x\nsteps: [{wait: converged, print: aws}]\n") ==
        "scenario test.yaml: steps[0]: must have exactly one action, found 2");
  CHECK(error_of("name: x\nsteps: [{advance: soon}]\n") ==
        "scenario test.yaml: steps[0].advance: must be a duration such as 90s or 5m");
  CHECK(error_of("name: x\ncontroller: {default_scheme: public}\nsteps: [{wait: converged}]\n") ==
        "scenario test.yaml: controller.default_scheme: invalid value public for default scheme");
  CHECK(error_of("name: x\nsteps: [{expect: {}}]\n") ==
        "scenario test.yaml: steps[0].expect: expects nothing: give aws, kubernetes, aws_calls or "
        "invariants");
  auto broken = albc::net::yaml_to_json("name: [unclosed\n", "broken.yaml");
  REQUIRE_FALSE(broken);
  CHECK(broken.error().message.starts_with("broken.yaml: line "));
}

TEST_CASE("scenario: durations and YAML scalars read as Kubernetes reads them", "[scenario]") {
  CHECK(parse_duration("1h30m") == std::chrono::minutes(90));
  CHECK(parse_duration("250ms") == std::chrono::milliseconds(250));
  CHECK_FALSE(parse_duration("5"));
  auto document =
      albc::net::yaml_to_json("a: '15'\nb: 15\nc: 200,302\nd: true\ne: ~\nf: \"true\"\n", "t.yaml");
  REQUIRE(document);
  CHECK((*document)["a"] == "15");
  CHECK((*document)["b"] == 15);
  CHECK((*document)["c"] == "200,302");
  CHECK((*document)["d"] == true);
  CHECK((*document)["e"].is_null());
  CHECK((*document)["f"] == "true");
}

TEST_CASE("expectations: subsets, lists, regular expressions and absence", "[scenario]") {
  const Json actual = {{"Scheme", "internet-facing"},
                       {"Port", "81"},
                       {"List", {1, 2}},
                       {"DNSName", "k8s-x-123.elb.amazonaws.com"}};
  CHECK(match_pattern({{"Scheme", "internet-facing"}, {"Port", 81}}, actual, ""));
  CHECK(match_pattern(
      {{"DNSName", "re:k8s-x-[0-9]+\\.elb\\.amazonaws\\.com"}, {"Missing", "absent"}}, actual, ""));
  auto wrong = match_pattern({{"Scheme", "internal"}}, actual, "aws.load_balancers[0]");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().message ==
        "aws.load_balancers[0].Scheme: expected \"internal\", got \"internet-facing\"");
  auto count = match_pattern({{"List", {1}}}, actual, "x");
  REQUIRE_FALSE(count);
  CHECK(count.error().message == "x.List: expected 1 element(s), got 2: [1,2]");
  CHECK_FALSE(match_pattern({{"Nope", "*"}}, actual, ""));
}

TEST_CASE("expectations: any_order matches each pattern to a different element", "[scenario]") {
  const Json targets = Json::array({{{"Id", "10.0.0.9"}, {"State", "draining"}},
                                    {{"Id", "10.0.0.5"}, {"State", "healthy"}},
                                    {{"Id", "10.0.0.7"}, {"State", "draining"}}});
  const Json wanted = {
      {"any_order", {{{"State", "healthy"}}, {{"State", "draining"}}, {{"State", "draining"}}}}};
  CHECK(match_pattern(wanted, targets, "t"));
  // A greedy first fit gives the general pattern the one element the specific one needs; the
  // matching moves it along.
  const Json tricky = {
      {"any_order", {{{"State", "*"}}, {{"Id", "10.0.0.9"}}, {{"Id", "10.0.0.7"}}}}};
  CHECK(match_pattern(tricky, targets, "t"));
  const Json two_healthy = {
      {"any_order", {{{"State", "healthy"}}, {{"State", "healthy"}}, {{"State", "draining"}}}}};
  auto unmatched = match_pattern(two_healthy, targets, "t");
  REQUIRE_FALSE(unmatched);
  CHECK(unmatched.error().message.starts_with(
      "t: no element is left for any_order[1] once the others are matched"));
  auto none = match_pattern({{"any_order", {{{"State", "unused"}}, {}, {}}}}, targets, "t");
  REQUIRE_FALSE(none);
  CHECK(none.error().message.starts_with("t.any_order[0]: matches no element of"));
  auto size = match_pattern({{"any_order", {Json::object()}}}, targets, "t");
  REQUIRE_FALSE(size);
  CHECK(size.error().message.starts_with("t: expected 1 element(s) in any order, got 3"));
}

TEST_CASE("scenario: the seed walkthrough passes and its trace is the same twice",
          "[scenario][sim][slow]") {
  auto scenario = load_scenario(kSource + "/scenarios/seed-walkthrough.yaml");
  REQUIRE(scenario);
  std::string first;
  std::string second;
  const RunResult result = run(*scenario, first);
  CAPTURE(result.failure);
  REQUIRE(result.passed);
  REQUIRE(run(*scenario, second).passed);
  CHECK(first == second);
  CHECK(first.find("deploy.load_balancer.created") != std::string::npos);
  Scenario reseeded = *scenario;
  reseeded.seed += 1;
  std::string third;
  REQUIRE(run(reseeded, third).passed);
  CHECK(third != first);  // the seed reaches names, IDs and timings
}

TEST_CASE("scenario: a failing expectation names the step and the path", "[scenario][sim]") {
  auto scenario = load_scenario(kSource + "/scenarios/seed-walkthrough.yaml");
  REQUIRE(scenario);
  scenario->steps.resize(3);  // apply, apply, wait
  Step expect;
  expect.kind = Step::Kind::Expect;
  expect.index = 4;
  expect.expectation = {{"aws", {{"load_balancers", Json::array({{{"Scheme", "internal"}}})}}}};
  scenario->steps.push_back(expect);
  std::string output;
  const RunResult result = run(*scenario, output);
  CHECK_FALSE(result.passed);
  CHECK_FALSE(result.bad_input);
  CHECK(
      result.failure.ends_with("step 4 (expect): aws.load_balancers[0].Scheme: expected "
                               "\"internal\", got \"internet-facing\""));
  CHECK(output.find("== scenario seed-walkthrough: FAILED") != std::string::npos);
}

TEST_CASE("scenario: a Kubernetes pattern over no objects fails", "[scenario][sim]") {
  auto scenario = load_scenario(kSource + "/scenarios/seed-walkthrough.yaml");
  REQUIRE(scenario);
  scenario->steps.resize(1);  // the namespace only: no Ingress yet
  Step expect;
  expect.kind = Step::Kind::Expect;
  expect.index = 2;
  expect.expectation = {{"kubernetes", Json::array({{{"kind", "Ingress"},
                                                     {"namespace", "test"},
                                                     {"match", {{"kind", "Ingress"}}}}})}};
  scenario->steps.push_back(expect);
  std::string output;
  RunResult result = run(*scenario, output);
  CHECK_FALSE(result.passed);
  CHECK(result.failure.ends_with("kubernetes[0] (Ingress in test): not found"));
  scenario->steps.back().expectation["kubernetes"][0]["count"] = 0;
  result = run(*scenario, output);
  CHECK(result.passed);
}

TEST_CASE("scenario: a manifest with one bad document applies nothing", "[scenario][sim]") {
  auto scenario = load_scenario(kSource + "/scenarios/seed-walkthrough.yaml");
  REQUIRE(scenario);
  Step apply;
  apply.kind = Step::Kind::Apply;
  apply.index = 1;
  apply.inline_object = {
      {"apiVersion", "networking.k8s.io/v1"},
      {"kind", "Ingress"},
      {"metadata", {{"name", "bad"}, {"namespace", "default"}}},
      {"spec",
       {{"rules",
         Json::array(
             {{{"http",
                {{"paths",
                  Json::array(
                      {{{"path", "/"},
                        {"backend",
                         {{"service", {{"name", "web"}, {"port", {{"number", 80}}}}}}}}})}}}}})}}}};
  Step expect;
  expect.kind = Step::Kind::Expect;
  expect.index = 2;
  scenario->steps = {apply, expect};
  std::string output;
  const RunResult result = run(*scenario, output);
  CHECK_FALSE(result.passed);
  CHECK(result.bad_input);
  CHECK(result.failure.find(
            "step 1 (apply): inline manifest: document 1 (Ingress default/bad): "
            "Ingress.networking.k8s.io \"bad\" is invalid: spec.rules[0].http.paths[0].pathType: "
            "Required value: pathType must be specified") != std::string::npos);
}
