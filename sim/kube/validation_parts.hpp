#pragma once

#include "sim/kube/field_errors.hpp"
#include "sim/kube/resource_type.hpp"

namespace albc::sim::kube {

// The pieces validate_create is made of, shared by its files.
void validate_object_meta(const ResourceType& type, const Json& object, FieldErrors& errors);
void validate_label_map(const Json& labels, const std::string& field, FieldErrors& errors);
// The protocols a port may name, and whether a list names a value.
extern const std::vector<std::string> kProtocols;
bool contains(const std::vector<std::string>& values, const std::string& value);
// A port number (when it is one) between 1 and 65535.
void validate_port_number(const Json& port, const std::string& field, FieldErrors& errors);
void validate_pod_spec(const Json& spec, const std::string& field, bool in_template,
                       FieldErrors& errors);

// Each kind's own rules, on a decoded and defaulted object.
void validate_pod(const Json& object, FieldErrors& errors);
void validate_deployment(const Json& object, FieldErrors& errors);
void validate_replica_set(const Json& object, FieldErrors& errors);
void validate_service(const Json& object, FieldErrors& errors);
void validate_ingress(const Json& object, FieldErrors& errors);
void validate_ingress_class(const Json& object, FieldErrors& errors);
void validate_endpoint_slice(const Json& object, FieldErrors& errors);
void validate_data(const ResourceType& type, const Json& object, FieldErrors& errors);

}  // namespace albc::sim::kube
