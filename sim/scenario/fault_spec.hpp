#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "controller/net/result.hpp"
#include "sim/scenario/source_file.hpp"

namespace albc::sim::scenario {

// One fault the world injects, as a scenario declares it (docs/scenarios.md, "Faults").
struct FaultSpec {
  enum class Kind {
    AwsThrottle,    // a token bucket per operation: past it, Throttling / RequestLimitExceeded
    AwsError,       // InternalFailure (500) or ServiceUnavailable (503)
    AwsLatency,     // extra latency, uniform between min and max
    KubeError,      // 409 Conflict, 500 or 503 on writes
    KubeThrottle,   // a token bucket: past it, 429 with Retry-After
    KubeOutage,     // connection refused
    KubeWatchDrop,  // every open watch ends now (a step, not a window)
    KubeGone,       // 410 Gone (Expired) on watches
    // A created load balancer, target group, listener or rule stays invisible to Describe* for
    // a window between min and max (the fake ELBv2 asks, see Elbv2Api::set_visibility).
    AwsEventualConsistency,
  };
  Kind kind = Kind::AwsError;
  std::string name;                           // its key in the file: "aws_throttle"
  std::vector<std::string> operations;        // call-name globs ("elbv2 Describe*"); empty: all
  double rate = 0;                            // throttles: tokens per second
  double burst = 1;                           // throttles: bucket size
  std::string code;                           // aws_error: InternalFailure or ServiceUnavailable
  int status = 409;                           // kube_error: 409, 500 or 503
  std::uint64_t probability_ppm = 1'000'000;  // each matching call, in parts per million
  std::uint64_t budget = 0;                   // most faults injected; 0: no limit
  std::chrono::milliseconds min{0};
  std::chrono::milliseconds max{0};
  std::chrono::milliseconds retry_after{std::chrono::seconds(1)};
  std::chrono::milliseconds from{0};                // the faults section: when it begins
  std::optional<std::chrono::milliseconds> length;  // `for`: how long; none: to the end
  std::size_t step = 0;                             // 0: the faults section
  std::size_t position = 0;                         // its index in the faults section
};

// One entry of the `faults:` section (`in_step` false) or the value of a `fault:` step: a
// mapping with one fault kind and its fields, plus `for` (and in the section `from`).
net::Result<FaultSpec> parse_fault(const Json& entry, const std::string& field, bool in_step);

}  // namespace albc::sim::scenario
