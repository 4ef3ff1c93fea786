#include "sim/http/server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace albc::sim::http {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct Server::State {
  State(net::Executor executor, Handler& handler, ServerOptions options)
      : executor(std::move(executor)), handler(handler), options(std::move(options)) {}

  net::Executor executor;
  Handler& handler;
  ServerOptions options;
  std::optional<tcp::acceptor> acceptor;
  std::uint16_t port = 0;
  std::size_t open_connections = 0;
  std::size_t requests_served = 0;
  bool stopping = false;
};

namespace {

net::Request from_beast(bhttp::request<bhttp::string_body>&& wire) {
  net::Request request;
  request.method = std::string(wire.method_string());
  request.target = std::string(wire.target());
  for (const auto& field : wire) {
    request.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(wire.body());
  return request;
}

template <class Message>
void copy_headers(const net::Response& response, Message& wire) {
  for (const net::Header& field : response.headers) {
    if (net::iequals(field.name, "Content-Length") ||
        net::iequals(field.name, "Transfer-Encoding")) {
      continue;
    }
    wire.insert(field.name, field.value);
  }
}

// Writes a streamed body as chunks until the stream ends or the client goes away.
net::Awaitable<bool> write_streamed(beast::tcp_stream& stream, net::Response response,
                                    bool keep_alive) {
  bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(response.status), 11};
  copy_headers(response, head);
  head.keep_alive(keep_alive);
  head.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> serializer{head};
  beast::error_code ec;
  stream.expires_never();
  co_await bhttp::async_write_header(stream, serializer,
                                     asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return false;
  while (true) {
    auto piece = co_await response.stream->next();
    if (!piece || !piece->has_value()) break;
    if ((*piece)->empty()) continue;
    co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(**piece)),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
  }
  co_await asio::async_write(stream, bhttp::make_chunk_last(),
                             asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec && keep_alive;
}

net::Awaitable<void> serve_session(std::shared_ptr<Server::State> state, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  ++state->open_connections;
  struct Count {
    Server::State& state;
    ~Count() { --state.open_connections; }
  } count{*state};
  while (!state->stopping) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(state->options.request_body_bytes_max);
    parser.header_limit(static_cast<std::uint32_t>(state->options.request_header_bytes_max));
    beast::error_code ec;
    stream.expires_after(state->options.idle_timeout);
    co_await bhttp::async_read(stream, buffer, parser,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec == bhttp::error::body_limit) {
      bhttp::response<bhttp::string_body> too_large{bhttp::status::payload_too_large, 11};
      too_large.keep_alive(false);
      too_large.prepare_payload();
      co_await bhttp::async_write(stream, too_large, asio::redirect_error(asio::use_awaitable, ec));
      break;
    }
    if (ec) break;  // end of stream, timeout or a reset: the session is over either way
    const bool keep_alive = parser.get().keep_alive();
    const bool head_request = parser.get().method() == bhttp::verb::head;
    net::Response response = state->handler.handle(from_beast(parser.release()));
    ++state->requests_served;
    if (response.stream) {
      if (!co_await write_streamed(stream, std::move(response), keep_alive)) break;
      continue;
    }
    bhttp::response<bhttp::string_body> wire{static_cast<bhttp::status>(response.status), 11};
    copy_headers(response, wire);
    wire.body() = std::move(response.body);
    wire.keep_alive(keep_alive);
    wire.prepare_payload();
    if (head_request) wire.body().clear();
    stream.expires_after(state->options.idle_timeout);
    co_await bhttp::async_write(stream, wire, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !keep_alive) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::Awaitable<void> accept_loop(std::shared_ptr<Server::State> state) {
  while (!state->stopping) {
    beast::error_code ec;
    tcp::socket socket =
        co_await state->acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || state->stopping) break;
    if (ec) continue;  // a failed accept (the client gave up) does not stop the server
    if (state->open_connections >= state->options.connections_max) continue;  // socket closes
    net::spawn_checked(state->executor, serve_session(state, std::move(socket)),
                       "http.server.session");
  }
}

}  // namespace

Server::Server(net::Executor executor, Handler& handler, ServerOptions options)
    : state_(std::make_shared<State>(std::move(executor), handler, std::move(options))) {}

Server::~Server() {
  stop();
}

net::Result<std::uint16_t> Server::listen() {
  beast::error_code ec;
  const auto address = asio::ip::make_address(state_->options.address, ec);
  if (ec)
    return net::fail("InvalidAddress",
                     "listen address " + state_->options.address + ": " + ec.message());
  tcp::endpoint endpoint(address, state_->options.port);
  state_->acceptor.emplace(state_->executor);
  state_->acceptor->open(endpoint.protocol(), ec);
  if (!ec) state_->acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) state_->acceptor->bind(endpoint, ec);
  if (!ec) state_->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return net::fail("ListenFailed", "listen on " + state_->options.address + ":" +
                                         std::to_string(state_->options.port) + ": " +
                                         ec.message());
  }
  state_->port = state_->acceptor->local_endpoint().port();
  return state_->port;
}

void Server::start() {
  net::spawn_checked(state_->executor, accept_loop(state_), "http.server.accept");
}

void Server::stop() {
  state_->stopping = true;
  if (state_->acceptor && state_->acceptor->is_open()) {
    beast::error_code ignored;
    state_->acceptor->close(ignored);
  }
}

std::uint16_t Server::port() const {
  return state_->port;
}
std::size_t Server::open_connections() const {
  return state_->open_connections;
}
std::size_t Server::requests_served() const {
  return state_->requests_served;
}

}  // namespace albc::sim::http
