#include <catch2/catch.hpp>

#include "controller/ingress/annotations.hpp"
#include "controller/ingress/group.hpp"
#include "controller/ingress/listen_ports.hpp"

using namespace albc::ingress;

namespace {
Annotations with(std::string key, std::string value) {
  return Annotations(Json{{"alb.ingress.kubernetes.io/" + key, value}});
}
Json ingress_with(Json annotations) {
  return {{"metadata", {{"namespace", "ns"}, {"name", "web"}, {"annotations", annotations}}}};
}
}  // namespace

TEST_CASE("annotations: values parse as the real controller parses them", "[ingress]") {
  CHECK(*with("a", "True").boolean("a") == true);
  CHECK(*with("a", "0").boolean("a") == false);
  auto bad_bool = with("a", "yes").boolean("a");
  REQUIRE_FALSE(bad_bool);
  CHECK(bad_bool.error().message ==
        "failed to parse bool annotation, alb.ingress.kubernetes.io/a: yes: strconv.ParseBool: "
        "parsing \"yes\": invalid syntax");
  CHECK(*with("n", "15").int32("n") == 15);
  auto too_big = with("n", "3000000000").int32("n");
  REQUIRE_FALSE(too_big);
  CHECK(too_big.error().message ==
        "failed to parse int32 annotation, alb.ingress.kubernetes.io/n: 3000000000: "
        "strconv.ParseInt: parsing \"3000000000\": value out of range");
  CHECK_FALSE(with("n", "1.5").int32("n"));
  CHECK(*with("l", "a, ,b,").string_list("l") == std::vector<std::string>{"a", "b"});
  CHECK_FALSE(Annotations().string("missing"));
}

TEST_CASE("annotations: stringMap splits on commas before key=value and honours escapes",
          "[ingress]") {
  auto map = with("m", "k1=v1, k2 = v,2,k3=a\\,b").string_map("m");
  REQUIRE(map);
  REQUIRE(*map);
  CHECK((**map).at("k1") == "v1");
  CHECK((**map).at("k2") == "v,2");
  CHECK((**map).at("k3") == "a,b");
  auto broken = with("m", "novalue").string_map("m");
  REQUIRE_FALSE(broken);
  CHECK(broken.error().message ==
        "failed to parse stringMap annotation, alb.ingress.kubernetes.io/m: novalue");
  CHECK_FALSE(with("m", "=v").string_map("m"));
}

TEST_CASE("annotations: the Service's annotations override the Ingress's", "[ingress]") {
  const Annotations merged =
      Annotations::merged(with("target-type", "instance"), with("target-type", "ip"));
  CHECK(merged.string("target-type") == "ip");
}

TEST_CASE("listen ports: defaults, parsing and the real error texts", "[ingress]") {
  auto defaults = listen_ports_of(ingress_with(Json::object()), std::nullopt);
  REQUIRE(defaults);
  REQUIRE(defaults->size() == 1);
  CHECK(defaults->at(80).protocol == "HTTP");
  auto seed = listen_ports_of(
      ingress_with({{"alb.ingress.kubernetes.io/listen-ports", R"([{"HTTP": 81}])"}}),
      std::nullopt);
  REQUIRE(seed);
  CHECK(seed->count(81) == 1);
  auto empty = listen_ports_of(ingress_with({{"alb.ingress.kubernetes.io/listen-ports", "[]"}}),
                               std::nullopt);
  REQUIRE_FALSE(empty);
  CHECK(empty.error().message == "empty listen-ports configuration: `[]`");
  auto range = listen_ports_of(
      ingress_with({{"alb.ingress.kubernetes.io/listen-ports", R"([{"HTTP": 70000}])"}}),
      std::nullopt);
  REQUIRE_FALSE(range);
  CHECK(range.error().message == "listen port must be within [1, 65535]: 70000");
  auto protocol = listen_ports_of(
      ingress_with({{"alb.ingress.kubernetes.io/listen-ports", R"([{"TCP": 80}])"}}), std::nullopt);
  REQUIRE_FALSE(protocol);
  CHECK(protocol.error().message == "listen protocol must be within [HTTP, HTTPS]: TCP");
  auto certificate = listen_ports_of(
      ingress_with({{"alb.ingress.kubernetes.io/certificate-arn", "arn:c1"}}), std::nullopt);
  REQUIRE(certificate);
  CHECK(certificate->at(443).protocol == "HTTPS");
  auto cidr = listen_ports_of(
      ingress_with({{"alb.ingress.kubernetes.io/inbound-cidrs", "10.0.0.0/8, bogus"}}),
      std::nullopt);
  REQUIRE_FALSE(cidr);
  CHECK(cidr.error().message.starts_with("invalid inbound-cidrs settings on Ingress: ns/web"));
}

TEST_CASE("listen ports: certificates merge with the default first, as upstream does",
          "[ingress]") {
  ListenPortConfig config;
  config.protocol = "HTTPS";
  config.certificates = {"C1", "C3", "C2", "C1"};
  auto merged = merge_listen_port(443, {{"ns/a", config}}, "ELBSecurityPolicy-2016-08");
  REQUIRE(merged);
  CHECK(merged->certificates == std::vector<std::string>{"C1", "C3", "C2", "C1"});
  config.certificates = {"C2", "C3", "C1", "C1"};
  merged = merge_listen_port(443, {{"ns/a", config}}, "ELBSecurityPolicy-2016-08");
  CHECK(merged->certificates == std::vector<std::string>{"C2", "C3", "C1"});
  CHECK(merged->ssl_policy == "ELBSecurityPolicy-2016-08");
  ListenPortConfig http = config;
  http.protocol = "HTTP";
  auto conflict = merge_listen_port(443, {{"ns/a", config}, {"ns/b", http}}, "p");
  REQUIRE_FALSE(conflict);
  CHECK(conflict.error().message ==
        "failed to merge listenPort config for port: 443: conflicting protocol, ns/a: HTTPS | "
        "ns/b: HTTP");
}

TEST_CASE("group names: the real controller's validation", "[ingress]") {
  CHECK(validate_group_name("nginx-group"));
  CHECK(validate_group_name("a.b-c"));
  CHECK_FALSE(validate_group_name("Nginx"));
  CHECK_FALSE(validate_group_name("-a"));
  CHECK_FALSE(validate_group_name(std::string(64, 'a')));
  CHECK(validate_group_name("bad_name").error().message ==
        "invalid ingress group: groupName must consist of lower case alphanumeric characters, '-' "
        "or '.', and must start and end with an alphanumeric character");
}
