#include <catch2/catch.hpp>

#include "controller/tgb/endpoints.hpp"

using namespace albc;
using namespace albc::tgb;

namespace {

struct Caches {
  k8s::ObjectCache services;
  k8s::ObjectCache slices;
  k8s::ObjectCache pods;
  k8s::ObjectCache nodes;

  Caches() {
    slices.add_index(kByService, slice_service_index);
    services.put({{"metadata", {{"namespace", "test"}, {"name", "web"}}},
                  {"spec",
                   {{"type", "NodePort"},
                    {"ports", Json::array({{{"name", "http"},
                                            {"port", 80},
                                            {"targetPort", "web"},
                                            {"nodePort", 31000}}})}}}});
    for (const char* name : {"web-1", "web-2", "web-3"}) {
      pods.put({{"metadata",
                 {{"namespace", "test"},
                  {"name", name},
                  {"creationTimestamp", "2026-01-01T00:00:10Z"}}}});
    }
    auto endpoint = [](const char* ip, const char* pod, Json ready) {
      Json conditions = Json::object();
      if (!ready.is_null()) conditions["ready"] = ready;
      return Json{{"addresses", Json::array({ip})},
                  {"conditions", conditions},
                  {"targetRef", {{"kind", "Pod"}, {"namespace", "test"}, {"name", pod}}}};
    };
    slices.put({{"metadata",
                 {{"namespace", "test"},
                  {"name", "web-abcde"},
                  {"labels", {{"kubernetes.io/service-name", "web"}}}}},
                {"addressType", "IPv4"},
                {"ports", Json::array({{{"name", "http"}, {"port", 8080}}})},
                {"endpoints",
                 Json::array(
                     {endpoint("10.0.0.2", "web-2", true), endpoint("10.0.0.1", "web-1", nullptr),
                      endpoint("10.0.0.3", "web-3", false), endpoint("10.0.0.9", "gone", true)})}});
    auto node = [](const char* name, const char* instance, const char* ready, Json labels) {
      return Json{
          {"metadata",
           {{"name", name}, {"labels", labels}, {"creationTimestamp", "2026-01-01T00:00:00Z"}}},
          {"spec", {{"providerID", std::string("aws:///us-east-1a/") + instance}}},
          {"status", {{"conditions", Json::array({{{"type", "Ready"}, {"status", ready}}})}}}};
    };
    nodes.put(node("n1", "i-1", "True", Json::object()));
    nodes.put(node("n2", "i-2", "False", Json::object()));
    nodes.put(node("n3", "i-3", "True",
                   {{"node.kubernetes.io/exclude-from-external-load-balancers", ""}}));
    nodes.put(node("n4", "i-4", "True", {{"pool", "edge"}}));
  }
};

}  // namespace

TEST_CASE("endpoints: ready pods of the Service port, by the slice's port, sorted", "[tgb]") {
  Caches caches;
  auto endpoints = resolve_pod_endpoints(caches.services, caches.slices, caches.pods, "test", "web",
                                         Json("http"));
  REQUIRE(endpoints);
  REQUIRE(endpoints->size() == 2);  // web-3 is not ready; "gone" is not a known pod
  CHECK((*endpoints)[0] == TargetEndpoint{"10.0.0.1", 8080, 1'767'225'610'000});
  CHECK((*endpoints)[1].id == "10.0.0.2");
  auto by_number =
      resolve_pod_endpoints(caches.services, caches.slices, caches.pods, "test", "web", Json(80));
  REQUIRE(by_number);
  CHECK(by_number->size() == 2);
  auto missing_port =
      resolve_pod_endpoints(caches.services, caches.slices, caches.pods, "test", "web", Json(81));
  REQUIRE_FALSE(missing_port);
  CHECK(missing_port.error().code == "BackendNotFound");
  auto missing_service =
      resolve_pod_endpoints(caches.services, caches.slices, caches.pods, "test", "nope", Json(80));
  REQUIRE_FALSE(missing_service);
  CHECK(missing_service.error().message == "services \"nope\" not found");
}

TEST_CASE("endpoints: instance targets are the ready nodes that may carry traffic", "[tgb]") {
  Caches caches;
  auto nodes = resolve_node_endpoints(caches.services, caches.nodes, "test", "web", Json(80),
                                      Json::object());
  REQUIRE(nodes);
  REQUIRE(nodes->size() == 2);
  CHECK((*nodes)[0] == TargetEndpoint{"i-1", 31000, 1'767'225'600'000});
  CHECK((*nodes)[1].id == "i-4");
  auto selected = resolve_node_endpoints(caches.services, caches.nodes, "test", "web", Json(80),
                                         {{"matchLabels", {{"pool", "edge"}}}});
  REQUIRE(selected);
  REQUIRE(selected->size() == 1);
  CHECK(selected->front().id == "i-4");
  caches.services.put(
      {{"metadata", {{"namespace", "test"}, {"name", "cluster-ip"}}},
       {"spec", {{"type", "ClusterIP"}, {"ports", Json::array({{{"port", 80}}})}}}});
  auto refused = resolve_node_endpoints(caches.services, caches.nodes, "test", "cluster-ip",
                                        Json(80), Json::object());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message ==
        "service type must be either 'NodePort' or 'LoadBalancer': test/cluster-ip");
}

TEST_CASE("endpoints: the checkpoint changes with the endpoints and the spec, not their order",
          "[tgb]") {
  const std::vector<TargetEndpoint> endpoints = {{"10.0.0.1", 80, 1}, {"10.0.0.2", 80, 2}};
  const std::vector<TargetEndpoint> reversed = {{"10.0.0.2", 80, 2}, {"10.0.0.1", 80, 1}};
  const Json spec = {{"targetType", "ip"}};
  CHECK(checkpoint_of(endpoints, spec) == checkpoint_of(reversed, spec));
  CHECK(checkpoint_of(endpoints, spec) != checkpoint_of({{"10.0.0.1", 80, 1}}, spec));
  CHECK(checkpoint_of(endpoints, spec) != checkpoint_of(endpoints, {{"targetType", "instance"}}));
  const std::string checkpoint = checkpoint_of(endpoints, spec);
  CHECK(checkpoint.find('/') == 43);  // base64url of 32 bytes, no padding
  CHECK(checkpoint.find('=') == std::string::npos);
}
