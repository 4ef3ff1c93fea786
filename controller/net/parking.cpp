#include "controller/net/parking.hpp"

#include <boost/asio/steady_timer.hpp>
#include <optional>

namespace albc::net {

struct Parked::State {
  std::optional<asio::steady_timer> timer;
  bool woken = false;
};

Parked::Parked() : state_(std::make_unique<State>()) {}
Parked::~Parked() = default;

Awaitable<void> Parked::wait() {
  if (state_->woken) co_return;
  auto executor = co_await asio::this_coro::executor;
  state_->timer.emplace(executor, asio::steady_timer::time_point::max());
  boost::system::error_code ec;
  co_await state_->timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  // ec is operation_aborted when woken, which is the only way out: nothing to check.
}

void Parked::wake() {
  state_->woken = true;
  if (state_->timer) state_->timer->cancel();
}

}  // namespace albc::net
