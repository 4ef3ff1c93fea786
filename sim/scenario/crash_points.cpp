#include "sim/scenario/crash_points.hpp"

#include <optional>

#include "controller/net/query_tree.hpp"
#include "sim/http/call_name.hpp"

namespace albc::sim::scenario {

void CrashPoints::arm(CrashPoint point) {
  armed_.push_back(std::move(point));
  seen_.push_back(0);
}

namespace {
// A crash site: a call that changes something, where dying leaves a deploy half done.
bool is_site(const std::string& call) {
  if (http::is_aws_call(call)) return net::is_mutating_action(call.substr(call.find(' ') + 1));
  return http::is_kube_write(call) && !call.ends_with(" events");
}

bool matches(const CrashPoint& point, const std::string& call) {
  return point.call == kEveryCrashSite ? is_site(call) : point.call == call;
}
}  // namespace

http::Interception CrashPoints::intercept(const net::Request& request, bool streaming) {
  if (armed_.empty() || streaming) return {};
  const std::string call = http::call_name(request);
  // The first point this call completes fires. The controller dies at the call, so it counts
  // toward no other point: each point's N counts calls of a living controller.
  std::optional<std::size_t> fires;
  for (std::size_t i = 0; i < armed_.size() && !fires; ++i) {
    if (armed_[i].nth > 0 && matches(armed_[i], call) && seen_[i] + 1 >= armed_[i].nth) fires = i;
  }
  if (!fires) {
    for (std::size_t i = 0; i < armed_.size(); ++i) {
      if (!matches(armed_[i], call)) continue;
      ++seen_[i];
      if (armed_[i].call == kEveryCrashSite) ++sites_;
    }
    return {};
  }
  const CrashPoint point = armed_[*fires];
  armed_.erase(armed_.begin() + static_cast<std::ptrdiff_t>(*fires));
  seen_.erase(seen_.begin() + static_cast<std::ptrdiff_t>(*fires));
  const bool before = point.when == http::Interception::Crash::Before;
  trace_.event("fault.crash", {{"step", std::to_string(point.step)},
                               {"call", call},
                               {"nth", std::to_string(point.nth)},
                               {"when", before ? "before" : "after"}});
  crashes_.push_back({point, clock_.now() - net::Clock::time_point{}});
  return {point.when};
}

void CrashPoints::crash() {
  pod_.crash(crashes_.back().point.restart_after);
}

}  // namespace albc::sim::scenario
