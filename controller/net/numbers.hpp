#pragma once

#include <charconv>
#include <optional>
#include <string_view>

namespace albc::net {

// A whole decimal integer in T's range: an optional '-', digits, nothing else (no spaces, no
// '+', no trailing characters, unlike std::stoi).
template <class T>
std::optional<T> parse_integer(std::string_view text) {
  T value{};
  const char* last = text.data() + text.size();
  auto [end, error] = std::from_chars(text.data(), last, value);
  if (text.empty() || error != std::errc() || end != last) return std::nullopt;
  return value;
}

}  // namespace albc::net
