#include "sim/kube/patch.hpp"

#include <optional>
#include <set>
#include <string>

#include "controller/net/json.hpp"

namespace albc::sim::kube {

net::Result<PatchType, StatusError> patch_type_of(std::string_view content_type) {
  const std::string_view media = content_type.substr(0, content_type.find(';'));
  if (media == "application/merge-patch+json") return PatchType::Merge;
  if (media == "application/json-patch+json") return PatchType::Json;
  if (media == "application/strategic-merge-patch+json") return PatchType::Strategic;
  if (media == "application/apply-patch+yaml" || media == "application/apply-patch+json") {
    return PatchType::Apply;
  }
  return net::fail(unsupported_media_type(
      "the body of the request was in an unknown format - accepted media types include: "
      "application/json-patch+json, application/merge-patch+json, "
      "application/apply-patch+yaml"));
}

namespace {

// The merge key of a list field, by field name: how the API types declare
// `patchMergeKey` for the kinds albc serves. Lists not named here are replaced whole.
const char* merge_key_for(const std::string& field) {
  if (field == "containers" || field == "initContainers" || field == "env" || field == "volumes" ||
      field == "volumeMounts" || field == "imagePullSecrets") {
    return "name";
  }
  if (field == "ports") return nullptr;  // decided per element below
  if (field == "conditions" || field == "readinessGates") return "type";
  if (field == "ownerReferences") return "uid";
  return nullptr;
}

const char* port_merge_key(const Json& element) {
  if (element.is_object() && element.contains("containerPort")) return "containerPort";
  if (element.is_object() && element.contains("port")) return "port";
  return nullptr;
}

Json strategic_merge(const Json& live, const Json& patch);

Json merge_list(const std::string& field, const Json& live, const Json& patch) {
  if (field == "finalizers") {
    Json merged = live.is_array() ? live : Json::array();
    for (const Json& value : patch) {
      if (std::find(merged.begin(), merged.end(), value) == merged.end()) merged.push_back(value);
    }
    return merged;
  }
  const char* key = merge_key_for(field);
  if (key == nullptr && field == "ports" && !patch.empty()) key = port_merge_key(patch.front());
  if (key == nullptr || !live.is_array()) {
    Json replaced = Json::array();
    for (const Json& element : patch) {
      if (element.is_object() && element.contains("$patch")) continue;
      replaced.push_back(element);
    }
    return replaced;
  }
  Json merged = live;
  for (const Json& element : patch) {
    if (!element.is_object() || !element.contains(key)) {
      merged.push_back(element);
      continue;
    }
    auto existing = std::find_if(merged.begin(), merged.end(), [&](const Json& candidate) {
      return candidate.is_object() && candidate.contains(key) && candidate[key] == element[key];
    });
    const bool remove = element.contains("$patch") && element["$patch"] == "delete";
    if (remove) {
      if (existing != merged.end()) merged.erase(existing);
    } else if (existing != merged.end()) {
      *existing = strategic_merge(*existing, element);
    } else {
      merged.push_back(strategic_merge(Json::object(), element));
    }
  }
  return merged;
}

Json strategic_merge(const Json& live, const Json& patch) {
  if (!patch.is_object()) return patch;
  Json result = live.is_object() ? live : Json::object();
  if (patch.contains("$patch") && patch["$patch"] == "replace") {
    Json replaced = patch;
    replaced.erase("$patch");
    return replaced;
  }
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const std::string& field = it.key();
    if (field.starts_with("$setElementOrder/") || field == "$retainKeys" || field == "$patch") {
      continue;
    }
    if (field.starts_with("$deleteFromPrimitiveList/")) {
      const std::string target = field.substr(std::string("$deleteFromPrimitiveList/").size());
      if (result.contains(target) && result[target].is_array()) {
        Json kept = Json::array();
        for (const Json& value : result[target]) {
          if (std::find(it->begin(), it->end(), value) == it->end()) kept.push_back(value);
        }
        result[target] = kept;
      }
      continue;
    }
    if (it->is_null()) {
      result.erase(field);
    } else if (it->is_array()) {
      result[field] = merge_list(field, result.contains(field) ? result[field] : Json(), *it);
    } else if (it->is_object()) {
      result[field] = strategic_merge(result.contains(field) ? result[field] : Json(), *it);
    } else {
      result[field] = *it;
    }
  }
  // $retainKeys (a union's strategy): the fields it does not list are cleared.
  const auto retain = patch.find("$retainKeys");
  if (retain != patch.end() && retain->is_array()) {
    for (auto it = result.begin(); it != result.end();) {
      const bool listed =
          std::find(retain->begin(), retain->end(), Json(it.key())) != retain->end();
      it = listed ? std::next(it) : result.erase(it);
    }
  }
  return result;
}

net::Result<Json, StatusError> cannot_apply(const std::string& why) {
  return net::fail(StatusError{422, "Invalid", "the JSON patch could not be applied: " + why});
}

bool has_text(const Json& operation, const char* member) {
  const auto found = operation.find(member);
  return found != operation.end() && found->is_string();
}

// The parent of a pointer written to or removed from must be a container that exists: the
// JSON library asserts (or, built without assertions, does nothing) when it is a scalar.
// Worded as the API server's JSON patch library words it, which quotes the path for add and
// remove only.
std::optional<std::string> unresolved_parent(const Json& document, const std::string& op,
                                             const std::string& path, const char* role) {
  const Json::json_pointer pointer(path);
  if (pointer.empty()) return std::nullopt;
  const Json::json_pointer parent = pointer.parent_pointer();
  if (document.contains(parent) && document.at(parent).is_structured()) return std::nullopt;
  const bool quoted = op == "add" || op == "remove";
  return op + " operation does not apply: doc is missing " + role + ": " +
         (quoted ? "\"" + path + "\"" : path) + ": missing value";
}

// An add, remove or replace, once its target's parent is known to be a container. `op` names
// the operation the client sent (a move runs as a remove and an add).
std::optional<std::string> apply_checked(Json& document, const std::string& op,
                                         const Json& operation, const char* role = "path") {
  if (has_text(operation, "path")) {
    if (auto why = unresolved_parent(document, op, operation["path"].get<std::string>(), role)) {
      return why;
    }
  }
  document.patch_inplace(Json::array({operation}));  // a missing member: the library's refusal
  return std::nullopt;
}

// A move or copy as its parts: the value taken from `from` (moved out for a move, so a large
// subtree is not copied), then a remove for a move, then an add at `path`, each checked against
// the document as the part before left it (a removal can shift the destination's parent).
std::optional<std::string> move_or_copy(Json& document, const std::string& op,
                                        const Json& operation, std::size_t& copied_bytes) {
  if (!has_text(operation, "from") || !has_text(operation, "path")) {
    document.patch_inplace(Json::array({operation}));  // the library's refusal
    return std::nullopt;
  }
  const std::string from = operation["from"].get<std::string>();
  if (auto why = unresolved_parent(document, op, from, "from path")) return why;
  Json& source = document.at(Json::json_pointer(from));
  Json value;
  if (op == "move") {
    value = std::move(source);
    if (auto why = apply_checked(document, op, {{"op", "remove"}, {"path", from}})) return why;
  } else {
    // Copies are the one way a small patch grows an object without bound: the real server
    // caps the bytes they add (AccumulatedCopySizeLimit), before it copies.
    copied_bytes += net::dump_json(source).size();
    if (copied_bytes > kJsonPatchCopyBytesMax) {
      return "Unable to complete the copy, the accumulated size increase of copy is " +
             std::to_string(copied_bytes) + ", exceeding the limit " +
             std::to_string(kJsonPatchCopyBytesMax);
    }
    value = source;
  }
  return apply_checked(document, op,
                       {{"op", "add"}, {"path", operation["path"]}, {"value", std::move(value)}},
                       "destination path");
}

// RFC 6902, one operation at a time, each checked against the document as the operations
// before it left it.
net::Result<Json, StatusError> json_patch(const Json& live, const Json& patch) {
  if (patch.size() > kJsonPatchOperationsMax) {
    return net::fail(StatusError{413, "RequestEntityTooLarge",
                                 "The allowed maximum operations in a JSON patch is " +
                                     std::to_string(kJsonPatchOperationsMax) + ", got " +
                                     std::to_string(patch.size())});
  }
  Json result = live;
  std::size_t copied_bytes = 0;
  try {
    for (const Json& operation : patch) {
      if (!operation.is_object()) return cannot_apply("an operation is not a JSON object");
      const std::string op = has_text(operation, "op") ? operation["op"].get<std::string>() : "";
      std::optional<std::string> why;
      if (op == "add" || op == "remove" || op == "replace") {
        why = apply_checked(result, op, operation);
      } else if (op == "move" || op == "copy") {
        why = move_or_copy(result, op, operation, copied_bytes);
      } else {
        result.patch_inplace(Json::array({operation}));  // test, or the library's own refusal
      }
      if (why) return cannot_apply(*why);
    }
  } catch (const nlohmann::json::exception& error) {
    return cannot_apply(error.what());
  }
  return result;
}

}  // namespace

net::Result<Json, StatusError> apply_patch(const Json& live, const Json& patch, PatchType type) {
  // Merging recurses as deep as the patch nests; no object albc serves nests near this.
  if (net::exceeds_depth(patch, kPatchDepthMax)) {
    return net::fail(
        bad_request("the patch nests deeper than " + std::to_string(kPatchDepthMax) + " levels"));
  }
  switch (type) {
    case PatchType::Merge:
    case PatchType::Apply: {
      if (!patch.is_object()) return net::fail(bad_request("a merge patch must be a JSON object"));
      Json result = live;
      result.merge_patch(patch);
      return result;
    }
    case PatchType::Json: {
      if (!patch.is_array()) return net::fail(bad_request("a JSON patch must be a JSON array"));
      return json_patch(live, patch);
    }
    case PatchType::Strategic:
      if (!patch.is_object()) {
        return net::fail(bad_request("a strategic merge patch must be a JSON object"));
      }
      return strategic_merge(live, patch);
  }
  return net::fail(bad_request("unknown patch type"));
}

}  // namespace albc::sim::kube
