#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "controller/net/awaitable.hpp"
#include "controller/net/result.hpp"
#include "sim/http/handler.hpp"

namespace albc::sim::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;                                // 0: the system picks one
  std::size_t request_body_bytes_max = 3 * 1024 * 1024;  // the Kubernetes API server's limit
  std::size_t request_header_bytes_max = 64 * 1024;
  std::chrono::seconds idle_timeout{300};
  std::size_t connections_max = 1024;
};

// HTTP/1.1 on loopback with Boost.Beast: keep-alive, and chunked bodies for streamed responses.
// Sessions hold I/O state only; every request goes to the Handler.
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

  struct State;  // shared with the sessions, which may outlive a stop()

 private:
  std::shared_ptr<State> state_;
};

}  // namespace albc::sim::http
