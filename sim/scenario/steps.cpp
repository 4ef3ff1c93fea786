#include <set>

#include "controller/net/numbers.hpp"
#include "controller/net/regex.hpp"
#include "sim/scenario/fields.hpp"

namespace albc::sim::scenario {
namespace {

net::Result<void> check_patterns(const Json& pattern, const std::string& field) {
  if (pattern.is_string()) {
    const std::string& text = pattern.get_ref<const std::string&>();
    if (!text.starts_with("re:")) return {};
    auto regex = net::Regex::compile(std::string_view(text).substr(3));
    if (!regex) return invalid(field, regex.error().message);
    return {};
  }
  if (pattern.is_object() && pattern.contains("any_order")) {
    if (pattern.size() != 1 || !pattern["any_order"].is_array())
      return invalid(field + ".any_order", "must be the only key, with a list of patterns");
  }
  if (pattern.is_object()) {
    for (auto it = pattern.begin(); it != pattern.end(); ++it) {
      if (auto checked = check_patterns(*it, field + "." + it.key()); !checked) return checked;
    }
  } else if (pattern.is_array()) {
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (auto checked = check_patterns(pattern[i], field + "[" + std::to_string(i) + "]");
          !checked) {
        return checked;
      }
    }
  }
  return {};
}

net::Result<void> check_kubernetes_expectation(Json& entry, const std::string& field) {
  if (auto keys = only_keys(
          entry, {"kind", "namespace", "name", "where", "count", "absent", "match"}, field);
      !keys) {
    return keys;
  }
  for (const char* key : {"kind", "namespace", "name"}) {
    auto text = text_field(entry, key, field + "." + key, std::string(key) == "kind");
    if (!text) return net::fail(text.error());
    // A plain number (namespace: 2024) is read as its text, here and by the runner.
    if (entry.contains(key)) entry[key] = *text;
  }
  if (entry.contains("count") &&
      (!entry["count"].is_number_integer() || entry["count"].get<long long>() < 0)) {
    return invalid(field + ".count", "must be a non-negative integer");
  }
  if (entry.contains("absent") && !entry["absent"].is_boolean()) {
    return invalid(field + ".absent", "must be true or false");
  }
  for (const char* key : {"where", "match"}) {
    if (!entry.contains(key)) continue;
    if (!entry[key].is_object()) return invalid(field + "." + key, "must be a mapping");
    if (auto checked = check_patterns(entry[key], field + "." + key); !checked) return checked;
  }
  return {};
}

// The shape of an expect step, checked before the scenario runs: a mistake in step 20 must not
// wait for steps 1 to 19.
// invariants: all, or a list of names; kept as the list.
net::Result<void> check_invariants(Json& value, const std::string& field, bool waiting) {
  if (value == "all") {
    value = Json::array();
    for (const std::string& name : invariant_names()) {
      if (!waiting || !needs_resync(name)) value.push_back(name);
    }
    return {};
  }
  if (!value.is_array() || value.empty())
    return invalid(field, "must be all or a list of invariant names");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string at = field + "[" + std::to_string(i) + "]";
    const auto& names = invariant_names();
    if (!value[i].is_string() ||
        std::find(names.begin(), names.end(), value[i].get<std::string>()) == names.end()) {
      return invalid(at,
                     "must be one of converged, no-leak, no-orphan, targets-match-endpoints, "
                     "within-quota, steady-state-no-writes");
    }
    const std::string name = value[i].get<std::string>();
    if (!seen.insert(name).second) return invalid(at, name + " is named twice");
    if (waiting && needs_resync(name)) {
      return invalid(at, name +
                             " runs a resync of every group and cannot be waited for; use "
                             "wait: converged, then expect it");
    }
  }
  return {};
}

net::Result<void> check_expectation(Json& value, const std::string& field, bool waiting) {
  if (auto keys = only_keys(value, {"aws", "kubernetes", "aws_calls", "invariants"}, field); !keys)
    return keys;
  if (value.empty())
    return invalid(field, "expects nothing: give aws, kubernetes, aws_calls or invariants");
  if (value.contains("invariants")) {
    if (auto checked = check_invariants(value["invariants"], field + ".invariants", waiting);
        !checked)
      return checked;
  }
  if (value.contains("aws_calls")) {
    // {"elbv2 CreateLoadBalancer": 1, mutating: 5, total: 40}: counts since the run began.
    const Json& calls = value["aws_calls"];
    if (!calls.is_object() || calls.empty()) {
      return invalid(field + ".aws_calls", "must be a mapping of operation to count");
    }
    const auto count = [](const Json& value) {
      return value.is_number_unsigned() ||
             (value.is_number_integer() && value.get<long long>() >= 0);
    };
    for (auto it = calls.begin(); it != calls.end(); ++it) {
      const std::string at = field + ".aws_calls." + it.key();
      if (it->is_object()) {
        // {at_least: N, at_most: M}: a range, for counts that vary with the seed.
        if (auto keys = only_keys(*it, {"at_least", "at_most"}, at); !keys) return keys;
        if (it->empty()) return invalid(at, "must give at_least, at_most or both");
        for (const auto& [bound, limit] : it->items()) {
          if (!count(limit)) return invalid(at + "." + bound, "must be a non-negative integer");
        }
        if (it->contains("at_least") && it->contains("at_most") &&
            (*it)["at_least"].get<long long>() > (*it)["at_most"].get<long long>())
          return invalid(at, "at_least is more than at_most");
      } else if (!count(*it)) {
        return invalid(at, "must be a non-negative integer, or {at_least: N, at_most: M}");
      }
      const bool named = it.key().starts_with("elbv2 ") || it.key().starts_with("ec2 ");
      if (!named && it.key() != "mutating" && it.key() != "total") {
        return invalid(field + ".aws_calls." + it.key(),
                       "must be \"elbv2 <Action>\", \"ec2 <Action>\", mutating or total");
      }
    }
  }
  if (value.contains("aws")) {
    const Json& aws = value["aws"];
    if (auto keys =
            only_keys(aws, {"load_balancers", "target_groups", "security_groups"}, field + ".aws");
        !keys) {
      return keys;
    }
    if (auto checked = check_patterns(aws, field + ".aws"); !checked) return checked;
  }
  if (value.contains("kubernetes")) {
    Json& checks = value["kubernetes"];
    if (!checks.is_array()) return invalid(field + ".kubernetes", "must be a list");
    for (std::size_t i = 0; i < checks.size(); ++i) {
      auto checked =
          check_kubernetes_expectation(checks[i], field + ".kubernetes[" + std::to_string(i) + "]");
      if (!checked) return checked;
    }
  }
  return {};
}

// The object a patch or scale step names: {kind, namespace, name}, kept in step.inline_object.
net::Result<void> object_reference(const Json& value, const std::string& field, Step& step,
                                   bool name_required = true) {
  for (const char* key : {"kind", "namespace", "name"}) {
    const bool required =
        std::string(key) == "kind" || (name_required && std::string(key) == "name");
    auto text = text_field(value, key, field + "." + key, required);
    if (!text) return net::fail(text.error());
    if (value.contains(key)) step.inline_object[key] = *text;
  }
  return {};
}

// `delete: {kind, namespace, name}`, or `delete: {kind, namespace, selector, count}`: the
// objects whose labels include the selector's, `count` of them (all when it is absent), which
// ones drawn from the seed.
net::Result<void> parse_delete(const Json& value, const std::string& field, Step& step) {
  if (auto keys = only_keys(value, {"kind", "namespace", "name", "selector", "count"}, field);
      !keys) {
    return keys;
  }
  const bool by_selector = value.contains("selector");
  if (by_selector == value.contains("name")) {
    return invalid(field, "names one object (name) or picks by labels (selector), not both");
  }
  if (auto reference = object_reference(value, field, step, !by_selector); !reference) {
    return reference;
  }
  if (!by_selector) {
    if (value.contains("count")) return invalid(field + ".count", "goes with selector only");
    return {};
  }
  const Json& selector = value["selector"];
  if (!selector.is_object() || selector.empty()) {
    return invalid(field + ".selector", "must be a non-empty mapping of label to value");
  }
  for (auto it = selector.begin(); it != selector.end(); ++it) {
    if (!it->is_string())
      return invalid(field + ".selector." + it.key(), "must be a string (quote it)");
  }
  if (value.contains("count")) {
    auto count = count_field(value["count"], kDeleteCountMax, field + ".count");
    if (!count) return net::fail(count.error());
  }
  return {};
}

// `patch: {kind, namespace, name, type, patch}`, as `kubectl patch --type` takes it.
net::Result<void> parse_patch(const Json& value, const std::string& field, Step& step) {
  if (auto keys = only_keys(value, {"kind", "namespace", "name", "type", "patch"}, field); !keys)
    return net::fail(keys.error());
  step.kind = Step::Kind::Patch;
  if (auto reference = object_reference(value, field, step); !reference) return reference;
  auto type = text_field(value, "type", field + ".type", false, false);
  if (!type) return net::fail(type.error());
  if (type->empty() || *type == "strategic") {
    step.patch_type = kube::PatchType::Strategic;
  } else if (*type == "merge") {
    step.patch_type = kube::PatchType::Merge;
  } else if (*type == "json") {
    step.patch_type = kube::PatchType::Json;
  } else {
    return invalid(field + ".type",
                   "must be strategic (the default), merge or json, got \"" + *type + "\"");
  }
  if (!value.contains("patch")) return invalid(field + ".patch", "is required");
  step.patch = value["patch"];
  const bool json = step.patch_type == kube::PatchType::Json;
  if (json && !step.patch.is_array()) {
    return invalid(field + ".patch", "must be a list of operations for type json");
  }
  if (!json && !step.patch.is_object()) {
    return invalid(field + ".patch", "must be a mapping for type " + *type);
  }
  return {};
}

// `scale: {kind, namespace, name, replicas}`, as `kubectl scale --replicas` does.
net::Result<void> parse_scale(const Json& value, const std::string& field, Step& step) {
  if (auto keys = only_keys(value, {"kind", "namespace", "name", "replicas"}, field); !keys)
    return net::fail(keys.error());
  step.kind = Step::Kind::Scale;
  if (auto reference = object_reference(value, field, step); !reference) return reference;
  if (step.inline_object["kind"] != "Deployment" && step.inline_object["kind"] != "ReplicaSet") {
    return invalid(field + ".kind", "only a Deployment or a ReplicaSet can be scaled, got \"" +
                                        step.inline_object["kind"].get<std::string>() + "\"");
  }
  const Json& replicas = value.contains("replicas") ? value["replicas"] : Json();
  if (!replicas.is_number_integer() || replicas.get<long long>() < 0 ||
      replicas.get<long long>() > kReplicasMax) {
    return invalid(field + ".replicas",
                   "must be a whole number from 0 to " + std::to_string(kReplicasMax));
  }
  step.patch_type = kube::PatchType::Merge;
  step.patch = {{"spec", {{"replicas", replicas}}}};
  return {};
}

// crash: {at: "elbv2 CreateListener", call: 2, when: after, restart_after: 10s}
net::Result<void> parse_crash(const Json& value, const std::string& field, Step& step) {
  step.kind = Step::Kind::Crash;
  if (auto keys = only_keys(value, {"at", "call", "when", "restart_after"}, field); !keys)
    return keys;
  auto at = text_field(value, "at", field + ".at", true, false);
  if (!at) return net::fail(at.error());
  const std::string& call = *at;
  static const std::vector<std::string> kVerbs = {"create", "update", "patch", "delete",
                                                  "deletecollection"};
  const auto space = call.find(' ');
  const std::string service = call.substr(0, space);
  const std::string rest = space == std::string::npos ? "" : call.substr(space + 1);
  bool well_formed = call == "every" || (!rest.empty() && rest.find(' ') == std::string::npos &&
                                         (service == "elbv2" || service == "ec2"));
  if (service == "kube") {
    const auto second = rest.find(' ');
    const std::string verb = rest.substr(0, second);
    well_formed = second != std::string::npos && second + 1 < rest.size() &&
                  rest.find(' ', second + 1) == std::string::npos &&
                  std::find(kVerbs.begin(), kVerbs.end(), verb) != kVerbs.end();
  }
  if (!well_formed) {
    return invalid(field + ".at",
                   "must name an AWS action (\"elbv2 CreateListener\", \"ec2 "
                   "CreateSecurityGroup\"), a Kubernetes write (\"kube patch "
                   "ingresses/status\"; verbs create, update, patch, delete, deletecollection) "
                   "or every, got \"" +
                       call + "\"");
  }
  step.crash.at = call;
  if (call == "every" && value.contains("call")) {
    return invalid(field + ".call",
                   "a crash at every point takes its call from `albc sweep` (or `albc run "
                   "--crash-site N`), not from the file");
  }
  if (value.contains("call")) {
    auto nth = count_field(value["call"], kCrashCallMax, field + ".call");
    if (!nth) return net::fail(nth.error());
    step.crash.nth = *nth;
  }
  if (value.contains("when")) {
    const Json& when = value["when"];
    if (when != "before" && when != "after")
      return invalid(field + ".when", "must be before or after");
    step.crash.after = when == "after";
  }
  if (value.contains("restart_after")) {
    auto delay = duration_field(value["restart_after"], field + ".restart_after");
    if (!delay) return net::fail(delay.error());
    step.crash.restart_after = *delay;
  }
  return {};
}

// churn: {namespace, selector, for, kill_every, flap_every, flap_for, drain_every, drain_for}
net::Result<void> parse_churn(const Json& value, const std::string& field, Step& step) {
  step.kind = Step::Kind::Churn;
  if (auto keys = only_keys(value,
                            {"namespace", "selector", "for", "kill_every", "flap_every", "flap_for",
                             "drain_every", "drain_for"},
                            field);
      !keys)
    return keys;
  if (!value.contains("for")) return invalid(field + ".for", "is required (how long it lasts)");
  auto length = duration_field(value["for"], field + ".for");
  if (!length) return net::fail(length.error());
  step.churn.length = *length;
  for (const char* key : {"kill_every", "flap_every", "flap_for", "drain_every", "drain_for"}) {
    if (!value.contains(key)) continue;
    auto every = duration_field(value[key], field + "." + key);
    if (!every) return net::fail(every.error());
    if (*every < std::chrono::seconds(1)) return invalid(field + "." + key, "must be at least 1s");
    const std::string name = key;
    if (name == "kill_every") step.churn.kill_every = *every;
    if (name == "flap_every") step.churn.flap_every = *every;
    if (name == "flap_for") step.churn.flap_for = *every;
    if (name == "drain_every") step.churn.drain_every = *every;
    if (name == "drain_for") step.churn.drain_for = *every;
  }
  if (!step.churn.kill_every && !step.churn.flap_every && !step.churn.drain_every)
    return invalid(field, "needs kill_every, flap_every, drain_every or some of them");
  if (value.contains("flap_for") && !step.churn.flap_every)
    return invalid(field + ".flap_for", "needs flap_every");
  if (value.contains("drain_for") && !step.churn.drain_every)
    return invalid(field + ".drain_for", "needs drain_every");
  for (const auto& every : {step.churn.kill_every, step.churn.flap_every, step.churn.drain_every}) {
    if (every && step.churn.length <= *every)
      return invalid(field + ".for", "must be longer than kill_every, flap_every and drain_every");
  }
  // Pods are picked by namespace and labels; node drains pick among all nodes.
  const bool picks_pods = step.churn.kill_every || step.churn.flap_every;
  if (!picks_pods) {
    for (const char* key : {"namespace", "selector"}) {
      if (value.contains(key))
        return invalid(field + "." + key, "goes with kill_every or flap_every (drains pick nodes)");
    }
    return {};
  }
  auto ns = text_field(value, "namespace", field + ".namespace", true, false);
  if (!ns) return net::fail(ns.error());
  if (ns->empty()) return invalid(field + ".namespace", "must name the pods' namespace");
  step.churn.ns = *ns;
  if (!value.contains("selector") || !value["selector"].is_object() || value["selector"].empty())
    return invalid(field + ".selector", "must be a mapping of labels the pods have");
  for (auto it = value["selector"].begin(); it != value["selector"].end(); ++it) {
    if (!it->is_string())
      return invalid(field + ".selector." + it.key(), "must be a string (quote it)");
  }
  step.churn.selector = value["selector"];
  return {};
}

// node: {add: ZONE} | {cordon|uncordon|drain|remove: NAME or any, zone: ZONE}
net::Result<void> parse_node(const Json& value, const std::string& field, Step& step) {
  step.kind = Step::Kind::Node;
  static const std::vector<std::string> kNodeActions = {"add", "cordon", "uncordon", "drain",
                                                        "remove"};
  std::vector<std::string> keys = kNodeActions;
  keys.push_back("zone");
  if (!value.is_object())
    return invalid(field,
                   "must be a mapping: {add: ZONE} or {cordon|uncordon|drain|remove: "
                   "NAME or any, zone: ZONE}");
  if (auto checked = only_keys(value, keys, field); !checked) return checked;
  for (const std::string& action : kNodeActions) {
    if (!value.contains(action)) continue;
    if (!step.what.empty())
      return invalid(field, "must have one of add, cordon, uncordon, drain, remove, not two");
    step.what = action;
    auto target = text_field(value, action.c_str(), field + "." + action, true, false);
    if (!target) return net::fail(target.error());
    if (target->empty())
      return invalid(field + "." + action,
                     action == "add" ? "must name a zone" : "must name a node, or be any");
    step.node = *target;
  }
  if (step.what.empty())
    return invalid(field, "must have one of add, cordon, uncordon, drain, remove");
  if (value.contains("zone")) {
    if (step.what == "add" || step.node != "any")
      return invalid(field + ".zone", "narrows `any` only (add takes its zone as its value)");
    auto zone = text_field(value, "zone", field + ".zone", true, false);
    if (!zone) return net::fail(zone.error());
    if (zone->empty()) return invalid(field + ".zone", "must name a zone");
    step.zone = *zone;
  }
  return {};
}

}  // namespace

net::Result<Step> parse_step(const Json& entry, std::size_t index) {
  const std::string field = "steps[" + std::to_string(index - 1) + "]";
  Step step;
  step.index = index;
  if (!entry.is_object())
    return invalid(field,
                   "must be a mapping with one action (apply, delete, patch, scale, wait, expect, "
                   "print, advance, restart, crash, fault, churn, node, quota)");
  static const std::vector<std::string> kActions = {
      "apply",   "delete",  "patch", "scale", "wait",  "expect", "print",
      "advance", "restart", "crash", "fault", "churn", "node",   "quota"};
  std::vector<std::string> actions;
  for (auto it = entry.begin(); it != entry.end(); ++it) {
    if (std::find(kActions.begin(), kActions.end(), it.key()) != kActions.end()) {
      actions.push_back(it.key());
    } else if (it.key() != "timeout" && it.key() != "description") {
      return invalid(field + "." + it.key(),
                     "unknown field (a step has one of apply, delete, patch, scale, wait, "
                     "expect, print, advance, restart, crash, fault, churn, node, quota, plus "
                     "timeout and description)");
    }
  }
  if (actions.size() != 1)
    return invalid(field, "must have exactly one action, found " + std::to_string(actions.size()));
  const std::string& action = actions.front();
  const Json& value = entry[action];
  auto description = text_field(entry, "description", field + ".description", false, false);
  if (!description) return net::fail(description.error());
  step.description = *description;
  step.duration = std::chrono::minutes(10);
  if (entry.contains("timeout") && action != "wait") {
    return invalid(field + ".timeout", "goes with wait only (how long it may take)");
  }
  if (entry.contains("timeout")) {
    auto timeout = duration_field(entry["timeout"], field + ".timeout");
    if (!timeout) return net::fail(timeout.error());
    step.duration = *timeout;
  }
  if (action == "apply" || action == "delete") {
    step.kind = action == "apply" ? Step::Kind::Apply : Step::Kind::Delete;
    if (value.is_string()) {
      step.file = value.get<std::string>();
    } else if (value.is_object()) {
      step.inline_object = value;
      if (step.kind == Step::Kind::Delete) {
        if (auto parsed = parse_delete(value, field + ".delete", step); !parsed)
          return net::fail(parsed.error());
      }
    } else {
      return invalid(field + "." + action, "must be a manifest file name or a mapping");
    }
  } else if (action == "patch" || action == "scale") {
    auto parsed = action == "patch" ? parse_patch(value, field + ".patch", step)
                                    : parse_scale(value, field + ".scale", step);
    if (!parsed) return net::fail(parsed.error());
  } else if (action == "wait") {
    step.kind = Step::Kind::Wait;
    if (value.is_object()) {
      // wait: {until: {aws: ..., kubernetes: [...]}}: until an expectation holds.
      if (auto keys = only_keys(value, {"until"}, field + ".wait"); !keys)
        return net::fail(keys.error());
      if (!value.contains("until")) return invalid(field + ".wait.until", "is required");
      step.what = "until";
      step.expectation = value["until"];
      if (auto checked = check_expectation(step.expectation, field + ".wait.until", true); !checked)
        return net::fail(checked.error());
    } else if (value.is_string() && value.get<std::string>() == "converged") {
      step.what = "converged";
    } else {
      return invalid(field + ".wait",
                     "must be converged or {until: {aws: ..., kubernetes: [...]}}");
    }
  } else if (action == "expect") {
    step.kind = Step::Kind::Expect;
    step.expectation = value;
    if (auto checked = check_expectation(step.expectation, field + ".expect", false); !checked)
      return net::fail(checked.error());
  } else if (action == "restart") {
    step.kind = Step::Kind::Restart;
    if (value != "controller") return invalid(field + ".restart", "must be controller");
    step.what = "controller";
  } else if (action == "crash") {
    if (auto parsed = parse_crash(value, field + ".crash", step); !parsed)
      return net::fail(parsed.error());
  } else if (action == "churn") {
    if (auto parsed = parse_churn(value, field + ".churn", step); !parsed)
      return net::fail(parsed.error());
  } else if (action == "quota") {
    step.kind = Step::Kind::Quota;
    auto quotas = parse_quotas(value, field + ".quota");
    if (!quotas) return net::fail(quotas.error());
    step.quotas = *quotas;
  } else if (action == "node") {
    if (auto parsed = parse_node(value, field + ".node", step); !parsed)
      return net::fail(parsed.error());
  } else if (action == "fault") {
    step.kind = Step::Kind::Fault;
    auto fault = parse_fault(value, field + ".fault", true);
    if (!fault) return net::fail(fault.error());
    step.fault = *fault;
    step.fault.step = index;
  } else if (action == "print") {
    step.kind = Step::Kind::Print;
    if (!value.is_string() || (value != "aws" && value != "kubernetes"))
      return invalid(field + ".print", "must be aws or kubernetes");
    step.what = value.get<std::string>();
  } else {
    step.kind = Step::Kind::Advance;
    auto duration = duration_field(value, field + ".advance");
    if (!duration) return net::fail(duration.error());
    step.duration = *duration;
  }
  return step;
}

}  // namespace albc::sim::scenario
