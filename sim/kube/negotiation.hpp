#pragma once

#include <string_view>

#include "controller/net/http.hpp"
#include "controller/net/result.hpp"
#include "sim/kube/patch.hpp"
#include "sim/kube/resource_type.hpp"
#include "sim/kube/status_error.hpp"

namespace albc::sim::kube {

// The largest body the real server reads (MaxRequestBodyBytes); the socket server enforces it.
inline constexpr std::size_t kRequestBodyBytesMax = 3 * 1024 * 1024;

// A create's or update's body, decoded by its Content-Type as the real server does: JSON (also
// when no Content-Type is given), YAML, or a 415 for anything else (protobuf included: albc reads
// JSON and YAML only). A body that does not parse is a 400 naming the kind it should have been.
net::Result<Json, StatusError> read_object_body(const net::Request& request,
                                                const ResourceType& type);
// A PATCH's body: its type from the Content-Type (415 otherwise), then JSON or, for server-side
// apply, YAML.
net::Result<std::pair<PatchType, Json>, StatusError> read_patch_body(const net::Request& request,
                                                                     const ResourceType& type);
// Whether the Accept header admits an answer albc gives (JSON, which is also YAML); a 406 when
// it admits none.
net::Result<void, StatusError> check_accept(std::string_view accept);

}  // namespace albc::sim::kube
