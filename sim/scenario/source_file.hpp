#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "controller/net/result.hpp"

namespace albc::sim::scenario {

using Json = nlohmann::json;

// Scenario files and the manifests beside them are read whole; larger files are refused.
inline constexpr std::size_t kSourceFileBytesMax = 16 * 1024 * 1024;

// The file's bytes, or "FileNotFound" / "FileTooLarge" naming the path.
net::Result<std::string> read_file(const std::string& path);

}  // namespace albc::sim::scenario
