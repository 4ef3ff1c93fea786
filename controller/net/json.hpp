#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "controller/net/result.hpp"

namespace albc::net {

// Limits on JSON text that comes from outside: request bodies, answers, annotation values.
struct JsonLimits {
  // Go's encoding/json (which the Kubernetes API server and the real controller decode with)
  // refuses documents nested deeper than this.
  std::size_t depth_max = 10'000;
  std::size_t bytes_max = 64 * 1024 * 1024;
};

// Parses JSON text. Malformed text (including ill-formed UTF-8 in a string), text over
// bytes_max and documents nested deeper than depth_max are errors, never exceptions:
// "MalformedJson", "JsonTooLarge", "JsonTooDeep". Parsing and destroying the result never
// recurse, so no document can exhaust the stack here; code that walks a parsed document
// recursively must bound its own depth (see exceeds_depth).
Result<nlohmann::json> parse_json(std::string_view text, JsonLimits limits = {});

// The deepest nesting of arrays and objects in JSON text, counted without parsing (strings and
// escapes are skipped). Stops counting once past `stop_after`.
std::size_t nesting_depth(std::string_view text, std::size_t stop_after);

// Whether a parsed value nests deeper than `depth_max` (a scalar has depth 0, `[]` depth 1).
// Walks with an explicit stack.
bool exceeds_depth(const nlohmann::json& value, std::size_t depth_max);

// Compact JSON text for the wire. A string that holds ill-formed UTF-8 (text that came from a
// URL or a query parameter, say) is written with U+FFFD in place of the bad bytes, where
// nlohmann's dump() would throw.
std::string dump_json(const nlohmann::json& value);

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF), as JSON and XML writers require.
bool is_valid_utf8(std::string_view text);

}  // namespace albc::net
