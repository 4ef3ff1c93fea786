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

}  // namespace albc::net
