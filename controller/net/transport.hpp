#pragma once

#include <string>

#include "controller/net/awaitable.hpp"
#include "controller/net/http.hpp"
#include "controller/net/result.hpp"

namespace albc::net {

// A missing answer. An HTTP error status is a Response, not a TransportError.
struct TransportError {
  enum class Kind { ConnectFailed, Timeout, Reset, Closed, Protocol, BodyTooLarge };
  Kind kind = Kind::Closed;
  std::string message;
};

std::string_view kind_name(TransportError::Kind kind);
Error to_error(const TransportError& error);

// The seam between a client and the server it talks to: the network (a real API server, real
// AWS, or `albc serve`) or, in a simulation, a fake's handler called in-process.
class Transport {
 public:
  virtual ~Transport() = default;
  // Sends a request and reads the whole answer.
  virtual Awaitable<Result<Response, TransportError>> send(Request request) = 0;
  // Sends a request and returns once the status and headers are in; the body then arrives
  // through Response::stream (a watch).
  virtual Awaitable<Result<Response, TransportError>> open(Request request) = 0;
};

}  // namespace albc::net
