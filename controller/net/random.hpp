#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace albc::net {

// Deterministic randomness (xoshiro256**), seeded by the scenario. Consumers take named streams
// with fork(), derived from the seed and the name only, so adding a consumer shifts no other.
// Distributions are our own: std::*_distribution differs between standard libraries.
class Random {
 public:
  explicit Random(std::uint64_t seed);

  Random fork(std::string_view name) const;
  std::uint64_t seed() const { return seed_; }

  std::uint64_t next_u64();
  // Uniform in [low, high], inclusive, without modulo bias.
  std::uint64_t uniform(std::uint64_t low, std::uint64_t high);
  // True with probability numerator / denominator.
  bool chance(std::uint64_t numerator, std::uint64_t denominator);
  std::string hex(std::size_t length);
  // Lower-case letters and digits, as in Kubernetes generated name suffixes.
  std::string alphanumeric(std::size_t length);
  std::string digits(std::size_t length);
  std::string uuid();

 private:
  std::uint64_t seed_;
  std::uint64_t state_[4];
};

// FNV-1a, stable across platforms and runs (std::hash is neither).
std::uint64_t stable_hash(std::string_view text);

}  // namespace albc::net
