#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "controller/net/result.hpp"
#include "sim/aws/elbv2_api.hpp"
#include "sim/kube/patch.hpp"
#include "sim/scenario/fault_spec.hpp"
#include "sim/scenario/source_file.hpp"
#include "sim/world/account_setup.hpp"

namespace albc::sim::scenario {

struct SubnetSpec {
  std::string name;
  std::string zone;
  std::string cidr;
  std::map<std::string, std::string> tags;
  int nodes = 1;  // worker nodes placed in this subnet
};

struct SecurityGroupSpec {
  std::string name;
  std::string description;
};

struct WorldSpec {
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  std::string vpc_name = "albc-vpc";
  std::string vpc_cidr = "10.0.0.0/16";
  std::vector<std::string> vpc_secondary_cidrs;  // associated after the VPC is created
  std::vector<SubnetSpec> subnets;
  std::vector<SecurityGroupSpec> security_groups;
  std::vector<std::string> ingress_classes = {"alb"};
  // ELBv2 quotas the account has instead of AWS's defaults, by the names docs/scenarios.md
  // lists (load_balancers: 2).
  std::map<std::string, std::size_t> quotas;
};

struct ControllerSpec {
  std::string cluster_name = "albc";
  std::string default_scheme = "internal";
  std::string default_target_type = "instance";
  std::string ingress_class = "alb";
};

// crash: where the controller dies, and when the kubelet starts it again.
struct CrashSpec {
  std::string at;         // "elbv2 CreateListener", "kube patch ingresses/status"
  std::uint64_t nth = 1;  // the Nth such call from this step on
  bool after = false;     // after the fake acted (the answer is lost), or before it saw the call
  std::chrono::milliseconds restart_after{std::chrono::seconds(1)};
};

// churn: pods of a selector killed and their readiness flapping, at a steady pace, for a while.
struct ChurnSpec {
  std::string ns;
  Json selector = Json::object();  // labels a pod must have
  std::chrono::milliseconds length{0};
  std::optional<std::chrono::milliseconds> kill_every;
  std::optional<std::chrono::milliseconds> flap_every;
  std::chrono::milliseconds flap_for{std::chrono::seconds(10)};
  // A node drawn from the seed is drained, then replaced (removed, and a new one joins its zone)
  // after drain_for, as a managed node group's rolling replacement does.
  std::optional<std::chrono::milliseconds> drain_every;
  std::chrono::milliseconds drain_for{std::chrono::seconds(30)};
};

// One step: exactly one action.
struct Step {
  enum class Kind {
    Apply,
    Delete,
    Wait,
    Expect,
    Print,
    Advance,
    Patch,
    Scale,
    Restart,
    Crash,
    Fault,
    Churn,
    Node,
    Quota
  };
  Kind kind = Kind::Wait;
  std::size_t index = 0;  // 1-based, for messages
  std::string file;       // apply/delete: a manifest file, relative to the scenario
  Json inline_object;  // apply: an inline manifest; delete, patch, scale: {kind, namespace, name}
  kube::PatchType patch_type = kube::PatchType::Strategic;  // patch (scale: a merge patch)
  Json patch;  // patch: the patch; scale: {"spec": {"replicas": N}}
  // wait: "converged" | "until"; print: "aws" | "kubernetes"; node: "add" | "cordon" | ...
  std::string what;
  std::string node;                           // node: a node's name, "any", or (add) a zone
  std::string zone;                           // node: where `any` draws from ("" for every zone)
  std::map<std::string, std::size_t> quotas;  // quota: the new values, by name
  Json expectation;                           // expect, and wait: {until: ...}
  std::chrono::milliseconds duration{0};      // advance: how long; wait: the timeout
  CrashSpec crash;                            // crash
  FaultSpec fault;                            // fault
  ChurnSpec churn;                            // churn
  std::string description;
  std::string label() const;   // "step 3 (expect)"
  std::string action() const;  // "expect"
  // What the step is about, for reports: the file, the object, the crash point ("" if nothing).
  std::string detail() const;
};

// The properties every run must keep, by the names scenarios use for them.
inline const std::vector<std::string>& invariant_names() {
  static const std::vector<std::string> kNames = {"converged",    "no-leak",
                                                  "no-orphan",    "targets-match-endpoints",
                                                  "within-quota", "steady-state-no-writes"};
  return kNames;
}
// The invariants that need a resync of every group (the world runs to check them).
inline bool needs_resync(const std::string& invariant) {
  return invariant == "converged" || invariant == "steady-state-no-writes";
}

struct Scenario {
  std::string path;       // as given
  std::string directory;  // manifests are relative to it
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  WorldSpec world;
  ControllerSpec controller;
  std::map<std::string, std::string> invariants_off;  // name → why this scenario switches it off
  std::vector<FaultSpec> faults;                      // the faults section
  std::vector<Step> steps;
};

// How much virtual time one duration field of a scenario may stand for (an advance, a wait's
// timeout), and how far a whole run may go: a month of simulated time runs in seconds, while
// 999999999h would run for weeks of wall time (and overflow the clock's nanoseconds).
inline constexpr std::chrono::hours kVirtualTimeHorizon{24 * 30};
// A Deployment's replicas are an int32; past a namespace's pod quota the world refuses them.
inline constexpr long long kReplicasMax = 2'147'483'647;
// The most objects one delete-by-selector step may delete.
inline constexpr std::uint64_t kDeleteCountMax = 1'000'000;
// The largest N of a crash at the Nth call.
inline constexpr std::uint64_t kCrashCallMax = 1'000'000;
// The most steps a scenario may have.
inline constexpr std::size_t kStepsMax = 10'000;

// Reads and checks a scenario file; every error names the file and the field.
net::Result<Scenario> load_scenario(const std::string& path);
net::Result<Scenario> parse_scenario(const Json& document, const std::string& path);
// The world's ELBv2 quotas: AWS's defaults, with the scenario's in their place.
// The ELBv2 quotas a scenario sets (world.quotas, and the quota step), by name.
using QuotaValues = std::map<std::string, std::size_t>;
net::Result<QuotaValues> parse_quotas(const Json& value, const std::string& field);
std::size_t quota_of(const aws::Elbv2Quotas& quotas, const std::string& name);
void apply_quotas(aws::Elbv2Quotas& quotas, const QuotaValues& values);
aws::Elbv2Quotas to_quotas(const WorldSpec& spec);
// The world section as the account and cluster to build.
world::AccountSetup to_account_setup(const WorldSpec& spec);
// "90s", "5m", "1h30m", "250ms"
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace albc::sim::scenario
