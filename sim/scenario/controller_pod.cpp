#include "sim/scenario/controller_pod.hpp"

#include "controller/net/assert.hpp"

namespace albc::sim::scenario {
namespace {
// The kubelet's crash-loop back-off: it doubles from the first delay up to five minutes.
constexpr std::chrono::milliseconds kBackOffMax = std::chrono::minutes(5);
constexpr std::chrono::minutes kStartBudget{5};
}  // namespace

ControllerPod::ControllerPod(world::World& world, app::ControllerOptions options)
    : world_(world), options_(std::move(options)) {
  options_.on_bug = world_.bug_sink();
}

ControllerPod::~ControllerPod() {
  stop();
}

void ControllerPod::create() {
  ++generation_;
  process_ = world_.start_process();
  const std::string& region = options_.region;
  // The first container draws from "controller", as runs before restarts existed did.
  const std::string stream =
      generation_ == 1 ? "controller" : "controller." + std::to_string(generation_);
  app_ = std::make_unique<app::ControllerApp>(
      world_.executor_of(process_), world_.clock(), world_.random().fork(stream), world_.trace(),
      world_.kube_transport(),
      k8s::ClientOptions{"kubernetes.default.svc", "", "albc-controller/0.1"},
      albc::aws::Endpoint{world_.aws_transport(),
                          "elasticloadbalancing." + region + ".amazonaws.com"},
      albc::aws::Endpoint{world_.aws_transport(), "ec2." + region + ".amazonaws.com"},
      net::Credentials{"testing", "testing", ""}, albc::aws::ClientOptions{region}, options_);
  world_.trace().event("controller.container_created",
                       {{"container", std::to_string(generation_)}});
}

// The process first: its coroutines unwind while the app they use still exists.
namespace {
void add_stats(std::map<std::string, k8s::ReconcileStats>& into,
               const std::map<std::string, k8s::ReconcileStats>& from) {
  for (const auto& [key, stats] : from) {
    k8s::ReconcileStats& sum = into[key];
    sum.count += stats.count;
    sum.errors += stats.errors;
    sum.total += stats.total;
    sum.longest = std::max(sum.longest, stats.longest);
  }
}
}  // namespace

// The app goes once its process has: its frames unwind while it still exists, and its own
// timers (informer resyncs, delayed queue keys) are cancelled with it, so a dead container
// does nothing more.
void ControllerPod::retire() {
  if (app_) {
    reconciles_before_ += app_->reconciles();
    add_stats(stats_before_, app_->reconcile_stats());
  }
  app_.reset();
}

void ControllerPod::stop() {
  world_.clock().cancel(restart_timer_);
  restart_timer_ = 0;
  world_.kill(process_);
  retire();
  started_ = false;
}

net::Result<void> ControllerPod::start() {
  create();
  start_error_.reset();
  foreground_ = true;
  net::spawn_checked(world_.executor_of(process_), run_start(generation_),
                     "controller.start." + std::to_string(generation_));
  // A crash while starting (at a call start() makes) restarts the container as the kubelet
  // would; the wait goes on until one has started.
  const bool done =
      world_.run_until([&] { return started_ || start_error_.has_value(); }, kStartBudget);
  foreground_ = false;
  if (start_error_)
    return net::fail(net::with_context(*start_error_, "the controller failed to start"));
  if (!done)
    return net::fail("ControllerStart",
                     "the controller did not start within 5 minutes of virtual time");
  return {};
}

net::Result<void> ControllerPod::restart() {
  world_.trace().event("controller.restart", {{"container", std::to_string(generation_)}});
  stop();
  ++restarts_;
  return start();
}

void ControllerPod::crash(std::chrono::milliseconds restart_after) {
  ALBC_ASSERT(app_ != nullptr);
  world_.trace().event("controller.crashed",
                       {{"container", std::to_string(generation_)},
                        {"restart_after", net::format_elapsed(restart_after)}});
  started_ = false;
  world_.kill_soon(process_, [this] { retire(); });
  back_off_ = restart_after;
  // Runs outside every handler, after the process has been reaped; a clean restart in the
  // meantime cancels it.
  restart_timer_ = world_.clock().call_after(restart_after, [this] {
    restart_timer_ = 0;
    start_in_background();
  });
}

void ControllerPod::start_in_background() {
  stop();
  ++restarts_;
  create();
  net::spawn_checked(world_.executor_of(process_), run_start(generation_),
                     "controller.start." + std::to_string(generation_));
}

net::Awaitable<void> ControllerPod::run_start(std::size_t generation) {
  auto started = co_await app_->start();
  if (started) {
    started_ = true;
    back_off_ = std::chrono::milliseconds(0);
    co_return;
  }
  world_.trace().event("controller.start_failed", {{"container", std::to_string(generation)},
                                                   {"error", started.error().describe()}});
  // The scenario's own start reports the error; a restart after a crash loops as a pod does.
  if (foreground_) {
    start_error_ = started.error();
    co_return;
  }
  crash(
      std::clamp(back_off_ * 2, std::chrono::milliseconds(std::chrono::seconds(10)), kBackOffMax));
}

bool ControllerPod::resync() {
  if (!started_) return false;
  app_->resync();
  return true;
}

bool ControllerPod::idle() const {
  return started_ && app_ && app_->idle();
}

std::string ControllerPod::pending() const {
  if (!started_)
    return "the controller is not running (container " + std::to_string(generation_) +
           " is starting or restarting)";
  return app_->pending();
}

std::map<std::string, k8s::ReconcileStats> ControllerPod::reconcile_stats() const {
  std::map<std::string, k8s::ReconcileStats> stats = stats_before_;
  if (app_) add_stats(stats, app_->reconcile_stats());
  return stats;
}

std::size_t ControllerPod::reconciles() const {
  return reconciles_before_ + (app_ ? app_->reconciles() : 0);
}

}  // namespace albc::sim::scenario
