#include "sim/kube/validation.hpp"

#include "sim/kube/validation_parts.hpp"

namespace albc::sim::kube {

const std::vector<std::string> kProtocols = {"SCTP", "TCP", "UDP"};

bool contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

void validate_port_number(const Json& port, const std::string& field, FieldErrors& errors) {
  if (!port.is_number_integer()) return;
  const long long number = port.get<long long>();
  if (number < 1 || number > 65535) {
    errors.invalid(field, port, "must be between 1 and 65535, inclusive");
  }
}

void validate_data(const ResourceType& type, const Json& object, FieldErrors& errors) {
  std::size_t total = 0;
  for (const char* map : {"data", "binaryData"}) {
    const Json& entries = field_of(object, map);
    if (!entries.is_object()) continue;
    for (auto it = entries.begin(); it != entries.end(); ++it) {
      const std::string field = std::string(map) + "[" + it.key() + "]";
      errors.invalid_each(field, Json(it.key()), names::config_key(it.key()));
      total += text_of(*it).size();
      if (std::string(map) == "binaryData" &&
          field_of(field_of(object, "data"), it.key()).is_string()) {
        errors.invalid(field, Json(it.key()), "duplicate of key present in data");
      }
    }
  }
  // Secret data is base64 on the wire; the limit is on the decoded bytes.
  if (type.kind == "Secret") total = total / 4 * 3;
  if (total > kDataBytesMax) errors.too_long(type.kind == "Secret" ? "data" : "", kDataBytesMax);
}

namespace {

void validate_lease(const Json& object, FieldErrors& errors) {
  const Json& spec = field_of(object, "spec");
  const Json& duration = field_of(spec, "leaseDurationSeconds");
  if (duration.is_number_integer() && duration.get<long long>() <= 0) {
    errors.invalid("spec.leaseDurationSeconds", duration, "must be greater than 0");
  }
  const Json& transitions = field_of(spec, "leaseTransitions");
  if (transitions.is_number_integer() && transitions.get<long long>() < 0) {
    errors.invalid("spec.leaseTransitions", transitions, "must be greater than or equal to 0");
  }
}

void validate_namespace(const Json& object, FieldErrors& errors) {
  const Json& finalizers = field_of(field_of(object, "spec"), "finalizers");
  if (!finalizers.is_array()) return;
  for (const Json& finalizer : finalizers) {
    const std::string name = text_of(finalizer);
    errors.invalid_each("spec.finalizers", finalizer, names::qualified_name(name));
    if (name != "kubernetes" && name.find('/') == std::string::npos) {
      errors.invalid("spec.finalizers", finalizer,
                     "name is neither a standard finalizer name nor is it fully qualified");
    }
  }
}

// IngressClassParams' one CEL rule.
void validate_class_params(const Json& object, FieldErrors& errors) {
  const Json& spec = field_of(object, "spec");
  if (spec.contains("prefixListsIDs") && spec.contains("PrefixListsIDs")) {
    errors.invalid("spec", Json("object"),
                   "cannot specify both 'prefixListsIDs' and 'PrefixListsIDs' fields");
  }
}

void validate_kind(const ResourceType& type, const Json& object, FieldErrors& errors) {
  const std::string& kind = type.kind;
  if (type.group.empty()) {
    if (kind == "Pod") validate_pod(object, errors);
    if (kind == "Service") validate_service(object, errors);
    if (kind == "ConfigMap" || kind == "Secret") validate_data(type, object, errors);
    if (kind == "Namespace") validate_namespace(object, errors);
  } else if (type.group == "apps") {
    if (kind == "Deployment") validate_deployment(object, errors);
    if (kind == "ReplicaSet") validate_replica_set(object, errors);
  } else if (type.group == "networking.k8s.io") {
    if (kind == "Ingress") validate_ingress(object, errors);
    if (kind == "IngressClass") validate_ingress_class(object, errors);
  } else if (type.group == "discovery.k8s.io") {
    validate_endpoint_slice(object, errors);
  } else if (type.group == "coordination.k8s.io") {
    validate_lease(object, errors);
  } else if (kind == "IngressClassParams") {
    validate_class_params(object, errors);
  }
}

void immutable(const Json& live, const Json& updated, const std::string& field,
               std::initializer_list<const char*> path, FieldErrors& errors) {
  const Json* before = &live;
  const Json* after = &updated;
  for (const char* key : path) {
    before = &field_of(*before, key);
    after = &field_of(*after, key);
  }
  if (*before != *after) errors.invalid(field, *after, "field is immutable");
}

}  // namespace

Json validate_create(const ResourceType& type, const Json& object) {
  FieldErrors errors;
  validate_object_meta(type, object, errors);
  validate_kind(type, object, errors);
  return errors.causes();
}

Json validate_update(const ResourceType& type, const Json& live, const Json& updated) {
  FieldErrors errors;
  validate_object_meta(type, updated, errors);
  validate_kind(type, updated, errors);
  if (type.kind == "Deployment" || type.kind == "ReplicaSet") {
    immutable(live, updated, "spec.selector", {"spec", "selector"}, errors);
  }
  if (type.kind == "IngressClass") {
    immutable(live, updated, "spec.controller", {"spec", "controller"}, errors);
  }
  if (type.kind == "EndpointSlice") {
    immutable(live, updated, "addressType", {"addressType"}, errors);
  }
  if (type.kind == "Secret" && type.group.empty()) {
    immutable(live, updated, "type", {"type"}, errors);
  }
  return errors.causes();
}

}  // namespace albc::sim::kube
