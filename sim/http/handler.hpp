#pragma once

#include <string_view>

#include "controller/net/http.hpp"

namespace albc::sim::http {

// A fake server: request in, response out, no I/O and no waiting. The same handler is served
// on a socket (Server) and called in-process (InProcessTransport). A watch answers with a
// Response whose `stream` delivers the body over time.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual net::Response handle(const net::Request& request) = 0;
  // The answer to a request whose body is over the server's limit, which the server refuses
  // before it reaches handle(), in the shape this service's clients expect.
  virtual net::Response refuse_body_too_large(std::size_t limit_bytes);
};

}  // namespace albc::sim::http
