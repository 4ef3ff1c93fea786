#pragma once

#include "controller/net/result.hpp"
#include "sim/kube/status_error.hpp"

namespace albc::sim::kube {

enum class PatchType { Merge, Json, Strategic, Apply };

// Content-Type → patch type, or 415 for anything else.
net::Result<PatchType, StatusError> patch_type_of(std::string_view content_type);

// How deep a patch may nest: merging recurses once per level.
inline constexpr std::size_t kPatchDepthMax = 128;
// The real API server's limits on a JSON patch: its operations (maxJSONPatchOperations, a 413
// beyond) and the bytes its copy operations add (JSONPatchMaxCopyBytes, a 422 beyond).
inline constexpr std::size_t kJsonPatchOperationsMax = 10'000;
inline constexpr std::size_t kJsonPatchCopyBytesMax = 3 * 1024 * 1024;

// Applies a patch to a live object. Strategic merge follows the merge keys of the kinds albc
// serves (containers by name, ports by port, conditions by type, finalizers as a set, ...);
// server-side apply is treated as a merge of the applied fields.
net::Result<Json, StatusError> apply_patch(const Json& live, const Json& patch, PatchType type);

}  // namespace albc::sim::kube
