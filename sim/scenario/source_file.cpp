#include "sim/scenario/source_file.hpp"

#include <fstream>
#include <sstream>

namespace albc::sim::scenario {

net::Result<std::string> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) return net::fail("FileNotFound", path + ": cannot open the file");
  const std::streamoff size = file.tellg();
  if (size < 0) return net::fail("FileNotFound", path + ": cannot read the file");
  if (static_cast<std::size_t>(size) > kSourceFileBytesMax) {
    return net::fail("FileTooLarge", path + ": " + std::to_string(size) +
                                         " bytes, over the limit of " +
                                         std::to_string(kSourceFileBytesMax));
  }
  file.seekg(0);
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

}  // namespace albc::sim::scenario
