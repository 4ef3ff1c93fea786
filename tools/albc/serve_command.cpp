#include <iostream>

#include "tools/albc/commands.hpp"

namespace albc::tools {

int serve_command(const std::vector<std::string>& args) {
  std::cerr << "albc serve: not wired yet\n";
  return 2;
}

}  // namespace albc::tools
