#include <catch2/catch.hpp>

#include "tests/support/sim_fixture.hpp"

using namespace albc;
using Json = nlohmann::json;

namespace {

net::Request request(std::string method, std::string target, std::string body = "",
                     std::string content_type = "application/json") {
  net::Request made;
  made.method = std::move(method);
  made.target = std::move(target);
  made.body = std::move(body);
  if (!made.body.empty()) made.headers.set("Content-Type", std::move(content_type));
  return made;
}

Json body_of(const net::Response& response) {
  return Json::parse(response.body);
}

}  // namespace

TEST_CASE("api server: discovery answers what kubectl asks for", "[kube][sim]") {
  test_support::SimFixture fixture(21);
  sim::kube::ApiServer api(fixture.world.store(), fixture.world.clock());
  const Json version = body_of(api.handle(request("GET", "/version?timeout=5s")));
  CHECK(version["minor"] == "32");
  const Json groups = body_of(api.handle(request("GET", "/apis")));
  CHECK(groups["kind"] == "APIGroupList");
  bool has_elbv2 = false;
  for (const Json& group : groups["groups"])
    has_elbv2 = has_elbv2 || group["name"] == "elbv2.k8s.aws";
  CHECK(has_elbv2);
  const Json resources = body_of(api.handle(request("GET", "/apis/networking.k8s.io/v1")));
  bool status_subresource = false;
  for (const Json& resource : resources["resources"])
    status_subresource = status_subresource || resource["name"] == "ingresses/status";
  CHECK(status_subresource);
  const Json openapi = body_of(api.handle(request("GET", "/openapi/v3")));
  CHECK(openapi["paths"].contains("apis/elbv2.k8s.aws/v1beta1"));
  CHECK(api.handle(request("GET", "/apis/nothing.example/v1")).status == 404);
}

TEST_CASE("api server: errors are Status bodies with the real codes and messages", "[kube][sim]") {
  test_support::SimFixture fixture(22);
  fixture.build_account();
  sim::kube::ApiServer api(fixture.world.store(), fixture.world.clock());
  auto missing =
      api.handle(request("GET", "/apis/networking.k8s.io/v1/namespaces/default/ingresses/nope"));
  CHECK(missing.status == 404);
  const Json status = body_of(missing);
  CHECK(status["kind"] == "Status");
  CHECK(status["reason"] == "NotFound");
  CHECK(status["message"] == "ingresses.networking.k8s.io \"nope\" not found");
  CHECK(status["details"]["kind"] == "ingresses");
  CHECK(api.handle(request("POST", "/api/v1/namespaces/default/configmaps", "{not json")).status ==
        400);
  CHECK(api.handle(request("PATCH", "/api/v1/namespaces/default/configmaps/x", "{}",
                           "application/yaml"))
            .status == 415);
  CHECK(api.handle(request("GET", "/api/v1/namespaces/default/pods?labelSelector=a%20in%20b"))
            .status == 400);
  CHECK(api.handle(request("GET", "/api/v1/namespaces/default/pods?fieldSelector=spec.foo%3Dx"))
            .status == 400);
  CHECK(api.handle(request("POST", "/api/v1/namespaces/default/configmaps", "{}",
                           "application/vnd.kubernetes.protobuf"))
            .status == 415);
}

TEST_CASE("api server: create, get as a Table, patch and delete through HTTP", "[kube][sim]") {
  test_support::SimFixture fixture(23);
  fixture.build_account();
  sim::kube::ApiServer api(fixture.world.store(), fixture.world.clock());
  const std::string binding =
      R"({"apiVersion":"elbv2.k8s.aws/v1beta1","kind":"TargetGroupBinding","metadata":{"name":"tgb"},
    "spec":{"serviceRef":{"name":"web","port":80},"targetType":"ip","targetGroupARN":"arn:aws:x"}})";
  CHECK(api.handle(request("POST",
                           "/apis/elbv2.k8s.aws/v1beta1/namespaces/default/targetgroupbindings",
                           binding))
            .status == 201);
  net::Request table = request(
      "GET", "/apis/elbv2.k8s.aws/v1beta1/namespaces/default/targetgroupbindings?limit=500");
  table.headers.set("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
  const Json rendered = body_of(api.handle(table));
  CHECK(rendered["kind"] == "Table");
  CHECK(rendered["columnDefinitions"][1]["name"] == "SERVICE-NAME");
  CHECK(rendered["rows"][0]["cells"][1] == "web");
  CHECK(rendered["rows"][0]["cells"][3] == "ip");
  auto patched = api.handle(
      request("PATCH", "/apis/elbv2.k8s.aws/v1beta1/namespaces/default/targetgroupbindings/tgb",
              R"({"metadata":{"labels":{"a":"b"}}})", "application/merge-patch+json"));
  CHECK(patched.status == 200);
  CHECK(body_of(patched)["metadata"]["labels"]["a"] == "b");
  auto deleted = api.handle(
      request("DELETE", "/apis/elbv2.k8s.aws/v1beta1/namespaces/default/targetgroupbindings/tgb",
              R"({"propagationPolicy":"Background"})"));
  CHECK(deleted.status == 200);
  CHECK(
      api.handle(request("GET",
                         "/apis/elbv2.k8s.aws/v1beta1/namespaces/default/targetgroupbindings/tgb"))
          .status == 404);
}

TEST_CASE("watch: events stream in order, resume after a resourceVersion, and expire",
          "[kube][sim]") {
  test_support::SimFixture fixture(24);
  fixture.build_account();
  sim::kube::Store& store = fixture.world.store();
  const auto& configmaps = store.type("v1", "ConfigMap");
  REQUIRE(store.create(configmaps, "default", {{"metadata", {{"name", "one"}}}}));
  const std::string after_one = std::to_string(store.revision());
  REQUIRE(store.create(configmaps, "default", {{"metadata", {{"name", "two"}}}}));
  k8s::Resource resource{"", "v1", "configmaps", "ConfigMap", true};
  k8s::WatchOptions options;
  options.resource_version = after_one;
  options.timeout = std::chrono::seconds(30);
  auto stream = fixture.run(fixture.kube.watch(resource, "default", options));
  REQUIRE(stream);
  auto first = fixture.run((*stream)->next());
  REQUIRE(first);
  REQUIRE(first->has_value());
  CHECK((*first)->type == "ADDED");
  CHECK((*first)->object["metadata"]["name"] == "two");
  REQUIRE(store.remove(configmaps, "default", "one", {}));
  auto deleted = fixture.run((*stream)->next());
  REQUIRE(deleted);
  REQUIRE(deleted->has_value());
  CHECK((*deleted)->type == "DELETED");
  auto bookmark = fixture.run((*stream)->next());  // the timeout ends the watch, after a bookmark
  REQUIRE(bookmark);
  REQUIRE(bookmark->has_value());
  CHECK((*bookmark)->type == "BOOKMARK");
  CHECK((*bookmark)->object["metadata"]["resourceVersion"] == std::to_string(store.revision()));
  auto ended = fixture.run((*stream)->next());
  REQUIRE(ended);
  CHECK_FALSE(ended->has_value());
  CHECK(fixture.world.clock().elapsed() >= std::chrono::seconds(30));
}

TEST_CASE("watch: a resourceVersion older than the history gets an ERROR 410 event",
          "[kube][sim]") {
  test_support::SimFixture fixture(25);
  fixture.build_account();
  sim::kube::Store& store = fixture.world.store();
  const auto& configmaps = store.type("v1", "ConfigMap");
  for (int i = 0; i < 20'100; ++i) {
    REQUIRE(
        store.create(configmaps, "default", {{"metadata", {{"name", "c" + std::to_string(i)}}}}));
    REQUIRE(store.remove(configmaps, "default", "c" + std::to_string(i), {}));
  }
  k8s::WatchOptions watch;
  watch.resource_version = "2";
  auto stream = fixture.run(
      fixture.kube.watch({"", "v1", "configmaps", "ConfigMap", true}, "default", watch));
  REQUIRE(stream);
  auto event = fixture.run((*stream)->next());
  REQUIRE(event);
  REQUIRE(event->has_value());
  CHECK((*event)->type == "ERROR");
  CHECK((*event)->object["code"] == 410);
  CHECK((*event)->object["reason"] == "Expired");
}

TEST_CASE("api server: a Deployment's scale subresource reads and writes its replicas",
          "[kube][sim]") {
  test_support::SimFixture fixture(22);
  fixture.build_account();
  sim::kube::ApiServer api(fixture.world.store(), fixture.world.clock());
  const std::string deployment = "/apis/apps/v1/namespaces/default/deployments/web";
  REQUIRE(api.handle(request("POST", "/apis/apps/v1/namespaces/default/deployments",
                             R"({"metadata":{"name":"web"},"spec":{"replicas":2,
                                 "selector":{"matchLabels":{"app":"web"},"matchExpressions":[
                                   {"key":"tier","operator":"In","values":["a","b"]}]},
                                 "template":{"metadata":{"labels":{"app":"web","tier":"a"}},
                                   "spec":{"containers":[{"name":"c","image":"nginx"}]}}}})"))
              .status == 201);
  const auto scale = api.handle(request("GET", deployment + "/scale"));
  REQUIRE(scale.status == 200);
  const Json read = body_of(scale);
  CHECK(read["kind"] == "Scale");
  CHECK(read["apiVersion"] == "autoscaling/v1");
  CHECK(read["spec"]["replicas"] == 2);
  CHECK(read["status"]["selector"] == "app=web,tier in (a,b)");

  // kubectl scale: a merge patch of the Scale.
  const auto patched =
      api.handle(request("PATCH", deployment + "/scale", R"({"spec":{"replicas":5}})",
                         "application/merge-patch+json"));
  REQUIRE(patched.status == 200);
  CHECK(body_of(patched)["spec"]["replicas"] == 5);
  CHECK(body_of(api.handle(request("GET", deployment)))["spec"]["replicas"] == 5);

  // A PUT with a stale resourceVersion conflicts; bad values are refused as the real server does.
  Json stale = read;
  stale["spec"]["replicas"] = 1;
  CHECK(api.handle(request("PUT", deployment + "/scale", stale.dump())).status == 409);
  const auto negative = api.handle(
      request("PUT", deployment + "/scale", R"({"kind":"Scale","spec":{"replicas":-1}})"));
  CHECK(negative.status == 422);
  CHECK(body_of(negative)["message"] ==
        "Scale.autoscaling \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater "
        "than or equal to 0");
  const auto words =
      api.handle(request("PUT", deployment + "/scale", R"({"spec":{"replicas":"two"}})"));
  CHECK(words.status == 400);
  CHECK(body_of(words)["message"] ==
        "Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal string into "
        "Go struct field ScaleSpec.spec.replicas of type int32");
  const auto huge = api.handle(
      request("PUT", deployment + "/scale", R"({"spec":{"replicas":18446744073709551615}})"));
  CHECK(huge.status == 400);  // a decode error, not a wrapped -1
  const auto other = api.handle(request("PUT", deployment + "/scale",
                                        R"({"metadata":{"name":"other"},"spec":{"replicas":1}})"));
  CHECK(other.status == 400);
  CHECK(body_of(other)["message"] ==
        "the name of the object (other) does not match the name on the URL (web)");
  const auto unreadable = api.handle(request("PUT", deployment + "/scale", "{"));
  CHECK(unreadable.status == 400);
  CHECK(body_of(unreadable)["message"].get<std::string>().starts_with(
      "the object provided is unrecognized (must be of type Scale)"));
  // kubectl scale --dry-run=server: answered, not written.
  const auto dry =
      api.handle(request("PATCH", deployment + "/scale?dryRun=All", R"({"spec":{"replicas":9}})",
                         "application/merge-patch+json"));
  CHECK(dry.status == 200);
  CHECK(body_of(dry)["spec"]["replicas"] == 9);
  CHECK(api.handle(request("PATCH", deployment + "/scale?dryRun=Some", R"({"spec":{}})",
                           "application/merge-patch+json"))
            .status == 400);
  CHECK(api.handle(request("DELETE", deployment + "/scale")).status == 405);
  CHECK(api.handle(request("GET", "/api/v1/namespaces/default/configmaps/x/scale")).status == 404);
  CHECK(body_of(api.handle(request("GET", deployment)))["spec"]["replicas"] == 5);

  // Discovery lists it with the Scale's group and version, which kubectl scale reads.
  const Json apps = body_of(api.handle(request("GET", "/apis/apps/v1")));
  bool listed = false;
  for (const Json& resource : apps["resources"]) {
    listed =
        listed || (resource["name"] == "deployments/scale" && resource["group"] == "autoscaling");
  }
  CHECK(listed);
}
