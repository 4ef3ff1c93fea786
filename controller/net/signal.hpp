#pragma once

#include <cstddef>
#include <vector>

#include "controller/net/awaitable.hpp"

namespace albc::net {

class Parked;

// Wakes the coroutines that wait on it (edge-triggered: a notify with no waiter is lost, so
// waiters re-check their condition in a loop). A waiting coroutine is parked inside the
// io_context, so destroying the io_context unwinds it cleanly.
class Signal {
 public:
  Signal() = default;
  Signal(const Signal&) = delete;
  Signal& operator=(const Signal&) = delete;
  ~Signal();

  Awaitable<void> wait();
  void notify_all();
  std::size_t waiting_count() const { return parked_.size(); }

 private:
  friend class Parked;
  std::vector<Parked*> parked_;
};

}  // namespace albc::net
