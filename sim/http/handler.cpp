#include "sim/http/handler.hpp"

namespace albc::sim::http {

net::Response Handler::refuse_body_too_large(std::size_t limit_bytes) {
  net::Response response;
  response.status = 413;
  response.headers.set("Content-Type", "text/plain; charset=utf-8");
  response.body = "request entity too large: limit is " + std::to_string(limit_bytes) + "\n";
  return response;
}

}  // namespace albc::sim::http
