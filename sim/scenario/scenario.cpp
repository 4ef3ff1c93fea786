#include "sim/scenario/scenario.hpp"

#include "controller/net/cidr.hpp"
#include "controller/net/numbers.hpp"
#include "controller/net/regex.hpp"
#include "controller/net/yaml.hpp"

namespace albc::sim::scenario {
namespace {

net::Unexpected<net::Error> invalid(const std::string& field, const std::string& message) {
  return net::fail("InvalidScenario", field + ": " + message);
}

// A text field. Plain YAML numbers are read as their text (an unquoted account_id is an
// integer to YAML) unless `numbers_as_text` is off.
net::Result<std::string> text_field(const Json& object, const std::string& key,
                                    const std::string& field, bool required,
                                    bool numbers_as_text = true) {
  if (!object.contains(key)) {
    if (required) return invalid(field, "is required");
    return std::string();
  }
  const Json& value = object[key];
  if (value.is_string()) return value.get<std::string>();
  if (numbers_as_text && value.is_number_integer()) {
    return std::to_string(value.get<long long>());
  }
  return invalid(field, "must be a string (quote it)");
}

net::Result<void> only_keys(const Json& object, const std::vector<std::string>& allowed,
                            const std::string& field) {
  if (!object.is_object()) return invalid(field, "must be a mapping");
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
      std::string known;
      for (const std::string& key : allowed)
        known += (known.empty() ? "" : ", ") + key;
      return invalid(field + "." + it.key(), "unknown field (known: " + known + ")");
    }
  }
  return {};
}

// A duration field: text such as 90s or 1h30m, no longer than the scenario horizon.
net::Result<std::chrono::milliseconds> duration_field(const Json& value, const std::string& field) {
  const auto duration = value.is_string() ? parse_duration(value.get<std::string>()) : std::nullopt;
  if (!duration) return invalid(field, "must be a duration such as 90s or 5m");
  if (*duration > kVirtualTimeHorizon) {
    return invalid(field, value.get<std::string>() + " is longer than the scenario horizon of " +
                              std::to_string(kVirtualTimeHorizon.count()) + "h");
  }
  return *duration;
}

net::Result<WorldSpec> parse_world(const Json& world) {
  WorldSpec spec;
  if (world.is_null()) return spec;
  if (auto keys = only_keys(
          world, {"region", "account_id", "vpc", "subnets", "security_groups", "ingress_classes"},
          "world");
      !keys) {
    return net::fail(keys.error());
  }
  if (auto region = text_field(world, "region", "world.region", false); !region)
    return net::fail(region.error());
  else if (!region->empty())
    spec.region = *region;
  if (auto account = text_field(world, "account_id", "world.account_id", false); !account)
    return net::fail(account.error());
  else if (!account->empty())
    spec.account_id = *account;
  if (spec.account_id.size() != 12 ||
      spec.account_id.find_first_not_of("0123456789") != std::string::npos) {
    return invalid("world.account_id", "must be 12 digits, got \"" + spec.account_id + "\"");
  }
  if (world.contains("vpc")) {
    const Json& vpc = world["vpc"];
    if (auto keys = only_keys(vpc, {"name", "cidr"}, "world.vpc"); !keys)
      return net::fail(keys.error());
    if (auto name = text_field(vpc, "name", "world.vpc.name", true); !name)
      return net::fail(name.error());
    else
      spec.vpc_name = *name;
    if (auto cidr = text_field(vpc, "cidr", "world.vpc.cidr", true); !cidr)
      return net::fail(cidr.error());
    else
      spec.vpc_cidr = *cidr;
    const auto block = net::parse_cidr(spec.vpc_cidr);
    if (!block || block->prefix < 16 || block->prefix > 28) {
      return invalid("world.vpc.cidr",
                     "\"" + spec.vpc_cidr + "\" is not an IPv4 block between /16 and /28");
    }
  }
  const Json subnets = world.value("subnets", Json::array());
  if (!subnets.is_array()) return invalid("world.subnets", "must be a list");
  for (std::size_t i = 0; i < subnets.size(); ++i) {
    const std::string field = "world.subnets[" + std::to_string(i) + "]";
    if (auto keys = only_keys(subnets[i], {"name", "zone", "cidr", "tags", "nodes"}, field); !keys)
      return net::fail(keys.error());
    SubnetSpec subnet;
    auto name = text_field(subnets[i], "name", field + ".name", true);
    if (!name) return net::fail(name.error());
    subnet.name = *name;
    auto zone = text_field(subnets[i], "zone", field + ".zone", true);
    if (!zone) return net::fail(zone.error());
    subnet.zone = *zone;
    if (!subnet.zone.starts_with(spec.region) || subnet.zone.size() != spec.region.size() + 1) {
      return invalid(field + ".zone",
                     "\"" + subnet.zone + "\" is not a zone of region " + spec.region);
    }
    auto cidr = text_field(subnets[i], "cidr", field + ".cidr", true);
    if (!cidr) return net::fail(cidr.error());
    subnet.cidr = *cidr;
    if (!net::parse_cidr(subnet.cidr))
      return invalid(field + ".cidr", "\"" + subnet.cidr + "\" is not an IPv4 CIDR block");
    const Json tags = subnets[i].value("tags", Json::object());
    if (!tags.is_object()) return invalid(field + ".tags", "must be a mapping of strings");
    for (auto it = tags.begin(); it != tags.end(); ++it) {
      if (!it->is_string())
        return invalid(field + ".tags." + it.key(), "must be a string (quote it)");
      subnet.tags[it.key()] = it->get<std::string>();
    }
    if (subnets[i].contains("nodes")) {
      const Json& nodes = subnets[i]["nodes"];
      if (!nodes.is_number_integer() || nodes.get<long long>() < 0 ||
          nodes.get<long long>() > 100) {
        return invalid(field + ".nodes", "must be an integer between 0 and 100");
      }
      subnet.nodes = subnets[i]["nodes"].get<int>();
    }
    spec.subnets.push_back(subnet);
  }
  const Json groups = world.value("security_groups", Json::array());
  if (!groups.is_array()) return invalid("world.security_groups", "must be a list");
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const std::string field = "world.security_groups[" + std::to_string(i) + "]";
    if (auto keys = only_keys(groups[i], {"name", "description"}, field); !keys)
      return net::fail(keys.error());
    auto name = text_field(groups[i], "name", field + ".name", true);
    if (!name) return net::fail(name.error());
    auto description = text_field(groups[i], "description", field + ".description", false);
    if (!description) return net::fail(description.error());
    spec.security_groups.push_back({*name, description->empty() ? *name : *description});
  }
  if (world.contains("ingress_classes")) {
    spec.ingress_classes.clear();
    if (!world["ingress_classes"].is_array())
      return invalid("world.ingress_classes", "must be a list of names");
    for (const Json& name : world["ingress_classes"]) {
      if (!name.is_string()) return invalid("world.ingress_classes", "must be a list of names");
      spec.ingress_classes.push_back(name.get<std::string>());
    }
  }
  return spec;
}

net::Result<ControllerSpec> parse_controller(const Json& controller) {
  ControllerSpec spec;
  if (controller.is_null()) return spec;
  if (auto keys = only_keys(
          controller, {"cluster_name", "default_scheme", "default_target_type", "ingress_class"},
          "controller");
      !keys) {
    return net::fail(keys.error());
  }
  struct Field {
    const char* key;
    std::string* target;
  };
  for (const Field& field :
       {Field{"cluster_name", &spec.cluster_name}, Field{"default_scheme", &spec.default_scheme},
        Field{"default_target_type", &spec.default_target_type},
        Field{"ingress_class", &spec.ingress_class}}) {
    auto value = text_field(controller, field.key, std::string("controller.") + field.key, false);
    if (!value) return net::fail(value.error());
    if (!value->empty()) *field.target = *value;
  }
  if (spec.default_scheme != "internal" && spec.default_scheme != "internet-facing") {
    return invalid("controller.default_scheme",
                   "invalid value " + spec.default_scheme + " for default scheme");
  }
  if (spec.default_target_type != "instance" && spec.default_target_type != "ip") {
    return invalid("controller.default_target_type",
                   "invalid value " + spec.default_target_type + " for default target type");
  }
  return spec;
}

// Every `re:` in a pattern compiles.
net::Result<void> check_patterns(const Json& pattern, const std::string& field) {
  if (pattern.is_string()) {
    const std::string& text = pattern.get_ref<const std::string&>();
    if (!text.starts_with("re:")) return {};
    auto regex = net::Regex::compile(std::string_view(text).substr(3));
    if (!regex) return invalid(field, regex.error().message);
    return {};
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
net::Result<void> check_expectation(Json& value, const std::string& field) {
  if (auto keys = only_keys(value, {"aws", "kubernetes", "aws_calls"}, field); !keys) return keys;
  if (value.empty()) return invalid(field, "expects nothing: give aws, kubernetes or aws_calls");
  if (value.contains("aws_calls")) {
    // {"elbv2 CreateLoadBalancer": 1, mutating: 5, total: 40}: counts since the run began.
    const Json& calls = value["aws_calls"];
    if (!calls.is_object() || calls.empty()) {
      return invalid(field + ".aws_calls", "must be a mapping of operation to count");
    }
    for (auto it = calls.begin(); it != calls.end(); ++it) {
      if (!it->is_number_unsigned() && (!it->is_number_integer() || it->get<long long>() < 0)) {
        return invalid(field + ".aws_calls." + it.key(), "must be a non-negative integer");
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
    const Json& count = value["count"];
    // Read as unsigned first: a huge number must not wrap into a small or negative one.
    const bool in_range =
        count.is_number_unsigned()
            ? count.get<std::uint64_t>() >= 1 && count.get<std::uint64_t>() <= kDeleteCountMax
            : count.is_number_integer() && count.get<long long>() >= 1 &&
                  count.get<long long>() <= static_cast<long long>(kDeleteCountMax);
    if (!in_range) {
      return invalid(field + ".count",
                     "must be a whole number from 1 to " + std::to_string(kDeleteCountMax));
    }
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
  if (step.inline_object["kind"] != "Deployment") {
    return invalid(field + ".kind", "only a Deployment can be scaled, got \"" +
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

net::Result<Step> parse_step(const Json& entry, std::size_t index) {
  const std::string field = "steps[" + std::to_string(index - 1) + "]";
  Step step;
  step.index = index;
  if (!entry.is_object())
    return invalid(field,
                   "must be a mapping with one action (apply, delete, patch, scale, wait, expect, "
                   "print, advance)");
  static const std::vector<std::string> kActions = {"apply", "delete", "patch", "scale",
                                                    "wait",  "expect", "print", "advance"};
  std::vector<std::string> actions;
  for (auto it = entry.begin(); it != entry.end(); ++it) {
    if (std::find(kActions.begin(), kActions.end(), it.key()) != kActions.end()) {
      actions.push_back(it.key());
    } else if (it.key() != "timeout" && it.key() != "description") {
      return invalid(field + "." + it.key(),
                     "unknown field (a step has one of apply, delete, patch, scale, wait, "
                     "expect, print, advance, plus timeout and description)");
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
      if (auto checked = check_expectation(step.expectation, field + ".wait.until"); !checked)
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
    if (auto checked = check_expectation(step.expectation, field + ".expect"); !checked)
      return net::fail(checked.error());
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

}  // namespace

world::AccountSetup to_account_setup(const WorldSpec& spec) {
  world::AccountSetup setup;
  setup.vpc_name = spec.vpc_name;
  setup.vpc_cidr = spec.vpc_cidr;
  for (const SubnetSpec& subnet : spec.subnets)
    setup.subnets.push_back({subnet.name, subnet.zone, subnet.cidr, subnet.tags, subnet.nodes});
  for (const SecurityGroupSpec& group : spec.security_groups)
    setup.security_groups.emplace_back(group.name, group.description);
  return setup;
}

std::string Step::label() const {
  static const char* kNames[] = {"apply", "delete",  "wait",  "expect",
                                 "print", "advance", "patch", "scale"};
  return "step " + std::to_string(index) + " (" + kNames[static_cast<int>(kind)] + ")";
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::chrono::milliseconds total{0};
  while (!text.empty()) {
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
      ++digits;
    // Nine digits of hours still fit in milliseconds (and in the clock's nanoseconds once the
    // horizon has been checked), so the sum below cannot overflow.
    if (digits == 0 || digits > 9) return std::nullopt;
    const long long value = *net::parse_integer<long long>(text.substr(0, digits));
    // Past the horizon the sum stops growing: any number of parts stays far from overflow,
    // and the caller refuses it as longer than the horizon.
    if (total > kVirtualTimeHorizon) return total;
    text.remove_prefix(digits);
    if (text.starts_with("ms")) {
      total += std::chrono::milliseconds(value);
      text.remove_prefix(2);
    } else if (text.starts_with("s")) {
      total += std::chrono::seconds(value);
      text.remove_prefix(1);
    } else if (text.starts_with("m")) {
      total += std::chrono::minutes(value);
      text.remove_prefix(1);
    } else if (text.starts_with("h")) {
      total += std::chrono::hours(value);
      text.remove_prefix(1);
    } else {
      return std::nullopt;
    }
  }
  return total;
}

net::Result<Scenario> parse_scenario(const Json& document, const std::string& path) {
  Scenario scenario;
  scenario.path = path;
  const auto slash = path.rfind('/');
  scenario.directory = slash == std::string::npos ? "." : path.substr(0, slash);
  auto parsed = [&]() -> net::Result<void> {
    if (auto keys = only_keys(
            document, {"name", "description", "seed", "world", "controller", "steps"}, "scenario");
        !keys) {
      return keys;
    }
    auto name = text_field(document, "name", "name", true);
    if (!name) return net::fail(name.error());
    scenario.name = *name;
    auto description = text_field(document, "description", "description", false, false);
    if (!description) return net::fail(description.error());
    scenario.description = *description;
    if (document.contains("seed")) {
      const Json& seed = document["seed"];
      if (seed.is_number_unsigned()) {
        scenario.seed = seed.get<std::uint64_t>();
      } else if (seed.is_number_integer() && seed.get<long long>() >= 0) {
        scenario.seed = static_cast<std::uint64_t>(seed.get<long long>());
      } else {
        return invalid("seed", "must be a non-negative integer");
      }
    }
    auto world = parse_world(document.value("world", Json()));
    if (!world) return net::fail(world.error());
    scenario.world = *world;
    auto controller = parse_controller(document.value("controller", Json()));
    if (!controller) return net::fail(controller.error());
    scenario.controller = *controller;
    if (!document.contains("steps") || !document["steps"].is_array() || document["steps"].empty()) {
      return invalid("steps", "must be a non-empty list");
    }
    if (document["steps"].size() > kStepsMax) {
      return invalid("steps", "has " + std::to_string(document["steps"].size()) +
                                  " steps, more than the limit of " + std::to_string(kStepsMax));
    }
    for (std::size_t i = 0; i < document["steps"].size(); ++i) {
      auto step = parse_step(document["steps"][i], i + 1);
      if (!step) return net::fail(step.error());
      scenario.steps.push_back(*step);
    }
    return {};
  }();
  if (!parsed) return net::fail(net::with_context(parsed.error(), "scenario " + path));
  return scenario;
}

net::Result<Scenario> load_scenario(const std::string& path) {
  auto text = read_file(path);
  if (!text) return net::fail(text.error());
  auto document = net::yaml_to_json(*text, path);
  if (!document) return net::fail(document.error());
  if (!document->is_object())
    return net::fail("InvalidScenario", "scenario " + path + ": the file must hold a mapping");
  return parse_scenario(*document, path);
}

}  // namespace albc::sim::scenario
