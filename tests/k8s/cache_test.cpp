#include <catch2/catch.hpp>

#include "controller/k8s/cache.hpp"
#include "controller/k8s/fields.hpp"
#include "tests/support/object_keys.hpp"

using namespace albc;
using Json = nlohmann::json;

namespace {

Json slice(const std::string& ns, const std::string& name, const std::string& service) {
  return {
      {"metadata",
       {{"namespace", ns}, {"name", name}, {"labels", {{"kubernetes.io/service-name", service}}}}}};
}

// The kubernetes.io/service-name label, as "namespace/service".
std::vector<std::string> by_service(const Json& slice) {
  const Json& labels = k8s::map_field(k8s::metadata_of(slice), "labels");
  return {k8s::namespace_of(slice) + "/" + k8s::text_field(labels, "kubernetes.io/service-name")};
}

}  // namespace

TEST_CASE("object cache: an index follows puts, replacements and removals", "[k8s]") {
  k8s::ObjectCache slices;
  slices.put(slice("a", "web-1", "web"));  // before the index: indexed when it is added
  slices.add_index("service", by_service);
  slices.put(slice("a", "web-2", "web"));
  slices.put(slice("b", "web-1", "web"));
  slices.put(slice("a", "api-1", "api"));
  CHECK(test_support::keys_of(slices.by_index("service", "a/web")) ==
        std::vector<std::string>{"a/web-1", "a/web-2"});
  CHECK(test_support::keys_of(slices.by_index("service", "b/web")) ==
        std::vector<std::string>{"b/web-1"});
  // A label changed: the slice moves from one value to the other.
  slices.replace("a/web-2", slice("a", "web-2", "api"));
  CHECK(test_support::keys_of(slices.by_index("service", "a/web")) ==
        std::vector<std::string>{"a/web-1"});
  CHECK(test_support::keys_of(slices.by_index("service", "a/api")) ==
        std::vector<std::string>{"a/api-1", "a/web-2"});
  REQUIRE(slices.take("a/web-1"));
  CHECK(slices.by_index("service", "a/web").empty());
  CHECK(slices.by_index("service", "nowhere/none").empty());
  CHECK_THROWS_AS(slices.by_index("no-such-index", "x"), std::logic_error);
}
