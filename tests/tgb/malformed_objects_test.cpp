#include <catch2/catch.hpp>

#include "controller/tgb/endpoints.hpp"
#include "tests/support/mutations.hpp"

using namespace albc;
using namespace albc::tgb;

// Endpoint resolution reads Services, EndpointSlices, Pods and Nodes from the caches: no field
// of any of them, broken in any way, makes it throw.

namespace {

Json service() {
  return {
      {"metadata", {{"namespace", "test"}, {"name", "web"}}},
      {"spec",
       {{"type", "NodePort"},
        {"ports",
         Json::array(
             {{{"name", "http"}, {"port", 80}, {"targetPort", "web"}, {"nodePort", 31000}}})}}}};
}

Json slice() {
  return {{"metadata",
           {{"namespace", "test"},
            {"name", "web-abcde"},
            {"labels", {{"kubernetes.io/service-name", "web"}}}}},
          {"addressType", "IPv4"},
          {"ports", Json::array({{{"name", "http"}, {"port", 8080}}})},
          {"endpoints",
           Json::array(
               {{{"addresses", Json::array({"10.0.0.1"})},
                 {"conditions", {{"ready", true}}},
                 {"targetRef", {{"kind", "Pod"}, {"namespace", "test"}, {"name", "web-1"}}}}})}};
}

Json pod() {
  return {
      {"metadata",
       {{"namespace", "test"}, {"name", "web-1"}, {"creationTimestamp", "2026-01-01T00:00:10Z"}}}};
}

Json node() {
  return {{"metadata",
           {{"name", "n1"},
            {"labels", {{"pool", "edge"}}},
            {"creationTimestamp", "2026-01-01T00:00:00Z"}}},
          {"spec",
           {{"providerID", "aws:///us-east-1a/i-1"},
            {"taints", Json::array({{{"key", "k"}, {"effect", "NoSchedule"}}})}}},
          {"status", {{"conditions", Json::array({{{"type", "Ready"}, {"status", "True"}}})}}}};
}

bool keyed(const Json& object) {
  return !k8s::name_of(object).empty();
}

void resolve(const Json& a_service, const Json& a_slice, const Json& a_pod, const Json& a_node) {
  k8s::ObjectCache services;
  k8s::ObjectCache slices;
  k8s::ObjectCache pods;
  k8s::ObjectCache nodes;
  slices.add_index(tgb::kByService, tgb::slice_service_index);
  services.put(a_service);
  slices.put(a_slice);
  pods.put(a_pod);
  nodes.put(a_node);
  for (const Json& port : {Json(80), Json("http"), Json(true)}) {
    auto ip = resolve_pod_endpoints(services, slices, pods, "test", "web", port);
    if (ip) (void)checkpoint_of(*ip, {{"targetType", "ip"}});
    (void)resolve_node_endpoints(services, nodes, "test", "web", port,
                                 {{"matchLabels", {{"pool", "edge"}}}});
  }
}

}  // namespace

TEST_CASE(
    "malformed objects: no field of a Service, slice, Pod or Node breaks endpoint "
    "resolution",
    "[tgb]") {
  std::size_t cases = 0;
  const auto check = [&](const Json& object, const std::string& where, auto run) {
    if (!keyed(object)) return;
    CAPTURE(where);
    CHECK_NOTHROW(run(object));
    ++cases;
  };
  test_support::for_each_mutation(service(), [&](const Json& object, const std::string& where) {
    check(object, where, [](const Json& mutated) { resolve(mutated, slice(), pod(), node()); });
  });
  test_support::for_each_mutation(slice(), [&](const Json& object, const std::string& where) {
    check(object, where, [](const Json& mutated) { resolve(service(), mutated, pod(), node()); });
  });
  test_support::for_each_mutation(pod(), [&](const Json& object, const std::string& where) {
    check(object, where, [](const Json& mutated) { resolve(service(), slice(), mutated, node()); });
  });
  test_support::for_each_mutation(node(), [&](const Json& object, const std::string& where) {
    check(object, where, [](const Json& mutated) { resolve(service(), slice(), pod(), mutated); });
  });
  CHECK(cases > 300);
}
