#include <catch2/catch.hpp>

#include "controller/ingress/naming.hpp"

using namespace albc::ingress;

namespace {
GroupNameParts implicit_group(std::string ns, std::string name) {
  return {false, "", ns, name, ns + "/" + name};
}
GroupNameParts explicit_group(std::string name) {
  return {true, name, "", "", name};
}
}  // namespace

// The worked examples of lbc-behavior.md §4.7, cross-checked there against upstream's tests.
TEST_CASE("naming: load balancer names match the real controller's", "[ingress]") {
  CHECK(load_balancer_name("cluster-dummy", implicit_group("ns-1", "ing-1"), "internal") ==
        "k8s-ns1-ing1-b7e914000d");
  CHECK(load_balancer_name("cluster-dummy", implicit_group("ns-1", "ing-1"), "internet-facing") ==
        "k8s-ns1-ing1-159dd7a143");
  CHECK(load_balancer_name("", implicit_group("awesome-ns", "ing-1"), "internet-facing") ==
        "k8s-awesomen-ing1-43b698093c");
  CHECK(load_balancer_name("", explicit_group("explicit-group"), "internal") ==
        "k8s-explicitgroup-5bf9e53c23");
  CHECK(load_balancer_name("demo", implicit_group("test", "nginx-ingress"), "internet-facing") ==
        "k8s-test-nginxing-726ba63e56");
  CHECK(load_balancer_name("demo", explicit_group("my-team.awesome-group"), "internet-facing") ==
        "k8s-myteamawesomegrou-0820b2998e");
}

TEST_CASE("naming: security group names match the real controller's", "[ingress]") {
  CHECK(managed_security_group_name("cluster-dummy", implicit_group("ns-1", "ing-1")) ==
        "k8s-ns1-ing1-bd83176788");
  CHECK(managed_security_group_name("demo", implicit_group("test", "nginx-ingress")) ==
        "k8s-test-nginxing-95abdf8bde");
  CHECK(managed_security_group_name("demo", explicit_group("my-team.awesome-group")) ==
        "k8s-myteamawesomegrou-99b742024e");
  CHECK(backend_security_group_name("demo") == "k8s-traffic-demo-2a97516c35");
}

TEST_CASE("naming: target group names hash the Service UID and the port as written", "[ingress]") {
  TargetGroupNameInputs base{"cluster-dummy", "ns-1/ing-1", "ns-1", "ing-1",
                             "ns-1",          "svc-1",      "",     "http",
                             32768,           "instance",   "HTTP", "HTTP1"};
  CHECK(target_group_name(base) == "k8s-ns1-svc1-9889425938");
  TargetGroupNameInputs by_number = base;
  by_number.service_port = "80";
  CHECK(target_group_name(by_number) == "k8s-ns1-svc1-90b7d93b18");
  TargetGroupNameInputs other_service = base;
  other_service.service_name = "svc-2";  // the name is not hashed: the same suffix
  CHECK(target_group_name(other_service) == "k8s-ns1-svc2-9889425938");
  TargetGroupNameInputs ip{"cluster-dummy", "ns-1/ing-1", "ns-1", "ing-1", "ns-1", "svc-3", "",
                           "https",         8443,         "ip",   "HTTPS", "HTTP1"};
  CHECK(target_group_name(ip) == "k8s-ns1-svc3-bf42870fba");
  TargetGroupNameInputs demo{"demo",
                             "test/nginx-ingress",
                             "test",
                             "nginx-ingress",
                             "test",
                             "nginx-svc",
                             "6f1c1f5e-8d3b-4a5e-9a39-2f1e0c9d7b11",
                             "80",
                             31234,
                             "instance",
                             "HTTP",
                             "HTTP1"};
  CHECK(target_group_name(demo) == "k8s-test-nginxsvc-797aeb1c09");
  demo.target_port = 8080;
  demo.target_type = "ip";
  CHECK(target_group_name(demo) == "k8s-test-nginxsvc-7351641a7a");
}
