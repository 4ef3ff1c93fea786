#pragma once

#include <optional>

#include "controller/net/clock.hpp"
#include "controller/net/http.hpp"

namespace albc::sim::http {

// What the world does to one request on its way to a fake: let it through, or kill the calling
// process before the fake sees it or after the fake has acted but before the answer arrives.
struct Interception {
  enum class Crash { None, Before, After };
  Crash crash = Crash::None;
};

// Sits in an in-process transport between the controller and a fake: the place where a
// scenario's crashes happen, so that the controller only ever sees what a wire would show it.
class Interceptor {
 public:
  virtual ~Interceptor() = default;
  virtual Interception intercept(const net::Request& request) = 0;
  // The calling process dies at this point: its coroutine is never resumed.
  virtual void crash() = 0;
};

}  // namespace albc::sim::http
