#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "controller/net/regex.hpp"
#include "sim/kube/status_error.hpp"

namespace albc::sim::kube {

// The shape of an object as the real API server decodes it: the Go types of a built-in kind, or
// the OpenAPI v3 schema of a custom resource. A Schema node is one field's type.
struct Schema {
  enum class Type { Object, Map, Array, String, Integer, Number, Boolean, IntOrString, Any };
  Type type = Type::Any;
  // The Go type, as decode errors print it: "int32", "string", "v1.DeploymentSpec", "[]string".
  std::string go_type;
  // Object: the Go struct's name ("DeploymentSpec") and its fields by JSON name.
  std::string go_struct;
  std::vector<std::pair<std::string, std::shared_ptr<const Schema>>> fields;
  // Object: fields albc does not model are kept, unchecked (for parts of the Pod spec, say), so
  // that a valid manifest is never refused for a field the fake does not know.
  bool open = false;
  // Map values and Array elements.
  std::shared_ptr<const Schema> element;
  int integer_bits = 64;
  // OpenAPI constraints (custom resources).
  std::vector<std::string> required;
  std::vector<std::string> enum_values;
  std::optional<std::size_t> min_items;
  std::optional<std::size_t> max_length;
  std::optional<std::size_t> min_length;
  std::optional<long long> minimum;
  std::string pattern;  // RE2 syntax; shown as written in messages
  std::optional<net::Regex> compiled_pattern;
  std::string format;  // "date-time"

  const Schema* field(std::string_view name) const;
};

using SchemaPtr = std::shared_ptr<const Schema>;

// Builders for schema tables.
namespace schema {
SchemaPtr object(std::string go_struct, std::vector<std::pair<std::string, SchemaPtr>> fields);
// An object whose unknown fields are kept unchecked.
SchemaPtr open_object(std::string go_struct, std::vector<std::pair<std::string, SchemaPtr>> fields);
SchemaPtr map_of(SchemaPtr values, std::string go_type);
SchemaPtr array_of(SchemaPtr elements, std::string go_type);
SchemaPtr string();
SchemaPtr int32();
SchemaPtr int64();
SchemaPtr boolean();
SchemaPtr number();
SchemaPtr int_or_string();  // intstr.IntOrString; also resource.Quantity's JSON forms
SchemaPtr any();            // any JSON value (a RawExtension, managedFields)
// Returns a copy of `base` with changes applied, for CRD constraints.
SchemaPtr with(SchemaPtr base, const std::function<void(Schema&)>& change);
}  // namespace schema

// What decoding a body into a built-in kind found: the first type error, Go-style
// ("json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type
// int32"), and the unknown fields, which were removed ("spec.foo", "spec.containers[0].bar").
// Null fields are removed too, as decoding into a Go struct and encoding it again does.
struct DecodeReport {
  std::optional<std::string> type_error;
  std::vector<std::string> unknown_fields;
};

// Checks `object` (the top level is an object) against a built-in kind's schema and prunes it.
DecodeReport decode_builtin(const Schema& root, Json& object);

// What validating a custom resource against its OpenAPI schema found: every error as a Status
// cause (FieldValueTypeInvalid, FieldValueRequired, FieldValueNotSupported, ...), and the
// unknown fields, which were pruned.
struct SchemaReport {
  Json causes = Json::array();
  std::vector<std::string> unknown_fields;
};

SchemaReport validate_custom(const Schema& root, Json& object);

// A region of the object that albc keeps unchecked may nest no deeper than this: no field of the
// real types does, and the stored object must stay shallow enough to copy and print.
inline constexpr std::size_t kOpenFieldDepthMax = 32;

}  // namespace albc::sim::kube
