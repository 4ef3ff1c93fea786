#pragma once

#include <vector>

#include "controller/net/clock.hpp"
#include "sim/kube/resource_type.hpp"
#include "sim/kube/status_error.hpp"

namespace albc::sim::kube {

// Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the columns
// `kubectl get` shows, for built-ins as upstream prints them and for CRDs from their printer
// columns.
Json render_table(const ResourceType& type, const std::vector<Json>& objects,
                  bool include_column_definitions, net::Clock::wall_time_point now);

// kubectl's human duration: "45s", "5m3s", "3h", "2d4h".
std::string human_duration(std::chrono::seconds elapsed);

bool wants_table(std::string_view accept);

}  // namespace albc::sim::kube
