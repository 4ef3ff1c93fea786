#include "sim/scenario/scenario.hpp"

#include "sim/scenario/fields.hpp"

#include "controller/net/assert.hpp"
#include "controller/net/cidr.hpp"
#include "controller/net/numbers.hpp"
#include "controller/net/regex.hpp"
#include "controller/net/yaml.hpp"

namespace albc::sim::scenario {
namespace {

net::Result<WorldSpec> parse_world(const Json& world) {
  WorldSpec spec;
  if (world.is_null()) return spec;
  if (auto keys = only_keys(world,
                            {"region", "account_id", "vpc", "subnets", "security_groups",
                             "ingress_classes", "quotas"},
                            "world");
      !keys) {
    return net::fail(keys.error());
  }
  if (world.contains("quotas")) {
    auto quotas = parse_quotas(world["quotas"], "world.quotas");
    if (!quotas) return net::fail(quotas.error());
    spec.quotas = *quotas;
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
    if (auto keys = only_keys(vpc, {"name", "cidr", "secondary_cidrs"}, "world.vpc"); !keys)
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
    const Json secondary = vpc.value("secondary_cidrs", Json::array());
    if (!secondary.is_array() || secondary.size() > 4)
      return invalid("world.vpc.secondary_cidrs", "must be a list of at most 4 IPv4 blocks");
    for (std::size_t i = 0; i < secondary.size(); ++i) {
      const std::string field = "world.vpc.secondary_cidrs[" + std::to_string(i) + "]";
      const auto block = secondary[i].is_string() ? net::parse_cidr(secondary[i].get<std::string>())
                                                  : std::nullopt;
      if (!block || block->prefix < 16 || block->prefix > 28)
        return invalid(field, "must be an IPv4 block between /16 and /28");
      spec.vpc_secondary_cidrs.push_back(secondary[i].get<std::string>());
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
}  // namespace

namespace {

// invariants: {off: {no-leak: "why"}}: each invariant switched off names its reason.
net::Result<std::map<std::string, std::string>> parse_invariants(const Json& value) {
  if (auto keys = only_keys(value, {"off"}, "invariants"); !keys) return net::fail(keys.error());
  std::map<std::string, std::string> off;
  if (!value.contains("off")) return off;
  const Json& entries = value["off"];
  if (!entries.is_object() || entries.empty())
    return invalid("invariants.off", "must be a mapping of invariant name to the reason it is off");
  const auto& names = invariant_names();
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    const std::string field = "invariants.off." + it.key();
    if (std::find(names.begin(), names.end(), it.key()) == names.end()) {
      return invalid(field,
                     "unknown invariant (known: converged, no-leak, no-orphan, "
                     "targets-match-endpoints, within-quota, steady-state-no-writes)");
    }
    if (!it->is_string() || it->get<std::string>().empty())
      return invalid(field, "must give the reason the invariant is off, as text");
    off.emplace(it.key(), it->get<std::string>());
  }
  return off;
}

}  // namespace

namespace {

// The quotas a scenario may set, by name, and where each lives in the fake's quotas.
struct QuotaName {
  const char* name;
  std::size_t aws::Elbv2Quotas::*field;
};
constexpr QuotaName kQuotaNames[] = {
    {"load_balancers", &aws::Elbv2Quotas::load_balancers_max},
    {"target_groups", &aws::Elbv2Quotas::target_groups_max},
    {"listeners_per_load_balancer", &aws::Elbv2Quotas::listeners_per_load_balancer_max},
    {"rules_per_load_balancer", &aws::Elbv2Quotas::rules_per_load_balancer_max},
    {"targets_per_target_group", &aws::Elbv2Quotas::targets_per_target_group_max}};

std::size_t aws::Elbv2Quotas::*quota_field(const std::string& name) {
  for (const QuotaName& quota : kQuotaNames) {
    if (name == quota.name) return quota.field;
  }
  ALBC_ASSERT(false);  // names are checked when they are read
  return nullptr;
}

}  // namespace

net::Result<QuotaValues> parse_quotas(const Json& value, const std::string& field) {
  std::vector<std::string> names;
  for (const QuotaName& quota : kQuotaNames)
    names.push_back(quota.name);
  if (!value.is_object() || value.empty())
    return invalid(field, "must be a mapping of quota name to a whole number");
  if (auto keys = only_keys(value, names, field); !keys) return net::fail(keys.error());
  QuotaValues quotas;
  for (auto it = value.begin(); it != value.end(); ++it) {
    auto count = count_field(*it, 1'000'000, field + "." + it.key());
    if (!count) return net::fail(count.error());
    quotas[it.key()] = *count;
  }
  return quotas;
}

std::size_t quota_of(const aws::Elbv2Quotas& quotas, const std::string& name) {
  return quotas.*quota_field(name);
}

void apply_quotas(aws::Elbv2Quotas& quotas, const QuotaValues& values) {
  for (const auto& [name, value] : values)
    quotas.*quota_field(name) = value;
}

aws::Elbv2Quotas to_quotas(const WorldSpec& spec) {
  aws::Elbv2Quotas quotas;
  apply_quotas(quotas, spec.quotas);
  return quotas;
}

world::AccountSetup to_account_setup(const WorldSpec& spec) {
  world::AccountSetup setup;
  setup.vpc_name = spec.vpc_name;
  setup.vpc_cidr = spec.vpc_cidr;
  setup.vpc_secondary_cidrs = spec.vpc_secondary_cidrs;
  for (const SubnetSpec& subnet : spec.subnets)
    setup.subnets.push_back({subnet.name, subnet.zone, subnet.cidr, subnet.tags, subnet.nodes});
  for (const SecurityGroupSpec& group : spec.security_groups)
    setup.security_groups.emplace_back(group.name, group.description);
  return setup;
}

std::string Step::action() const {
  // A switch, so that a new kind without its name does not compile (-Wswitch).
  switch (kind) {
    case Kind::Apply:
      return "apply";
    case Kind::Delete:
      return "delete";
    case Kind::Wait:
      return "wait";
    case Kind::Expect:
      return "expect";
    case Kind::Print:
      return "print";
    case Kind::Advance:
      return "advance";
    case Kind::Patch:
      return "patch";
    case Kind::Scale:
      return "scale";
    case Kind::Restart:
      return "restart";
    case Kind::Crash:
      return "crash";
    case Kind::Fault:
      return "fault";
    case Kind::Churn:
      return "churn";
    case Kind::Node:
      return "node";
    case Kind::Quota:
      return "quota";
  }
  ALBC_ASSERT(false);
  return "";
}

std::string Step::label() const {
  return "step " + std::to_string(index) + " (" + action() + ")";
}

std::string Step::detail() const {
  if (!file.empty()) return file;
  if (kind == Kind::Fault) return fault.name;
  if (kind == Kind::Node) return what + " " + node + (zone.empty() ? "" : " in " + zone);
  if (kind == Kind::Quota) {
    std::string listed;
    for (const auto& [name, value] : quotas)
      listed += (listed.empty() ? "" : ", ") + name + " " + std::to_string(value);
    return listed;
  }
  if (kind == Kind::Crash)
    return std::string(crash.after ? "after" : "before") + " call " + std::to_string(crash.nth) +
           " of " + crash.at;
  if (inline_object.is_object() && inline_object.contains("kind")) {
    // {kind, namespace, name} of delete, patch and scale, or an inline manifest's metadata.
    const Json& metadata =
        inline_object.contains("metadata") && inline_object["metadata"].is_object()
            ? inline_object["metadata"]
            : inline_object;
    const Json ns = metadata.value("namespace", Json(""));
    const Json name = metadata.value("name", Json(""));
    const Json kind = inline_object.value("kind", Json(""));
    if (!ns.is_string() || !name.is_string() || !kind.is_string()) return "";
    return kind.get<std::string>() + " " +
           (ns.get<std::string>().empty() ? "" : ns.get<std::string>() + "/") +
           name.get<std::string>();
  }
  return what;
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
            document,
            {"name", "description", "seed", "world", "controller", "invariants", "faults", "steps"},
            "scenario");
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
    if (document.contains("invariants")) {
      auto off = parse_invariants(document["invariants"]);
      if (!off) return net::fail(off.error());
      scenario.invariants_off = *off;
    }
    if (document.contains("faults")) {
      const Json& faults = document["faults"];
      if (!faults.is_array()) return invalid("faults", "must be a list of faults");
      for (std::size_t i = 0; i < faults.size(); ++i) {
        auto fault = parse_fault(faults[i], "faults[" + std::to_string(i) + "]", false);
        if (!fault) return net::fail(fault.error());
        fault->position = i;
        scenario.faults.push_back(*fault);
      }
    }
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
      // A node joins the subnet of its zone: the world must have one there.
      const std::string zone = step->what == "add" ? step->node : step->zone;
      if (step->kind == Step::Kind::Node && !zone.empty() &&
          std::none_of(scenario.world.subnets.begin(), scenario.world.subnets.end(),
                       [&](const SubnetSpec& subnet) { return subnet.zone == zone; })) {
        return invalid("steps[" + std::to_string(i) + "].node." +
                           (step->what == "add" ? step->what : std::string("zone")),
                       "no subnet of world.subnets is in zone \"" + zone + "\"");
      }
      scenario.steps.push_back(*step);
    }
    // Quotas only go up (Service Quotas grants increases): a step below the quota in force then
    // is refused here, with its field.
    aws::Elbv2Quotas quotas = to_quotas(scenario.world);
    for (const Step& step : scenario.steps) {
      if (step.kind != Step::Kind::Quota) continue;
      for (const auto& [name, value] : step.quotas) {
        if (value < quota_of(quotas, name)) {
          return invalid("steps[" + std::to_string(step.index - 1) + "].quota." + name,
                         "is " + std::to_string(value) + ", lower than the quota in force then (" +
                             std::to_string(quota_of(quotas, name)) + "): quotas only go up");
        }
      }
      apply_quotas(quotas, step.quotas);
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
