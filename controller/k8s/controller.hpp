#pragma once

#include <map>

#include <chrono>
#include <string>

#include "controller/k8s/work_queue.hpp"
#include "controller/net/awaitable.hpp"
#include "controller/net/bug_sink.hpp"
#include "controller/net/trace.hpp"

namespace albc::k8s {

// What a reconcile asks of the queue: nothing more (Forget), another pass after a delay
// (RequeueAfter), or a retry with per-key backoff (Backoff, after an error).
struct Outcome {
  enum class Next { Forget, RequeueAfter, Backoff };
  Next next = Next::Forget;
  net::Clock::duration delay{};
  std::string reason;  // for the trace: "SuccessfullyReconciled", "FailedDeployModel", ...
  std::string error;   // the error text, when Backoff

  static Outcome forget(std::string reason = "") {
    return {Next::Forget, {}, std::move(reason), ""};
  }
  static Outcome requeue_after(net::Clock::duration delay, std::string reason) {
    return {Next::RequeueAfter, delay, std::move(reason), ""};
  }
  static Outcome backoff(std::string reason, std::string error) {
    return {Next::Backoff, {}, std::move(reason), std::move(error)};
  }
};

// Level-based: re-reads state for a key; never sees the event that woke it.
class Reconciler {
 public:
  virtual ~Reconciler() = default;
  virtual net::Awaitable<Outcome> reconcile(std::string key) = 0;
};

// Reconciles of one key: how many, and how long they took (controller-runtime's
// reconcile_total and reconcile_time_seconds, per key rather than per controller).
struct ReconcileStats {
  std::size_t count = 0;
  std::size_t errors = 0;  // ended in a backoff
  net::Clock::duration total{};
  net::Clock::duration longest{};
};

// Runs workers that take keys from a queue and hand them to a reconciler; the one place that
// maps outcomes to queue actions.
class Controller {
 public:
  Controller(std::string name, WorkQueue& queue, Reconciler& reconciler, net::Clock& clock,
             net::Trace& trace, std::size_t workers);
  void start(net::Executor executor);
  // Where a reconcile that throws is reported (net/bug_sink.hpp); the key backs off either way.
  void set_bug_sink(net::BugSink sink) { bug_sink_ = std::move(sink); }
  std::size_t reconciles() const { return reconciles_; }
  const std::map<std::string, ReconcileStats>& stats() const { return stats_; }

 private:
  net::Awaitable<void> work();
  net::Awaitable<Outcome> reconcile_guarded(std::string key);

  std::string name_;
  WorkQueue& queue_;
  Reconciler& reconciler_;
  net::Clock& clock_;
  net::Trace& trace_;
  std::size_t workers_;
  net::BugSink bug_sink_;
  std::size_t reconciles_ = 0;
  std::map<std::string, ReconcileStats> stats_;
};

}  // namespace albc::k8s
