#include "sim/kube/validation.hpp"
#include "sim/kube/validation_parts.hpp"

namespace albc::sim::kube {

const Json& field_of(const Json& object, std::string_view key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  const auto found = object.find(key);
  return found == object.end() ? kNull : *found;
}

std::string text_of(const Json& value) {
  return value.is_string() ? value.get<std::string>() : std::string();
}

namespace {

// Which name rule each kind's strategy applies (core ValidateXName functions).
std::vector<std::string> name_errors(const ResourceType& type, std::string_view name, bool prefix) {
  if (type.kind == "Event") return {};
  std::string value(name);
  // A generateName prefix may end in a dash: apimachinery's maskTrailingDash swaps it (and the
  // character before it) for an "a" before the name rule sees it.
  if (prefix && value.size() > 1 && value.back() == '-') {
    value = value.substr(0, value.size() - 2) + "a";
  }
  if (type.group.empty() && type.kind == "Namespace") return names::dns1123_label(value);
  if (type.group.empty() && type.kind == "Service") return names::dns1035_label(value);
  return names::dns1123_subdomain(value);
}

void validate_labels(const Json& labels, const std::string& field, FieldErrors& errors) {
  if (!labels.is_object()) return;
  for (auto it = labels.begin(); it != labels.end(); ++it) {
    errors.invalid_each(field, Json(it.key()), names::qualified_name(it.key()));
    errors.invalid_each(field, *it, names::label_value(text_of(*it)));
  }
}

void validate_annotations(const Json& annotations, FieldErrors& errors) {
  if (!annotations.is_object()) return;
  std::size_t total = 0;
  for (auto it = annotations.begin(); it != annotations.end(); ++it) {
    std::string lower = it.key();
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    errors.invalid_each("metadata.annotations", Json(it.key()), names::qualified_name(lower));
    total += it.key().size() + text_of(*it).size();
  }
  if (total > kAnnotationsBytesMax) errors.too_long("metadata.annotations", kAnnotationsBytesMax);
}

void validate_finalizers(const ResourceType& type, const Json& finalizers, FieldErrors& errors) {
  if (!finalizers.is_array()) return;
  bool orphan = false;
  bool foreground = false;
  for (std::size_t i = 0; i < finalizers.size(); ++i) {
    const std::string name = text_of(finalizers[i]);
    orphan = orphan || name == "orphan";
    foreground = foreground || name == "foregroundDeletion";
    errors.invalid_each("metadata.finalizers", Json(name), names::qualified_name(name));
    const bool standard = name == "kubernetes" || name == "orphan" || name == "foregroundDeletion";
    if (!type.custom && !standard && name.find('/') == std::string::npos &&
        names::qualified_name(name).empty()) {
      errors.invalid("metadata.finalizers[" + std::to_string(i) + "]", Json(name),
                     "name is neither a standard finalizer name nor is it fully qualified");
    }
  }
  if (orphan && foreground) {
    errors.invalid("metadata.finalizers", finalizers,
                   "finalizer orphan and foregroundDeletion cannot be both set");
  }
}

// As apimachinery's ValidateOwnerReferences: each reference's problems are named on the list's
// own path, not an indexed one.
void validate_owner_references(const Json& owners, FieldErrors& errors) {
  if (!owners.is_array()) return;
  const std::string field = "metadata.ownerReferences";
  std::string first_controller;
  for (const Json& owner : owners) {
    const std::string api_version = text_of(field_of(owner, "apiVersion"));
    // As schema.ParseGroupVersion: more than one slash is no version at all.
    const std::size_t slash = api_version.find('/');
    const bool parses =
        slash == std::string::npos || api_version.find('/', slash + 1) == std::string::npos;
    const std::string version = parses ? api_version.substr(slash + 1) : std::string();
    if (version.empty()) {
      errors.invalid(field + ".apiVersion", Json(api_version), "version must not be empty");
    }
    for (const char* key : {"kind", "name", "uid"}) {
      const std::string value = text_of(field_of(owner, key));
      if (value.empty()) {
        errors.invalid(field + "." + key, Json(value), std::string(key) + " must not be empty");
      }
    }
    if (field_of(owner, "controller") != Json(true)) continue;
    const std::string controller =
        text_of(field_of(owner, "kind")) + "/" + text_of(field_of(owner, "name"));
    if (first_controller.empty()) {
      first_controller = controller;
    } else {
      errors.invalid(field, owners,
                     "Only one reference can have Controller set to true. Found \"true\" in "
                     "references for " +
                         first_controller + " and " + controller);
    }
  }
}

}  // namespace

// ObjectMeta, as apimachinery's ValidateObjectMeta and the generic path-segment check do.
void validate_object_meta(const ResourceType& type, const Json& object, FieldErrors& errors) {
  const Json& metadata = field_of(object, "metadata");
  const std::string name = text_of(field_of(metadata, "name"));
  const std::string generate_name = text_of(field_of(metadata, "generateName"));
  if (name.empty() && generate_name.empty()) {
    errors.required("metadata.name", "name or generateName is required");
  }
  if (!generate_name.empty()) {
    errors.invalid_each("metadata.generateName", Json(generate_name),
                        name_errors(type, generate_name, true));
  }
  if (!name.empty()) {
    errors.invalid_each("metadata.name", Json(name), name_errors(type, name, false));
    errors.invalid_each("metadata.name", Json(name), names::path_segment(name));
  }
  if (type.namespaced) {
    const std::string ns = text_of(field_of(metadata, "namespace"));
    if (ns.empty()) {
      errors.required("metadata.namespace");
    } else {
      errors.invalid_each("metadata.namespace", Json(ns), names::dns1123_label(ns));
    }
  }
  validate_labels(field_of(metadata, "labels"), "metadata.labels", errors);
  validate_annotations(field_of(metadata, "annotations"), errors);
  validate_finalizers(type, field_of(metadata, "finalizers"), errors);
  validate_owner_references(field_of(metadata, "ownerReferences"), errors);
}

void validate_label_map(const Json& labels, const std::string& field, FieldErrors& errors) {
  validate_labels(labels, field, errors);
}

}  // namespace albc::sim::kube
