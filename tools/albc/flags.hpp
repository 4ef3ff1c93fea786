#pragma once

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "controller/net/numbers.hpp"

namespace albc::tools {

// Reads `--name VALUE` or `--name=VALUE` at args[i] (advancing i past a separate value).
// nullopt when args[i] is another flag; an empty value when the flag has none.
inline std::optional<std::string> flag_value(const std::vector<std::string>& args, std::size_t& i,
                                             const std::string& name) {
  const std::string& arg = args[i];
  if (arg == name) return i + 1 < args.size() ? args[++i] : std::string();
  if (arg.starts_with(name + "=")) return arg.substr(name.size() + 1);
  return std::nullopt;
}

// A whole number for a flag: digits only, no sign, no overflow.
inline std::optional<std::uint64_t> flag_number(const std::string& value) {
  if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return net::parse_integer<std::uint64_t>(value);
}

// What every command takes besides its own flags: --help, and one scenario file. Returns the
// exit code when `arg` ends the command (help shown, an unknown flag, a second file).
inline std::optional<int> common_argument(const std::string& arg, std::string& path,
                                          const std::string& command, const char* usage) {
  if (arg == "--help" || arg == "-h") {
    std::cout << usage;
    return 0;
  }
  if (arg.starts_with("-")) {
    std::cerr << "albc " << command << ": unknown flag " << arg << "\n" << usage;
    return 2;
  }
  if (!path.empty()) {
    std::cerr << "albc " << command << ": one scenario at a time (got " << path << " and " << arg
              << ")\n";
    return 2;
  }
  path = arg;
  return std::nullopt;
}

}  // namespace albc::tools
