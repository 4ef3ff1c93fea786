#include "controller/net/network_transport.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <vector>

namespace albc::net {
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct NetworkTransport::Pool {
  std::vector<std::unique_ptr<beast::tcp_stream>> idle;
};

namespace {

TransportError failure(TransportError::Kind kind, std::string_view what,
                       const boost::system::error_code& ec) {
  return TransportError{kind, std::string(what) + ": " + ec.message()};
}

TransportError::Kind kind_of(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return TransportError::Kind::Timeout;
  if (ec == http::error::body_limit) return TransportError::Kind::BodyTooLarge;
  if (ec == http::error::end_of_stream || ec == asio::error::eof) {
    return TransportError::Kind::Closed;
  }
  if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe) {
    return TransportError::Kind::Reset;
  }
  return TransportError::Kind::Protocol;
}

http::request<http::string_body> to_beast(const Request& request) {
  http::request<http::string_body> wire;
  wire.method_string(request.method);
  wire.target(request.target);
  wire.version(11);
  for (const Header& field : request.headers)
    wire.insert(field.name, field.value);
  wire.body() = request.body;
  wire.prepare_payload();
  return wire;
}

template <class Body>
Response from_beast_head(const http::response_header<>& head, Body&&) {
  Response response;
  response.status = static_cast<int>(head.result_int());
  for (const auto& field : head) {
    response.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  return response;
}

// The body of a streamed response, read from a connection it owns.
class NetworkBodyStream final : public BodyStream {
 public:
  NetworkBodyStream(std::unique_ptr<beast::tcp_stream> stream, beast::flat_buffer buffer,
                    std::unique_ptr<http::response_parser<http::buffer_body>> parser)
      : stream_(std::move(stream)), buffer_(std::move(buffer)), parser_(std::move(parser)) {}

  Awaitable<Result<std::optional<std::string>>> next() override {
    if (parser_->is_done()) co_return std::optional<std::string>();
    std::vector<char> chunk(64 * 1024);
    parser_->get().body().data = chunk.data();
    parser_->get().body().size = chunk.size();
    beast::error_code ec;
    stream_->expires_never();
    co_await http::async_read_some(*stream_, buffer_, *parser_,
                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return fail(to_error(failure(kind_of(ec), "read body", ec)));
    const std::size_t used = chunk.size() - parser_->get().body().size;
    co_return std::optional<std::string>(std::string(chunk.data(), used));
  }

 private:
  std::unique_ptr<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  std::unique_ptr<http::response_parser<http::buffer_body>> parser_;
};

}  // namespace

NetworkTransport::NetworkTransport(Executor executor, NetworkOptions options)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      pool_(std::make_unique<Pool>()) {}

NetworkTransport::~NetworkTransport() = default;

namespace {
Awaitable<Result<std::unique_ptr<beast::tcp_stream>, TransportError>> connect(
    Executor executor, const NetworkOptions& options) {
  tcp::resolver resolver(executor);
  beast::error_code ec;
  auto endpoints = co_await resolver.async_resolve(options.host, std::to_string(options.port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return fail(failure(TransportError::Kind::ConnectFailed, "resolve", ec));
  auto stream = std::make_unique<beast::tcp_stream>(executor);
  stream->expires_after(options.connect_timeout);
  co_await stream->async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return fail(failure(TransportError::Kind::ConnectFailed, "connect", ec));
  co_return stream;
}
}  // namespace

Awaitable<Result<Response, TransportError>> NetworkTransport::send(Request request) {
  if (!request.headers.get("Host")) {
    request.headers.set("Host", options_.host + ":" + std::to_string(options_.port));
  }
  const auto wire_request = to_beast(request);
  // A pooled connection may have been closed by the server while idle: one retry on a fresh one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<beast::tcp_stream> stream;
    const bool reused = attempt == 0 && !pool_->idle.empty();
    if (reused) {
      stream = std::move(pool_->idle.back());
      pool_->idle.pop_back();
    } else {
      auto connected = co_await connect(executor_, options_);
      if (!connected) co_return fail(std::move(connected).error());
      stream = std::move(*connected);
    }
    beast::error_code ec;
    stream->expires_after(options_.request_timeout);
    co_await http::async_write(*stream, wire_request,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec && reused) continue;
    if (ec) co_return fail(failure(kind_of(ec), "write", ec));
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(options_.response_body_bytes_max);
    parser.header_limit(static_cast<std::uint32_t>(options_.response_header_bytes_max));
    if (request.method == "HEAD") parser.skip(true);
    co_await http::async_read(*stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec && reused && (ec == http::error::end_of_stream || ec == asio::error::connection_reset)) {
      continue;
    }
    if (ec) co_return fail(failure(kind_of(ec), "read", ec));
    auto message = parser.release();
    Response response = from_beast_head(message.base(), 0);
    response.body = std::move(message.body());
    if (message.keep_alive() && pool_->idle.size() < options_.idle_connections_max) {
      pool_->idle.push_back(std::move(stream));
    }
    co_return response;
  }
  co_return fail(TransportError{TransportError::Kind::Closed, "connection closed twice"});
}

Awaitable<Result<Response, TransportError>> NetworkTransport::open(Request request) {
  if (!request.headers.get("Host")) {
    request.headers.set("Host", options_.host + ":" + std::to_string(options_.port));
  }
  auto connected = co_await connect(executor_, options_);
  if (!connected) co_return fail(std::move(connected).error());
  auto stream = std::move(*connected);
  beast::error_code ec;
  stream->expires_after(options_.request_timeout);
  const auto wire_request = to_beast(request);
  co_await http::async_write(*stream, wire_request, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return fail(failure(kind_of(ec), "write", ec));
  beast::flat_buffer buffer;
  auto parser = std::make_unique<http::response_parser<http::buffer_body>>();
  parser->body_limit(boost::none);
  parser->header_limit(static_cast<std::uint32_t>(options_.response_header_bytes_max));
  co_await http::async_read_header(*stream, buffer, *parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return fail(failure(kind_of(ec), "read header", ec));
  Response response = from_beast_head(parser->get().base(), 0);
  response.stream =
      std::make_shared<NetworkBodyStream>(std::move(stream), std::move(buffer), std::move(parser));
  co_return response;
}

}  // namespace albc::net
