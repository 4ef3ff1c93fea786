#include "controller/net/cidr.hpp"

#include <charconv>

namespace albc::net {

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
  std::uint32_t address = 0;
  for (int octet = 0; octet < 4; ++octet) {
    unsigned value = 0;
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    auto [next, error] = std::from_chars(begin, end, value);
    if (error != std::errc() || next == begin || value > 255 || next - begin > 3)
      return std::nullopt;
    address = (address << 8) | value;
    text.remove_prefix(static_cast<std::size_t>(next - begin));
    if (octet < 3) {
      if (text.empty() || text.front() != '.') return std::nullopt;
      text.remove_prefix(1);
    }
  }
  if (!text.empty()) return std::nullopt;
  return address;
}

std::string format_ipv4(std::uint32_t address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 255) + "." +
         std::to_string((address >> 8) & 255) + "." + std::to_string(address & 255);
}

bool Ipv4Cidr::contains(std::uint32_t address) const {
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  return (address & mask) == base;
}

bool Ipv4Cidr::contains(const Ipv4Cidr& other) const {
  return other.prefix >= prefix && contains(other.base);
}

bool Ipv4Cidr::overlaps(const Ipv4Cidr& other) const {
  return contains(other.base) || other.contains(base);
}

std::string Ipv4Cidr::to_string() const {
  return format_ipv4(base) + "/" + std::to_string(prefix);
}

std::optional<Ipv4Cidr> parse_cidr(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto address = parse_ipv4(text.substr(0, slash));
  if (!address) return std::nullopt;
  const std::string_view prefix_text = text.substr(slash + 1);
  int prefix = -1;
  auto [next, error] =
      std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), prefix);
  if (error != std::errc() || next != prefix_text.data() + prefix_text.size() || prefix < 0 ||
      prefix > 32) {
    return std::nullopt;
  }
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  if ((*address & mask) != *address) return std::nullopt;  // host bits set
  return Ipv4Cidr{*address, prefix};
}

bool is_ipv6_cidr(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  const std::string_view address = text.substr(0, slash);
  const std::string_view prefix_text = text.substr(slash + 1);
  int prefix = -1;
  auto [next, error] =
      std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), prefix);
  if (error != std::errc() || next != prefix_text.data() + prefix_text.size() || prefix < 0 ||
      prefix > 128) {
    return false;
  }
  int colons = 0;
  for (char c : address) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (c == ':')
      ++colons;
    else if (!hex)
      return false;
  }
  return colons >= 2 && colons <= 7;
}

std::string availability_zone_id(std::string_view region, std::string_view zone) {
  // ap-northeast-2 -> apne2: the first part, the initial of each direction word, the number.
  std::string code;
  std::size_t start = 0;
  int part = 0;
  while (start <= region.size()) {
    const auto dash = region.find('-', start);
    const std::string_view word = region.substr(
        start, dash == std::string_view::npos ? std::string_view::npos : dash - start);
    if (part == 0) {
      code += word;
    } else if (!word.empty() && word.front() >= '0' && word.front() <= '9') {
      code += word;
    } else if (word == "northeast" || word == "southeast" || word == "northwest" ||
               word == "southwest") {
      code += word.substr(0, 1);
      code += word.substr(5, 1);
    } else if (!word.empty()) {
      code += word.front();
    }
    if (dash == std::string_view::npos) break;
    start = dash + 1;
    ++part;
  }
  const char letter = zone.empty() ? 'a' : zone.back();
  return code + "-az" + std::to_string(letter - 'a' + 1);
}

}  // namespace albc::net
