#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <deque>

#include "controller/net/network_transport.hpp"
#include "controller/net/signal.hpp"
#include "sim/http/server.hpp"

using namespace albc;

namespace {

// Counts the body in chunks: "3\n2\n1\n".
class CountdownStream final : public net::BodyStream {
 public:
  explicit CountdownStream(int from) : next_(from) {}
  net::Awaitable<net::Result<std::optional<std::string>>> next() override {
    if (next_ == 0) co_return std::optional<std::string>();
    co_return std::optional<std::string>(std::to_string(next_--) + "\n");
  }
  void cancel() override { cancelled = true; }
  bool cancelled = false;  // a stream that ends by itself is never cancelled

 private:
  int next_;
};

// A watch with nothing to say: it ends only when its reader goes.
class SilentStream final : public net::BodyStream {
 public:
  net::Awaitable<net::Result<std::optional<std::string>>> next() override {
    while (!cancelled)
      co_await wake_.wait();
    co_return std::optional<std::string>();
  }
  void cancel() override {
    cancelled = true;
    wake_.notify_all();
  }
  bool cancelled = false;

 private:
  net::Signal wake_;
};

class EchoHandler final : public sim::http::Handler {
 public:
  net::Response handle(const net::Request& request) override {
    ++handled;
    net::Response response;
    if (request.path() == "/silent") {
      silent = std::make_shared<SilentStream>();
      response.stream = silent;
      return response;
    }
    if (request.path() == "/stream") {
      response.headers.set("Content-Type", "text/plain");
      countdown = std::make_shared<CountdownStream>(3);
      response.stream = countdown;
      return response;
    }
    if (request.path() == "/missing") {
      response.status = 404;
      response.body = "no";
      return response;
    }
    response.headers.set("X-Method", request.method);
    response.body = request.method + " " + request.target + " " + request.body;
    return response;
  }
  int handled = 0;
  std::shared_ptr<SilentStream> silent;
  std::shared_ptr<CountdownStream> countdown;
};

template <class Body>
void run(asio::io_context& io, Body body) {
  bool done = false;
  net::spawn_checked(io.get_executor(), body(done), "test");
  while (!done)
    io.run_one();
}

// An echo server on a free loopback port and a network transport to it, on one io_context.
struct Loopback {
  asio::io_context io{1};
  EchoHandler handler;
  sim::http::Server server{io.get_executor(), handler, {}};
  std::optional<net::NetworkTransport> transport;
  std::uint16_t port = 0;

  Loopback() {
    auto listening = server.listen();
    REQUIRE(listening);
    port = *listening;
    server.start();
    transport.emplace(io.get_executor(), net::NetworkOptions{"127.0.0.1", port});
  }
};

}  // namespace

TEST_CASE("http: the network transport and the server round-trip requests over keep-alive",
          "[http]") {
  Loopback loopback;
  net::NetworkTransport& transport = *loopback.transport;
  std::vector<net::Response> responses;
  run(loopback.io, [&](bool& done) -> net::Awaitable<void> {
    for (int i = 0; i < 3; ++i) {
      net::Request request;
      request.method = "POST";
      request.target = "/echo?i=" + std::to_string(i);
      request.body = "body";
      auto response = co_await transport.send(request);
      REQUIRE(response);
      responses.push_back(*response);
    }
    net::Request missing;
    missing.target = "/missing";
    auto not_found = co_await transport.send(missing);
    REQUIRE(not_found);
    responses.push_back(*not_found);
    done = true;
  });
  REQUIRE(responses.size() == 4);
  CHECK(responses[2].body == "POST /echo?i=2 body");
  CHECK(responses[2].headers.value_or("X-Method", "") == "POST");
  CHECK(responses[3].status == 404);
  CHECK(loopback.handler.handled == 4);
  CHECK(loopback.server.open_connections() == 1);  // one connection, kept alive
}

TEST_CASE("http: a streamed response arrives chunk by chunk", "[http]") {
  Loopback loopback;
  net::NetworkTransport& transport = *loopback.transport;
  std::string body;
  run(loopback.io, [&](bool& done) -> net::Awaitable<void> {
    net::Request request;
    request.target = "/stream";
    auto response = co_await transport.open(request);
    REQUIRE(response);
    REQUIRE(response->stream);
    while (true) {
      auto piece = co_await response->stream->next();
      REQUIRE(piece);
      if (!piece->has_value()) break;
      body += **piece;
    }
    done = true;
  });
  CHECK(body == "3\n2\n1\n");
  for (int i = 0; i < 10; ++i)
    loopback.io.run_for(std::chrono::milliseconds(5));
  REQUIRE(loopback.handler.countdown);
  CHECK_FALSE(loopback.handler.countdown->cancelled);
}

TEST_CASE("http: connecting to a closed port is a transport error, not a response", "[http]") {
  asio::io_context io(1);
  std::uint16_t closed_port = 0;
  {
    EchoHandler handler;
    sim::http::Server server(io.get_executor(), handler, {});
    closed_port = *server.listen();
  }
  net::NetworkTransport transport(io.get_executor(), {"127.0.0.1", closed_port});
  std::optional<net::TransportError> error;
  run(io, [&](bool& done) -> net::Awaitable<void> {
    net::Request request;
    auto response = co_await transport.send(request);
    if (!response) error = response.error();
    done = true;
  });
  REQUIRE(error);
  CHECK(error->kind == net::TransportError::Kind::ConnectFailed);
}

TEST_CASE("http: a client that hangs up ends its stream at once, not at the next event", "[http]") {
  Loopback loopback;
  net::NetworkTransport& transport = *loopback.transport;
  run(loopback.io, [&](bool& done) -> net::Awaitable<void> {
    net::Request request;
    request.target = "/silent";
    auto response = co_await transport.open(request);
    REQUIRE(response);
    REQUIRE(response->stream);
    done = true;  // the response goes out of scope here: the client closes the connection
  });
  REQUIRE(loopback.handler.silent);
  for (int i = 0; i < 100 && !loopback.handler.silent->cancelled; ++i)
    loopback.io.run_for(std::chrono::milliseconds(10));
  CHECK(loopback.handler.silent->cancelled);
  for (int i = 0; i < 100 && loopback.server.open_connections() > 0; ++i)
    loopback.io.run_for(std::chrono::milliseconds(10));
  CHECK(loopback.server.open_connections() == 0);
}

// A raw client with a silent stream open and a second request pipelined behind it: the read
// beside the stream has taken that request's first byte, and the stream goes on.
struct PipelinedBehindStream {
  Loopback loopback;
  asio::io_context client_io{1};
  asio::ip::tcp::socket client{client_io};

  PipelinedBehindStream() {
    client.connect({asio::ip::make_address("127.0.0.1"), loopback.port});
    asio::write(client,
                asio::buffer(std::string_view("GET /silent HTTP/1.1\r\nHost: albc\r\n\r\n")));
    for (int i = 0; i < 100 && !loopback.handler.silent; ++i)
      loopback.io.run_for(std::chrono::milliseconds(10));
    REQUIRE(loopback.handler.silent);
    asio::write(client, asio::buffer(std::string_view("GET /echo HTTP/1.1\r\nHost: albc\r\n\r\n")));
    loopback.io.run_for(std::chrono::milliseconds(50));
    REQUIRE_FALSE(loopback.handler.silent->cancelled);
  }
};

TEST_CASE("http: a request sent behind a stream is answered after it, whole", "[http]") {
  PipelinedBehindStream pipelined;
  Loopback& loopback = pipelined.loopback;
  CHECK(loopback.handler.handled == 1);
  loopback.handler.silent->cancel();  // the stream ends: the session reads the next request
  pipelined.client.non_blocking(true);
  std::string received;
  for (int i = 0; i < 200 && received.find("GET /echo ") == std::string::npos; ++i) {
    loopback.io.run_for(std::chrono::milliseconds(10));
    char chunk[4096];
    boost::system::error_code ec;  // would_block until the answer comes
    const std::size_t read = pipelined.client.read_some(asio::buffer(chunk), ec);
    received.append(chunk, read);
  }
  CHECK(received.find("0\r\n\r\n") != std::string::npos);  // the stream's last chunk
  CHECK(received.find("GET /echo ") != std::string::npos);
  CHECK(loopback.handler.handled == 2);
  CHECK(loopback.server.open_connections() == 1);
}

TEST_CASE("http: stopping the server cancels a stream nobody reads beside any more", "[http]") {
  PipelinedBehindStream pipelined;
  // The read beside the stream has ended on the pipelined byte; only the server can end it now.
  pipelined.loopback.server.stop();
  pipelined.loopback.io.run_for(std::chrono::milliseconds(10));
  CHECK(pipelined.loopback.handler.silent->cancelled);
}
