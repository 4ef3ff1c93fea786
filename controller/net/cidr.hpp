#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace albc::net {

std::optional<std::uint32_t> parse_ipv4(std::string_view text);
std::string format_ipv4(std::uint32_t address);

// An IPv4 block: "10.0.0.0/16".
struct Ipv4Cidr {
  std::uint32_t base = 0;
  int prefix = 32;

  std::uint64_t size() const { return std::uint64_t{1} << (32 - prefix); }
  bool contains(std::uint32_t address) const;
  bool contains(const Ipv4Cidr& other) const;
  bool overlaps(const Ipv4Cidr& other) const;
  // AWS keeps the first four and the last address of a subnet.
  std::uint64_t usable_addresses() const { return size() > 5 ? size() - 5 : 0; }
  std::string to_string() const;
};

std::optional<Ipv4Cidr> parse_cidr(std::string_view text);
// Whether text is a valid IPv6 CIDR ("::/0", "2001:db8::/32"): enough for annotation checks.
bool is_ipv6_cidr(std::string_view text);

// "apne2-az1" for ap-northeast-2a: the zone ID naming AWS uses.
std::string availability_zone_id(std::string_view region, std::string_view zone);

}  // namespace albc::net
