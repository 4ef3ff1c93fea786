#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller/net/result.hpp"

namespace albc::sim::scenario {

using Json = nlohmann::json;

// YAML as Kubernetes reads it: quoted scalars are strings; plain ones become integers, floats,
// booleans (true/false) and null (~, null, empty) where they look like one, else strings.
net::Result<Json> yaml_to_json(const std::string& text, const std::string& source_name);
// Every document of a multi-document file (empty documents skipped), with its 1-based index.
net::Result<std::vector<Json>> yaml_documents(const std::string& text,
                                              const std::string& source_name);
net::Result<std::string> read_file(const std::string& path);

}  // namespace albc::sim::scenario
