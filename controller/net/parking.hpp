#pragma once

#include <memory>

#include "controller/net/awaitable.hpp"

namespace albc::net {

// One suspended coroutine, woken only by wake(). Built on an Asio timer that never expires, so
// the io_context owns the suspension (and unwinds it when destroyed); it never reads time.
// This file and real_clock.cpp are the only places that may touch Asio timers outside the
// network transport.
class Parked {
 public:
  Parked();
  Parked(const Parked&) = delete;
  Parked& operator=(const Parked&) = delete;
  ~Parked();

  // Suspends the calling coroutine until wake() is called.
  Awaitable<void> wait();
  void wake();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace albc::net
