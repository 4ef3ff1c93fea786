#pragma once

#include <string>
#include <string_view>

namespace albc::net {

// Raw 32-byte SHA-256, and its hex form.
std::string sha256(std::string_view data);
std::string sha256_hex(std::string_view data);
// Raw 32-byte HMAC-SHA256.
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string to_hex(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);
std::string base64_encode(std::string_view bytes);
// Whether two byte strings are equal, in time that depends on their length only (for secrets
// and signatures, so that a comparison does not tell how much of a guess was right).
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace albc::net
