#include "sim/scenario/runner.hpp"

#include <algorithm>
#include <csignal>

#include "sim/scenario/aws_view.hpp"
#include "sim/scenario/node_step.hpp"
#include "sim/scenario/run.hpp"
#include "sim/world/account_setup.hpp"

namespace albc::sim::scenario {

app::ControllerOptions controller_options(const Scenario& scenario) {
  app::ControllerOptions options;
  options.cluster_name = scenario.controller.cluster_name;
  options.region = scenario.world.region;
  options.vpc_tags = {{"Name", scenario.world.vpc_name}};
  options.ingress_class = scenario.controller.ingress_class;
  options.builder.default_scheme = scenario.controller.default_scheme;
  options.builder.default_target_type = scenario.controller.default_target_type;
  return options;
}

Run::Run(const Scenario& scenario, const RunOptions& options)
    : scenario_(scenario),
      options_(options),
      out_(*options.out),
      world_(world_options()),
      manifests_(world_.store(), world_.trace()),
      controller_(world_, controller_options(scenario)),
      crash_points_(controller_, world_.clock(), world_.trace()),
      faults_(world_.aws(), world_.store(), world_.clock(), world_.random().fork("faults"),
              world_.trace()),
      wire_tap_(crash_points_, faults_),
      invariants_(scenario, world_, controller_),
      latency_(world_.store(), world_.aws(), world_.clock()),
      churn_(manifests_, world_.cluster(), world_.clock(), world_.random().fork("churn"),
             world_.trace()) {
  if (options.handle_signals) watch_signals();
  if (options.progress) world_.set_ticker([this] { show_progress(); });
  world_.kube_transport().set_interceptor(&wire_tap_);
  world_.aws_transport().set_interceptor(&wire_tap_);
  world_.aws().elbv2().set_visibility(
      [this](std::string_view action) { return faults_.invisible_for(action); });
}

Run::~Run() {
  world_.aws().elbv2().set_visibility(nullptr);  // it asks faults_, which goes first
  signals_.reset();
  world_.shutdown();
}

world::WorldOptions Run::world_options() const {
  world::WorldOptions world;
  world.seed = scenario_.seed;
  world.region = scenario_.world.region;
  world.account_id = scenario_.world.account_id;
  world.elbv2.quotas = to_quotas(scenario_.world);
  world.trace_sink = options_.trace ? options_.out : nullptr;
  world.stop_on_bug = true;  // a simulation's bugs stop it, naming the place
  return world;
}

Report Run::measure() const {
  Report report;
  report.scenario = scenario_.name;
  report.path = scenario_.path;
  report.description = scenario_.description;
  report.seed = scenario_.seed;
  report.virtual_time = world_.clock().elapsed();
  report.reconciles = controller_.reconciles();
  report.restarts = controller_.restarts();
  report.reconciles_by_key = controller_.reconcile_stats();
  report.kube_requests = world_.kube_transport().requests_sent();
  report.kube_calls = world_.kube_transport().calls();
  report.aws_calls = world_.aws().calls_total();
  report.aws_mutating = world_.aws().mutating_calls_total();
  report.aws_by_operation = world_.aws().calls_by_operation();
  report.ingresses = latency_.ingresses();
  report.crash_sites = crash_points_.sites();
  for (const CrashRecord& crash : crash_points_.crashes()) {
    const bool before = crash.point.when == http::Interception::Crash::Before;
    report.faults.push_back({"crash",
                             std::string(before ? "before" : "after") + " call " +
                                 std::to_string(crash.point.nth) + " of " + crash.point.call,
                             crash.point.step, crash.at});
  }
  for (const Churn::Tally& tally : churn_.tallies()) {
    report.faults.push_back(
        {"churn",
         std::to_string(tally.kills) + " pods killed, " + std::to_string(tally.flaps) +
             " readiness flaps" +
             (tally.drains == 0 ? "" : ", " + std::to_string(tally.drains) + " node drains"),
         tally.step, tally.began});
  }
  for (const FaultTally& tally : faults_.tallies()) {
    report.faults.push_back(
        {tally.name, std::to_string(tally.injected) + " injected", tally.step, tally.began});
  }
  return report;
}

void Run::watch_signals() {
  signals_.emplace(world_.executor(), SIGINT, SIGTERM);
  signals_->async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    interrupted_by_ = signal;
    world_.interrupt();
    // A second signal is not caught: it ends the process as signals do.
    boost::system::error_code ignored;
    signals_->clear(ignored);
  });
}

std::optional<net::Error> Run::stopped() const {
  if (!world_.interrupted()) return world_stopped(world_, "");
  return world_stopped(world_, interrupted_by_ == SIGINT ? "SIGINT" : "SIGTERM");
}

net::Result<void> Run::advance(net::Clock::duration duration) {
  // Virtual time passes, and the state invariants are checked whenever the world is quiet on the
  // way, at most once per interval: a quiet moment in the middle of churn or faults is as much
  // a moment when the state must hold as the end of a step.
  constexpr auto kInterval = std::chrono::seconds(5);
  const auto until = world_.clock().now() + duration;
  auto next_check = world_.clock().now();
  while (world_.clock().now() < until) {
    const bool quiet_moment =
        world_.run_until([&] { return world_.clock().now() >= next_check && invariants_.quiet(); },
                         until - world_.clock().now());
    if (auto reason = stopped()) return net::fail(*reason);
    if (!quiet_moment || world_.clock().now() >= until) break;
    if (auto checked = invariants_.check_state(); !checked) return checked;
    next_check = world_.clock().now() + kInterval;
  }
  world_.run_for(until - std::min(until, world_.clock().now()));
  return {};
}

net::Result<void> Run::run_step(const Step& step) {
  std::vector<net::TraceField> fields = {{"step", std::to_string(step.index)}};
  if (!step.file.empty()) fields.push_back({"file", step.file});
  if (!step.what.empty()) fields.push_back({"what", step.what});
  if (!step.description.empty()) fields.push_back({"description", step.description});
  world_.trace().event(std::string("scenario.step.") +
                           step.label().substr(step.label().find('(') + 1,
                                               step.label().size() - step.label().find('(') - 2),
                       fields);
  switch (step.kind) {
    case Step::Kind::Apply:
    case Step::Kind::Delete: {
      const bool apply = step.kind == Step::Kind::Apply;
      if (!step.file.empty()) {
        auto documents = load_manifest(step.file);
        if (!documents) return net::fail(documents.error());
        const std::string source =
            step.file.starts_with("/") ? step.file : scenario_.directory + "/" + step.file;
        auto done =
            apply ? manifests_.apply(*documents, source) : manifests_.remove(*documents, source);
        if (!done) return net::fail(done.error());
        return {};
      }
      if (apply) {
        auto done = manifests_.apply({step.inline_object}, "inline manifest");
        if (!done) return net::fail(done.error());
        return {};
      }
      if (step.inline_object.contains("selector")) {
        net::Random pick = world_.random().fork("scenario.step." + std::to_string(step.index));
        return manifests_.remove_selected(step.inline_object.value("kind", ""),
                                          step.inline_object.value("namespace", ""),
                                          step.inline_object["selector"],
                                          step.inline_object.value("count", std::size_t{0}), pick);
      }
      return manifests_.remove_one(step.inline_object.value("kind", ""),
                                   step.inline_object.value("namespace", ""),
                                   step.inline_object.value("name", ""));
    }
    case Step::Kind::Patch:
    case Step::Kind::Scale: {
      const Json& object = step.inline_object;
      return manifests_.patch_one(object.value("kind", ""), object.value("namespace", ""),
                                  object.value("name", ""), step.patch_type, step.patch);
    }
    case Step::Kind::Wait: {
      if (step.what == "until") return wait_until(step);
      const bool converged =
          world_.run_until([&] { return controller_.idle() && world_.quiescent(); }, step.duration);
      if (!converged) {
        return net::fail("NotConverged",
                         "did not converge within " + net::format_elapsed(step.duration) +
                             " of virtual time; still pending: " + invariants_.pending());
      }
      world_.trace().event("scenario.converged", {{"step", std::to_string(step.index)}});
      return {};
    }
    case Step::Kind::Advance:
      return advance(step.duration);
    case Step::Kind::Print:
      out_ << (step.what == "aws" ? describe_aws(world_.aws()) : describe_kubernetes());
      return {};
    case Step::Kind::Expect:
      return expect(step);
    case Step::Kind::Restart:
      return controller_.restart();
    case Step::Kind::Churn:
      churn_.start(step.churn, step.index);
      return {};
    case Step::Kind::Quota: {
      // Increases only: checked when the scenario was read.
      aws::Elbv2Quotas quotas = world_.aws().elbv2().quotas();
      apply_quotas(quotas, step.quotas);
      world_.aws().elbv2().set_quotas(quotas);
      world_.trace().event("world.quotas.raised", {{"quotas", step.detail()}});
      return {};
    }
    case Step::Kind::Node:
      return run_node_step(world_.cluster(), scenario_.world, step,
                           world_.random().fork("scenario.step." + std::to_string(step.index)));
    case Step::Kind::Fault:
      if (step.fault.kind == FaultSpec::Kind::KubeWatchDrop) {
        const std::size_t dropped = world_.kube_transport().drop_streams();
        world_.trace().event("fault.watches_dropped", {{"watches", std::to_string(dropped)}});
        return {};
      }
      faults_.add(step.fault);
      // The API server going away ends the watches it was serving.
      if (step.fault.kind == FaultSpec::Kind::KubeOutage)
        world_.kube_transport().drop_streams(operations_of(step.fault));
      return {};
    case Step::Kind::Crash:
      crash_points_.arm(
          {step.crash.at,
           step.crash.at == kEveryCrashSite ? options_.crash_site.value_or(0) : step.crash.nth,
           step.crash.after ? http::Interception::Crash::After : http::Interception::Crash::Before,
           step.crash.restart_after, step.index});
      return {};
  }
  return {};
}
void Run::show_progress(bool finished) {
  if (!options_.progress) return;
  options_.progress({current_ != nullptr ? current_->label() : "starting", scenario_.steps.size(),
                     world_.clock().elapsed(), controller_.reconciles(), finished});
}

RunResult Run::finish(RunResult result) {
  show_progress(true);
  result.trace_events = world_.trace().event_count();
  Report report = measured_ ? *measured_ : measure();
  report.passed = result.passed;
  report.failure = result.failure;
  report.steps = steps_;
  for (std::size_t i = steps_.size(); i < scenario_.steps.size(); ++i) {
    const Step& step = scenario_.steps[i];
    report.steps.push_back({step.index, step.action(), step.detail(), step.description,
                            StepRecord::Outcome::NotRun, "", report.virtual_time,
                            report.virtual_time});
  }
  report.steps_passed = static_cast<std::size_t>(std::count_if(
      steps_.begin(), steps_.end(),
      [](const StepRecord& step) { return step.outcome == StepRecord::Outcome::Passed; }));
  report.invariants = invariants_.outcomes();
  write_text(report, out_);
  result.report = std::move(report);
  return result;
}

RunResult Run::fail(RunResult result, const std::string& failure, const net::Error& error) {
  result.internal_error = error.code == "InternalError";
  result.interrupted_by = interrupted_by_;
  result.failure = failure;
  return finish(std::move(result));
}

namespace {
bool is_bad_input(const net::Error& error) {
  return error.code == "InvalidScenario" || error.code == "InvalidManifest" ||
         error.code == "InvalidYaml" || error.code == "FileNotFound" ||
         error.code == "FileTooLarge";
}
}  // namespace

RunResult Run::execute() {
  RunResult result;
  if (auto kinds = check_kinds(); !kinds) {
    result.bad_input = true;
    return fail(result, "scenario " + scenario_.path + ": " + kinds.error().describe(),
                kinds.error());
  }
  world_.trace().event("scenario.start",
                       {{"name", scenario_.name}, {"seed", std::to_string(scenario_.seed)}});
  auto setup = world::build_account(world_.aws(), world_.cluster(), world_.trace(),
                                    to_account_setup(scenario_.world));
  if (setup) setup = world::build_cluster(world_.store(), scenario_.world.ingress_classes);
  if (!setup) {
    result.bad_input = true;
    return fail(result, "scenario " + scenario_.path + ": " + setup.error().describe(),
                setup.error());
  }
  for (const FaultSpec& fault : scenario_.faults) {
    faults_.add(fault);
    if (fault.kind == FaultSpec::Kind::KubeOutage && fault.from > std::chrono::milliseconds(0)) {
      world_.clock().call_after(fault.from, [this, &fault] {
        world_.kube_transport().drop_streams(operations_of(fault));
      });
    }
  }
  auto started = controller_.start();
  if (auto stop = stopped()) started = net::fail(*stop);
  if (!started) {
    return fail(result, "scenario " + scenario_.path + ": " + started.error().describe(),
                started.error());
  }
  const auto steps_started = world_.clock().elapsed();
  const auto horizon_error = [] {
    return net::fail("InvalidScenario", "the run goes past the scenario horizon of " +
                                            std::to_string(kVirtualTimeHorizon.count()) +
                                            "h of virtual time");
  };
  for (const Step& step : scenario_.steps) {
    current_ = &step;
    show_progress();
    StepRecord record{step.index,
                      step.action(),
                      step.detail(),
                      step.description,
                      StepRecord::Outcome::Passed,
                      "",
                      world_.clock().elapsed(),
                      {}};
    // An advance that would cross the horizon fails before it runs, not after hours of it.
    const auto elapsed = world_.clock().elapsed() - steps_started;
    net::Result<void> done =
        step.kind == Step::Kind::Advance && step.duration > kVirtualTimeHorizon - elapsed
            ? horizon_error()
            : run_step(step);
    if (auto stop = stopped()) done = net::fail(*stop);
    if (done && world_.clock().elapsed() - steps_started > kVirtualTimeHorizon) {
      done = horizon_error();
    }
    latency_.observe_health();
    // Whenever a step that let the world run leaves it quiet, the state invariants must hold.
    // (Right after an apply or a pod kill nothing has reacted yet: targets lag by definition.)
    const bool ran = step.kind == Step::Kind::Wait || step.kind == Step::Kind::Advance ||
                     step.kind == Step::Kind::Restart;
    if (done && ran && invariants_.quiet()) done = invariants_.check_state();
    record.finished = world_.clock().elapsed();
    if (!done) {
      record.outcome = StepRecord::Outcome::Failed;
      record.failure = done.error().describe();
      steps_.push_back(record);
      result.bad_input = is_bad_input(done.error());
      world_.trace().event("scenario.failed", {{"step", std::to_string(step.index)},
                                               {"error", done.error().describe()}});
      return fail(
          result,
          "scenario " + scenario_.path + ": " + step.label() + ": " + done.error().describe(),
          done.error());
    }
    steps_.push_back(record);
  }
  // A crash that never happened means the run did not exercise what the scenario says it does
  // (a point that only counts sites is not one).
  auto unreached = std::find_if(crash_points_.armed().begin(), crash_points_.armed().end(),
                                [](const CrashPoint& point) { return point.nth > 0; });
  if (unreached != crash_points_.armed().end()) {
    const CrashPoint& point = *unreached;
    const bool before = point.when == http::Interception::Crash::Before;
    world_.trace().event("scenario.failed", {{"step", std::to_string(point.step)},
                                             {"error", "crash point never reached"}});
    return fail(result,
                "scenario " + scenario_.path + ": step " + std::to_string(point.step) +
                    " (crash): the controller never reached its crash point (" +
                    (before ? "before" : "after") + " call " + std::to_string(point.nth) + " of " +
                    point.call + ") before the scenario ended",
                net::Error{"CrashNotReached", ""});
  }
  // Churn ends with the steps; one that touched no pod did not do what the scenario says.
  churn_.stop();
  if (auto idle = churn_.idle()) {
    world_.trace().event("scenario.failed", {{"step", std::to_string(idle->step)},
                                             {"error", "churn did not " + idle->activity}});
    const std::string why =
        idle->activity == "drain"
            ? "no node was drained: a drain needs two nodes that take pods"
            : std::string(idle->activity == "kill" ? "no pod was killed: no running pod"
                                                   : "no pod was flapped: no running, ready pod") +
                  " matched the namespace and selector while it lasted";
    return fail(
        result,
        "scenario " + scenario_.path + ": step " + std::to_string(idle->step) + " (churn): " + why,
        net::Error{"ChurnIdle", ""});
  }
  measured_ = measure();
  if (auto checked = invariants_.final_checks(); !checked) {
    world_.trace().event("scenario.failed",
                         {{"after", "last step"}, {"error", checked.error().describe()}});
    return fail(
        result,
        "scenario " + scenario_.path + ": after the last step: " + checked.error().describe(),
        checked.error());
  }
  world_.trace().event("scenario.passed", {{"steps", std::to_string(steps_.size())}});
  result.passed = true;
  return finish(result);
}

RunResult run_scenario(const Scenario& scenario, const RunOptions& options) {
  Run run(scenario, options);
  return run.execute();
}

}  // namespace albc::sim::scenario
