#pragma once

#include "controller/net/http.hpp"

namespace albc::sim::http {

// A fake server: request in, response out, no I/O and no waiting. The same handler is served
// on a socket (Server) and called in-process (InProcessTransport). A watch answers with a
// Response whose `stream` delivers the body over time.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual net::Response handle(const net::Request& request) = 0;
};

}  // namespace albc::sim::http
