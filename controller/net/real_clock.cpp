#include "controller/net/real_clock.hpp"

#include <boost/asio/steady_timer.hpp>

namespace albc::net {

// A pending timer is owned by its own completion handler, so destroying the io_context (which
// destroys pending handlers) frees it; the clock keeps only weak references, for cancel().
struct RealClock::Timers {
  std::map<TimerId, std::weak_ptr<asio::steady_timer>> pending;
  TimerId next_id = 1;
};

RealClock::RealClock(Executor executor)
    : executor_(std::move(executor)), timers_(std::make_unique<Timers>()) {}

RealClock::~RealClock() {
  for (auto& [id, weak] : timers_->pending) {
    if (auto timer = weak.lock()) timer->cancel();
  }
}

Clock::time_point RealClock::now() const {
  return std::chrono::steady_clock::now();
}

Clock::wall_time_point RealClock::wall_now() const {
  return std::chrono::system_clock::now();
}

Awaitable<void> RealClock::sleep_for(duration delay) {
  asio::steady_timer timer(executor_, delay);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

Clock::TimerId RealClock::call_after(duration delay, std::function<void()> callback) {
  const TimerId id = timers_->next_id++;
  auto timer = std::make_shared<asio::steady_timer>(executor_, delay);
  timers_->pending.emplace(id, timer);
  timer->async_wait([timers = timers_.get(), id, timer,
                     callback = std::move(callback)](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the clock may be gone
    timers->pending.erase(id);
    callback();
  });
  return id;
}

void RealClock::cancel(TimerId timer) {
  auto found = timers_->pending.find(timer);
  if (found == timers_->pending.end()) return;
  if (auto pending = found->second.lock()) pending->cancel();
  timers_->pending.erase(found);
}

}  // namespace albc::net
