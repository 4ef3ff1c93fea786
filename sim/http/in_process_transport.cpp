#include "sim/http/in_process_transport.hpp"

#include <algorithm>
#include <iterator>

#include "controller/net/parking.hpp"
#include "sim/http/call_name.hpp"

namespace albc::sim::http {

InProcessTransport::InProcessTransport(Handler& handler, net::Clock& clock, net::Random random,
                                       LatencyOptions latency)
    : handler_(handler), clock_(clock), random_(std::move(random)), latency_(latency) {}

net::Clock::duration InProcessTransport::draw_latency() {
  const auto low = static_cast<std::uint64_t>(latency_.minimum.count());
  const auto high =
      static_cast<std::uint64_t>(std::max(latency_.minimum, latency_.maximum).count());
  return std::chrono::microseconds(random_.uniform(low, high));
}

net::Awaitable<void> InProcessTransport::die() {
  interceptor_->crash();
  net::Parked forever;
  co_await forever.wait();
}

// What the world lets the fake answer: the interceptor's crash, delay, refusal or answer, else
// the fake's own.
net::Awaitable<net::Result<net::Response, net::TransportError>> InProcessTransport::answer(
    const net::Request& request, bool streaming) {
  Interception interception =
      interceptor_ ? interceptor_->intercept(request, streaming) : Interception{};
  if (interception.crash == Interception::Crash::Before) co_await die();
  if (interception.delay > net::Clock::duration::zero())
    co_await clock_.sleep_for(interception.delay);
  if (interception.refuse)
    co_return net::fail(
        net::TransportError{net::TransportError::Kind::ConnectFailed, *interception.refuse});
  net::Response response =
      interception.answer ? std::move(*interception.answer) : handler_.handle(request);
  if (interception.crash == Interception::Crash::After) co_await die();
  co_return response;
}

namespace {
struct InFlight {
  std::size_t& count;
  explicit InFlight(std::size_t& counter) : count(counter) { ++count; }
  ~InFlight() { --count; }
};
}  // namespace

net::Awaitable<net::Result<net::Response, net::TransportError>> InProcessTransport::send(
    net::Request request) {
  InFlight in_flight(in_flight_);
  ++requests_sent_;
  ++calls_[call_name(request)];
  co_await clock_.sleep_for(draw_latency());
  auto answered = co_await answer(request, false);
  if (!answered) co_return net::fail(answered.error());
  net::Response response = std::move(*answered);
  if (response.stream) {
    auto stream = std::move(response.stream);
    while (true) {
      auto piece = co_await stream->next();
      if (!piece)
        co_return net::fail(
            net::TransportError{net::TransportError::Kind::Closed, piece.error().message});
      if (!piece->has_value()) break;
      response.body += **piece;
    }
  }
  co_return response;
}

net::Awaitable<net::Result<net::Response, net::TransportError>> InProcessTransport::open(
    net::Request request) {
  {
    InFlight in_flight(in_flight_);
    ++requests_sent_;
    ++calls_[call_name(request)];
    co_await clock_.sleep_for(draw_latency());
  }
  auto answered = co_await answer(request, true);
  if (!answered) co_return net::fail(answered.error());
  net::Response response = std::move(*answered);
  const std::string watched = call_name(request);
  watched_.insert(watched);
  if (response.stream) {
    std::erase_if(streams_, [](const auto& stream) { return stream.second.expired(); });
    streams_.emplace_back(watched, response.stream);
  } else {
    // A plain answer to a streaming request (an error, usually): deliver its body as one piece.
    struct OnePiece final : net::BodyStream {
      std::optional<std::string> body;
      net::Awaitable<net::Result<std::optional<std::string>>> next() override {
        std::optional<std::string> piece = std::move(body);
        body.reset();
        co_return piece;
      }
    };
    auto stream = std::make_shared<OnePiece>();
    stream->body = std::move(response.body);
    response.body.clear();
    response.stream = std::move(stream);
  }
  co_return response;
}

std::size_t InProcessTransport::drop_streams(const std::function<bool(const std::string&)>& which) {
  std::size_t dropped = 0;
  for (const auto& [name, weak] : streams_) {
    if (which && !which(name)) continue;
    if (auto stream = weak.lock(); stream && stream->live()) {
      stream->cancel();
      ++dropped;
    }
  }
  return dropped;
}

std::vector<std::string> InProcessTransport::unserved_watches() const {
  std::set<std::string> served;
  for (const auto& [name, weak] : streams_) {
    if (auto stream = weak.lock(); stream && stream->live()) served.insert(name);
  }
  std::vector<std::string> unserved;
  std::set_difference(watched_.begin(), watched_.end(), served.begin(), served.end(),
                      std::back_inserter(unserved));
  return unserved;
}

bool InProcessTransport::watches_current() const {
  return unserved_watches().empty();
}

}  // namespace albc::sim::http
