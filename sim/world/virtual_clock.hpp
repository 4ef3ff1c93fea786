#pragma once

#include <functional>
#include <map>
#include <optional>
#include <variant>

#include "controller/net/clock.hpp"
#include "controller/net/parking.hpp"

namespace albc::sim::world {

// Simulated time: nothing sleeps. The world runs every ready task, then jumps the clock to the
// earliest timer; equal deadlines fire in the order they were armed.
class VirtualClock final : public net::Clock {
 public:
  explicit VirtualClock(wall_time_point epoch);
  ~VirtualClock() override;

  time_point now() const override { return now_; }
  wall_time_point wall_now() const override;
  net::Awaitable<void> sleep_for(duration delay) override;
  TimerId call_after(duration delay, std::function<void()> callback) override;
  void cancel(TimerId timer) override;

  // The simulation's side.
  std::optional<time_point> next_deadline() const;
  // Moves time to the earliest timer and fires it. False when no timer is armed.
  bool fire_next();
  // Moves time forward to `until` when no timer is due before it.
  void advance_to(time_point until);
  std::size_t armed() const { return timers_.size(); }
  duration elapsed() const { return now_ - time_point{}; }

 private:
  using Entry = std::variant<net::Parked*, std::function<void()>>;
  TimerId arm(duration delay, Entry entry);

  time_point now_{};
  wall_time_point epoch_;
  TimerId next_id_ = 1;
  std::map<std::pair<time_point, TimerId>, Entry> timers_;
  std::map<TimerId, time_point> deadlines_;
};

}  // namespace albc::sim::world
