#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "controller/net/clock.hpp"
#include "controller/net/random.hpp"
#include "controller/net/trace.hpp"
#include "sim/aws/aws_server.hpp"
#include "sim/http/interceptor.hpp"
#include "sim/kube/store.hpp"
#include "sim/scenario/fault_spec.hpp"

namespace albc::sim::scenario {

// Counts for the report: what each fault did.
struct FaultTally {
  std::string name;
  std::size_t step = 0;
  net::Clock::duration began{};
  std::uint64_t injected = 0;
};

// The faults in force, deciding for each request that reaches a fake whether it passes, is
// delayed, answered in the fake's place or refused. Every decision draws from the scenario's
// seed and reads the virtual clock only.
class Faults {
 public:
  Faults(aws::AwsServer& aws, const kube::Store& store, const net::Clock& clock, net::Random random,
         net::Trace& trace);

  // Puts a fault in force from now (a step) or from its `from` (the faults section).
  void add(const FaultSpec& spec);
  http::Interception decide(const net::Request& request, bool streaming);
  // aws_eventual_consistency: how long a resource the fake ELBv2 just created by `action` stays
  // invisible to Describe*, or nothing.
  std::optional<net::Clock::duration> invisible_for(std::string_view action);
  std::vector<FaultTally> tallies() const;

 private:
  struct Active {
    FaultSpec spec;
    net::Clock::time_point from;
    std::optional<net::Clock::time_point> until;
    net::Random random;
    std::map<std::string, std::pair<double, net::Clock::time_point>> buckets;  // tokens, refill
    std::uint64_t injected = 0;
  };
  bool in_force(const Active& active) const;
  bool applies(Active& active, const std::string& call, const net::Request& request,
               bool streaming) const;
  bool take_token(Active& active, const std::string& bucket);
  std::optional<http::Interception> inject(Active& active, const net::Request& request,
                                           const std::string& call);
  net::Response kube_answer(const net::Request& request, const std::string& call, int code,
                            std::chrono::milliseconds retry_after) const;

  aws::AwsServer& aws_;
  const kube::Store& store_;
  const net::Clock& clock_;
  net::Random random_;
  net::Trace& trace_;
  std::vector<Active> active_;
};

// Whether a call name is one of the fault's operations (all calls when it names none).
std::function<bool(const std::string&)> operations_of(const FaultSpec& spec);

}  // namespace albc::sim::scenario
