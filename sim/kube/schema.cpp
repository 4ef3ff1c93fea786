#include "sim/kube/schema.hpp"

#include <functional>

#include "controller/net/json.hpp"

namespace albc::sim::kube {

const Schema* Schema::field(std::string_view name) const {
  for (const auto& [key, schema] : fields) {
    if (key == name) return schema.get();
  }
  return nullptr;
}

namespace schema {
namespace {
SchemaPtr make(Schema::Type type, std::string go_type) {
  auto node = std::make_shared<Schema>();
  node->type = type;
  node->go_type = std::move(go_type);
  return node;
}
}  // namespace

SchemaPtr object(std::string go_struct, std::vector<std::pair<std::string, SchemaPtr>> fields) {
  auto node = std::make_shared<Schema>();
  node->type = Schema::Type::Object;
  node->go_type = "v1." + go_struct;
  node->go_struct = std::move(go_struct);
  node->fields = std::move(fields);
  return node;
}

SchemaPtr open_object(std::string go_struct,
                      std::vector<std::pair<std::string, SchemaPtr>> fields) {
  return with(object(std::move(go_struct), std::move(fields)),
              [](Schema& node) { node.open = true; });
}

SchemaPtr map_of(SchemaPtr values, std::string go_type) {
  auto node = std::make_shared<Schema>(*make(Schema::Type::Map, std::move(go_type)));
  node->element = std::move(values);
  return node;
}

SchemaPtr array_of(SchemaPtr elements, std::string go_type) {
  auto node = std::make_shared<Schema>(*make(Schema::Type::Array, std::move(go_type)));
  node->element = std::move(elements);
  return node;
}

SchemaPtr string() {
  return make(Schema::Type::String, "string");
}
SchemaPtr int32() {
  return with(make(Schema::Type::Integer, "int32"), [](Schema& node) { node.integer_bits = 32; });
}
SchemaPtr int64() {
  return make(Schema::Type::Integer, "int64");
}
SchemaPtr boolean() {
  return make(Schema::Type::Boolean, "bool");
}
SchemaPtr number() {
  return make(Schema::Type::Number, "float64");
}
SchemaPtr int_or_string() {
  return make(Schema::Type::IntOrString, "intstr.IntOrString");
}
SchemaPtr any() {
  return make(Schema::Type::Any, "interface {}");
}

SchemaPtr with(SchemaPtr base, const std::function<void(Schema&)>& change) {
  auto copy = std::make_shared<Schema>(*base);
  change(*copy);
  if (!copy->pattern.empty() && !copy->compiled_pattern) {
    auto compiled = net::Regex::compile(copy->pattern);
    ALBC_ASSERT(compiled.has_value());  // schema tables are ours: a bad pattern is a bug
    copy->compiled_pattern = *compiled;
  }
  return copy;
}
}  // namespace schema

namespace {

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

bool fits_integer(const Json& value, int bits) {
  if (value.is_number_unsigned()) {
    return bits == 64 ? value.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX)
                      : value.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT32_MAX);
  }
  if (!value.is_number_integer()) return false;
  const long long number = value.get<long long>();
  return bits == 64 || (number >= INT32_MIN && number <= INT32_MAX);
}

// --- Built-in kinds: Go's encoding/json ---------------------------------------------------------

class GoDecoder {
 public:
  DecodeReport report;

  // `go_struct` and `go_path` are what a Go decode error names: the innermost struct and the
  // field names from the top, without indices or map keys. `json_path` names unknown fields.
  void decode(const Schema& schema, Json& value, const std::string& go_struct,
              const std::string& go_path, const std::string& json_path) {
    if (report.type_error) return;
    switch (schema.type) {
      case Schema::Type::Any:
        if (net::exceeds_depth(value, kOpenFieldDepthMax)) too_deep(json_path);
        return;
      case Schema::Type::String:
        if (!value.is_string()) mismatch(value, schema, go_struct, go_path);
        return;
      case Schema::Type::Boolean:
        if (!value.is_boolean()) mismatch(value, schema, go_struct, go_path);
        return;
      case Schema::Type::Number:
        if (!value.is_number()) mismatch(value, schema, go_struct, go_path);
        return;
      case Schema::Type::Integer:
        if (!fits_integer(value, schema.integer_bits)) mismatch(value, schema, go_struct, go_path);
        return;
      case Schema::Type::IntOrString:
        if (!value.is_string() && !fits_integer(value, 32)) {
          mismatch(value, schema, go_struct, go_path);
        }
        return;
      case Schema::Type::Map:
        decode_map(schema, value, go_struct, go_path, json_path);
        return;
      case Schema::Type::Array:
        decode_array(schema, value, go_struct, go_path, json_path);
        return;
      case Schema::Type::Object:
        decode_object(schema, value, go_struct, go_path, json_path);
        return;
    }
  }

 private:
  static std::string described(const Json& value, const Schema& schema) {
    if (value.is_string()) return "string";
    if (value.is_boolean()) return "bool";
    if (value.is_array()) return "array";
    if (value.is_object()) return "object";
    const bool integer_target =
        schema.type == Schema::Type::Integer || schema.type == Schema::Type::IntOrString;
    return integer_target ? "number " + net::dump_json(value) : "number";
  }

  void mismatch(const Json& value, const Schema& schema, const std::string& go_struct,
                const std::string& go_path) {
    report.type_error = "json: cannot unmarshal " + described(value, schema) +
                        " into Go struct field " + go_struct + "." + go_path + " of type " +
                        schema.go_type;
  }

  void too_deep(const std::string& json_path) {
    report.type_error = "json: the value of " + json_path + " nests deeper than " +
                        std::to_string(kOpenFieldDepthMax) + " levels";
  }

  void decode_map(const Schema& schema, Json& value, const std::string& go_struct,
                  const std::string& go_path, const std::string& json_path) {
    if (!value.is_object()) return mismatch(value, schema, go_struct, go_path);
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (it->is_null()) {
        if (schema.element->type == Schema::Type::String) *it = "";
        continue;
      }
      decode(*schema.element, *it, go_struct, go_path, json_path + "[" + it.key() + "]");
    }
  }

  void decode_array(const Schema& schema, Json& value, const std::string& go_struct,
                    const std::string& go_path, const std::string& json_path) {
    if (!value.is_array()) return mismatch(value, schema, go_struct, go_path);
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (value[i].is_null()) continue;
      decode(*schema.element, value[i], go_struct, go_path,
             json_path + "[" + std::to_string(i) + "]");
    }
  }

  void decode_object(const Schema& schema, Json& value, const std::string& go_struct,
                     const std::string& go_path, const std::string& json_path) {
    if (!value.is_object()) return mismatch(value, schema, go_struct, go_path);
    std::vector<std::string> removed;
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string field_path = join(json_path, it.key());
      const Schema* field = schema.field(it.key());
      if (field == nullptr && !schema.open) {
        report.unknown_fields.push_back(field_path);
        removed.push_back(it.key());
      } else if (it->is_null()) {
        removed.push_back(it.key());
      } else if (field == nullptr) {
        if (net::exceeds_depth(*it, kOpenFieldDepthMax)) too_deep(field_path);
      } else {
        decode(*field, *it, schema.go_struct, join(go_path, it.key()), field_path);
      }
    }
    for (const std::string& key : removed)
      value.erase(key);
  }
};

// --- Custom resources: OpenAPI v3 as kube-openapi checks it --------------------------------------

std::string json_type(const Json& value) {
  if (value.is_null()) return "null";
  if (value.is_string()) return "string";
  if (value.is_boolean()) return "boolean";
  if (value.is_number_integer()) return "integer";
  if (value.is_number()) return "number";
  if (value.is_array()) return "array";
  return "object";
}

std::string quoted(const std::string& text) {
  return net::dump_json(Json(text));
}

class OpenApiValidator {
 public:
  SchemaReport report;

  void check(const Schema& schema, Json& value, const std::string& path) {
    switch (schema.type) {
      case Schema::Type::Any:
        if (net::exceeds_depth(value, kOpenFieldDepthMax)) {
          cause("FieldValueInvalid", path,
                "Invalid value: \"" + json_type(value) + "\": nests deeper than " +
                    std::to_string(kOpenFieldDepthMax) + " levels");
        }
        return;
      case Schema::Type::String:
        if (!value.is_string()) return wrong_type(path, value, "string");
        check_string(schema, value.get_ref<const std::string&>(), path);
        return;
      case Schema::Type::Boolean:
        if (!value.is_boolean()) wrong_type(path, value, "boolean");
        return;
      case Schema::Type::Number:
        if (!value.is_number()) wrong_type(path, value, "number");
        return;
      case Schema::Type::Integer:
        if (!value.is_number_integer()) return wrong_type(path, value, "integer");
        if (schema.minimum && below(value, *schema.minimum)) {
          cause("FieldValueInvalid", path,
                "Invalid value: " + net::dump_json(value) + ": " + path +
                    " in body should be greater than or equal to " +
                    std::to_string(*schema.minimum));
        }
        return;
      case Schema::Type::IntOrString:
        if (!value.is_string() && !value.is_number_integer()) {
          wrong_type(path, value, "integer,string");
        }
        return;
      case Schema::Type::Map:
        if (!value.is_object()) return wrong_type(path, value, "object");
        for (auto it = value.begin(); it != value.end(); ++it)
          check(*schema.element, *it, path + "[" + it.key() + "]");
        return;
      case Schema::Type::Array:
        if (!value.is_array()) return wrong_type(path, value, "array");
        if (schema.min_items && value.size() < *schema.min_items) {
          cause("FieldValueInvalid", path,
                "Invalid value: " + std::to_string(value.size()) + ": " + path +
                    " in body should have at least " + std::to_string(*schema.min_items) +
                    " items");
        }
        for (std::size_t i = 0; i < value.size(); ++i)
          check(*schema.element, value[i], path + "[" + std::to_string(i) + "]");
        return;
      case Schema::Type::Object:
        check_object(schema, value, path);
        return;
    }
  }

 private:
  // JSON parses non-negative numbers as unsigned; those past int64 must not wrap negative.
  static bool below(const Json& value, long long minimum) {
    if (value.is_number_unsigned()) {
      return minimum > 0 && value.get<std::uint64_t>() < static_cast<std::uint64_t>(minimum);
    }
    return value.get<long long>() < minimum;
  }

  void cause(const char* reason, const std::string& field, const std::string& message) {
    report.causes.push_back({{"reason", reason}, {"message", message}, {"field", field}});
  }

  void wrong_type(const std::string& path, const Json& value, const std::string& expected) {
    const std::string actual = json_type(value);
    cause("FieldValueTypeInvalid", path,
          "Invalid value: \"" + actual + "\": " + path + " in body must be of type " + expected +
              ": \"" + actual + "\"");
  }

  void check_string(const Schema& schema, const std::string& text, const std::string& path) {
    if (!schema.enum_values.empty() &&
        std::find(schema.enum_values.begin(), schema.enum_values.end(), text) ==
            schema.enum_values.end()) {
      std::string supported;
      for (const std::string& allowed : schema.enum_values)
        supported += (supported.empty() ? "" : ", ") + quoted(allowed);
      cause("FieldValueNotSupported", path,
            "Unsupported value: " + quoted(text) + ": supported values: " + supported);
    }
    if (schema.max_length && text.size() > *schema.max_length) {
      cause("FieldValueTooLong", path,
            "Too long: may not be more than " + std::to_string(*schema.max_length) + " bytes");
    }
    if (schema.min_length && text.size() < *schema.min_length) {
      cause("FieldValueInvalid", path,
            "Invalid value: " + quoted(text) + ": " + path + " in body should be at least " +
                std::to_string(*schema.min_length) + " chars long");
    }
    if (schema.compiled_pattern && !schema.compiled_pattern->partial_match(text)) {
      cause("FieldValueInvalid", path,
            "Invalid value: " + quoted(text) + ": " + path + " in body should match '" +
                schema.pattern + "'");
    }
    if (schema.format == "date-time" && !looks_like_date_time(text)) {
      cause("FieldValueTypeInvalid", path,
            "Invalid value: " + quoted(text) + ": " + path +
                " in body must be of type date-time: " + quoted(text));
    }
  }

  // RFC 3339: 2025-01-01T00:00:00Z, with optional fractions and a numeric offset.
  static bool looks_like_date_time(const std::string& text) {
    static const net::Regex kDateTime = *net::Regex::compile(
        R"(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))");
    return kDateTime.full_match(text);
  }

  void check_object(const Schema& schema, Json& value, const std::string& path) {
    if (!value.is_object()) return wrong_type(path, value, "object");
    // A null in a known field is pruned before validation, as the real server does for custom
    // resources whose schemas (like albc's) mark no field nullable: a required field that is
    // null is then missing.
    for (auto it = value.begin(); it != value.end();) {
      it = it->is_null() && schema.field(it.key()) != nullptr ? value.erase(it) : std::next(it);
    }
    for (const std::string& key : schema.required) {
      if (!value.contains(key)) cause("FieldValueRequired", join(path, key), "Required value");
    }
    std::vector<std::string> pruned;
    for (auto it = value.begin(); it != value.end(); ++it) {
      const Schema* field = schema.field(it.key());
      if (field == nullptr) {
        if (schema.open) continue;
        report.unknown_fields.push_back(join(path, it.key()));
        pruned.push_back(it.key());
        continue;
      }
      check(*field, *it, join(path, it.key()));
    }
    for (const std::string& key : pruned)
      value.erase(key);
  }
};

}  // namespace

DecodeReport decode_builtin(const Schema& root, Json& object) {
  GoDecoder decoder;
  decoder.decode(root, object, root.go_struct, "", "");
  return std::move(decoder.report);
}

SchemaReport validate_custom(const Schema& root, Json& object) {
  OpenApiValidator validator;
  validator.check(root, object, "");
  return std::move(validator.report);
}

}  // namespace albc::sim::kube
