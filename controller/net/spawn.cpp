#include <cstdio>
#include <exception>

#include "controller/net/awaitable.hpp"

namespace albc::net {

void spawn_checked(Executor executor, Awaitable<void> coroutine, std::string name) {
  asio::co_spawn(executor, std::move(coroutine),
                 [name = std::move(name)](std::exception_ptr error) {
                   if (!error) return;
                   std::string what = "unknown exception";
                   try {
                     std::rethrow_exception(error);
                   } catch (const std::exception& exception) {
                     what = exception.what();
                   } catch (...) {
                   }
                   // Printed here, first, whatever the owner of the io_context does next.
                   std::fprintf(stderr, "albc: task %s failed: %s\n", name.c_str(), what.c_str());
                   std::rethrow_exception(error);
                 });
}

}  // namespace albc::net
