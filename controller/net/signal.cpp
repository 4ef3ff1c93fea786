#include "controller/net/signal.hpp"

#include <algorithm>

#include "controller/net/assert.hpp"
#include "controller/net/parking.hpp"

namespace albc::net {

Signal::~Signal() {
  ALBC_ASSERT(parked_.empty());
}

Awaitable<void> Signal::wait() {
  Parked parked;
  parked_.push_back(&parked);
  struct Unregister {
    Signal& signal;
    Parked* parked;
    ~Unregister() { std::erase(signal.parked_, parked); }
  } unregister{*this, &parked};
  co_await parked.wait();
}

void Signal::notify_all() {
  std::vector<Parked*> woken;
  woken.swap(parked_);
  for (Parked* parked : woken)
    parked->wake();
}

}  // namespace albc::net
