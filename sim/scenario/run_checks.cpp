#include <limits>

#include "controller/k8s/fields.hpp"
#include "controller/net/yaml.hpp"
#include "sim/scenario/aws_view.hpp"
#include "sim/scenario/expectations.hpp"
#include "sim/scenario/run.hpp"

namespace albc::sim::scenario {

net::Result<std::vector<Json>> Run::load_manifest(const std::string& file) const {
  const std::string path = file.starts_with("/") ? file : scenario_.directory + "/" + file;
  auto text = read_file(path);
  if (!text) return net::fail(text.error());
  return net::yaml_documents(*text, path);
}

// Runs virtual time until the step's expectation holds, checking it whenever the world has
// run what was ready; the last failed check says why it never held.
net::Result<void> Run::wait_until(const Step& step) {
  const auto started = world_.clock().now();
  std::string last;
  std::optional<net::Error> broken;  // not a failed check: a mistake in the scenario
  invariants_.set_probing(true);
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
  invariants_.set_probing(false);
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
  if (step.expectation.contains("invariants")) {
    if (auto checked =
            invariants_.check(step.expectation["invariants"].get<std::vector<std::string>>());
        !checked)
      return checked;
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
    const Json& wanted = *it;
    const std::size_t least =
        wanted.is_object() ? wanted.value("at_least", std::size_t{0}) : wanted.get<std::size_t>();
    const std::size_t most = wanted.is_object()
                                 ? wanted.value("at_most", std::numeric_limits<std::size_t>::max())
                                 : wanted.get<std::size_t>();
    if (actual < least || actual > most) {
      const std::string range = !wanted.is_object()           ? std::to_string(least)
                                : !wanted.contains("at_most") ? "at least " + std::to_string(least)
                                : !wanted.contains("at_least")
                                    ? "at most " + std::to_string(most)
                                    : std::to_string(least) + " to " + std::to_string(most);
      return net::fail("ExpectationFailed", "aws_calls." + it.key() + ": expected " + range +
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

// Kinds named by the steps exist, before anything runs.
net::Result<void> Run::check_kinds() const {
  // One crash at every point: a second would count every site twice.
  std::size_t every_points = 0;
  for (const Step& step : scenario_.steps) {
    if (step.kind != Step::Kind::Crash || step.crash.at != kEveryCrashSite) continue;
    if (++every_points > 1) {
      return net::fail("InvalidScenario", "steps[" + std::to_string(step.index - 1) +
                                              "].crash.at: a scenario has at most one crash at "
                                              "every point");
    }
  }
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
      bool kube_served = false;
      if (call.starts_with("kube ")) {
        // "kube <verb> <resource>[/<subresource>]": a resource the fake API server serves.
        const std::string target = call.substr(call.rfind(' ') + 1);
        const std::string resource = target.substr(0, target.find('/'));
        const std::string subresource =
            target.find('/') == std::string::npos ? "" : target.substr(target.find('/') + 1);
        for (const kube::ResourceType& type : world_.store().registry().all()) {
          if (type.plural == resource && (subresource.empty() || subresource == "status" ||
                                          (subresource == "scale" && type.kind == "Deployment")))
            kube_served = true;
        }
      }
      const bool served =
          kube_served || call == kEveryCrashSite ||
          (call.starts_with("elbv2 ") && world_.aws().elbv2().knows(call.substr(6))) ||
          (call.starts_with("ec2 ") && world_.aws().ec2().knows(call.substr(4)));
      if (!served) {
        return net::fail("InvalidScenario", "steps[" + std::to_string(step.index - 1) +
                                                "].crash.at: " + call +
                                                " is not an action the fake AWS serves, nor a "
                                                "resource the fake API server serves");
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

}  // namespace albc::sim::scenario
