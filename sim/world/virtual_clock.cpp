#include "sim/world/virtual_clock.hpp"

#include "controller/net/assert.hpp"

namespace albc::sim::world {

VirtualClock::VirtualClock(wall_time_point epoch) : epoch_(epoch) {}

VirtualClock::~VirtualClock() = default;

net::Clock::wall_time_point VirtualClock::wall_now() const {
  return epoch_ + std::chrono::duration_cast<wall_time_point::duration>(now_ - time_point{});
}

net::Clock::TimerId VirtualClock::arm(duration delay, Entry entry) {
  const TimerId id = next_id_++;
  const time_point deadline = now_ + std::max(delay, duration::zero());
  timers_.emplace(std::make_pair(deadline, id), std::move(entry));
  deadlines_.emplace(id, deadline);
  return id;
}

net::Awaitable<void> VirtualClock::sleep_for(duration delay) {
  net::Parked parked;
  const TimerId id = arm(delay, &parked);
  struct Disarm {
    VirtualClock& clock;
    TimerId id;
    ~Disarm() { clock.cancel(id); }
  } disarm{*this, id};
  co_await parked.wait();
}

net::Clock::TimerId VirtualClock::call_after(duration delay, std::function<void()> callback) {
  return arm(delay, std::move(callback));
}

void VirtualClock::cancel(TimerId timer) {
  auto found = deadlines_.find(timer);
  if (found == deadlines_.end()) return;
  timers_.erase(std::make_pair(found->second, timer));
  deadlines_.erase(found);
}

void VirtualClock::advance_to(time_point until) {
  ALBC_ASSERT(timers_.empty() || timers_.begin()->first.first >= until);
  if (until > now_) now_ = until;
}

std::optional<net::Clock::time_point> VirtualClock::next_deadline() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first.first;
}

bool VirtualClock::fire_next() {
  if (timers_.empty()) return false;
  auto first = timers_.begin();
  ALBC_ASSERT(first->first.first >= now_);
  now_ = first->first.first;
  Entry entry = std::move(first->second);
  deadlines_.erase(first->first.second);
  timers_.erase(first);
  if (auto* parked = std::get_if<net::Parked*>(&entry)) {
    (*parked)->wake();
  } else {
    std::get<std::function<void()>>(entry)();
  }
  return true;
}

}  // namespace albc::sim::world
