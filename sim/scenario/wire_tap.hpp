#pragma once

#include "sim/http/interceptor.hpp"
#include "sim/scenario/crash_points.hpp"
#include "sim/scenario/faults.hpp"

namespace albc::sim::scenario {

// What sits on both in-process transports: the scenario's crash points first (a request that
// kills the controller meets no fault), then its faults.
class WireTap final : public http::Interceptor {
 public:
  WireTap(CrashPoints& crash_points, Faults& faults)
      : crash_points_(crash_points), faults_(faults) {}

  http::Interception intercept(const net::Request& request, bool streaming) override {
    http::Interception crash = crash_points_.intercept(request, streaming);
    if (crash.crash != http::Interception::Crash::None) return crash;
    return faults_.decide(request, streaming);
  }
  void crash() override { crash_points_.crash(); }

 private:
  CrashPoints& crash_points_;
  Faults& faults_;
};

}  // namespace albc::sim::scenario
