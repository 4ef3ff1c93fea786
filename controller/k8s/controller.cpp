#include "controller/k8s/controller.hpp"

namespace albc::k8s {

Controller::Controller(std::string name, WorkQueue& queue, Reconciler& reconciler,
                       net::Clock& clock, net::Trace& trace, std::size_t workers)
    : name_(std::move(name)),
      queue_(queue),
      reconciler_(reconciler),
      clock_(clock),
      trace_(trace),
      workers_(workers) {}

void Controller::start(net::Executor executor) {
  for (std::size_t worker = 0; worker < workers_; ++worker) {
    net::spawn_checked(executor, work(), "controller." + name_ + "." + std::to_string(worker));
  }
}

net::Awaitable<Outcome> Controller::reconcile_guarded(std::string key) {
  // Reconcilers read objects through typed, checked accessors and so should never throw. If a
  // bug lets a third-party library throw anyway, that key backs off with the error, and every
  // other key and this worker go on.
  try {
    co_return co_await reconciler_.reconcile(key);
  } catch (const std::exception& error) {
    if (bug_sink_) bug_sink_("the " + name_ + " controller's reconcile of " + key, error.what());
    co_return Outcome::backoff("ReconcilePanic", error.what());
  }
}

net::Awaitable<void> Controller::work() {
  while (true) {
    std::optional<std::string> key = co_await queue_.get();
    if (!key) co_return;
    ++reconciles_;
    const auto started = clock_.now();
    const Outcome outcome = co_await reconcile_guarded(*key);
    ReconcileStats& stats = stats_[*key];
    const auto took = clock_.now() - started;
    ++stats.count;
    stats.errors += outcome.next == Outcome::Next::Backoff ? 1 : 0;
    stats.total += took;
    stats.longest = std::max(stats.longest, took);
    switch (outcome.next) {
      case Outcome::Next::Forget:
        queue_.forget(*key);
        break;
      case Outcome::Next::RequeueAfter:
        queue_.forget(*key);
        queue_.add_after(*key, outcome.delay);
        trace_.event("controller.requeue", {{"controller", name_},
                                            {"key", *key},
                                            {"after", net::format_elapsed(outcome.delay)},
                                            {"reason", outcome.reason}});
        break;
      case Outcome::Next::Backoff:
        queue_.add_rate_limited(*key);
        trace_.event("controller.backoff", {{"controller", name_},
                                            {"key", *key},
                                            {"failures", std::to_string(queue_.failures(*key))},
                                            {"reason", outcome.reason},
                                            {"error", outcome.error}});
        break;
    }
    queue_.done(*key);
  }
}

}  // namespace albc::k8s
