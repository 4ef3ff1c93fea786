#include "sim/world/world.hpp"

namespace albc::sim::world {

World::World(WorldOptions options)
    : options_(std::move(options)),
      io_(std::make_unique<asio::io_context>(1)),
      clock_(options_.epoch),
      random_(options_.seed),
      trace_(clock_, options_.trace_sink, options_.keep_trace_lines),
      registry_(kube::ResourceRegistry::standard()),
      store_(registry_, clock_, random_.fork("kube.store"), options_.store),
      kube_api_(store_, clock_),
      aws_(clock_, random_.fork("aws"),
           aws::AwsServerOptions{
               options_.account_id, options_.region, {{"testing", "testing"}}, options_.elbv2}),
      kube_transport_(kube_api_, clock_, random_.fork("latency.kube"), options_.kube_latency),
      aws_transport_(aws_, clock_, random_.fork("latency.aws"), options_.aws_latency),
      cluster_(store_, clock_, random_.fork("world.cluster"), trace_, io_->get_executor(),
               options_.cluster) {
  net::set_assertion_context({true, options_.seed});
  if (options_.stop_on_bug) {
    kube_api_.set_bug_sink(bug_sink());
    aws_.set_bug_sink(bug_sink());
    cluster_.set_bug_sink(bug_sink());
  }
}

net::BugSink World::bug_sink() {
  if (!options_.stop_on_bug) return {};
  return [this](std::string_view place, std::string_view what) {
    // The first one stops the run at the next task boundary; later ones follow from it.
    if (!failure_) failure_ = "bug in " + std::string(place) + ": " + std::string(what);
  };
}

World::~World() {
  shutdown();
  net::set_assertion_context({false, 0});
}

void World::shutdown() {
  // Suspended coroutines live in the io_contexts: destroying them first unwinds them while
  // everything they reference still exists. Processes go first: they hold requests to the world.
  processes_.clear();
  doomed_.clear();
  io_.reset();
}

World::ProcessId World::start_process() {
  const ProcessId id = next_process_++;
  processes_.emplace(id, std::make_unique<asio::io_context>(1));
  return id;
}

net::Executor World::executor_of(ProcessId process) {
  auto found = processes_.find(process);
  ALBC_ASSERT(found != processes_.end());
  return found->second->get_executor();
}

void World::kill(ProcessId process) {
  // A process cannot destroy the io_context it is running in: from inside, use kill_soon.
  ALBC_ASSERT(process == 0 || process != running_);
  auto found = processes_.find(process);
  if (found == processes_.end()) return;
  // Moved out first: frames unwinding now may look the process up and must find it gone.
  std::unique_ptr<asio::io_context> context = std::move(found->second);
  processes_.erase(found);
  context.reset();
}

void World::reap() {
  while (!doomed_.empty()) {
    auto [process, after] = std::move(doomed_.back());
    doomed_.pop_back();
    kill(process);
    if (after) after();
  }
}

bool World::run_one() {
  io_->restart();
  if (io_->poll_one() > 0) return true;
  for (auto& [id, context] : processes_) {
    context->restart();
    running_ = id;
    const std::size_t ran = context->poll_one();
    running_ = 0;
    if (ran > 0) return true;
  }
  return false;
}

void World::run_ready() {
  ALBC_ASSERT(io_ != nullptr);
  // One ready handler at a time, so that an interrupt (a signal's handler runs among them) stops
  // the world at once, however much work is ready; a process that asked to die dies between two.
  while (!interrupted_) {
    const bool ran = run_one();
    reap();
    if (!ran) break;
  }
}

bool World::quiescent() const {
  // An eventual-consistency window still open is AWS not settled yet.
  return kube_transport_.in_flight() == 0 && aws_transport_.in_flight() == 0 &&
         kube_transport_.watches_current() && cluster_.idle() && aws_.elbv2().consistent();
}

bool World::guarded(const std::function<void()>& step) {
  if (failure_ || interrupted_) return false;
  // Third-party code (nlohmann, Asio) may throw in a handler; no exception is expected, so one
  // that arrives is a bug, kept with its message instead of unwinding the caller.
  try {
    step();
  } catch (const std::exception& error) {
    failure_ = error.what();
  } catch (...) {
    failure_ = "an exception that is not a std::exception";
  }
  return !failure_ && !interrupted_;
}

bool World::run_until(const std::function<bool()>& done, net::Clock::duration budget) {
  const auto deadline = clock_.now() + budget;
  while (true) {
    if (!guarded([this] { run_ready(); })) return false;
    if (tick_ && ++ticks_ % 1024 == 0) tick_();
    if (done()) return true;
    const auto next = clock_.next_deadline();
    if (!next || *next > deadline) return false;
    if (!guarded([this] {
          clock_.fire_next();
          reap();
        }))
      return false;
  }
}

void World::run_for(net::Clock::duration duration) {
  const auto until = clock_.now() + duration;
  run_until([&] { return false; }, duration);
  if (failure_ || interrupted_) return;
  clock_.advance_to(until);
  guarded([this] { run_ready(); });
}

}  // namespace albc::sim::world
