#include <catch2/catch.hpp>

#include "controller/net/random.hpp"

using namespace albc::net;

TEST_CASE("random: the same seed gives the same sequence", "[net]") {
  Random a(7);
  Random b(7);
  for (int i = 0; i < 100; ++i)
    CHECK(a.next_u64() == b.next_u64());
}

TEST_CASE("random: a fork depends on the seed and the name only, not on earlier draws", "[net]") {
  Random a(7);
  Random b(7);
  b.next_u64();
  b.next_u64();
  Random fork_a = a.fork("aws.arn");
  Random fork_b = b.fork("aws.arn");
  CHECK(fork_a.next_u64() == fork_b.next_u64());
  CHECK(a.fork("aws.arn").next_u64() != a.fork("kube.uid").next_u64());
}

TEST_CASE("random: uniform stays in range and reaches both ends", "[net]") {
  Random random(11);
  bool saw_low = false;
  bool saw_high = false;
  for (int i = 0; i < 2000; ++i) {
    const auto value = random.uniform(3, 6);
    REQUIRE(value >= 3);
    REQUIRE(value <= 6);
    saw_low = saw_low || value == 3;
    saw_high = saw_high || value == 6;
  }
  CHECK(saw_low);
  CHECK(saw_high);
}

TEST_CASE("random: uuid has the version-4 shape", "[net]") {
  Random random(1);
  const std::string uuid = random.uuid();
  REQUIRE(uuid.size() == 36);
  CHECK(uuid[8] == '-');
  CHECK(uuid[14] == '4');
}
