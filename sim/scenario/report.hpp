#pragma once

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "controller/k8s/controller.hpp"
#include "sim/aws/aws_server.hpp"
#include "sim/scenario/invariant_checks.hpp"
#include "sim/scenario/latency.hpp"

namespace albc::sim::scenario {

struct StepRecord {
  std::size_t index = 0;
  std::string action;  // apply, wait, ...
  std::string detail;  // the file, or what the step is about
  std::string description;
  enum class Outcome { Passed, Failed, NotRun } outcome = Outcome::NotRun;
  std::string failure;
  net::Clock::duration started{};  // virtual time since the run began
  net::Clock::duration finished{};
};

// A fault the world injected, as the report lists it.
struct FaultRecord {
  std::string kind;  // "crash"
  std::string what;  // "before call 1 of elbv2 CreateListener"
  std::size_t step = 0;
  net::Clock::duration at{};
};

// Everything a run reports: on stdout as text, in --report as JSON, in --junit as JUnit XML.
// All of it is a function of the scenario and its seed, except wall_seconds.
struct Report {
  std::string scenario;
  std::string path;
  std::string description;
  std::uint64_t seed = 0;
  bool passed = false;
  std::string failure;
  std::size_t steps_passed = 0;
  std::vector<StepRecord> steps;
  std::vector<InvariantOutcome> invariants;
  std::vector<FaultRecord> faults;
  net::Clock::duration virtual_time{};
  double wall_seconds = 0;
  std::size_t reconciles = 0;
  std::size_t restarts = 0;
  std::map<std::string, k8s::ReconcileStats> reconciles_by_key;  // "ingress <group>"
  std::size_t kube_requests = 0;
  std::map<std::string, std::size_t> kube_calls;  // "kube patch ingresses/status"
  std::size_t aws_calls = 0;
  std::size_t aws_mutating = 0;
  std::map<std::string, aws::AwsServer::OperationCount> aws_by_operation;
  std::vector<IngressLatency> ingresses;
  std::uint64_t crash_sites = 0;  // counted by a crash at every point that did not crash
};

// Kubernetes requests by verb ("patch": 12), from the calls by name.
std::map<std::string, std::size_t> kube_requests_by_verb(
    const std::map<std::string, std::size_t>& calls);

// {count, p50, p90, p99, max} in seconds with millisecond precision, as the reports write it.
nlohmann::json percentiles_json(const Percentiles& values);

// The summary printed after the trace.
void write_text(const Report& report, std::ostream& out);
// --report FILE.json. Virtual times in seconds with millisecond precision.
nlohmann::json report_json(const Report& report);
// --junit FILE.xml: one test suite for the scenario, one test case per step and per invariant.
std::string junit_xml(const Report& report);

}  // namespace albc::sim::scenario
