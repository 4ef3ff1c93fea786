#pragma once

#include <map>
#include <memory>

#include "controller/net/clock.hpp"

namespace albc::net {

// Production time: the machine's steady and system clocks, timers on the io_context.
class RealClock final : public Clock {
 public:
  explicit RealClock(Executor executor);
  ~RealClock() override;

  time_point now() const override;
  wall_time_point wall_now() const override;
  Awaitable<void> sleep_for(duration delay) override;
  TimerId call_after(duration delay, std::function<void()> callback) override;
  void cancel(TimerId timer) override;

 private:
  struct Timers;
  Executor executor_;
  std::unique_ptr<Timers> timers_;
};

}  // namespace albc::net
