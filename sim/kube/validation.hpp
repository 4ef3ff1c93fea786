#pragma once

#include "sim/kube/resource_type.hpp"
#include "sim/kube/status_error.hpp"

namespace albc::sim::kube {

// What the real API server's strategies check after an object is decoded and defaulted:
// ObjectMeta (names, labels, annotations, finalizers, owner references) and each kind's own
// rules. Returns the causes of a 422 Invalid; an empty array when the object is valid.
Json validate_create(const ResourceType& type, const Json& object);
// The same, plus what may not change on an update.
Json validate_update(const ResourceType& type, const Json& live, const Json& updated);

// The whole annotations map may hold this much (keys and values): TotalAnnotationSizeLimitB.
inline constexpr std::size_t kAnnotationsBytesMax = 256 * 1024;
// ConfigMap and Secret data: MaxSecretSize, and the same for ConfigMaps.
inline constexpr std::size_t kDataBytesMax = 1024 * 1024;
inline constexpr std::size_t kEndpointsPerSliceMax = 1000;

// Reads for validated objects: a missing key reads as null, never as undefined behaviour.
const Json& field_of(const Json& object, std::string_view key);
std::string text_of(const Json& value);

}  // namespace albc::sim::kube
