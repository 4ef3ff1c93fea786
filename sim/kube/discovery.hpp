#pragma once

#include <optional>
#include <string>

#include "sim/kube/resource_type.hpp"
#include "sim/kube/status_error.hpp"

namespace albc::sim::kube {

// The version the fake reports. kubectl on our machines is a dispatcher that picks its binary by
// the server's minor version; 32 selects its built-in v1.32.
Json version_document();
// Legacy discovery: /api, /apis, /apis/<group>, /api/v1 and /apis/<group>/<version>.
Json core_versions_document(std::string_view server_address);
Json group_list_document(const ResourceRegistry& registry);
std::optional<Json> group_document(const ResourceRegistry& registry, std::string_view group);
std::optional<Json> resource_list_document(const ResourceRegistry& registry, std::string_view group,
                                           std::string_view version);
// A minimal OpenAPI v3: enough for kubectl to delegate validation to the server
// (a PATCH operation per resource with x-kubernetes-group-version-kind and fieldValidation).
Json openapi_root_document(const ResourceRegistry& registry);
std::optional<Json> openapi_group_version_document(const ResourceRegistry& registry,
                                                   std::string_view path);

}  // namespace albc::sim::kube
