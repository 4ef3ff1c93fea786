#include <catch2/catch.hpp>

#include "controller/ingress/ingress_indexes.hpp"
#include "tests/support/object_keys.hpp"

using namespace albc;
using Json = nlohmann::json;

TEST_CASE("ingress indexes find group members, finalizers and backends", "[ingress]") {
  k8s::ObjectCache ingresses;
  ingress::add_ingress_indexes(ingresses);
  auto ingress = [](const std::string& name, Json annotations, Json finalizers,
                    const std::string& service) {
    return Json{
        {"metadata",
         {{"namespace", "shop"},
          {"name", name},
          {"annotations", std::move(annotations)},
          {"finalizers", std::move(finalizers)}}},
        {"spec",
         {{"ingressClassName", "alb"}, {"defaultBackend", {{"service", {{"name", service}}}}}}}};
  };
  ingresses.put(
      ingress("web", {{"alb.ingress.kubernetes.io/group.name", "front"}}, Json::array(), "web"));
  // Left the group (no annotation) but still holds its finalizer.
  ingresses.put(
      ingress("old", Json::object(), Json::array({"group.ingress.k8s.aws/front"}), "old"));
  ingresses.put(ingress("solo", {{"alb.ingress.kubernetes.io/actions.blue", "{}"}},
                        Json::array({"ingress.k8s.aws/resources"}), "solo"));
  CHECK(test_support::keys_of(ingress::by_any(ingresses, ingress::kIngressesByGroup,
                                              {"group:front", "finalizer:front"})) ==
        std::vector<std::string>{"shop/old", "shop/web"});
  CHECK(test_support::keys_of(ingresses.by_index(ingress::kIngressesByGroup, "group:shop/solo")) ==
        std::vector<std::string>{"shop/solo"});
  CHECK(test_support::keys_of(ingresses.by_index(ingress::kIngressesByGroup, "finalizer")) ==
        std::vector<std::string>{"shop/old", "shop/solo"});
  CHECK(test_support::keys_of(ingresses.by_index(ingress::kIngressesByClass, "spec:alb")).size() ==
        3);
  // An actions annotation may name any Service of the namespace.
  CHECK(test_support::keys_of(
            ingress::by_any(ingresses, ingress::kIngressesByService, {"shop/web", "shop/*"})) ==
        std::vector<std::string>{"shop/solo", "shop/web"});
}
