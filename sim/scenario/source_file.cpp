#include "sim/scenario/source_file.hpp"

#include <filesystem>
#include <fstream>

namespace albc::sim::scenario {

net::Result<std::string> read_file(const std::string& path) {
  std::error_code ec;
  // A regular file only: /dev/zero or a FIFO would never end.
  if (!std::filesystem::is_regular_file(path, ec)) {
    return net::fail("FileNotFound", path + ": not a regular file that can be read");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return net::fail("FileNotFound", path + ": cannot open the file");
  // Read until the end or one byte past the limit, whatever size the file claimed (it may grow).
  std::string contents;
  char chunk[64 * 1024];
  while (contents.size() <= kSourceFileBytesMax && file.read(chunk, sizeof chunk).gcount() > 0)
    contents.append(chunk, static_cast<std::size_t>(file.gcount()));
  if (contents.size() > kSourceFileBytesMax) {
    return net::fail("FileTooLarge", path + ": more than the limit of " +
                                         std::to_string(kSourceFileBytesMax) + " bytes");
  }
  return contents;
}

}  // namespace albc::sim::scenario
