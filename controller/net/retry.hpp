#pragma once

#include <string>

#include "controller/net/clock.hpp"
#include "controller/net/result.hpp"

namespace albc::net {

// AWS is eventually consistent: a resource deleted a moment ago may still hold another, and
// one created a moment ago may not be visible yet. Runs `attempt` (returning
// Awaitable<Result<T>>) until it succeeds, fails with a code other than `transient_code`, or
// `timeout` has passed, waiting `interval` between tries; returns the last result.
template <class Attempt>
auto retry_while(Clock& clock, std::string transient_code, Clock::duration timeout,
                 Clock::duration interval, Attempt attempt) -> decltype(attempt()) {
  const auto deadline = clock.now() + timeout;
  while (true) {
    auto result = co_await attempt();
    if (result || result.error().code != transient_code || clock.now() >= deadline)
      co_return result;
    co_await clock.sleep_for(interval);
  }
}

}  // namespace albc::net
