#pragma once

#include <optional>
#include <string>

#include "controller/net/clock.hpp"
#include "controller/net/http.hpp"

namespace albc::sim::http {

// What the world does to one request on its way to a fake: let it through (perhaps late),
// answer it in the fake's place (a throttle, a 5xx, a conflict), refuse the connection (an
// outage), or kill the calling process before the fake sees it or after the fake has acted but
// before the answer arrives.
struct Interception {
  enum class Crash { None, Before, After };
  Crash crash = Crash::None;
  net::Clock::duration delay{};         // added to the transport's own latency
  std::optional<net::Response> answer;  // instead of the fake's
  std::optional<std::string> refuse;    // connection refused, with this message
};

// Sits in an in-process transport between the controller and a fake: the place where a
// scenario's crashes happen, so that the controller only ever sees what a wire would show it.
class Interceptor {
 public:
  virtual ~Interceptor() = default;
  // `streaming`: a watch, opened rather than sent (crashes are for calls that are sent).
  virtual Interception intercept(const net::Request& request, bool streaming) = 0;
  // The calling process dies at this point: its coroutine is never resumed.
  virtual void crash() = 0;
};

}  // namespace albc::sim::http
