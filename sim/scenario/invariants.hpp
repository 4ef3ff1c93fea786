#pragma once

#include <set>
#include <string>
#include <vector>

#include "sim/aws/aws_server.hpp"
#include "sim/kube/store.hpp"
#include "sim/scenario/scenario.hpp"

namespace albc::sim::scenario {

// One broken invariant, with the objects that break it.
struct Violation {
  std::string invariant;
  std::string message;
};

// What the checks need to know about the controller they judge.
struct Judged {
  std::string cluster_name;
  std::string ingress_class;  // --ingress-class
};

// The invariants that are properties of the state alone (no-leak, no-orphan,
// targets-match-endpoints, within-quota), judged from the fakes' own state, with none of the
// controller's code: an oracle that shares the controller's logic would share its bugs. Meant for
// a quiet world (no request in flight, the controller idle): in the middle of a deploy a target
// group exists before its binding, and targets lag behind endpoints.
std::vector<Violation> check_state_invariants(const aws::AwsServer& aws, const kube::Store& store,
                                              const Judged& judged,
                                              const std::set<std::string>& enabled);

// The AWS account as the converged and steady-state checks compare it before and after a
// resync: what the controller decides, without what moves on its own (health, provisioning).
Json settled_view(const aws::AwsServer& aws);

}  // namespace albc::sim::scenario
