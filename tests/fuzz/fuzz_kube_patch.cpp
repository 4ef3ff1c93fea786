// The three patch types (and server-side apply) against a live object, then the decode and
// validation the patched object goes through.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "controller/net/json.hpp"
#include "sim/kube/decode.hpp"
#include "sim/kube/patch.hpp"
#include "sim/kube/validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace albc::sim::kube;
  if (size < 1) return 0;
  const PatchType types[] = {PatchType::Merge, PatchType::Json, PatchType::Strategic,
                             PatchType::Apply};
  const PatchType type = types[data[0] % 4];
  auto patch =
      albc::net::parse_json(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  if (!patch) return 0;
  static const ResourceRegistry registry = ResourceRegistry::standard();
  const ResourceType& deployments = *registry.find("apps", "v1", "deployments");
  const Json live = Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
      "metadata":{"name":"web","namespace":"default","labels":{"app":"web"},"finalizers":["a/b"]},
      "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
        "template":{"metadata":{"labels":{"app":"web"}},
          "spec":{"containers":[{"name":"web","image":"nginx","ports":[{"containerPort":80}]}]}}}})");
  auto patched = apply_patch(live, *patch, type);
  if (!patched) return 0;
  auto decoded = decode_object(deployments, registry, *patched, FieldValidation::Strict);
  if (!decoded) return 0;
  (void)validate_update(deployments, live, *patched);
  (void)albc::net::dump_json(*patched);
  return 0;
}
