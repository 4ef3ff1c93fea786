#include "sim/http/server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <exception>
#include <map>
#include <optional>
#include <vector>

namespace albc::sim::http {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

// Where a connection is in its request cycle. Waiting ones may be closed to make room.
// Idle, Header and Body wait on the client; Busy is the handler's turn; Streaming sends a
// watch's events as they come.
enum class Phase { Idle, Header, Body, Busy, Streaming };

struct Session {
  beast::tcp_stream* stream = nullptr;
  Phase phase = Phase::Idle;
  std::uint64_t phase_sequence = 0;       // when it entered its phase, in the server's order
  std::shared_ptr<net::BodyStream> body;  // while Streaming
};

// Closes a session's connection from the server's side (eviction, stop). A stream is cancelled
// too: with nothing to send it would otherwise wait for its next event before it noticed (the
// read beside it may have ended already, on a pipelined request).
void close_session(Session& session) {
  beast::error_code ignored;
  session.stream->socket().close(ignored);
  if (session.body) session.body->cancel();
}

// A failed accept (out of file descriptors, say) waits this long before the next, instead of
// spinning on the same error.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

}  // namespace

struct Server::State {
  State(net::Executor executor, Handler& handler, ServerOptions options)
      : executor(std::move(executor)), handler(handler), options(std::move(options)) {}

  net::Executor executor;
  Handler& handler;
  ServerOptions options;
  std::optional<tcp::acceptor> acceptor;
  std::uint16_t port = 0;
  std::map<std::uint64_t, Session*> sessions;  // open connections, by arrival
  std::uint64_t next_session = 0;
  std::uint64_t next_phase = 0;
  std::size_t requests_served = 0;
  std::size_t evicted = 0;
  bool stopping = false;
};

namespace {

// A session's entry in the server's table, for as long as the session lives.
class Registration {
 public:
  Registration(Server::State& state, Session& session)
      : state_(state), id_(state.next_session++), session_(session) {
    state_.sessions.emplace(id_, &session_);
  }
  ~Registration() { state_.sessions.erase(id_); }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

  void enter(Phase phase) {
    session_.phase = phase;
    session_.phase_sequence = state_.next_phase++;
  }

 private:
  Server::State& state_;
  std::uint64_t id_;
  Session& session_;
};

// Makes room for a new connection: closes the one that has waited longest for its client (idle,
// or trickling a request), else the oldest stream (a watch), never one whose answer is being
// made. It leaves the table at once, though its coroutine unwinds later. Returns whether one was
// closed.
bool evict_one(Server::State& state) {
  const auto oldest_in = [&](auto wanted) {
    std::pair<const std::uint64_t, Session*>* oldest = nullptr;
    for (auto& entry : state.sessions) {
      if (!wanted(entry.second->phase)) continue;
      if (oldest == nullptr || entry.second->phase_sequence < oldest->second->phase_sequence) {
        oldest = &entry;
      }
    }
    return oldest;
  };
  auto* victim = oldest_in([](Phase phase) {
    return phase == Phase::Idle || phase == Phase::Header || phase == Phase::Body;
  });
  if (victim == nullptr) victim = oldest_in([](Phase phase) { return phase == Phase::Streaming; });
  if (victim == nullptr) return false;
  close_session(*victim->second);
  state.sessions.erase(victim->first);
  ++state.evicted;
  return true;
}

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

bhttp::response<bhttp::string_body> to_beast(net::Response response, bool keep_alive) {
  bhttp::response<bhttp::string_body> wire{static_cast<bhttp::status>(response.status), 11};
  copy_headers(response, wire);
  wire.body() = std::move(response.body);
  wire.keep_alive(keep_alive);
  wire.prepare_payload();
  return wire;
}

// What Go's http.Server answers itself, before any handler, to a request it cannot read.
bhttp::response<bhttp::string_body> plain_refusal(bhttp::status status) {
  net::Response response;
  response.status = static_cast<int>(status);
  response.headers.set("Content-Type", "text/plain; charset=utf-8");
  response.body =
      std::to_string(response.status) + " " + std::string(bhttp::obsolete_reason(status)) + "\n";
  return to_beast(std::move(response), false);
}

// Writes a streamed body as chunks until the stream ends or the client goes away. Each chunk
// must be taken within the write timeout: a client that stops reading is cut off.
net::Awaitable<bool> write_chunks(beast::tcp_stream& stream, net::Response response,
                                  bool keep_alive, std::chrono::seconds write_timeout) {
  bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(response.status), 11};
  copy_headers(response, head);
  head.keep_alive(keep_alive);
  head.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> serializer{head};
  beast::error_code ec;
  stream.expires_after(write_timeout);
  co_await bhttp::async_write_header(stream, serializer,
                                     asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return false;
  while (true) {
    stream.expires_never();  // waiting for the next event is not the client's doing
    auto piece = co_await response.stream->next();
    if (!piece || !piece->has_value()) break;
    if ((*piece)->empty()) continue;
    stream.expires_after(write_timeout);
    co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(**piece)),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
  }
  stream.expires_after(write_timeout);
  co_await asio::async_write(stream, bhttp::make_chunk_last(),
                             asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec && keep_alive;
}

// A read kept open beside a stream, as Go's server keeps one for every running handler: a
// client that hangs up (or is evicted) ends its watch at once, instead of when the next event
// fails to write; otherwise a closed watch holds its place until something changes.
struct HangupWatch {
  explicit HangupWatch(const net::Executor& executor) : read_ended(executor) {}
  asio::steady_timer read_ended;  // never expires; cancelled when the read completes
  bool ended = false;
  bool stopping = false;     // the stream is over: the read was cancelled, nobody hung up
  std::optional<char> byte;  // the first byte of a request sent behind the stream
};

net::Awaitable<void> watch_for_hangup(tcp::socket& socket, std::shared_ptr<HangupWatch> hangup,
                                      std::shared_ptr<net::BodyStream> body) {
  char byte = 0;
  beast::error_code ec;
  const std::size_t read = co_await socket.async_read_some(
      asio::buffer(&byte, 1), asio::redirect_error(asio::use_awaitable, ec));
  // A byte is a request sent behind the stream: the stream goes on (no longer watched, as in
  // Go) and the byte is handed back to the session. An error is a hang-up or an eviction,
  // unless the stream ended first and cancelled the read.
  if (read > 0) hangup->byte = byte;
  hangup->ended = true;
  if (ec && !hangup->stopping) body->cancel();
  hangup->read_ended.cancel();
}

// Ends the hangup read (if the client has not ended it) and waits for it: the session reads
// the socket next.
net::Awaitable<void> stop_hangup_watch(tcp::socket& socket, HangupWatch& hangup) {
  hangup.stopping = true;
  if (!hangup.ended) {
    beast::error_code ignored;
    socket.cancel(ignored);
  }
  while (!hangup.ended) {
    hangup.read_ended.expires_at(asio::steady_timer::time_point::max());
    beast::error_code ignored;
    co_await hangup.read_ended.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

// A streamed answer: its chunks, while a read beside them notices a client that hangs up. A
// byte that read took is put back behind what the session had already buffered.
net::Awaitable<bool> write_streamed(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                    net::Response response, bool keep_alive,
                                    std::chrono::seconds write_timeout) {
  auto hangup = std::make_shared<HangupWatch>(stream.get_executor());
  // The read starts (the spawn is posted) before the first write completes, and the read is
  // always stopped and waited for below, so it never outlives the socket it holds.
  net::spawn_checked(stream.get_executor(),
                     watch_for_hangup(stream.socket(), hangup, response.stream), "hangup watch");
  std::exception_ptr failure;
  bool more = false;
  try {
    more = co_await write_chunks(stream, std::move(response), keep_alive, write_timeout);
  } catch (...) {
    failure = std::current_exception();
  }
  co_await stop_hangup_watch(stream.socket(), *hangup);
  if (failure) std::rethrow_exception(failure);
  if (hangup->byte) {
    auto room = buffer.prepare(1);
    *static_cast<char*>(room.data()) = *hangup->byte;
    buffer.commit(1);
  }
  co_return more;
}

bool is_malformed(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

// After a refusal the client may still be sending its body: reading (and dropping) what it
// sends for a moment lets it finish and read the answer, where closing at once would reset the
// connection under it (a "lingering close").
struct Linger {
  std::size_t bytes_max;
  std::chrono::seconds timeout;  // one deadline for the whole drain
};
constexpr std::size_t kLingerBytesMax = 256 * 1024;  // what Go's server discards at most
constexpr Linger kLinger{kLingerBytesMax, std::chrono::seconds{2}};

// A body over the limit: the real API server reads the body up to its limit before it answers
// 413, and Go's server then discards up to 256 KiB more, so a client that sends a body a little
// over the limit reads the answer instead of a reset connection.
Linger body_refusal_linger(const ServerOptions& options) {
  return {options.request_body_bytes_max + kLingerBytesMax, options.body_timeout};
}

net::Awaitable<void> write_and_close(beast::tcp_stream& stream,
                                     bhttp::response<bhttp::string_body> wire,
                                     std::chrono::seconds write_timeout, Linger linger = kLinger) {
  beast::error_code ec;
  stream.expires_after(write_timeout);
  co_await bhttp::async_write(stream, wire, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  std::vector<char> scratch(64 * 1024);
  std::size_t drained = 0;
  stream.expires_after(linger.timeout);
  while (!ec && drained < linger.bytes_max) {
    drained += co_await stream.async_read_some(asio::buffer(scratch),
                                               asio::redirect_error(asio::use_awaitable, ec));
  }
}

// A request parser with a server's limits, as every session and read_request set it up.
void limit(bhttp::request_parser<bhttp::string_body>& parser, const ServerOptions& options) {
  parser.body_limit(options.request_body_bytes_max);
  parser.header_limit(static_cast<std::uint32_t>(options.request_header_bytes_max));
}

net::Awaitable<void> serve_session(std::shared_ptr<Server::State> state, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  Session session{&stream};
  Registration registration(*state, session);
  const ServerOptions& options = state->options;
  while (!state->stopping) {
    beast::error_code ec;
    registration.enter(Phase::Idle);
    if (buffer.size() == 0) {
      stream.expires_after(options.idle_timeout);
      const std::size_t read = co_await stream.async_read_some(
          buffer.prepare(4096), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;  // the client left, the idle timeout passed, or the connection was evicted
      buffer.commit(read);
    }
    registration.enter(Phase::Header);
    bhttp::request_parser<bhttp::string_body> parser;
    limit(parser, options);
    stream.expires_after(options.header_timeout);
    co_await bhttp::async_read_header(stream, buffer, parser,
                                      asio::redirect_error(asio::use_awaitable, ec));
    if (ec == bhttp::error::header_limit) {
      co_await write_and_close(stream,
                               plain_refusal(bhttp::status::request_header_fields_too_large),
                               options.write_timeout);
      break;
    }
    if (is_malformed(ec) && ec != bhttp::error::body_limit) {
      co_await write_and_close(stream, plain_refusal(bhttp::status::bad_request),
                               options.write_timeout);
      break;
    }
    if (!ec) {
      registration.enter(Phase::Body);
      stream.expires_after(options.body_timeout);
      co_await bhttp::async_read(stream, buffer, parser,
                                 asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec == bhttp::error::body_limit) {
      co_await write_and_close(
          stream,
          to_beast(state->handler.refuse_body_too_large(options.request_body_bytes_max), false),
          options.write_timeout, body_refusal_linger(options));
      break;
    }
    if (is_malformed(ec)) {
      co_await write_and_close(stream, plain_refusal(bhttp::status::bad_request),
                               options.write_timeout);
      break;
    }
    if (ec) break;  // a timeout or a reset: the session is over either way
    registration.enter(Phase::Busy);
    const bool keep_alive = parser.get().keep_alive();
    const bool head_request = parser.get().method() == bhttp::verb::head;
    net::Response response = state->handler.handle(from_beast(parser.release()));
    ++state->requests_served;
    if (response.stream) {
      registration.enter(Phase::Streaming);
      session.body = response.stream;
      const bool more = co_await write_streamed(stream, buffer, std::move(response), keep_alive,
                                                options.write_timeout);
      session.body.reset();
      if (!more) break;
      continue;
    }
    auto wire = to_beast(std::move(response), keep_alive);
    if (head_request) wire.body().clear();
    stream.expires_after(options.write_timeout);
    co_await bhttp::async_write(stream, wire, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !keep_alive) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::Awaitable<void> accept_loop(std::shared_ptr<Server::State> state) {
  asio::steady_timer pause(state->executor);
  while (!state->stopping) {
    beast::error_code ec;
    tcp::socket socket =
        co_await state->acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || state->stopping) break;
    if (ec) {
      // Out of descriptors: a waiting connection makes room, else wait a moment.
      if ((ec == asio::error::no_descriptors || ec.value() == ENFILE) && evict_one(*state)) {
        continue;
      }
      pause.expires_after(kAcceptRetryDelay);
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (state->sessions.size() >= state->options.connections_max && !evict_one(*state)) {
      continue;  // every connection is busy answering: this one closes unanswered
    }
    net::spawn_checked(state->executor, serve_session(state, std::move(socket)),
                       "http.server.session");
  }
}

}  // namespace

net::Result<net::Request> read_request(std::string_view bytes, const ServerOptions& options) {
  bhttp::request_parser<bhttp::string_body> parser;
  limit(parser, options);
  parser.eager(true);
  beast::error_code ec;
  std::size_t used = 0;
  while (!parser.is_done() && used < bytes.size()) {
    used += parser.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    // The parser has looked at every byte there is: a socket would wait for more, here there
    // is none (and Beast must not be handed the same bytes again).
    if (ec == bhttp::error::need_more) {
      ec = {};
      break;
    }
    if (ec) break;
  }
  if (!ec && !parser.is_done() && parser.got_some()) parser.put_eof(ec);
  if (ec == bhttp::error::body_limit) return net::fail("BodyTooLarge", ec.message());
  if (ec == bhttp::error::header_limit) return net::fail("HeaderTooLarge", ec.message());
  if (ec) return net::fail(is_malformed(ec) ? "Malformed" : "Incomplete", ec.message());
  if (!parser.is_done()) return net::fail("Incomplete", "the request is not complete");
  return from_beast(parser.release());
}

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
  beast::error_code ignored;
  if (state_->acceptor && state_->acceptor->is_open()) state_->acceptor->close(ignored);
  // Open connections end too; their coroutines unwind on their own.
  for (const auto& [id, session] : state_->sessions)
    close_session(*session);
  state_->sessions.clear();
}

std::uint16_t Server::port() const {
  return state_->port;
}
std::size_t Server::open_connections() const {
  return state_->sessions.size();
}
std::size_t Server::requests_served() const {
  return state_->requests_served;
}
std::size_t Server::connections_evicted() const {
  return state_->evicted;
}

}  // namespace albc::sim::http
