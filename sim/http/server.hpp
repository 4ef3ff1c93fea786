#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "controller/net/awaitable.hpp"
#include "controller/net/result.hpp"
#include "sim/http/handler.hpp"

namespace albc::sim::http {

// Limits per connection and per phase of a request, after the Kubernetes API server's
// http.Server (ReadHeaderTimeout 32 s, IdleTimeout 90 s, MaxHeaderBytes 1 MiB, bodies of 3 MiB,
// request timeout 60 s).
struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;                                // 0: the system picks one
  std::size_t request_body_bytes_max = 3 * 1024 * 1024;  // the Kubernetes API server's limit
  std::size_t request_header_bytes_max = 1024 * 1024;
  // Waiting for the next request on a kept-alive connection.
  std::chrono::seconds idle_timeout{90};
  // From the request's first byte to the end of its header.
  std::chrono::seconds header_timeout{32};
  std::chrono::seconds body_timeout{60};
  // Writing one answer, or one chunk of a streamed answer (a watch whose client stops reading).
  std::chrono::seconds write_timeout{60};
  // At the cap, a new connection closes the one that has waited longest for a request (idle or
  // trickling its header), so idle and slow clients cannot lock others out.
  std::size_t connections_max = 4096;
};

// What the server's reader makes of raw bytes: the first request in them, read with the limits of
// `options` (the same parser settings a session uses), or why it was refused ("BodyTooLarge",
// "HeaderTooLarge", "Malformed", "Incomplete"). For tests and fuzzing: no socket involved.
net::Result<net::Request> read_request(std::string_view bytes, const ServerOptions& options);

// HTTP/1.1 on loopback with Boost.Beast: keep-alive, and chunked bodies for streamed responses.
// Sessions hold I/O state only; every request goes to the Handler, and what the server refuses
// itself (too large, malformed) is answered through Handler::refuse.
class Server {
 public:
  Server(net::Executor executor, Handler& handler, ServerOptions options);
  ~Server();

  // Binds and listens; returns the bound port.
  net::Result<std::uint16_t> listen();
  // Accepts connections until stop().
  void start();
  void stop();
  std::uint16_t port() const;
  std::size_t open_connections() const;
  std::size_t requests_served() const;
  // Connections closed to make room for new ones.
  std::size_t connections_evicted() const;

  struct State;  // shared with the sessions, which may outlive a stop()

 private:
  std::shared_ptr<State> state_;
};

}  // namespace albc::sim::http
