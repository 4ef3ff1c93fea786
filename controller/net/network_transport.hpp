#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "controller/net/transport.hpp"

namespace albc::net {

struct NetworkOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 80;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{60'000};
  std::size_t response_body_bytes_max = 64 * 1024 * 1024;
  std::size_t response_header_bytes_max = 64 * 1024;
  std::size_t idle_connections_max = 8;
};

// HTTP/1.1 over TCP with Boost.Beast, keeping idle connections for reuse.
class NetworkTransport final : public Transport {
 public:
  NetworkTransport(Executor executor, NetworkOptions options);
  ~NetworkTransport() override;

  Awaitable<Result<Response, TransportError>> send(Request request) override;
  Awaitable<Result<Response, TransportError>> open(Request request) override;

 private:
  struct Pool;
  Executor executor_;
  NetworkOptions options_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace albc::net
