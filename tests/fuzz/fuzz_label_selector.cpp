// labelSelector query parameters, then matching against a few label sets.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sim/kube/selector.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace albc::sim::kube;
  auto selector = LabelSelector::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!selector) return 0;
  (void)selector->matches(Json::object());
  (void)selector->matches(Json{{"app", "web"}, {"tier", "front"}});
  (void)selector->matches(Json{{"app", 5}});
  return 0;
}
