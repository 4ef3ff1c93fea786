// Scenario files: any bytes as YAML, then as a scenario.
#include <cstddef>
#include <cstdint>
#include <string>

#include "controller/net/yaml.hpp"
#include "sim/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  albc::net::YamlLimits limits;
  limits.nodes_max = 100'000;  // small budgets reach the limit paths quickly
  auto document = albc::net::yaml_to_json(text, "fuzz.yaml", limits);
  if (!document || !document->is_object()) return 0;
  (void)albc::sim::scenario::parse_scenario(*document, "fuzz.yaml");
  return 0;
}
