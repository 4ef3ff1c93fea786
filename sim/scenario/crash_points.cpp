#include "sim/scenario/crash_points.hpp"

#include "sim/http/call_name.hpp"

namespace albc::sim::scenario {

void CrashPoints::arm(CrashPoint point) {
  armed_.push_back(std::move(point));
  seen_.push_back(0);
}

http::Interception CrashPoints::intercept(const net::Request& request) {
  if (armed_.empty()) return {};
  const std::string call = http::call_name(request);
  for (std::size_t i = 0; i < armed_.size(); ++i) {
    if (armed_[i].call == call) ++seen_[i];
  }
  for (std::size_t i = 0; i < armed_.size(); ++i) {
    if (armed_[i].call != call || seen_[i] < armed_[i].nth) continue;
    const CrashPoint point = armed_[i];
    armed_.erase(armed_.begin() + static_cast<std::ptrdiff_t>(i));
    seen_.erase(seen_.begin() + static_cast<std::ptrdiff_t>(i));
    const bool before = point.when == http::Interception::Crash::Before;
    trace_.event("fault.crash", {{"step", std::to_string(point.step)},
                                 {"call", call},
                                 {"nth", std::to_string(point.nth)},
                                 {"when", before ? "before" : "after"}});
    crashes_.push_back({point, clock_.now() - net::Clock::time_point{}});
    return {point.when};
  }
  return {};
}

void CrashPoints::crash() {
  pod_.crash(crashes_.back().point.restart_after);
}

}  // namespace albc::sim::scenario
