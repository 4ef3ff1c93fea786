#include <catch2/catch.hpp>

#include "sim/kube/store.hpp"
#include "sim/world/virtual_clock.hpp"

using namespace albc;
using namespace albc::sim::kube;

namespace {

struct StoreFixture {
  sim::world::VirtualClock clock{net::Clock::wall_time_point{} +
                                 std::chrono::seconds(1'767'225'600)};
  ResourceRegistry registry = ResourceRegistry::standard();
  Store store{registry, clock, net::Random(1)};
  const ResourceType& namespaces = *registry.find("", "v1", "namespaces");
  const ResourceType& ingresses = *registry.find("networking.k8s.io", "v1", "ingresses");
  const ResourceType& services = *registry.find("", "v1", "services");
  const ResourceType& bindings = *registry.find("elbv2.k8s.aws", "v1beta1", "targetgroupbindings");

  StoreFixture() { REQUIRE(store.create(namespaces, "", {{"metadata", {{"name", "test"}}}})); }

  Json ingress(const std::string& name) {
    return {
        {"metadata", {{"name", name}}},
        {"spec",
         {{"ingressClassName", "alb"},
          {"rules",
           Json::array({{{"http",
                          {{"paths", Json::array({{{"path", "/"},
                                                   {"pathType", "Prefix"},
                                                   {"backend",
                                                    {{"service",
                                                      {{"name", "web"},
                                                       {"port", {{"number", 80}}}}}}}}})}}}}})}}}};
  }
};

}  // namespace

TEST_CASE("store: create sets identity, a global resourceVersion and generation 1", "[kube]") {
  StoreFixture fixture;
  auto created = fixture.store.create(fixture.ingresses, "test", fixture.ingress("web"));
  REQUIRE(created);
  const Json& metadata = (*created)["metadata"];
  CHECK(metadata["namespace"] == "test");
  CHECK(metadata["uid"].get<std::string>().size() == 36);
  CHECK(metadata["creationTimestamp"] == "2026-01-01T00:00:00Z");
  CHECK(metadata["generation"] == 1);
  CHECK(std::stoull(metadata["resourceVersion"].get<std::string>()) == fixture.store.revision());
  CHECK((*created)["status"] == Json{{"loadBalancer", Json::object()}});
  auto duplicate = fixture.store.create(fixture.ingresses, "test", fixture.ingress("web"));
  REQUIRE_FALSE(duplicate);
  CHECK(duplicate.error().code == 409);
  CHECK(duplicate.error().message == "ingresses.networking.k8s.io \"web\" already exists");
}

TEST_CASE("store: admission rejects what the API server rejects", "[kube]") {
  StoreFixture fixture;
  Json no_path_type = fixture.ingress("web");
  no_path_type["spec"]["rules"][0]["http"]["paths"][0].erase("pathType");
  auto rejected = fixture.store.create(fixture.ingresses, "test", no_path_type);
  REQUIRE_FALSE(rejected);
  CHECK(rejected.error().code == 422);
  CHECK(rejected.error().to_json()["details"]["causes"][0]["field"] ==
        "spec.rules[0].http.paths[0].pathType");
  auto missing_namespace =
      fixture.store.create(fixture.ingresses, "nowhere", fixture.ingress("web"));
  REQUIRE_FALSE(missing_namespace);
  CHECK(missing_namespace.error().message == "namespaces \"nowhere\" not found");
  Json numeric_annotation = fixture.ingress("web");
  numeric_annotation["metadata"]["annotations"] = {
      {"alb.ingress.kubernetes.io/healthcheck-interval-seconds", 15}};
  auto not_a_string = fixture.store.create(fixture.ingresses, "test", numeric_annotation);
  REQUIRE_FALSE(not_a_string);
  CHECK(not_a_string.error().code == 400);
}

TEST_CASE("store: a Service gets a cluster IP, protocols and target ports", "[kube]") {
  StoreFixture fixture;
  auto created = fixture.store.create(
      fixture.services, "test",
      {{"metadata", {{"name", "web"}}}, {"spec", {{"ports", Json::array({{{"port", 80}}})}}}});
  REQUIRE(created);
  const Json& spec = (*created)["spec"];
  CHECK(spec["clusterIP"].get<std::string>().starts_with("10.100."));
  CHECK(spec["type"] == "ClusterIP");
  CHECK(spec["ports"][0]["protocol"] == "TCP");
  CHECK(spec["ports"][0]["targetPort"] == 80);
}

TEST_CASE("store: updates check resourceVersion; only spec changes bump generation", "[kube]") {
  StoreFixture fixture;
  auto created = fixture.store.create(fixture.ingresses, "test", fixture.ingress("web"));
  REQUIRE(created);
  Json stale = *created;
  Json labelled = *created;
  labelled["metadata"]["labels"] = {{"a", "b"}};
  auto updated =
      fixture.store.update(fixture.ingresses, "test", "web", labelled, Subresource::None);
  REQUIRE(updated);
  CHECK((*updated)["metadata"]["generation"] == 1);
  stale["spec"]["ingressClassName"] = "other";
  auto conflict = fixture.store.update(fixture.ingresses, "test", "web", stale, Subresource::None);
  REQUIRE_FALSE(conflict);
  CHECK(conflict.error().code == 409);
  CHECK(conflict.error().reason == "Conflict");
  Json respec = *updated;
  respec["spec"]["ingressClassName"] = "other";
  auto bumped = fixture.store.update(fixture.ingresses, "test", "web", respec, Subresource::None);
  REQUIRE(bumped);
  CHECK((*bumped)["metadata"]["generation"] == 2);
  const auto revision = fixture.store.revision();
  auto same = fixture.store.update(fixture.ingresses, "test", "web", *bumped, Subresource::None);
  REQUIRE(same);
  CHECK(fixture.store.revision() == revision);  // a no-op write is not a write
}

TEST_CASE("store: the status subresource and the main resource do not write each other", "[kube]") {
  StoreFixture fixture;
  auto created = fixture.store.create(fixture.ingresses, "test", fixture.ingress("web"));
  Json status_patch = {
      {"status", {{"loadBalancer", {{"ingress", Json::array({{{"hostname", "lb.example"}}})}}}}},
      {"spec", {{"ingressClassName", "ignored"}}}};
  auto patched = fixture.store.patch(fixture.ingresses, "test", "web", status_patch,
                                     PatchType::Merge, Subresource::Status);
  REQUIRE(patched);
  CHECK((*patched)["status"]["loadBalancer"]["ingress"][0]["hostname"] == "lb.example");
  CHECK((*patched)["spec"]["ingressClassName"] == "alb");
  Json main_patch = {{"status", {{"loadBalancer", Json::object()}}}};
  auto main = fixture.store.patch(fixture.ingresses, "test", "web", main_patch, PatchType::Merge,
                                  Subresource::None);
  REQUIRE(main);
  CHECK((*main)["status"]["loadBalancer"]["ingress"][0]["hostname"] == "lb.example");
}

TEST_CASE("store: finalizers defer deletion until the last one goes", "[kube]") {
  StoreFixture fixture;
  Json with_finalizer = fixture.ingress("web");
  with_finalizer["metadata"]["finalizers"] = {"ingress.k8s.aws/resources"};
  REQUIRE(fixture.store.create(fixture.ingresses, "test", with_finalizer));
  std::vector<std::string> seen;
  fixture.store.observe(
      [&](const Change& change) { seen.push_back(std::string(change_type_name(change.type))); });
  auto deleting = fixture.store.remove(fixture.ingresses, "test", "web", {});
  REQUIRE(deleting);
  CHECK((*deleting)["metadata"].contains("deletionTimestamp"));
  CHECK((*deleting)["metadata"]["generation"] == 2);
  Json add_another = {{"metadata", {{"finalizers", {"ingress.k8s.aws/resources", "other"}}}}};
  auto refused = fixture.store.patch(fixture.ingresses, "test", "web", add_another,
                                     PatchType::Merge, Subresource::None);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == 422);
  Json stale_lock = {{"metadata", {{"finalizers", nullptr}, {"resourceVersion", "1"}}}};
  auto locked = fixture.store.patch(fixture.ingresses, "test", "web", stale_lock, PatchType::Merge,
                                    Subresource::None);
  REQUIRE_FALSE(locked);
  CHECK(locked.error().code == 409);
  Json remove_all = {
      {"metadata",
       {{"finalizers", nullptr}, {"resourceVersion", (*deleting)["metadata"]["resourceVersion"]}}}};
  REQUIRE(fixture.store.patch(fixture.ingresses, "test", "web", remove_all, PatchType::Merge,
                              Subresource::None));
  CHECK_FALSE(fixture.store.get(fixture.ingresses, "test", "web"));
  CHECK(seen == std::vector<std::string>{"MODIFIED", "DELETED"});
}

TEST_CASE("store: custom resources refuse strategic merge and unconditional updates", "[kube]") {
  StoreFixture fixture;
  Json binding = {{"metadata", {{"name", "tgb"}}},
                  {"spec", {{"serviceRef", {{"name", "web"}, {"port", 80}}}}}};
  REQUIRE(fixture.store.create(fixture.bindings, "test", binding));
  auto strategic = fixture.store.patch(fixture.bindings, "test", "tgb", {{"spec", Json::object()}},
                                       PatchType::Strategic, Subresource::None);
  REQUIRE_FALSE(strategic);
  CHECK(strategic.error().code == 415);
  auto unconditional =
      fixture.store.update(fixture.bindings, "test", "tgb", binding, Subresource::None);
  REQUIRE_FALSE(unconditional);
  CHECK(unconditional.error().code == 422);
  auto deleted = fixture.store.remove(fixture.bindings, "test", "tgb", {});
  REQUIRE(deleted);
  CHECK((*deleted)["kind"] == "TargetGroupBinding");  // custom resources answer with the object
}

TEST_CASE("store: lists filter by labels and fields and page with continue", "[kube]") {
  StoreFixture fixture;
  for (const char* name : {"a", "b", "c"}) {
    Json object = fixture.ingress(name);
    object["metadata"]["labels"] = {{"tier", std::string(name) == "b" ? "back" : "front"}};
    REQUIRE(fixture.store.create(fixture.ingresses, "test", object));
  }
  ListOptions front;
  front.labels = *LabelSelector::parse("tier=front");
  auto listed = fixture.store.list(fixture.ingresses, "test", front);
  REQUIRE(listed);
  CHECK((*listed)["items"].size() == 2);
  CHECK((*listed)["kind"] == "IngressList");
  ListOptions by_name;
  by_name.fields = *FieldSelector::parse("metadata.name=b", fixture.ingresses);
  CHECK((*fixture.store.list(fixture.ingresses, "", by_name))["items"].size() == 1);
  CHECK_FALSE(FieldSelector::parse("spec.foo=x", fixture.ingresses));
  ListOptions paged;
  paged.limit = 2;
  auto first = fixture.store.list(fixture.ingresses, "test", paged);
  REQUIRE(first);
  CHECK((*first)["items"].size() == 2);
  CHECK((*first)["metadata"]["remainingItemCount"] == 1);
  paged.continue_token = (*first)["metadata"]["continue"];
  auto second = fixture.store.list(fixture.ingresses, "test", paged);
  REQUIRE(second);
  CHECK((*second)["items"].size() == 1);
  CHECK((*second)["items"][0]["metadata"]["name"] == "c");
}

TEST_CASE("store: deleting a namespace deletes what is in it", "[kube]") {
  StoreFixture fixture;
  REQUIRE(fixture.store.create(fixture.ingresses, "test", fixture.ingress("web")));
  REQUIRE(fixture.store.remove(fixture.namespaces, "", "test", {}));
  CHECK_FALSE(fixture.store.get(fixture.ingresses, "test", "web"));
  CHECK_FALSE(fixture.store.get(fixture.namespaces, "", "test"));
}
