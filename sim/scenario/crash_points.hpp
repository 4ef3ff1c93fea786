#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "controller/net/trace.hpp"
#include "sim/http/interceptor.hpp"
#include "sim/scenario/controller_pod.hpp"

namespace albc::sim::scenario {

// Where the controller is to die: before or after the Nth call named `call` ("elbv2
// CreateListener", "kube patch ingresses/status") counted from the step that armed it. A call
// of "every" counts every crash site (every mutating AWS call and every Kubernetes write but
// Events); its N comes from the run's options, and without one it only counts them.
inline constexpr const char* kEveryCrashSite = "every";
struct CrashPoint {
  std::string call;
  std::uint64_t nth = 1;  // 0: count the sites, never crash
  http::Interception::Crash when = http::Interception::Crash::Before;
  std::chrono::milliseconds restart_after{0};
  std::size_t step = 0;  // the arming step, for messages
};

struct CrashRecord {
  CrashPoint point;
  net::Clock::duration at{};  // virtual time since the run began
};

// The crashes a scenario has armed, watching every request the controller sends.
class CrashPoints final : public http::Interceptor {
 public:
  CrashPoints(ControllerPod& pod, const net::Clock& clock, net::Trace& trace)
      : pod_(pod), clock_(clock), trace_(trace) {}

  void arm(CrashPoint point);
  http::Interception intercept(const net::Request& request, bool streaming) override;
  void crash() override;

  // Armed and not reached yet.
  const std::vector<CrashPoint>& armed() const { return armed_; }
  // Crash sites an "every" point has passed (the sweep's count of points to crash at).
  std::uint64_t sites() const { return sites_; }
  // The crashes that happened, in order.
  const std::vector<CrashRecord>& crashes() const { return crashes_; }

 private:
  ControllerPod& pod_;
  const net::Clock& clock_;
  net::Trace& trace_;
  std::vector<CrashPoint> armed_;
  std::vector<std::uint64_t> seen_;  // per armed point
  std::vector<CrashRecord> crashes_;
  std::uint64_t sites_ = 0;
};

}  // namespace albc::sim::scenario
