#include "controller/net/real_clock.hpp"

#include <boost/asio/steady_timer.hpp>

namespace albc::net {

struct RealClock::Timers {
  std::map<TimerId, std::shared_ptr<asio::steady_timer>> pending;
  TimerId next_id = 1;
};

RealClock::RealClock(Executor executor)
    : executor_(std::move(executor)), timers_(std::make_unique<Timers>()) {}

RealClock::~RealClock() {
  for (auto& [id, timer] : timers_->pending) timer->cancel();
}

Clock::time_point RealClock::now() const { return std::chrono::steady_clock::now(); }

Clock::wall_time_point RealClock::wall_now() const { return std::chrono::system_clock::now(); }

Awaitable<void> RealClock::sleep_for(duration delay) {
  asio::steady_timer timer(executor_, delay);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

Clock::TimerId RealClock::call_after(duration delay, std::function<void()> callback) {
  const TimerId id = timers_->next_id++;
  auto timer = std::make_shared<asio::steady_timer>(executor_, delay);
  timers_->pending.emplace(id, timer);
  timer->async_wait([this, id, timer, callback = std::move(callback)](
                        const boost::system::error_code& ec) {
    if (ec) return;  // cancelled
    timers_->pending.erase(id);
    callback();
  });
  return id;
}

void RealClock::cancel(TimerId timer) {
  auto found = timers_->pending.find(timer);
  if (found == timers_->pending.end()) return;
  found->second->cancel();
  timers_->pending.erase(found);
}

}  // namespace albc::net
