#include "sim/http/in_process_transport.hpp"

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
  const Interception interception =
      interceptor_ ? interceptor_->intercept(request) : Interception{};
  if (interception.crash == Interception::Crash::Before) co_await die();
  net::Response response = handler_.handle(request);
  if (interception.crash == Interception::Crash::After) co_await die();
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
  net::Response response = handler_.handle(request);
  if (!response.stream) {
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

}  // namespace albc::sim::http
