#include "sim/scenario/faults.hpp"

#include <algorithm>

#include "controller/net/glob.hpp"
#include "controller/net/json.hpp"
#include "sim/http/call_name.hpp"
#include "sim/kube/status_error.hpp"

namespace albc::sim::scenario {
namespace {

using Json = nlohmann::json;
using Kind = FaultSpec::Kind;

std::string k8s_name(const Json& object) {
  const Json metadata = object.value("metadata", Json::object());
  const Json name = metadata.is_object() ? metadata.value("name", Json("")) : Json("");
  return name.is_string() ? name.get<std::string>() : "";
}

bool is_aws(Kind kind) {
  return kind == Kind::AwsThrottle || kind == Kind::AwsError || kind == Kind::AwsLatency ||
         kind == Kind::AwsEventualConsistency;
}

bool has_continue_token(std::string_view target) {
  const auto query = target.find('?');
  if (query == std::string_view::npos) return false;
  const std::string_view text = target.substr(query);
  return text.find("?continue=") != std::string_view::npos ||
         text.find("&continue=") != std::string_view::npos;
}

bool can_conflict(const std::string& call, const std::string& body) {
  if (call.starts_with("kube update ") || call.starts_with("kube create ")) return true;
  return call.starts_with("kube patch ") && body.find("\"resourceVersion\"") != std::string::npos;
}

std::vector<std::string_view> segments_of(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    const auto slash = path.find('/');
    if (slash != 0) segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

}  // namespace

std::function<bool(const std::string&)> operations_of(const FaultSpec& spec) {
  return [operations = spec.operations](const std::string& call) {
    return operations.empty() ||
           std::any_of(operations.begin(), operations.end(),
                       [&](const std::string& pattern) { return net::glob_match(pattern, call); });
  };
}

Faults::Faults(aws::AwsServer& aws, const kube::Store& store, const net::Clock& clock,
               net::Random random, net::Trace& trace)
    : aws_(aws), store_(store), clock_(clock), random_(std::move(random)), trace_(trace) {}

void Faults::add(const FaultSpec& spec) {
  const auto now = clock_.now();
  // Section faults count from the run's start; a step's from the step.
  const auto from = spec.step == 0 ? net::Clock::time_point{} + spec.from : now;
  std::optional<net::Clock::time_point> until;
  if (spec.length) until = from + *spec.length;
  // Named by place, so that dropping one fault (albc shrink) leaves the others' draws alone.
  const std::string stream = spec.step == 0 ? "faults.section." + std::to_string(spec.position)
                                            : "faults.step." + std::to_string(spec.step);
  active_.push_back(Active{spec, from, until, random_.fork(stream), {}, 0});
  trace_.event("fault.added", {{"fault", spec.name},
                               {"step", std::to_string(spec.step)},
                               {"from", net::format_elapsed(from - net::Clock::time_point{})},
                               {"for", spec.length ? net::format_elapsed(*spec.length) : "end"}});
}

bool Faults::in_force(const Active& active) const {
  const auto now = clock_.now();
  if (now < active.from || (active.until && now >= *active.until)) return false;
  return active.spec.budget == 0 || active.injected < active.spec.budget;
}

std::optional<net::Clock::duration> Faults::invisible_for(std::string_view action) {
  const std::string call = "elbv2 " + std::string(action);
  for (Active& active : active_) {
    const FaultSpec& spec = active.spec;
    if (spec.kind != Kind::AwsEventualConsistency || !in_force(active)) continue;
    if (!operations_of(spec)(call) || !active.random.chance(spec.probability_ppm, 1'000'000))
      continue;
    ++active.injected;
    const auto window = std::chrono::milliseconds(
        active.random.uniform(static_cast<std::uint64_t>(spec.min.count()),
                              static_cast<std::uint64_t>(std::max(spec.min, spec.max).count())));
    trace_.event(
        "fault.injected",
        {{"fault", spec.name}, {"call", call}, {"invisible", net::format_elapsed(window)}});
    return window;
  }
  return std::nullopt;
}

bool Faults::applies(Active& active, const std::string& call, const net::Request& request,
                     bool streaming) const {
  const std::string& body = request.body;
  const std::string_view target = request.target;
  if (!in_force(active)) return false;
  const Kind kind = active.spec.kind;
  // Eventual consistency acts inside the fake (invisible_for), not on requests.
  if (kind == Kind::AwsEventualConsistency) return false;
  const bool aws_call = http::is_aws_call(call);
  const bool kube_call = call.starts_with("kube ");
  if (is_aws(kind) ? !aws_call : !kube_call) return false;
  // Kubernetes errors and throttles answer writes and reads; Gone answers watches, which nothing
  // else here touches, and the later pages of a paged list (a request with a continue token).
  if (kind == Kind::KubeGone && !streaming &&
      !(call.starts_with("kube list ") && has_continue_token(target)))
    return false;
  if (kind != Kind::KubeGone && kind != Kind::KubeOutage && streaming) return false;
  if (kind == Kind::KubeError && !http::is_kube_write(call)) return false;
  // A conflict needs something to conflict on: an update, or a patch that names the
  // resourceVersion it expects (a plain patch never conflicts); a create meets AlreadyExists.
  if (kind == Kind::KubeError && active.spec.status == 409 && !can_conflict(call, body))
    return false;
  return operations_of(active.spec)(call);
}

bool Faults::take_token(Active& active, const std::string& bucket) {
  const auto now = clock_.now();
  auto [found, inserted] = active.buckets.try_emplace(bucket, active.spec.burst, now);
  auto& [tokens, refilled] = found->second;
  const double seconds = std::chrono::duration<double>(now - refilled).count();
  tokens = std::min(active.spec.burst, tokens + seconds * active.spec.rate);
  refilled = now;
  if (tokens < 1.0) return false;
  tokens -= 1.0;
  return true;
}

net::Response Faults::kube_answer(const net::Request& request, const std::string& call, int code,
                                  std::chrono::milliseconds retry_after) const {
  // "kube patch ingresses/status": the resource, and the object's name from the path.
  const std::string target = call.substr(call.rfind(' ') + 1);
  const std::string plural = target.substr(0, target.find('/'));
  std::string name;
  const auto segments = segments_of(request.path());
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    if (segments[i] == plural) name = std::string(segments[i + 1]);
  }
  kube::StatusError error;
  if (code == 409 && call.starts_with("kube create ")) {
    auto body = net::parse_json(request.body);
    const std::string created = body && body->is_object() ? k8s_name(*body) : std::string();
    error = {409, "AlreadyExists", plural + " \"" + created + "\" already exists"};
    for (const kube::ResourceType& type : store_.registry().all()) {
      if (type.plural == plural) error = kube::already_exists(type, created);
    }
  } else if (code == 409) {
    error = {409, "Conflict",
             "Operation cannot be fulfilled on " + plural + " \"" + name +
                 "\": the object has been modified"};
    for (const kube::ResourceType& type : store_.registry().all()) {
      if (type.plural == plural) {
        error = kube::conflict(type, name,
                               "the object has been modified; please apply your changes to the "
                               "latest version and try again");
      }
    }
  } else if (code == 429) {
    error = {429, "TooManyRequests", "Too many requests, please try again later."};
    error.retry_after_seconds = static_cast<int>(std::max<long long>(
        1, std::chrono::duration_cast<std::chrono::seconds>(retry_after).count()));
    error.details = {{"retryAfterSeconds", error.retry_after_seconds}};
  } else if (code == 410 && call.starts_with("kube list ")) {
    // The next page of a list whose snapshot is gone (etcd compacted it): 410 Expired.
    error = kube::expired(
        "The provided continue parameter is too old to display a consistent list result. You can "
        "start a new list without the continue parameter, or use the continue token in this "
        "response to retrieve the remainder of the results. Continuing with the provided token "
        "results in an inconsistent list - objects that were created, modified, or deleted "
        "between the time the first chunk was returned and now may show up in the list.");
  } else if (code == 410) {
    // A watch from a version the server no longer has: 200, then one ERROR event (Expired).
    const kube::StatusError expired = kube::expired("too old resource version");
    net::Response response;
    response.headers.set("Content-Type", "application/json");
    response.body = net::dump_json(Json{{"type", "ERROR"}, {"object", expired.to_json()}}) + "\n";
    return response;
  } else if (code == 503) {
    error = {503, "ServiceUnavailable", "the server is currently unable to handle the request"};
  } else {
    error = {500, "InternalError",
             "Internal error occurred: the server has encountered an internal error"};
  }
  net::Response response;
  response.status = error.code;
  response.headers.set("Content-Type", "application/json");
  response.headers.set("Cache-Control", "no-cache, private");
  if (error.retry_after_seconds > 0)
    response.headers.set("Retry-After", std::to_string(error.retry_after_seconds));
  response.body = net::dump_json(error.to_json());
  return response;
}

std::optional<http::Interception> Faults::inject(Active& active, const net::Request& request,
                                                 const std::string& call) {
  const FaultSpec& spec = active.spec;
  const bool throttle = spec.kind == Kind::AwsThrottle || spec.kind == Kind::KubeThrottle;
  if (throttle) {
    // AWS throttles per operation; the API server's limit is one for the whole client.
    if (take_token(active, spec.kind == Kind::AwsThrottle ? call : "")) return std::nullopt;
  } else if (!active.random.chance(spec.probability_ppm, 1'000'000)) {
    return std::nullopt;
  }
  http::Interception interception;
  const bool ec2 = call.starts_with("ec2 ");
  switch (spec.kind) {
    case Kind::AwsThrottle:
      interception.answer =
          ec2 ? aws_.refuse(request, {503, "RequestLimitExceeded", "Request limit exceeded."})
              : aws_.refuse(request, {400, "Throttling", "Rate exceeded"});
      break;
    case Kind::AwsError:
      interception.answer =
          spec.code == "ServiceUnavailable"
              ? aws_.refuse(request, {503, "ServiceUnavailable",
                                      "The request has failed due to a temporary failure of the "
                                      "server."})
              : aws_.refuse(request, {500, "InternalFailure",
                                      "The request processing has failed because of an unknown "
                                      "error, exception or failure."});
      break;
    case Kind::AwsLatency: {
      const auto low = static_cast<std::uint64_t>(spec.min.count());
      const auto high = static_cast<std::uint64_t>(std::max(spec.min, spec.max).count());
      interception.delay = std::chrono::milliseconds(active.random.uniform(low, high));
      break;
    }
    case Kind::KubeError:
      interception.answer = kube_answer(request, call, spec.status, spec.retry_after);
      break;
    case Kind::KubeThrottle:
      interception.answer = kube_answer(request, call, 429, spec.retry_after);
      break;
    case Kind::KubeGone:
      interception.answer = kube_answer(request, call, 410, spec.retry_after);
      break;
    case Kind::KubeOutage:
      interception.refuse = "dial tcp 10.96.0.1:443: connect: connection refused";
      break;
    case Kind::KubeWatchDrop:
    case Kind::AwsEventualConsistency:  // a step, and the fake's own: never on a request
      return std::nullopt;
  }
  ++active.injected;
  // Latency is everywhere and changes no answer: counted, not traced.
  if (spec.kind != Kind::AwsLatency)
    trace_.event("fault.injected", {{"fault", spec.name}, {"call", call}});
  return interception;
}

http::Interception Faults::decide(const net::Request& request, bool streaming) {
  if (active_.empty()) return {};
  const std::string call = http::call_name(request);
  http::Interception decided;
  for (Active& active : active_) {
    if (!applies(active, call, request, streaming)) continue;
    auto injected = inject(active, request, call);
    if (!injected) continue;
    // Latency adds up with whatever else happens; the first answer or refusal wins.
    decided.delay += injected->delay;
    if (injected->answer || injected->refuse) {
      decided.answer = std::move(injected->answer);
      decided.refuse = std::move(injected->refuse);
      break;
    }
  }
  return decided;
}

std::vector<FaultTally> Faults::tallies() const {
  std::vector<FaultTally> result;
  for (const Active& active : active_) {
    result.push_back({active.spec.name, active.spec.step, active.from - net::Clock::time_point{},
                      active.injected});
  }
  return result;
}

}  // namespace albc::sim::scenario
