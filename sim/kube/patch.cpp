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

// The parent of a pointer written to or removed from must be a container: the JSON library
// asserts (or, built without assertions, does nothing) when it is a scalar. Worded as the API
// server's JSON patch library words a path that does not resolve.
std::optional<std::string> scalar_parent(const Json& document, const std::string& op,
                                         const std::string& path, const char* role) {
  const Json::json_pointer pointer(path);
  if (pointer.empty()) return std::nullopt;
  const Json::json_pointer parent = pointer.parent_pointer();
  if (!document.contains(parent)) return std::nullopt;  // the library reports a missing parent
  if (document.at(parent).is_structured()) return std::nullopt;
  return op + " operation does not apply: doc is missing " + role + ": \"" + path +
         "\": missing value";
}

// An add, remove or replace, once its target's parent is known to be a container.
std::optional<std::string> apply_checked(Json& document, const std::string& op,
                                         const Json& operation) {
  if (auto why = scalar_parent(document, op, operation.at("path").get<std::string>(), "path")) {
    return why;
  }
  document.patch_inplace(Json::array({operation}));
  return std::nullopt;
}

// RFC 6902, one operation at a time, each checked against the document as the operations
// before it left it. A move or copy runs as its parts (remove, then add) so that the add is
// checked after the remove has shifted what it removed from.
net::Result<Json, StatusError> json_patch(const Json& live, const Json& patch) {
  Json result = live;
  try {
    for (const Json& operation : patch) {
      if (!operation.is_object()) return cannot_apply("an operation is not a JSON object");
      const std::string op = operation.value("op", std::string());
      std::optional<std::string> why;
      if (op == "add" || op == "remove" || op == "replace") {
        why = apply_checked(result, op, operation);
      } else if (op == "move" || op == "copy") {
        const std::string from = operation.at("from").get<std::string>();
        why = scalar_parent(result, op, from, "from path");
        if (!why) {
          Json value = result.at(Json::json_pointer(from));
          if (op == "move") why = apply_checked(result, op, {{"op", "remove"}, {"path", from}});
          if (!why) {
            why = apply_checked(result, op,
                                {{"op", "add"}, {"path", operation.at("path")}, {"value", value}});
          }
        }
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
