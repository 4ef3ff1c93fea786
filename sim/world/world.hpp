#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "controller/net/bug_sink.hpp"
#include "controller/net/random.hpp"
#include "controller/net/trace.hpp"
#include "sim/aws/aws_server.hpp"
#include "sim/http/in_process_transport.hpp"
#include "sim/kube/api_server.hpp"
#include "sim/kube/store.hpp"
#include "sim/world/cluster.hpp"
#include "sim/world/virtual_clock.hpp"

namespace albc::sim::world {

struct WorldOptions {
  std::uint64_t seed = 1;
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  // Where virtual time starts on the calendar.
  net::Clock::wall_time_point epoch =
      net::Clock::wall_time_point{} + std::chrono::seconds(1'767'225'600);
  http::LatencyOptions kube_latency{std::chrono::microseconds(500),
                                    std::chrono::microseconds(3'000)};
  http::LatencyOptions aws_latency{std::chrono::milliseconds(15), std::chrono::milliseconds(60)};
  std::ostream* trace_sink = nullptr;
  bool keep_trace_lines = false;
  ClusterOptions cluster;
  kube::StoreLimits store;
  aws::Elbv2Options elbv2;
  // A bug caught in a fake, a world controller or (through bug_sink()) the controller stops the
  // run, as the world's failure; otherwise the catch site goes on (a 500, a trace, a back-off),
  // as `albc serve` does.
  bool stop_on_bug = false;
};

// Everything around the controller in a simulation, on one io_context and one virtual clock:
// the fake API server and its store, the fake AWS account, the cluster's own controllers, and
// in-process transports to both fakes.
class World {
 public:
  explicit World(WorldOptions options);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  net::Executor executor() { return io_->get_executor(); }

  // A process in the world (the controller's pod): its coroutines run in an io_context of their
  // own, so that killing it (a crash, a restart) unwinds all of them at once, as a dying process
  // loses its stack, while the world goes on. Requests it had in flight are lost with it.
  using ProcessId = std::uint64_t;
  ProcessId start_process();
  net::Executor executor_of(ProcessId process);
  bool alive(ProcessId process) const { return processes_.contains(process); }
  // Destroys the process's coroutines now; not from inside one of them (see kill_soon).
  void kill(ProcessId process);
  // From inside the process: it dies once the handler that is running returns; then
  // `after` runs (the owner of objects the process used lets them go).
  void kill_soon(ProcessId process, std::function<void()> after = {}) {
    doomed_.emplace_back(process, std::move(after));
  }
  VirtualClock& clock() { return clock_; }
  const VirtualClock& clock() const { return clock_; }
  net::Trace& trace() { return trace_; }
  net::Random& random() { return random_; }
  kube::Store& store() { return store_; }
  const kube::Store& store() const { return store_; }
  aws::AwsServer& aws() { return aws_; }
  const aws::AwsServer& aws() const { return aws_; }
  Cluster& cluster() { return cluster_; }
  http::InProcessTransport& kube_transport() { return kube_transport_; }
  const http::InProcessTransport& kube_transport() const { return kube_transport_; }
  http::InProcessTransport& aws_transport() { return aws_transport_; }
  const WorldOptions& options() const { return options_; }

  // Runs ready work; when none is left, jumps time to the next timer. Stops as soon as
  // `done()` holds at a moment when no work is ready, or when virtual time passes `budget`, the
  // world is interrupted, or a task in it fails (returns false then).
  bool run_until(const std::function<bool()>& done, net::Clock::duration budget);
  // Called now and then while the world runs (every 1024 turns of run_until's loop), for a
  // progress line; it must not touch the world.
  void set_ticker(std::function<void()> tick) { tick_ = std::move(tick); }
  // Stops run_until and run_for at the next task boundary (a signal asked the run to end).
  void interrupt() { interrupted_ = true; }
  bool interrupted() const { return interrupted_; }
  // The error of a task that threw out of the io_context or a timer: a bug, reported with its
  // original message; the world runs no further once one is recorded.
  const std::optional<std::string>& failure() const { return failure_; }
  // Where the controller's catch sites report bugs: the world's failure when it stops on bugs,
  // nothing (they go on) otherwise.
  net::BugSink bug_sink();
  // Lets virtual time pass.
  void run_for(net::Clock::duration duration);
  // Runs a coroutine to completion (or until the budget runs out).
  template <class T>
  std::optional<T> run_to_completion(net::Awaitable<T> coroutine, net::Clock::duration budget);
  // No request in flight, every watch the controller has made is being served, and the
  // cluster's controllers have nothing scheduled.
  bool quiescent() const;
  // Destroys the io_context and with it every suspended coroutine. Whoever owns objects those
  // coroutines use (a controller next to the world) calls this before destroying them.
  void shutdown();

 private:
  void run_ready();
  // Runs one ready handler of the world or of a process; false when none was ready.
  bool run_one();
  void reap();
  // Runs `step` (ready work, or one timer), recording an escaping exception as the failure.
  bool guarded(const std::function<void()>& step);

  WorldOptions options_;
  std::unique_ptr<asio::io_context> io_;
  VirtualClock clock_;
  net::Random random_;
  net::Trace trace_;
  kube::ResourceRegistry registry_;
  kube::Store store_;
  kube::ApiServer kube_api_;
  aws::AwsServer aws_;
  http::InProcessTransport kube_transport_;
  http::InProcessTransport aws_transport_;
  Cluster cluster_;
  std::map<ProcessId, std::unique_ptr<asio::io_context>> processes_;
  ProcessId next_process_ = 1;
  std::vector<std::pair<ProcessId, std::function<void()>>> doomed_;
  ProcessId running_ = 0;  // the process whose handler is running, if one is
  std::function<void()> tick_;
  std::uint64_t ticks_ = 0;
  bool interrupted_ = false;
  std::optional<std::string> failure_;
};

namespace detail {
template <class T>
net::Awaitable<void> store_result(net::Awaitable<T> coroutine,
                                  std::shared_ptr<std::optional<T>> out) {
  out->emplace(co_await std::move(coroutine));
}
}  // namespace detail

template <class T>
std::optional<T> World::run_to_completion(net::Awaitable<T> coroutine,
                                          net::Clock::duration budget) {
  // Shared: a coroutine still suspended when the budget runs out must not write into a dead frame.
  auto result = std::make_shared<std::optional<T>>();
  net::spawn_checked(executor(), detail::store_result(std::move(coroutine), result),
                     "world.run_to_completion");
  run_until([&] { return result->has_value(); }, budget);
  return std::move(*result);
}

}  // namespace albc::sim::world
