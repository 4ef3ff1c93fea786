#include "sim/scenario/fault_spec.hpp"

#include "controller/net/glob.hpp"

#include <algorithm>
#include <cmath>

#include "sim/scenario/fields.hpp"

namespace albc::sim::scenario {
namespace {

using Kind = FaultSpec::Kind;

struct KindInfo {
  const char* name;
  Kind kind;
  std::vector<std::string> fields;
};

const std::vector<KindInfo>& kinds() {
  static const std::vector<KindInfo> kKinds = {
      {"aws_throttle", Kind::AwsThrottle, {"operations", "rate", "burst"}},
      {"aws_error", Kind::AwsError, {"operations", "code", "probability", "budget"}},
      {"aws_latency", Kind::AwsLatency, {"operations", "min", "max", "probability", "budget"}},
      {"aws_eventual_consistency",
       Kind::AwsEventualConsistency,
       {"operations", "min", "max", "probability", "budget"}},
      {"kube_error", Kind::KubeError, {"operations", "status", "probability", "budget"}},
      {"kube_throttle", Kind::KubeThrottle, {"operations", "rate", "burst", "retry_after"}},
      {"kube_outage", Kind::KubeOutage, {"operations"}},
      {"kube_watch_drop", Kind::KubeWatchDrop, {}},
      {"kube_gone", Kind::KubeGone, {"operations", "probability", "budget"}},
  };
  return kKinds;
}

std::string kind_list() {
  std::string text;
  for (const KindInfo& info : kinds())
    text += (text.empty() ? "" : ", ") + std::string(info.name);
  return text;
}

net::Result<double> positive_number(const Json& value, const std::string& field, double least) {
  if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() < least ||
      value.get<double>() > 1e9) {
    return invalid(field, "must be a number from " + std::to_string(static_cast<int>(least)) +
                              " to 1000000000");
  }
  return value.get<double>();
}

net::Result<void> parse_fields(const Json& body, const std::string& field, const KindInfo& info,
                               FaultSpec& spec) {
  if (info.fields.empty() && !body.empty())
    return invalid(field + "." + body.begin().key(),
                   "unknown field (" + std::string(info.name) + " has no fields)");
  if (auto keys = only_keys(body, info.fields, field); !keys) return keys;
  const bool aws = info.name[0] == 'a';
  if (body.contains("operations")) {
    const Json& operations = body["operations"];
    if (!operations.is_array() || operations.empty())
      return invalid(field + ".operations", "must be a non-empty list of call names");
    for (std::size_t i = 0; i < operations.size(); ++i) {
      const std::string at = field + ".operations[" + std::to_string(i) + "]";
      if (!operations[i].is_string()) return invalid(at, "must be text");
      const std::string pattern = operations[i].get<std::string>();
      const bool fits =
          pattern == "*" || (aws ? pattern.starts_with("elbv2 ") || pattern.starts_with("ec2 ")
                                 : pattern.starts_with("kube "));
      if (!fits) {
        return invalid(at, std::string("must be * or a call name pattern such as ") +
                               (aws ? "\"elbv2 Describe*\" or \"ec2 *\""
                                    : "\"kube patch ingresses/status\" or \"kube * pods\""));
      }
      // Patterns must be able to match what the kind answers.
      const std::string verb =
          aws || pattern == "*" ? "" : pattern.substr(5, pattern.find(' ', 5) - 5);
      const bool writes = verb == "*" || verb == "create" || verb == "update" || verb == "patch" ||
                          verb == "delete" || verb == "deletecollection";
      if (info.kind == Kind::KubeError && !verb.empty() && !writes)
        return invalid(at,
                       "kube_error answers writes: the verb must be create, update, patch, "
                       "delete, deletecollection or *");
      if (info.kind == Kind::KubeGone && !verb.empty() && verb != "watch" && verb != "list" &&
          verb != "*")
        return invalid(at,
                       "kube_gone answers watches and the later pages of lists: the verb must be "
                       "watch, list or *");
      if (info.kind == Kind::AwsEventualConsistency) {
        static const std::vector<std::string> kConsulted = {
            "elbv2 CreateLoadBalancer", "elbv2 CreateTargetGroup", "elbv2 CreateListener",
            "elbv2 CreateRule",         "elbv2 AddTags",           "elbv2 RemoveTags"};
        if (std::none_of(kConsulted.begin(), kConsulted.end(),
                         [&](const std::string& call) { return net::glob_match(pattern, call); }))
          return invalid(at,
                         "aws_eventual_consistency applies to elbv2 CreateLoadBalancer, "
                         "CreateTargetGroup, CreateListener, CreateRule, AddTags and RemoveTags; "
                         "\"" +
                             pattern + "\" matches none of them");
      }
      spec.operations.push_back(pattern);
    }
  }
  if (info.kind == Kind::AwsThrottle || info.kind == Kind::KubeThrottle) {
    if (!body.contains("rate")) return invalid(field + ".rate", "is required (calls per second)");
    auto rate = positive_number(body["rate"], field + ".rate", 0);
    if (!rate) return net::fail(rate.error());
    if (*rate <= 0) return invalid(field + ".rate", "must be more than 0");
    spec.rate = *rate;
    spec.burst = std::max(1.0, std::floor(spec.rate));
    if (body.contains("burst")) {
      auto burst = positive_number(body["burst"], field + ".burst", 1);
      if (!burst) return net::fail(burst.error());
      spec.burst = *burst;
    }
  }
  if (body.contains("probability")) {
    const Json& probability = body["probability"];
    if (!probability.is_number() || probability.get<double>() <= 0 || probability.get<double>() > 1)
      return invalid(field + ".probability", "must be a number above 0 and at most 1");
    spec.probability_ppm =
        static_cast<std::uint64_t>(std::llround(probability.get<double>() * 1e6));
    if (spec.probability_ppm == 0) spec.probability_ppm = 1;
  }
  if (body.contains("budget")) {
    auto budget = count_field(body["budget"], 1'000'000'000, field + ".budget");
    if (!budget) return net::fail(budget.error());
    spec.budget = *budget;
  }
  if (info.kind == Kind::AwsError) {
    spec.code = "InternalFailure";
    if (body.contains("code")) {
      if (body["code"] != "InternalFailure" && body["code"] != "ServiceUnavailable")
        return invalid(field + ".code", "must be InternalFailure or ServiceUnavailable");
      spec.code = body["code"].get<std::string>();
    }
  }
  if (info.kind == Kind::KubeError && body.contains("status")) {
    const Json& status = body["status"];
    if (status != 409 && status != 500 && status != 503)
      return invalid(field + ".status", "must be 409, 500 or 503");
    spec.status = status.get<int>();
  }
  if (info.kind == Kind::AwsLatency || info.kind == Kind::AwsEventualConsistency) {
    for (const char* key : {"min", "max"}) {
      if (!body.contains(key)) return invalid(field + "." + key, "is required (a duration)");
      auto duration = duration_field(body[key], field + "." + key);
      if (!duration) return net::fail(duration.error());
      (std::string(key) == "min" ? spec.min : spec.max) = *duration;
    }
    if (spec.max < spec.min) return invalid(field + ".max", "must not be less than min");
  }
  if (body.contains("retry_after")) {
    auto duration = duration_field(body["retry_after"], field + ".retry_after");
    if (!duration) return net::fail(duration.error());
    if (*duration < std::chrono::seconds(1) || duration->count() % 1000 != 0)
      return invalid(field + ".retry_after",
                     "must be a whole number of seconds, at least 1s (Retry-After counts seconds)");
    spec.retry_after = *duration;
  }
  return {};
}

}  // namespace

net::Result<FaultSpec> parse_fault(const Json& entry, const std::string& field, bool in_step) {
  if (!entry.is_object())
    return invalid(field, "must be a mapping with one fault kind (" + kind_list() + ")");
  FaultSpec spec;
  const KindInfo* found = nullptr;
  for (auto it = entry.begin(); it != entry.end(); ++it) {
    if (it.key() == "for" || (!in_step && it.key() == "from")) continue;
    auto info = std::find_if(kinds().begin(), kinds().end(),
                             [&](const KindInfo& candidate) { return it.key() == candidate.name; });
    if (info == kinds().end()) {
      return invalid(field + "." + it.key(), std::string("unknown field (a fault has one kind: ") +
                                                 kind_list() + "; plus for" +
                                                 (in_step ? "" : " and from") + ")");
    }
    if (found != nullptr)
      return invalid(field, "has two fault kinds, " + std::string(found->name) + " and " +
                                info->name + ": give each its own entry");
    found = &*info;
  }
  if (found == nullptr) return invalid(field, "must name one fault kind (" + kind_list() + ")");
  spec.kind = found->kind;
  spec.name = found->name;
  const Json& body = entry[found->name];
  const std::string at = field + "." + found->name;
  if (!body.is_null() && !body.is_object()) return invalid(at, "must be a mapping (or {})");
  if (body.is_object()) {
    if (auto parsed = parse_fields(body, at, *found, spec); !parsed)
      return net::fail(parsed.error());
  } else if (spec.kind == Kind::AwsThrottle || spec.kind == Kind::KubeThrottle ||
             spec.kind == Kind::AwsLatency || spec.kind == Kind::AwsEventualConsistency) {
    return invalid(at, "must be a mapping with its fields");
  }
  if (entry.contains("for")) {
    if (spec.kind == Kind::KubeWatchDrop)
      return invalid(field + ".for", "kube_watch_drop happens once, now: it has no duration");
    auto length = duration_field(entry["for"], field + ".for");
    if (!length) return net::fail(length.error());
    if (length->count() == 0) return invalid(field + ".for", "must be longer than 0s");
    spec.length = *length;
  }
  if (entry.contains("from")) {
    auto from = duration_field(entry["from"], field + ".from");
    if (!from) return net::fail(from.error());
    spec.from = *from;
  }
  if (spec.kind == Kind::KubeWatchDrop && !in_step)
    return invalid(field + ".kube_watch_drop", "happens once: use it as a step (fault: ...)");
  return spec;
}

}  // namespace albc::sim::scenario
