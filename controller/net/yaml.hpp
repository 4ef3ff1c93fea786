#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller/net/result.hpp"

namespace albc::net {

// Bounds on YAML that comes from outside (scenario files, manifests, request bodies).
// yaml-cpp itself refuses nesting deeper than 2,000 levels. Aliases are expanded when a document
// becomes JSON, so a few lines can stand for billions of nodes ("billion laughs"): the expansion
// is counted and stopped at nodes_max nodes and scalar_bytes_max bytes of scalars.
struct YamlLimits {
  std::size_t bytes_max = 16 * 1024 * 1024;
  // The conversion recurses once per level; no manifest or scenario comes near this.
  std::size_t depth_max = 512;
  std::size_t nodes_max = 1'000'000;
  std::size_t scalar_bytes_max = 64 * 1024 * 1024;
};

// YAML as Kubernetes reads it: quoted scalars are strings; plain ones become integers, floats,
// booleans (true/false) and null (~, null, empty) where they look like one, else strings.
// Errors ("InvalidYaml") name the source, line and column; ill-formed UTF-8 is an error.
Result<nlohmann::json> yaml_to_json(const std::string& text, const std::string& source_name,
                                    YamlLimits limits = {});
// Every document of a multi-document file (empty documents skipped), in order.
Result<std::vector<nlohmann::json>> yaml_documents(const std::string& text,
                                                   const std::string& source_name,
                                                   YamlLimits limits = {});

}  // namespace albc::net
