#include <catch2/catch.hpp>

#include "controller/net/yaml.hpp"

using namespace albc::net;

TEST_CASE("yaml: an alias bomb stops at the expansion budget", "[net]") {
  // Each level doubles the one before: 2^30 scalars if expanded in full.
  std::string bomb = "a0: &a0 [x, x]\n";
  for (int level = 1; level <= 30; ++level) {
    bomb += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [*a" +
            std::to_string(level - 1) + ", *a" + std::to_string(level - 1) + "]\n";
  }
  auto expanded = yaml_to_json(bomb, "bomb.yaml");
  REQUIRE_FALSE(expanded);
  CHECK(expanded.error().code == "InvalidYaml");
  CHECK(expanded.error().message ==
        "bomb.yaml: the document expands to more than 1000000 nodes (aliases are expanded)");
  // A few aliases are fine.
  auto small = yaml_to_json("a: &x {b: 1}\nc: *x\n", "small.yaml");
  REQUIRE(small);
  CHECK((*small)["c"]["b"] == 1);
}

TEST_CASE("yaml: nesting, size and encoding limits are errors naming the source", "[net]") {
  auto deep = yaml_to_json(std::string(5000, '[') + std::string(5000, ']'), "deep.yaml");
  REQUIRE_FALSE(deep);
  CHECK(deep.error().message.starts_with("deep.yaml: line 1, column "));
  auto large = yaml_to_json("a: 1\n", "large.yaml", YamlLimits{3});
  REQUIRE_FALSE(large);
  CHECK(large.error().message == "large.yaml: 5 bytes, over the limit of 3");
  auto latin1 = yaml_to_json("name: caf\xe9\n", "latin1.yaml");
  REQUIRE_FALSE(latin1);
  CHECK(latin1.error().message == "latin1.yaml: line 1, column 7: the text is not valid UTF-8");
}

TEST_CASE("yaml: plain scalars read as Kubernetes reads them, without regular expressions",
          "[net]") {
  auto document = yaml_to_json(
      "a: 12\nb: -3\nc: +4\nd: 012\ne: 1.5\nf: .5e3\ng: 1e5\nh: 99999999999999999999\ni: 1.\n",
      "t.yaml");
  REQUIRE(document);
  CHECK((*document)["a"] == 12);
  CHECK((*document)["b"] == -3);
  CHECK((*document)["c"] == 4);
  CHECK((*document)["d"] == "012");
  CHECK((*document)["e"] == 1.5);
  CHECK((*document)["f"] == 500.0);
  CHECK((*document)["g"] == "1e5");
  CHECK((*document)["h"] == "99999999999999999999");
  CHECK((*document)["i"] == 1.0);
  // A long run of digits costs linear time (std::regex recursed once per character).
  auto digits = yaml_to_json("n: " + std::string(1'000'000, '7') + "\n", "digits.yaml");
  REQUIRE(digits);
  CHECK((*digits)["n"].is_string());
}

TEST_CASE("yaml: a mapping key must be a scalar", "[net]") {
  auto complex = yaml_to_json("? [a, b]\n: c\n", "keys.yaml");
  REQUIRE_FALSE(complex);
  CHECK(complex.error().message == "keys.yaml: line 1, column 3: a mapping key must be a scalar");
}

TEST_CASE("yaml: an alias that contains itself stops at the depth limit", "[net]") {
  // yaml-cpp refuses documents nested past about 500 levels itself; an anchor whose node holds an
  // alias to it is a cycle, which only the conversion's own limit stops.
  auto cycle = yaml_to_json("a: &x\n  b: *x\n", "cycle.yaml");
  REQUIRE_FALSE(cycle);
  CHECK(cycle.error().message.ends_with("the document nests deeper than 512 levels"));
}
