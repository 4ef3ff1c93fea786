#include <catch2/catch.hpp>

#include "sim/kube/patch.hpp"
#include "sim/kube/selector.hpp"
#include "sim/kube/table.hpp"

using namespace albc::sim::kube;

TEST_CASE("selector: label selectors support the full syntax", "[kube]") {
  const Json labels = {{"app", "web"}, {"tier", "front"}};
  auto check = [&](const char* text) { return LabelSelector::parse(text)->matches(labels); };
  CHECK(check("app=web"));
  CHECK(check("app==web,tier!=back"));
  CHECK(check("tier in (front, middle)"));
  CHECK_FALSE(check("tier notin (front)"));
  CHECK(check("app"));
  CHECK(check("!missing"));
  CHECK_FALSE(check("!app"));
  CHECK(check(""));
  CHECK_FALSE(LabelSelector::parse("tier in front"));
}

TEST_CASE("patch: merge patches replace lists and null deletes", "[kube]") {
  const Json live = {{"metadata", {{"labels", {{"a", "1"}, {"b", "2"}}}, {"finalizers", {"x"}}}}};
  auto patched =
      apply_patch(live, {{"metadata", {{"labels", {{"a", nullptr}}}, {"finalizers", {"y"}}}}},
                  PatchType::Merge);
  REQUIRE(patched);
  CHECK((*patched)["metadata"]["labels"] == Json{{"b", "2"}});
  CHECK((*patched)["metadata"]["finalizers"] == Json::array({"y"}));
}

TEST_CASE("patch: strategic merge follows merge keys and directives", "[kube]") {
  const Json live = {
      {"spec",
       {{"containers",
         Json::array({{{"name", "a"}, {"image", "1"}}, {{"name", "b"}, {"image", "1"}}})}}},
      {"metadata", {{"finalizers", {"x"}}}},
      {"status", {{"conditions", Json::array({{{"type", "Ready"}, {"status", "False"}}})}}}};
  const Json patch = {
      {"spec",
       {{"containers",
         Json::array({{{"name", "b"}, {"image", "2"}}, {{"name", "a"}, {"$patch", "delete"}}})},
        {"$setElementOrder/containers", Json::array({{{"name", "b"}}})}}},
      {"metadata", {{"finalizers", {"y"}}}},
      {"status", {{"conditions", Json::array({{{"type", "Ready"}, {"status", "True"}}})}}}};
  auto patched = apply_patch(live, patch, PatchType::Strategic);
  REQUIRE(patched);
  CHECK((*patched)["spec"]["containers"] == Json::array({{{"name", "b"}, {"image", "2"}}}));
  CHECK_FALSE((*patched)["spec"].contains("$setElementOrder/containers"));
  CHECK((*patched)["metadata"]["finalizers"] == Json::array({"x", "y"}));
  CHECK((*patched)["status"]["conditions"][0]["status"] == "True");
}

TEST_CASE("patch: JSON patches apply, and fail with 422 when they cannot", "[kube]") {
  const Json live = {{"spec", {{"replicas", 1}}}};
  auto patched = apply_patch(
      live, Json::array({{{"op", "replace"}, {"path", "/spec/replicas"}, {"value", 3}}}),
      PatchType::Json);
  REQUIRE(patched);
  CHECK((*patched)["spec"]["replicas"] == 3);
  auto failed = apply_patch(live, Json::array({{{"op", "remove"}, {"path", "/spec/nothing"}}}),
                            PatchType::Json);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == 422);
  // A scalar where a container should be (found by fuzzing: the JSON library asserted).
  // Worded as the API server's patch library words them (the path quoted for add and remove).
  const std::pair<const char*, const char*> refusals[] = {
      {"add", "add operation does not apply: doc is missing path: \"/spec/replicas/x\""},
      {"remove", "remove operation does not apply: doc is missing path: \"/spec/replicas/x\""},
      {"replace", "replace operation does not apply: doc is missing path: /spec/replicas/x"}};
  for (const auto& [op, message] : refusals) {
    const Json operation = {{"op", op}, {"path", "/spec/replicas/x"}, {"value", 1}};
    auto into_scalar = apply_patch(live, Json::array({operation}), PatchType::Json);
    REQUIRE_FALSE(into_scalar);
    CHECK(into_scalar.error().code == 422);
    CHECK(into_scalar.error().message ==
          std::string("the JSON patch could not be applied: ") + message + ": missing value");
  }
  // A parent that is missing reads the same as one that is a scalar.
  auto missing_parent = apply_patch(
      live, Json::array({{{"op", "add"}, {"path", "/status/x/y"}, {"value", 1}}}), PatchType::Json);
  REQUIRE_FALSE(missing_parent);
  CHECK_THAT(missing_parent.error().message,
             Catch::Matchers::Contains("doc is missing path: \"/status/x/y\""));
  auto moved = apply_patch(
      live, Json::array({{{"op", "move"}, {"from", "/spec/replicas/x"}, {"path", "/y"}}}),
      PatchType::Json);
  REQUIRE_FALSE(moved);
  CHECK(moved.error().code == 422);
  CHECK_THAT(moved.error().message,
             Catch::Matchers::Contains("move operation does not apply: doc is missing from path: "
                                       "/spec/replicas/x: missing value"));
  // A move whose removal turns its destination's parent into a scalar.
  const Json list = {{"items", Json::array({Json::object(), "a"})}};
  auto shifted = apply_patch(
      list, Json::array({{{"op", "move"}, {"from", "/items/0"}, {"path", "/items/0/x"}}}),
      PatchType::Json);
  REQUIRE_FALSE(shifted);
  CHECK(shifted.error().code == 422);
  auto copied =
      apply_patch(list,
                  Json::array({{{"op", "copy"}, {"from", "/items/1"}, {"path", "/items/0/x"}},
                               {{"op", "move"}, {"from", "/items/1"}, {"path", "/items/-"}},
                               {{"op", "test"}, {"path", "/items/1"}, {"value", "a"}}}),
                  PatchType::Json);
  REQUIRE(copied);
  CHECK((*copied)["items"] == Json::array({{{"x", "a"}}, "a"}));
  // A missing member gets the library's wording, not a crash.
  auto no_path =
      apply_patch(list, Json::array({{{"op", "copy"}, {"from", "/items/1"}}}), PatchType::Json);
  REQUIRE_FALSE(no_path);
  CHECK(no_path.error().code == 422);
}

TEST_CASE("patch: JSON patches within the API server's limits on operations and copies", "[kube]") {
  const Json live = {{"spec", {{"replicas", 1}}}};
  const Json test = {{"op", "test"}, {"path", "/spec/replicas"}, {"value", 1}};
  CHECK(apply_patch(live, Json(std::vector<Json>(kJsonPatchOperationsMax, test)), PatchType::Json));
  auto too_many = apply_patch(live, Json(std::vector<Json>(kJsonPatchOperationsMax + 1, test)),
                              PatchType::Json);
  REQUIRE_FALSE(too_many);
  CHECK(too_many.error().code == 413);
  CHECK(too_many.error().message ==
        "The allowed maximum operations in a JSON patch is 10000, got 10001");
  // Each copy doubles the object: forty of them would ask for 2^40 times its size.
  const Json big = {{"spec", {{"data", std::string(1000, 'x')}}}};
  Json doubling = Json::array();
  for (int i = 0; i < 40; ++i)
    doubling.push_back({{"op", "copy"}, {"from", "/spec"}, {"path", "/spec/" + std::to_string(i)}});
  auto grown = apply_patch(big, doubling, PatchType::Json);
  REQUIRE_FALSE(grown);
  CHECK(grown.error().code == 422);
  CHECK_THAT(grown.error().message,
             Catch::Matchers::Contains("Unable to complete the copy, the accumulated size "
                                       "increase of copy is ") &&
                 Catch::Matchers::Contains("exceeding the limit 3145728"));
  CHECK_FALSE(patch_type_of("application/yaml"));
}

TEST_CASE("table: ages print as kubectl prints them", "[kube]") {
  using std::chrono::seconds;
  CHECK(human_duration(seconds(45)) == "45s");
  CHECK(human_duration(seconds(119)) == "119s");
  CHECK(human_duration(seconds(303)) == "5m3s");
  CHECK(human_duration(seconds(3 * 3600)) == "3h");
  CHECK(human_duration(seconds(52 * 3600)) == "2d4h");
}
