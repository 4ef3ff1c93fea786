#include "sim/scenario/runner.hpp"

#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <map>
#include <optional>
#include <ostream>

#include "controller/app/controller_app.hpp"
#include "controller/k8s/fields.hpp"
#include "controller/net/yaml.hpp"
#include "sim/scenario/aws_view.hpp"
#include "sim/scenario/controller_pod.hpp"
#include "sim/scenario/crash_points.hpp"
#include "sim/scenario/expectations.hpp"
#include "sim/scenario/manifests.hpp"
#include "sim/world/account_setup.hpp"
#include "sim/world/world.hpp"

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

namespace {

using Json = nlohmann::json;

class Run {
 public:
  Run(const Scenario& scenario, const RunOptions& options)
      : scenario_(scenario),
        options_(options),
        out_(*options.out),
        world_(world_options()),
        manifests_(world_.store(), world_.trace()),
        controller_(world_, controller_options(scenario)),
        crash_points_(controller_, world_.trace()) {
    if (options.handle_signals) watch_signals();
    world_.kube_transport().set_interceptor(&crash_points_);
    world_.aws_transport().set_interceptor(&crash_points_);
  }
  // The controller's coroutines run in the world's io_contexts: they go first, after the signal
  // set that lives in one.
  ~Run() {
    signals_.reset();
    world_.shutdown();
  }

  RunResult execute();

 private:
  world::WorldOptions world_options() const {
    world::WorldOptions world;
    world.seed = scenario_.seed;
    world.region = scenario_.world.region;
    world.account_id = scenario_.world.account_id;
    world.trace_sink = options_.trace ? options_.out : nullptr;
    return world;
  }
  void watch_signals();
  // Why the world stopped running on its own (a signal, a failed task), as a step failure.
  std::optional<net::Error> stopped() const;
  net::Result<void> check_kinds() const;
  net::Result<void> run_step(const Step& step);
  net::Result<void> expect(const Step& step);
  net::Result<void> wait_until(const Step& step);
  net::Result<void> expect_aws_calls(const Json& expected) const;
  net::Result<void> expect_kubernetes(const Json& checks);
  std::string describe_kubernetes() const;
  void report(const RunResult& result);
  net::Result<std::vector<Json>> load_manifest(const std::string& file) const;

  const Scenario& scenario_;
  const RunOptions& options_;
  std::ostream& out_;
  world::World world_;
  Manifests manifests_;
  ControllerPod controller_;
  CrashPoints crash_points_;
  std::optional<asio::signal_set> signals_;
  int interrupted_by_ = 0;
  std::size_t steps_passed_ = 0;
};

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
  if (world_.failure()) {
    return net::make_error("InternalError",
                           "a task in the simulated world failed: " + *world_.failure());
  }
  if (world_.interrupted()) {
    return net::make_error("Interrupted", std::string("interrupted by ") +
                                              (interrupted_by_ == SIGINT ? "SIGINT" : "SIGTERM"));
  }
  return std::nullopt;
}

net::Result<std::vector<Json>> Run::load_manifest(const std::string& file) const {
  const std::string path = file.starts_with("/") ? file : scenario_.directory + "/" + file;
  auto text = read_file(path);
  if (!text) return net::fail(text.error());
  return net::yaml_documents(*text, path);
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
                             " of virtual time; still pending: " + controller_.pending());
      }
      world_.trace().event("scenario.converged", {{"step", std::to_string(step.index)}});
      return {};
    }
    case Step::Kind::Advance:
      world_.run_for(step.duration);
      return {};
    case Step::Kind::Print:
      out_ << (step.what == "aws" ? describe_aws(world_.aws()) : describe_kubernetes());
      return {};
    case Step::Kind::Expect:
      return expect(step);
    case Step::Kind::Restart:
      return controller_.restart();
    case Step::Kind::Crash:
      crash_points_.arm(
          {step.crash.at, step.crash.nth,
           step.crash.after ? http::Interception::Crash::After : http::Interception::Crash::Before,
           step.crash.restart_after, step.index});
      return {};
  }
  return {};
}

// Runs virtual time until the step's expectation holds, checking it whenever the world has
// run what was ready; the last failed check says why it never held.
net::Result<void> Run::wait_until(const Step& step) {
  const auto started = world_.clock().now();
  std::string last;
  std::optional<net::Error> broken;  // not a failed check: a mistake in the scenario
  const bool held = world_.run_until(
      [&] {
        auto checked = expect(step);
        if (checked) return true;
        if (checked.error().code != "ExpectationFailed") {
          broken = checked.error();
          return true;
        }
        last = checked.error().message;
        return false;
      },
      step.duration);
  if (broken) return net::fail(*broken);
  if (!held) {
    // The world stops early when no timer is left at all; otherwise the budget ran out.
    const auto waited = world_.clock().now() - started;
    const std::string why = !world_.clock().next_deadline()
                                ? "nothing was left to happen after " +
                                      net::format_elapsed(waited) +
                                      " of virtual time, and the condition did not hold"
                                : "the condition did not hold within " +
                                      net::format_elapsed(step.duration) + " of virtual time";
    return net::fail("ConditionNotMet", why + "; last check: " + last);
  }
  world_.trace().event("scenario.condition_held", {{"step", std::to_string(step.index)}});
  return {};
}

net::Result<void> Run::expect(const Step& step) {
  if (step.expectation.contains("aws")) {
    const Json view = aws_view(world_.aws());
    const Json& patterns = step.expectation["aws"];
    for (auto it = patterns.begin(); it != patterns.end(); ++it) {
      if (!view.contains(it.key())) {
        return net::fail(
            "InvalidScenario",
            "expect.aws." + it.key() +
                ": unknown collection (load_balancers, target_groups, security_groups)");
      }
      if (auto matched = match_pattern(*it, view[it.key()], "aws." + it.key()); !matched)
        return matched;
    }
  }
  if (step.expectation.contains("aws_calls")) {
    if (auto counted = expect_aws_calls(step.expectation["aws_calls"]); !counted) return counted;
  }
  if (step.expectation.contains("kubernetes"))
    return expect_kubernetes(step.expectation["kubernetes"]);
  return {};
}

// AWS calls since the run began, by operation as the report lists them, and in total.
net::Result<void> Run::expect_aws_calls(const Json& expected) const {
  const auto& by_operation = world_.aws().calls_by_operation();
  for (auto it = expected.begin(); it != expected.end(); ++it) {
    std::size_t actual = 0;
    if (it.key() == "mutating") {
      actual = world_.aws().mutating_calls_total();
    } else if (it.key() == "total") {
      actual = world_.aws().calls_total();
    } else if (auto found = by_operation.find(it.key()); found != by_operation.end()) {
      actual = found->second.calls;
    }
    if (actual != it->get<std::size_t>()) {
      return net::fail("ExpectationFailed", "aws_calls." + it.key() + ": expected " +
                                                std::to_string(it->get<std::size_t>()) +
                                                " call(s), got " + std::to_string(actual));
    }
  }
  return {};
}

net::Result<void> Run::expect_kubernetes(const Json& checks) {
  if (!checks.is_array()) return net::fail("InvalidScenario", "expect.kubernetes: must be a list");
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const Json& check = checks[i];
    const std::string where = "kubernetes[" + std::to_string(i) + "]";
    const kube::ResourceType* type = manifests_.type_of_kind(check.value("kind", ""));
    if (type == nullptr)
      return net::fail("InvalidScenario",
                       where + ".kind: unknown kind \"" + check.value("kind", "") + "\"");
    const std::string ns = check.value("namespace", "");
    std::vector<Json> objects = world_.store().snapshot(*type, ns);
    if (check.contains("name")) {
      std::erase_if(objects, [&](const Json& object) {
        return k8s::name_of(object) != check.value("name", "");
      });
    }
    // `where` picks the objects the entry is about (an Ingress's events, say) by a pattern.
    if (check.contains("where")) {
      std::erase_if(objects, [&](const Json& object) {
        return !match_pattern(check["where"], object, where).has_value();
      });
    }
    const std::string label = where + " (" + type->kind + (ns.empty() ? "" : " in " + ns) +
                              (check.contains("name") ? " " + check.value("name", "") : "") +
                              (check.contains("where") ? " where " + check["where"].dump() : "") +
                              ")";
    if (check.value("absent", false)) {
      if (!objects.empty())
        return net::fail("ExpectationFailed",
                         label + ": expected absent, found " + std::to_string(objects.size()));
      continue;
    }
    if (check.contains("count") &&
        static_cast<long long>(objects.size()) != check.value("count", 0LL)) {
      return net::fail("ExpectationFailed",
                       label + ": expected " + std::to_string(check.value("count", 0LL)) +
                           " object(s), found " + std::to_string(objects.size()));
    }
    // A pattern over no objects would hold vacuously: without `count`, something must be there.
    if ((check.contains("name") || check.contains("where") || check.contains("match")) &&
        !check.contains("count") && objects.empty())
      return net::fail("ExpectationFailed", label + ": not found");
    if (check.contains("match")) {
      for (const Json& object : objects) {
        if (auto matched = match_pattern(check["match"], object, label); !matched) return matched;
      }
    }
  }
  return {};
}

std::string Run::describe_kubernetes() const {
  std::string text;
  kube::Store& store = const_cast<world::World&>(world_).store();
  for (const char* kind : {"Ingress", "TargetGroupBinding", "Service", "Pod"}) {
    const kube::ResourceType* type = manifests_.type_of_kind(kind);
    store.visit(*type, "", [&](const Json& object) {
      text +=
          "  " + std::string(kind) + " " + k8s::namespace_of(object) + "/" + k8s::name_of(object);
      const Json& spec = k8s::map_field(object, "spec");
      const Json& status = k8s::map_field(object, "status");
      if (std::string(kind) == "Ingress") {
        const Json& entries = k8s::list_field(k8s::map_field(status, "loadBalancer"), "ingress");
        text += "  address " +
                (entries.empty() ? std::string("<none>") : k8s::text_field(entries[0], "hostname"));
        std::string finalizers;
        for (const Json& finalizer : k8s::list_field(k8s::metadata_of(object), "finalizers"))
          finalizers += (finalizers.empty() ? "" : ",") + finalizer.get<std::string>();
        text += "  finalizers " + (finalizers.empty() ? std::string("<none>") : finalizers);
      } else if (std::string(kind) == "TargetGroupBinding") {
        const Json& service = k8s::map_field(spec, "serviceRef");
        text += "  service " + k8s::text_field(service, "name") + ":" +
                k8s::any_field(service, "port").dump() + "  " + k8s::text_field(spec, "targetType");
      } else if (std::string(kind) == "Pod") {
        text += "  " + k8s::text_field(status, "phase") + "  ip " +
                k8s::text_field(status, "podIP", "<none>");
      } else {
        text += "  " + k8s::text_field(spec, "clusterIP");
      }
      text += "\n";
    });
  }
  return text.empty() ? "  (no objects)\n" : text;
}

void Run::report(const RunResult& result) {
  out_ << "\n== scenario " << scenario_.name << ": " << (result.passed ? "passed" : "FAILED")
       << "\n";
  out_ << "   steps passed:  " << steps_passed_ << " of " << scenario_.steps.size() << "\n";
  if (!result.passed) out_ << "   failure:       " << result.failure << "\n";
  out_ << "   virtual time:  " << net::format_elapsed(world_.clock().elapsed()) << "\n";
  out_ << "   reconciles:    " << controller_.reconciles() << "\n";
  if (controller_.restarts() > 0) out_ << "   restarts:      " << controller_.restarts() << "\n";
  out_ << "   kube requests: " << world_.kube_transport().requests_sent() << "\n";
  out_ << "   AWS calls:     " << world_.aws().calls_total() << " ("
       << world_.aws().mutating_calls_total() << " mutating) by operation:\n";
  for (const auto& [operation, counts] : world_.aws().calls_by_operation()) {
    out_ << "     " << operation
         << std::string(operation.size() < 40 ? 40 - operation.size() : 1, ' ') << counts.calls;
    if (counts.errors > 0) out_ << "  (" << counts.errors << " errors)";
    out_ << "\n";
  }
}

// Kinds named by the steps exist, before anything runs.
net::Result<void> Run::check_kinds() const {
  for (const Step& step : scenario_.steps) {
    std::vector<std::pair<std::string, std::string>> kinds;  // field, kind
    if (step.kind == Step::Kind::Delete && step.inline_object.is_object()) {
      kinds.emplace_back("delete.kind", step.inline_object.value("kind", ""));
    }
    if (step.kind == Step::Kind::Patch) {
      kinds.emplace_back("patch.kind", step.inline_object.value("kind", ""));
    }
    const bool waits_until = step.kind == Step::Kind::Wait && step.what == "until";
    if ((step.kind == Step::Kind::Expect || waits_until) &&
        step.expectation.contains("kubernetes")) {
      const std::string prefix = waits_until ? "wait.until" : "expect";
      const Json& checks = step.expectation["kubernetes"];
      for (std::size_t i = 0; i < checks.size(); ++i) {
        kinds.emplace_back(prefix + ".kubernetes[" + std::to_string(i) + "].kind",
                           checks[i].value("kind", ""));
      }
    }
    // aws_calls name actions the fakes serve: a misspelt one would always count 0.
    const Json& calls = step.expectation.is_object() && step.expectation.contains("aws_calls")
                            ? step.expectation["aws_calls"]
                            : Json::object();
    for (auto it = calls.begin(); it != calls.end(); ++it) {
      const std::string& operation = it.key();
      const bool served =
          operation == "mutating" || operation == "total" ||
          (operation.starts_with("elbv2 ") && world_.aws().elbv2().knows(operation.substr(6))) ||
          (operation.starts_with("ec2 ") && world_.aws().ec2().knows(operation.substr(4)));
      if (!served) {
        const std::string at = step.kind == Step::Kind::Wait ? "wait.until" : "expect";
        return net::fail("InvalidScenario", "steps[" + std::to_string(step.index - 1) + "]." + at +
                                                ".aws_calls." + operation +
                                                ": not an action the fake AWS serves");
      }
    }
    if (step.kind == Step::Kind::Crash) {
      const std::string& call = step.crash.at;
      const bool served =
          call.starts_with("kube ") ||
          (call.starts_with("elbv2 ") && world_.aws().elbv2().knows(call.substr(6))) ||
          (call.starts_with("ec2 ") && world_.aws().ec2().knows(call.substr(4)));
      if (!served) {
        return net::fail("InvalidScenario", "steps[" + std::to_string(step.index - 1) +
                                                "].crash.at: " + call +
                                                " is not an action the fake AWS serves");
      }
    }
    for (const auto& [field, kind] : kinds) {
      if (manifests_.type_of_kind(kind) == nullptr) {
        return net::fail("InvalidScenario", "steps[" + std::to_string(step.index - 1) + "]." +
                                                field + ": unknown kind \"" + kind + "\"");
      }
    }
  }
  return {};
}

RunResult Run::execute() {
  RunResult result;
  if (auto kinds = check_kinds(); !kinds) {
    result.failure = "scenario " + scenario_.path + ": " + kinds.error().describe();
    result.bad_input = true;
    report(result);
    return result;
  }
  world_.trace().event("scenario.start",
                       {{"name", scenario_.name}, {"seed", std::to_string(scenario_.seed)}});
  auto setup = world::build_account(world_.aws(), world_.cluster(), world_.trace(),
                                    to_account_setup(scenario_.world));
  if (setup) setup = world::build_cluster(world_.store(), scenario_.world.ingress_classes);
  if (!setup) {
    result.failure = "scenario " + scenario_.path + ": " + setup.error().describe();
    result.bad_input = true;
    report(result);
    return result;
  }
  auto started = controller_.start();
  if (auto stop = stopped()) started = net::fail(*stop);
  if (!started) {
    result.failure = "scenario " + scenario_.path + ": " + started.error().describe();
    result.internal_error = started.error().code == "InternalError";
    result.interrupted_by = interrupted_by_;
    report(result);
    return result;
  }
  const auto steps_started = world_.clock().elapsed();
  const auto horizon_error = [] {
    return net::fail("InvalidScenario", "the run goes past the scenario horizon of " +
                                            std::to_string(kVirtualTimeHorizon.count()) +
                                            "h of virtual time");
  };
  for (const Step& step : scenario_.steps) {
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
    if (!done) {
      result.internal_error = done.error().code == "InternalError";
      result.interrupted_by = interrupted_by_;
      result.failure =
          "scenario " + scenario_.path + ": " + step.label() + ": " + done.error().describe();
      result.bad_input = done.error().code == "InvalidScenario" ||
                         done.error().code == "InvalidManifest" ||
                         done.error().code == "InvalidYaml" ||
                         done.error().code == "FileNotFound" || done.error().code == "FileTooLarge";
      world_.trace().event("scenario.failed", {{"step", std::to_string(step.index)},
                                               {"error", done.error().describe()}});
      report(result);
      result.trace_events = world_.trace().event_count();
      return result;
    }
    ++steps_passed_;
  }
  // A crash that never happened means the run did not exercise what the scenario says it does.
  if (!crash_points_.armed().empty()) {
    const CrashPoint& point = crash_points_.armed().front();
    const bool before = point.when == http::Interception::Crash::Before;
    result.failure = "scenario " + scenario_.path + ": step " + std::to_string(point.step) +
                     " (crash): the controller never reached its crash point (" +
                     (before ? "before" : "after") + " call " + std::to_string(point.nth) + " of " +
                     point.call + ") before the scenario ended";
    world_.trace().event("scenario.failed", {{"step", std::to_string(point.step)},
                                             {"error", "crash point never reached"}});
    report(result);
    result.trace_events = world_.trace().event_count();
    return result;
  }
  world_.trace().event("scenario.passed", {{"steps", std::to_string(steps_passed_)}});
  result.passed = true;
  result.trace_events = world_.trace().event_count();
  report(result);
  return result;
}

}  // namespace

RunResult run_scenario(const Scenario& scenario, const RunOptions& options) {
  Run run(scenario, options);
  return run.execute();
}

}  // namespace albc::sim::scenario
