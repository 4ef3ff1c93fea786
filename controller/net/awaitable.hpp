#pragma once

// <utility> first: GCC 12 fails on std::exchange inside Asio's awaitable header otherwise.
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <string>

namespace albc {
namespace asio = boost::asio;
}

namespace albc::net {

template <class T>
using Awaitable = boost::asio::awaitable<T>;
using Executor = boost::asio::any_io_executor;

// Starts a coroutine that runs on its own. An exception leaving it is a bug (none may cross a
// module): it is printed at once with the coroutine's name, instead of being dropped as
// asio::detached does in Boost 1.74, and then leaves io_context::run() (or poll()), where the
// owner of the io_context reports it: `albc serve` goes on serving, a simulation stops with the
// error.
void spawn_checked(Executor executor, Awaitable<void> coroutine, std::string name);

}  // namespace albc::net
