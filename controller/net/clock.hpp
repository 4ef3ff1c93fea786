#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "controller/net/awaitable.hpp"

namespace albc::net {

// The one source of time. Production gets RealClock; a simulation gets the world's virtual
// clock, in which waiting costs no wall time.
class Clock {
 public:
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::steady_clock::time_point;
  using wall_time_point = std::chrono::system_clock::time_point;
  using TimerId = std::uint64_t;

  virtual ~Clock() = default;

  // Monotonic time.
  virtual time_point now() const = 0;
  // Calendar time, for timestamps written into objects and for request signing.
  virtual wall_time_point wall_now() const = 0;
  virtual Awaitable<void> sleep_for(duration delay) = 0;
  // Runs `callback` once after `delay` unless cancelled first. Callbacks must not suspend.
  virtual TimerId call_after(duration delay, std::function<void()> callback) = 0;
  virtual void cancel(TimerId timer) = 0;
};

// Seconds since the clock's start with millisecond precision: "12.500s".
std::string format_elapsed(Clock::duration elapsed);
// RFC 3339 in UTC with second precision: "2026-01-01T00:00:00Z".
std::string format_rfc3339(Clock::wall_time_point time);
// RFC 3339 with six fractional digits (Kubernetes MicroTime).
std::string format_rfc3339_micro(Clock::wall_time_point time);

}  // namespace albc::net
