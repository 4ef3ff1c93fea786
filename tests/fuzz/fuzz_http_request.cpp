// The HTTP request reader of `albc serve`: any bytes off a socket.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sim/http/server.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  albc::sim::http::ServerOptions options;
  options.request_body_bytes_max = 64 * 1024;  // small limits reach the limit paths quickly
  options.request_header_bytes_max = 8 * 1024;
  auto request = albc::sim::http::read_request(
      std::string_view(reinterpret_cast<const char*>(data), size), options);
  if (request) {
    (void)request->path();
    (void)request->query();
  }
  return 0;
}
