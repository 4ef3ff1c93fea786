#pragma once

// The /scale subresource of Deployments and ReplicaSets: an autoscaling/v1 Scale that reads and
// writes the object's spec.replicas, as `kubectl scale` and autoscalers use it.
#include "controller/net/result.hpp"
#include "sim/kube/resource_type.hpp"
#include "sim/kube/status_error.hpp"

namespace albc::sim::kube {

// Whether a resource serves /scale (of the kinds albc serves, Deployments and ReplicaSets do).
bool serves_scale(const ResourceType& type);

// The Scale of a Deployment: its name, namespace, uid and resourceVersion, spec.replicas, and
// the status's replicas and selector (as label-selector text).
Json scale_of(const Json& deployment);

// The Deployment as a Scale written to it leaves it: spec.replicas set, and the Scale's
// resourceVersion (when it has one) as the precondition of the write. A Scale of the wrong
// shape is a 400 decode error or a 422, worded as the real server words them.
net::Result<Json, StatusError> scaled(const Json& live, const Json& scale);

}  // namespace albc::sim::kube
