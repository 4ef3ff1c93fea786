#include "controller/net/random.hpp"

#include "controller/net/assert.hpp"

namespace albc::net {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

}  // namespace

std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

Random::Random(std::uint64_t seed) : seed_(seed) {
  std::uint64_t x = seed;
  for (std::uint64_t& word : state_)
    word = splitmix64(x);
}

Random Random::fork(std::string_view name) const {
  std::uint64_t mixed = seed_ ^ stable_hash(name);
  return Random(splitmix64(mixed));
}

std::uint64_t Random::next_u64() {
  const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

std::uint64_t Random::uniform(std::uint64_t low, std::uint64_t high) {
  ALBC_ASSERT(low <= high);
  const std::uint64_t span = high - low;
  if (span == ~0ULL) return next_u64();
  const std::uint64_t range = span + 1;
  const std::uint64_t limit = ~0ULL - (~0ULL % range);
  std::uint64_t value = next_u64();
  while (value >= limit)
    value = next_u64();
  return low + value % range;
}

bool Random::chance(std::uint64_t numerator, std::uint64_t denominator) {
  ALBC_ASSERT(denominator > 0);
  ALBC_ASSERT(numerator <= denominator);
  return uniform(0, denominator - 1) < numerator;
}

std::string Random::hex(std::size_t length) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(length, '0');
  for (char& c : text)
    c = kDigits[uniform(0, 15)];
  return text;
}

std::string Random::alphanumeric(std::size_t length) {
  // Kubernetes avoids vowels and look-alikes in generated names; so do we.
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string text(length, 'b');
  for (char& c : text)
    c = kAlphabet[uniform(0, sizeof kAlphabet - 2)];
  return text;
}

std::string Random::digits(std::size_t length) {
  std::string text(length, '0');
  for (char& c : text)
    c = static_cast<char>('0' + uniform(0, 9));
  return text;
}

std::string Random::uuid() {
  std::string text = hex(32);
  text[12] = '4';
  text[16] = "89ab"[uniform(0, 3)];
  return text.substr(0, 8) + "-" + text.substr(8, 4) + "-" + text.substr(12, 4) + "-" +
         text.substr(16, 4) + "-" + text.substr(20, 12);
}

}  // namespace albc::net
