#pragma once

#include <string_view>

#include "sim/kube/schema.hpp"

namespace albc::sim::kube {

// The Go types the real API server decodes each served kind into (the parts albc models; the
// rest of large types such as PodSpec is kept unchecked), and the OpenAPI v3 schemas of the
// aws-load-balancer-controller's CRDs.
SchemaPtr builtin_schema(std::string_view group, std::string_view kind);
SchemaPtr custom_resource_schema(std::string_view kind, std::string_view version);
// What custom resources share with built-ins: apiVersion, kind and a Go-decoded ObjectMeta.
SchemaPtr custom_resource_envelope(std::string_view kind);

}  // namespace albc::sim::kube
