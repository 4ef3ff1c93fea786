#include <catch2/catch.hpp>

#include "controller/net/json.hpp"
#include "tests/support/sim_fixture.hpp"

using namespace albc;
using Json = nlohmann::json;

namespace {

struct Api {
  explicit Api(std::uint64_t seed)
      : fixture(seed), api(fixture.world.store(), fixture.world.clock()) {
    fixture.build_account();
  }

  net::Response send(std::string method, std::string target, std::string body = "",
                     std::string content_type = "application/json") {
    net::Request request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.body = std::move(body);
    if (!request.body.empty()) request.headers.set("Content-Type", std::move(content_type));
    const std::uint64_t revision = fixture.world.store().revision();
    net::Response response = api.handle(request);
    if (response.status >= 300) {
      // A refused write changes nothing.
      CHECK(fixture.world.store().revision() == revision);
    }
    return response;
  }

  test_support::SimFixture fixture;
  sim::kube::ApiServer api;
};

Json status_of(const net::Response& response) {
  return Json::parse(response.body);
}

std::string message_of(const net::Response& response) {
  return status_of(response).value("message", "");
}

}  // namespace

TEST_CASE("validation: wrongly typed fields of built-in kinds are decode errors", "[kube][sim]") {
  Api api(81);
  auto two = api.send("POST", "/apis/apps/v1/namespaces/default/deployments",
                      R"({"metadata":{"name":"web"},"spec":{"replicas":"two"}})");
  CHECK(two.status == 400);
  CHECK(message_of(two) ==
        "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal "
        "string into Go struct field DeploymentSpec.spec.replicas of type int32");
  auto labels = api.send("POST", "/api/v1/namespaces/default/configmaps",
                         R"({"metadata":{"name":"c","labels":{"a":5}}})");
  CHECK(labels.status == 400);
  CHECK(message_of(labels) ==
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal "
        "number into Go struct field ObjectMeta.metadata.labels of type string");
  auto controller = api.send("POST", "/apis/networking.k8s.io/v1/ingressclasses",
                             R"({"metadata":{"name":"x"},"spec":{"controller":5}})");
  CHECK(controller.status == 400);
  CHECK(message_of(controller)
            .ends_with("json: cannot unmarshal number into Go struct field "
                       "IngressClassSpec.spec.controller of "
                       "type string"));
  auto parameters = api.send("POST", "/apis/networking.k8s.io/v1/ingressclasses",
                             R"({"metadata":{"name":"x"},"spec":{"controller":"a.io/b",
                                 "parameters":"x"}})");
  CHECK(parameters.status == 400);
  CHECK(message_of(parameters)
            .ends_with("cannot unmarshal string into Go struct field "
                       "IngressClassSpec.spec.parameters of type "
                       "v1.IngressClassParametersReference"));
}

TEST_CASE("validation: a patch that would store a wrong type is refused", "[kube][sim]") {
  Api api(82);
  auto created = api.send("POST", "/api/v1/namespaces/default/services",
                          R"({"metadata":{"name":"web"},"spec":{"ports":[{"port":80}]}})");
  REQUIRE(created.status == 201);
  auto patched = api.send("PATCH", "/api/v1/namespaces/default/services/web",
                          R"({"spec":{"ports":["x"]}})", "application/merge-patch+json");
  CHECK(patched.status == 400);
  CHECK(
      message_of(patched).ends_with("json: cannot unmarshal string into Go struct field "
                                    "ServiceSpec.spec.ports of type v1.ServicePort"));
}

TEST_CASE("validation: custom resources are checked against their CRD schema", "[kube][sim]") {
  Api api(83);
  const std::string bindings = "/apis/elbv2.k8s.aws/v1beta1/namespaces/default/targetgroupbindings";
  auto service_ref =
      api.send("POST", bindings, R"({"metadata":{"name":"b"},"spec":{"serviceRef":5}})");
  CHECK(service_ref.status == 422);
  CHECK(message_of(service_ref) ==
        "TargetGroupBinding.elbv2.k8s.aws \"b\" is invalid: spec.serviceRef: Invalid value: "
        "\"integer\": spec.serviceRef in body must be of type object: \"integer\"");
  CHECK(status_of(service_ref)["details"]["causes"][0]["reason"] == "FieldValueTypeInvalid");
  auto several = api.send("POST", bindings,
                          R"({"metadata":{"name":"b"},"spec":{"targetType":"pod",
                              "serviceRef":{"name":"web"}}})");
  CHECK(several.status == 422);
  CHECK(message_of(several) ==
        "TargetGroupBinding.elbv2.k8s.aws \"b\" is invalid: [spec.serviceRef.port: Required "
        "value, spec.targetType: Unsupported value: \"pod\": supported values: \"instance\", "
        "\"ip\"]");
  // The CRD does not require spec: a binding without one is stored, and the controller must
  // cope with it.
  CHECK(api.send("POST", bindings, R"({"metadata":{"name":"empty"}})").status == 201);
  auto scheme = api.send("POST", "/apis/elbv2.k8s.aws/v1beta1/ingressclassparams",
                         R"({"metadata":{"name":"p"},"spec":{"scheme":"public"}})");
  CHECK(scheme.status == 422);
  CHECK(message_of(scheme).ends_with(
      "spec.scheme: Unsupported value: \"public\": supported values: \"internal\", "
      "\"internet-facing\""));
}

TEST_CASE("validation: names follow each kind's rule", "[kube][sim]") {
  Api api(84);
  auto upper = api.send("POST", "/api/v1/namespaces/default/services",
                        R"({"metadata":{"name":"Web"},"spec":{"ports":[{"port":80}]}})");
  CHECK(upper.status == 422);
  CHECK(message_of(upper) ==
        "Service \"Web\" is invalid: metadata.name: Invalid value: \"Web\": a DNS-1035 label must "
        "consist of lower case alphanumeric characters or '-', start with an alphabetic "
        "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex "
        "used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
  const std::string long_name(300, 'a');
  auto too_long = api.send("POST", "/api/v1/namespaces/default/configmaps",
                           R"({"metadata":{"name":")" + long_name + R"("}})");
  CHECK(too_long.status == 422);
  CHECK(message_of(too_long).find("must be no more than 253 characters") != std::string::npos);
  auto slash =
      api.send("POST", "/api/v1/namespaces/default/configmaps", R"({"metadata":{"name":"a/b"}})");
  CHECK(slash.status == 422);
  CHECK(message_of(slash).find("may not contain '/'") != std::string::npos);
  auto space =
      api.send("POST", "/api/v1/namespaces/default/configmaps", R"({"metadata":{"name":"a b"}})");
  CHECK(space.status == 422);
  auto label = api.send("POST", "/api/v1/namespaces/default/configmaps",
                        R"({"metadata":{"name":"c","labels":{"bad key":"v"}}})");
  CHECK(label.status == 422);
  CHECK(message_of(label).starts_with(
      "ConfigMap \"c\" is invalid: metadata.labels: Invalid value: \"bad key\": name part must "
      "consist of alphanumeric characters"));
}

TEST_CASE("validation: kind rules: replicas, selectors, ports, paths, controllers", "[kube][sim]") {
  Api api(85);
  auto replicas = api.send(
      "POST", "/apis/apps/v1/namespaces/default/deployments",
      R"({"metadata":{"name":"web"},"spec":{"replicas":-1,"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},
                      "spec":{"containers":[{"name":"web","image":"nginx"}]}}}})");
  CHECK(replicas.status == 422);
  CHECK(message_of(replicas) ==
        "Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater "
        "than or equal to 0");
  auto selector =
      api.send("POST", "/apis/apps/v1/namespaces/default/deployments",
               R"({"metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"other"}},
          "template":{"metadata":{"labels":{"app":"web"}},
                      "spec":{"containers":[{"name":"web","image":"nginx"}]}}}})");
  CHECK(selector.status == 422);
  CHECK(message_of(selector).ends_with(
      "spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not "
      "match template `labels`"));
  auto port = api.send("POST", "/api/v1/namespaces/default/services",
                       R"({"metadata":{"name":"web"},"spec":{"ports":[{"port":70000}]}})");
  CHECK(port.status == 422);
  // targetPort defaults to port, so it is out of range too.
  CHECK(message_of(port) ==
        "Service \"web\" is invalid: [spec.ports[0].port: Invalid value: 70000: must be between 1 "
        "and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 70000: must be between 1 "
        "and 65535, inclusive]");
  auto path =
      api.send("POST", "/apis/networking.k8s.io/v1/namespaces/default/ingresses",
               R"({"metadata":{"name":"web"},"spec":{"rules":[{"http":{"paths":[{"path":"relative",
          "pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}})");
  CHECK(path.status == 422);
  CHECK(message_of(path).ends_with(
      "spec.rules[0].http.paths[0].path: Invalid value: \"relative\": must be an absolute path"));
  auto controller = api.send("POST", "/apis/networking.k8s.io/v1/ingressclasses",
                             R"({"metadata":{"name":"x"},"spec":{"controller":"plain"}})");
  CHECK(controller.status == 422);
  CHECK(
      message_of(controller)
          .ends_with(
              "spec.controller: Invalid value: \"plain\": must be a domain-prefixed path (such as "
              "\"acme.io/foo\")"));
}

TEST_CASE("validation: the body's apiVersion and kind must be the URL's", "[kube][sim]") {
  Api api(86);
  auto secret = api.send("POST", "/api/v1/namespaces/default/configmaps",
                         R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}})");
  CHECK(secret.status == 400);
  CHECK(message_of(secret) ==
        "Secret in version \"v1\" cannot be handled as a ConfigMap: converting (v1.Secret) to "
        "(core.ConfigMap): unknown conversion");
  auto group = api.send("POST", "/api/v1/namespaces/default/configmaps",
                        R"({"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"c"}})");
  CHECK(group.status == 400);
  CHECK(message_of(group).starts_with(
      "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: no kind \"ConfigMap\" is "
      "registered for version \"apps/v1\""));
  auto custom = api.send(
      "POST", "/apis/elbv2.k8s.aws/v1beta1/namespaces/default/targetgroupbindings",
      R"({"apiVersion":"elbv2.k8s.aws/v1beta1","kind":"IngressClassParams","metadata":{"name":"b"}})");
  CHECK(custom.status == 422);
  CHECK(message_of(custom).ends_with(
      "kind: Invalid value: \"IngressClassParams\": must be TargetGroupBinding"));
}

TEST_CASE("validation: content types, Accept, URL escapes and field validation", "[kube][sim]") {
  Api api(87);
  auto text = api.send("POST", "/api/v1/namespaces/default/configmaps",
                       R"({"metadata":{"name":"c"}})", "text/plain");
  CHECK(text.status == 415);
  CHECK(message_of(text) ==
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json, application/yaml, application/vnd.kubernetes.protobuf");
  auto yaml = api.send("POST", "/api/v1/namespaces/default/configmaps",
                       "metadata:\n  name: from-yaml\ndata:\n  a: b\n", "application/yaml");
  CHECK(yaml.status == 201);
  CHECK(api.send("GET", "/api/v1/namespaces/d%65fault/configmaps/from-yaml").status == 200);
  CHECK(api.send("GET", "/api/v1/namespaces/default/configmaps/from%2Fyaml").status == 404);
  net::Request xml;
  xml.target = "/api/v1/namespaces/default/configmaps";
  xml.headers.set("Accept", "application/xml");
  CHECK(api.api.handle(xml).status == 406);
  auto strict = api.send("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Strict",
                         R"({"metadata":{"name":"s"},"dta":{"a":"b"}})");
  CHECK(strict.status == 400);
  CHECK(message_of(strict) ==
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: "
        "unknown field \"dta\"");
  auto warned = api.send("POST", "/api/v1/namespaces/default/configmaps",
                         R"({"metadata":{"name":"w"},"dta":{"a":"b"}})");
  CHECK(warned.status == 201);
  CHECK(warned.headers.value_or("Warning", "") == "299 - \"unknown field \\\"dta\\\"\"");
  CHECK_FALSE(status_of(warned).contains("dta"));
  auto bogus = api.send("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Bogus",
                        R"({"metadata":{"name":"b"}})");
  CHECK(bogus.status == 422);
  CHECK(message_of(bogus) ==
        "CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: "
        "\"Bogus\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"");
}

TEST_CASE("validation: Secret stringData is folded into data, and data must be base64",
          "[kube][sim]") {
  Api api(88);
  auto created = api.send("POST", "/api/v1/namespaces/default/secrets",
                          R"({"metadata":{"name":"s"},"stringData":{"user":"admin"}})");
  REQUIRE(created.status == 201);
  const Json secret = status_of(created);
  CHECK(secret["data"]["user"] == "YWRtaW4=");
  CHECK_FALSE(secret.contains("stringData"));
  auto bad = api.send("POST", "/api/v1/namespaces/default/secrets",
                      R"({"metadata":{"name":"t"},"data":{"user":"ad!min"}})");
  CHECK(bad.status == 400);
  CHECK(message_of(bad) ==
        "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input "
        "byte 2");
}

TEST_CASE("validation: bodies nested past Go's depth and DeleteOptions with a bad policy",
          "[kube][sim]") {
  Api api(89);
  std::string deep = R"({"metadata":{"name":"deep"},"data":)";
  for (int i = 0; i < 100'000; ++i)
    deep += R"({"a":)";
  deep += "1" + std::string(100'000, '}') + "}";
  auto nested = api.send("POST", "/api/v1/namespaces/default/configmaps", deep);
  CHECK(nested.status == 400);
  CHECK(message_of(nested).starts_with(
      "the object provided is unrecognized (must be of type ConfigMap): couldn't get "
      "version/kind; json parse error: invalid character exceeded max depth"));
  REQUIRE(api.send("POST", "/api/v1/namespaces/default/configmaps", R"({"metadata":{"name":"c"}})")
              .status == 201);
  auto policy = api.send("DELETE", "/api/v1/namespaces/default/configmaps/c",
                         R"({"propagationPolicy":"Bogus"})");
  CHECK(policy.status == 422);
  CHECK(message_of(policy) ==
        "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: "
        "\"Bogus\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"");
}

TEST_CASE("validation: generateName masking and owner references as apimachinery words them",
          "[kube][sim]") {
  Api api(90);
  const std::string config_maps = "/api/v1/namespaces/default/configmaps";
  auto prefixed = api.send("POST", config_maps, R"({"metadata":{"generateName":"web-"}})");
  CHECK(prefixed.status == 201);
  CHECK(status_of(prefixed)["metadata"]["name"].get<std::string>().starts_with("web-"));
  // A lone dash is not masked: it is not a name.
  CHECK(api.send("POST", config_maps, R"({"metadata":{"generateName":"-"}})").status == 422);
  auto owners = api.send("POST", config_maps, R"({"metadata":{"name":"o","ownerReferences":[
      {"apiVersion":"apps/v1","kind":"Deployment","name":"a","uid":"1","controller":true},
      {"apiVersion":"apps/v1","kind":"Deployment","name":"b","uid":"2","controller":true},
      {"apiVersion":"apps/","kind":"Deployment","name":"c","uid":""},
      {"apiVersion":"a/b/c","kind":"Deployment","name":"d","uid":"4"}]}})");
  CHECK(owners.status == 422);
  const std::string message = message_of(owners);
  CHECK(message.find("metadata.ownerReferences.apiVersion: Invalid value: \"apps/\": version "
                     "must not be empty") != std::string::npos);
  CHECK(message.find("metadata.ownerReferences.apiVersion: Invalid value: \"a/b/c\": version "
                     "must not be empty") != std::string::npos);
  CHECK(message.find("metadata.ownerReferences.uid: Invalid value: \"\": uid must not be "
                     "empty") != std::string::npos);
  CHECK(message.find("Only one reference can have Controller set to true. Found \"true\" in "
                     "references for Deployment/a and Deployment/b") != std::string::npos);
}

TEST_CASE(
    "validation: TLS hosts may be addresses, ExternalNames may end in a dot, Secret data "
    "may break lines",
    "[kube][sim]") {
  Api api(91);
  const std::string ingresses = "/apis/networking.k8s.io/v1/namespaces/default/ingresses";
  const std::string backend = R"("defaultBackend":{"service":{"name":"web","port":{"number":80}}})";
  CHECK(api.send("POST", ingresses,
                 R"({"metadata":{"name":"tls"},"spec":{)" + backend +
                     R"(,"tls":[{"hosts":["10.0.0.1"]}]}})")
            .status == 201);
  auto rule = api.send("POST", ingresses,
                       R"({"metadata":{"name":"rule"},"spec":{"rules":[{"host":"10.0.0.1"}]}})");
  CHECK(rule.status == 422);
  CHECK(message_of(rule).find("must be a DNS name, not an IP address") != std::string::npos);
  const std::string services = "/api/v1/namespaces/default/services";
  CHECK(api.send("POST", services,
                 R"({"metadata":{"name":"ext"},"spec":{"type":"ExternalName",
                     "externalName":"db.example.com."}})")
            .status == 201);
  auto dot = api.send("POST", services,
                      R"({"metadata":{"name":"dot"},"spec":{"type":"ExternalName",
                          "externalName":"."}})");
  CHECK(dot.status == 422);
  CHECK(message_of(dot).find("spec.externalName: Required value") != std::string::npos);
  auto wrapped = api.send("POST", "/api/v1/namespaces/default/secrets",
                          R"({"metadata":{"name":"s"},"data":{"user":"YWRt\r\naW4="}})");
  REQUIRE(wrapped.status == 201);
  CHECK(status_of(wrapped)["data"]["user"] == "YWRtaW4=");
  CHECK(status_of(wrapped)["type"] == "Opaque");
}

TEST_CASE("validation: defaults the real scheme fills in, and a cluster IP that may not change",
          "[kube][sim]") {
  Api api(92);
  auto deployment = api.send("POST", "/apis/apps/v1/namespaces/default/deployments",
                             R"({"metadata":{"name":"web"},"spec":{
                                 "selector":{"matchLabels":{"app":"web"}},
                                 "template":{"metadata":{"labels":{"app":"web"}},
                                   "spec":{"containers":[{"name":"web","image":"nginx"}]}}}})");
  REQUIRE(deployment.status == 201);
  const Json spec = status_of(deployment)["spec"];
  CHECK(spec["replicas"] == 1);
  CHECK(spec["revisionHistoryLimit"] == 10);
  CHECK(spec["progressDeadlineSeconds"] == 600);
  CHECK(spec["strategy"] == Json::parse(R"({"type":"RollingUpdate",
                                            "rollingUpdate":{"maxUnavailable":"25%",
                                                             "maxSurge":"25%"}})"));
  CHECK(spec["template"]["spec"]["restartPolicy"] == "Always");
  // kubectl's switch to Recreate: $retainKeys clears rollingUpdate.
  auto recreate = api.send("PATCH", "/apis/apps/v1/namespaces/default/deployments/web",
                           R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})",
                           "application/strategic-merge-patch+json");
  REQUIRE(recreate.status == 200);
  CHECK(status_of(recreate)["spec"]["strategy"] == Json::parse(R"({"type":"Recreate"})"));

  const std::string services = "/api/v1/namespaces/default/services";
  auto service = api.send("POST", services,
                          R"({"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer",
                              "ports":[{"port":80}]}})");
  REQUIRE(service.status == 201);
  const Json port = status_of(service)["spec"]["ports"][0];
  CHECK(port["protocol"] == "TCP");
  CHECK(port["targetPort"] == 80);
  CHECK(port.contains("nodePort"));
  CHECK(status_of(service)["spec"]["sessionAffinity"] == "None");
  auto moved = api.send("PATCH", services + "/lb", R"({"spec":{"clusterIP":"10.100.9.9"}})",
                        "application/merge-patch+json");
  CHECK(moved.status == 422);
  CHECK(message_of(moved).ends_with(
      "spec.clusterIPs[0]: Invalid value: \"10.100.9.9\": may not change once set"));
  auto cluster_ip = api.send("PATCH", services + "/lb", R"({"spec":{"type":"ClusterIP"}})",
                             "application/merge-patch+json");
  REQUIRE(cluster_ip.status == 200);
  CHECK_FALSE(status_of(cluster_ip)["spec"]["ports"][0].contains("nodePort"));
  CHECK_FALSE(status_of(cluster_ip)["spec"].contains("externalTrafficPolicy"));
  // A writer who changes one node port on the way keeps them all (sameNodePorts), which a
  // ClusterIP Service may not have.
  auto two = api.send("POST", services, R"({"metadata":{"name":"two"},"spec":{"type":"NodePort",
      "ports":[{"name":"a","port":80},{"name":"b","port":81}]}})");
  REQUIRE(two.status == 201);
  Json ports = status_of(two)["spec"]["ports"];
  ports[1]["nodePort"] = ports[1]["nodePort"].get<int>() == 30999 ? 30998 : 30999;
  auto kept = api.send("PATCH", services + "/two",
                       net::dump_json(Json{{"spec", {{"type", "ClusterIP"}, {"ports", ports}}}}),
                       "application/merge-patch+json");
  CHECK(kept.status == 422);
  CHECK(message_of(kept).find("spec.ports[0].nodePort: Forbidden: may not be used when `type` "
                              "is 'ClusterIP'") != std::string::npos);
  // Dropping a port and leaving out a node port adds none: all are cleared.
  Json fewer = Json::array({status_of(two)["spec"]["ports"][1]});
  fewer[0].erase("nodePort");
  fewer.push_back(status_of(two)["spec"]["ports"][0]);
  auto cleared = api.send("PATCH", services + "/two",
                          net::dump_json(Json{{"spec", {{"type", "ClusterIP"}, {"ports", fewer}}}}),
                          "application/merge-patch+json");
  REQUIRE(cleared.status == 200);
  const Json cleared_service = status_of(cleared);  // a range-for over a temporary's member dangles
  for (const Json& port : cleared_service["spec"]["ports"])
    CHECK_FALSE(port.contains("nodePort"));
}

TEST_CASE("validation: custom resources: nulls pruned, unanchored patterns, other versions",
          "[kube][sim]") {
  Api api(93);
  const std::string bindings = "/apis/elbv2.k8s.aws/v1beta1/namespaces/default/targetgroupbindings";
  auto pruned = api.send("POST", bindings,
                         R"({"metadata":{"name":"b"},"spec":{"targetType":null,
                             "serviceRef":{"name":"web","port":80}}})");
  REQUIRE(pruned.status == 201);
  CHECK_FALSE(status_of(pruned)["spec"].contains("targetType"));
  auto required =
      api.send("POST", bindings, R"({"metadata":{"name":"c"},"spec":{"serviceRef":null}})");
  CHECK(required.status == 422);
  CHECK(message_of(required).ends_with("spec.serviceRef: Required value"));
  // The binding was written as v1beta1; a v1alpha1 client patches it in its own version.
  auto alpha =
      api.send("PATCH", "/apis/elbv2.k8s.aws/v1alpha1/namespaces/default/targetgroupbindings/b",
               R"({"spec":{"targetGroupARN":"arn:aws:x"}})", "application/merge-patch+json");
  REQUIRE(alpha.status == 200);
  CHECK(status_of(alpha)["apiVersion"] == "elbv2.k8s.aws/v1alpha1");

  const std::string params = "/apis/elbv2.k8s.aws/v1beta1/ingressclassparams";
  CHECK(api.send("POST", params,
                 R"({"metadata":{"name":"p"},"spec":{"subnets":{"ids":["my-subnet-0abc"]}}})")
            .status == 201);
  auto vpc =
      api.send("POST", params, R"({"metadata":{"name":"q"},"spec":{"subnets":{"ids":["vpc-1"]}}})");
  CHECK(vpc.status == 422);
  CHECK(message_of(vpc).find("should match 'subnet-[0-9a-f]+'") != std::string::npos);
}

TEST_CASE("validation: patches nested too deep, apply with odd metadata, bad bytes in URLs",
          "[kube][sim]") {
  Api api(94);
  const std::string config_maps = "/api/v1/namespaces/default/configmaps";
  REQUIRE(api.send("POST", config_maps, R"({"metadata":{"name":"c"}})").status == 201);
  std::string deep = R"({"data":)";
  for (int i = 0; i < 200; ++i)
    deep += R"({"a":)";
  deep += "1" + std::string(200, '}') + "}";
  auto nested = api.send("PATCH", config_maps + "/c", deep, "application/merge-patch+json");
  CHECK(nested.status == 400);
  CHECK(message_of(nested) == "the patch nests deeper than 128 levels");
  auto apply = api.send("PATCH", config_maps + "/new?fieldManager=t", R"({"metadata":"x"})",
                        "application/apply-patch+yaml");
  CHECK(apply.status == 400);
  // Bytes that are not UTF-8 come back replaced, as Go's JSON writer does, never as a 500.
  auto name = api.send("GET", config_maps + "/%ff%fe");
  CHECK(name.status == 404);
  CHECK(message_of(name) == "configmaps \"\xef\xbf\xbd\xef\xbf\xbd\" not found");
  CHECK(api.send("GET", "/api/v1/namespaces/%ff/configmaps").status == 200);
  auto selector = api.send("GET", config_maps + "?labelSelector=%ff");
  CHECK(selector.status == 400);
  CHECK(message_of(selector).starts_with(
      "unable to parse requirement: <nil>: Invalid value: \"\xef\xbf\xbd\": name part must "
      "consist of alphanumeric characters"));
  auto value = api.send("GET", config_maps + "?labelSelector=app%3Da%40b");
  CHECK(value.status == 400);
  CHECK(message_of(value).starts_with(
      "unable to parse requirement: values[0][app]: Invalid value: \"a@b\": a valid label must "
      "be an empty string or consist of alphanumeric characters"));
  // Every problem of the first bad key, joined as Go joins them.
  auto key = api.send("GET", config_maps + "?labelSelector=-" + std::string(70, 'a') + "%3Dx");
  CHECK(key.status == 400);
  CHECK(message_of(key).find("must be no more than 63 characters; name part must consist of") !=
        std::string::npos);
}
