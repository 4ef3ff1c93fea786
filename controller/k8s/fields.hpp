#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace albc::k8s {

// Typed reads of an object's fields. None throws, none reads past a missing key: a field that
// is absent, null or of another type reads as the fallback. Objects come from outside (an API
// server, an annotation), so every read in the controller goes through these (or checks the type
// itself), and a malformed object can only ever be a reported error for that object.
const nlohmann::json& map_field(const nlohmann::json& object, std::string_view key);   // or {}
const nlohmann::json& list_field(const nlohmann::json& object, std::string_view key);  // or []
std::string text_field(const nlohmann::json& object, std::string_view key,
                       std::string_view fallback = "");
long long integer_field(const nlohmann::json& object, std::string_view key, long long fallback);
bool boolean_field(const nlohmann::json& object, std::string_view key, bool fallback);
// The value of any type, or null.
const nlohmann::json& any_field(const nlohmann::json& object, std::string_view key);

// metadata and its most read fields.
const nlohmann::json& metadata_of(const nlohmann::json& object);
std::string name_of(const nlohmann::json& object);
std::string namespace_of(const nlohmann::json& object);
bool being_deleted(const nlohmann::json& object);

}  // namespace albc::k8s
