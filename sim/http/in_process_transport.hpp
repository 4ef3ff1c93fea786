#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "controller/net/clock.hpp"
#include "controller/net/random.hpp"
#include "controller/net/transport.hpp"
#include "sim/http/handler.hpp"
#include "sim/http/interceptor.hpp"

namespace albc::sim::http {

struct LatencyOptions {
  std::chrono::microseconds minimum{0};
  std::chrono::microseconds maximum{0};
};

// A Transport that calls a Handler directly, in the world's virtual time: the request bytes
// the controller would put on the wire reach the fake unchanged, after a latency drawn from
// the seed.
class InProcessTransport final : public net::Transport {
 public:
  InProcessTransport(Handler& handler, net::Clock& clock, net::Random random,
                     LatencyOptions latency);

  net::Awaitable<net::Result<net::Response, net::TransportError>> send(
      net::Request request) override;
  net::Awaitable<net::Result<net::Response, net::TransportError>> open(
      net::Request request) override;

  // Requests sent and not yet answered: a world is not quiescent while any is.
  std::size_t in_flight() const { return in_flight_; }
  std::size_t requests_sent() const { return requests_sent_; }
  // Requests sent, by call name ("kube patch ingresses/status", "elbv2 CreateRule").
  const std::map<std::string, std::size_t>& calls() const { return calls_; }
  // Every request sent from now on passes `interceptor` (nullptr: none). Not owned.
  void set_interceptor(Interceptor* interceptor) { interceptor_ = interceptor; }
  // Ends the open streams (watches) whose call name `which` accepts (all without it) now, as a
  // connection reset would; returns how many.
  std::size_t drop_streams(const std::function<bool(const std::string&)>& which = {});
  // The call names of watches made before and not served now, for a report.
  std::vector<std::string> unserved_watches() const;
  // Every resource ever watched through this transport has a watch being served now: a client
  // that lost one (a cut watch, an outage, a 410) and has not watched again is behind the
  // world, however idle it looks.
  bool watches_current() const;

 private:
  net::Clock::duration draw_latency();
  net::Awaitable<net::Result<net::Response, net::TransportError>> answer(
      const net::Request& request, bool streaming);
  // The calling process has died: this coroutine waits for its io_context to unwind it.
  net::Awaitable<void> die();

  Handler& handler_;
  net::Clock& clock_;
  net::Random random_;
  LatencyOptions latency_;
  Interceptor* interceptor_ = nullptr;
  std::size_t in_flight_ = 0;
  std::size_t requests_sent_ = 0;
  std::map<std::string, std::size_t> calls_;
  std::vector<std::pair<std::string, std::weak_ptr<net::BodyStream>>> streams_;
  std::set<std::string> watched_;  // call names of every watch opened
};

}  // namespace albc::sim::http
