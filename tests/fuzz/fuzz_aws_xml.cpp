// The controller's reader of AWS answers: any bytes as the XML body of a response.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "controller/net/json.hpp"
#include "controller/net/xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto tree = albc::net::xml_to_json(std::string_view(reinterpret_cast<const char*>(data), size));
  if (tree) (void)albc::net::dump_json(*tree);
  return 0;
}
