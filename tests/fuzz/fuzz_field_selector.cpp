// fieldSelector query parameters for pods and events, then matching against an object.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sim/kube/selector.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace albc::sim::kube;
  static const ResourceRegistry registry = ResourceRegistry::standard();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const char* plural : {"pods", "events"}) {
    auto selector = FieldSelector::parse(text, *registry.find("", "v1", plural));
    if (!selector) continue;
    (void)selector->matches(Json{{"metadata", {{"name", "web"}, {"namespace", "default"}}},
                                 {"spec", {{"nodeName", "n1"}}},
                                 {"involvedObject", {{"name", "web"}, {"kind", 5}}}});
    (void)selector->matches(Json::object());
    (void)selector->pinned_name();
  }
  return 0;
}
