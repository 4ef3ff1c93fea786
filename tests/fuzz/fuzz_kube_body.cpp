// The fake API server's writes: a body (JSON or YAML) POSTed, PUT or PATCHed to one of the
// served resources. The first byte picks the resource and the verb, the second the Content-Type
// and whether fields are validated strictly; the rest is the body. Each input gets a fresh store
// holding one live object of the kind to update.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/kube/api_server.hpp"
#include "sim/world/virtual_clock.hpp"

namespace {

using albc::sim::kube::Json;

struct Target {
  const char* collection;  // where POST goes
  const char* live;        // the object PUT and PATCH name
  const char* body;        // the live object, created first
};

const Target kTargets[] = {
    {"/api/v1/namespaces/default/configmaps", "/api/v1/namespaces/default/configmaps/live",
     R"({"metadata":{"name":"live"},"data":{"a":"b"}})"},
    {"/api/v1/namespaces/default/services", "/api/v1/namespaces/default/services/live",
     R"({"metadata":{"name":"live"},"spec":{"selector":{"app":"x"},"ports":[{"port":80}]}})"},
    {"/apis/apps/v1/namespaces/default/deployments",
     "/apis/apps/v1/namespaces/default/deployments/live",
     R"({"metadata":{"name":"live"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"x"}},
        "template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}})"},
    {"/apis/networking.k8s.io/v1/namespaces/default/ingresses",
     "/apis/networking.k8s.io/v1/namespaces/default/ingresses/live",
     R"({"metadata":{"name":"live"},"spec":{"defaultBackend":{"service":{"name":"s","port":{"number":80}}}}})"},
    {"/apis/networking.k8s.io/v1/ingressclasses", "/apis/networking.k8s.io/v1/ingressclasses/live",
     R"({"metadata":{"name":"live"},"spec":{"controller":"ingress.k8s.aws/alb"}})"},
    {"/apis/elbv2.k8s.aws/v1beta1/namespaces/default/targetgroupbindings",
     "/apis/elbv2.k8s.aws/v1beta1/namespaces/default/targetgroupbindings/live",
     R"({"metadata":{"name":"live"},"spec":{"serviceRef":{"name":"s","port":80},"targetType":"ip"}})"},
    {"/apis/elbv2.k8s.aws/v1beta1/ingressclassparams",
     "/apis/elbv2.k8s.aws/v1beta1/ingressclassparams/live",
     R"({"metadata":{"name":"live"},"spec":{"group":{"name":"g"}}})"},
    {"/api/v1/namespaces/default/secrets", "/api/v1/namespaces/default/secrets/live",
     R"({"metadata":{"name":"live"},"stringData":{"a":"b"}})"},
    {"/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
     "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/live",
     R"({"metadata":{"name":"live"},"addressType":"IPv4","endpoints":[{"addresses":["10.0.0.1"]}]})"},
    {"/api/v1/namespaces/default/pods", "/api/v1/namespaces/default/pods/live",
     R"({"metadata":{"name":"live"},"spec":{"containers":[{"name":"c","image":"i"}]}})"},
};

const char* kContentTypes[] = {"application/json",
                               "application/yaml",
                               "application/merge-patch+json",
                               "application/json-patch+json",
                               "application/strategic-merge-patch+json",
                               "application/apply-patch+yaml",
                               "text/plain",
                               ""};

albc::net::Request request(std::string method, std::string target, std::string body,
                           std::string content_type) {
  albc::net::Request made;
  made.method = std::move(method);
  made.target = std::move(target);
  made.body = std::move(body);
  if (!content_type.empty()) made.headers.set("Content-Type", std::move(content_type));
  return made;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t selector = data[0];
  const std::uint8_t flags = data[1];
  const Target& target = kTargets[selector % std::size(kTargets)];
  const char* verbs[] = {"POST", "PUT", "PATCH"};
  const std::string verb = verbs[(selector / std::size(kTargets)) % 3];
  const std::string content_type = kContentTypes[flags % std::size(kContentTypes)];
  const bool strict = (flags / std::size(kContentTypes)) % 2 == 1;
  const std::string body(reinterpret_cast<const char*>(data) + 2, size - 2);

  albc::sim::world::VirtualClock clock(albc::net::Clock::wall_time_point{});
  const auto registry = albc::sim::kube::ResourceRegistry::standard();
  albc::sim::kube::Store store(registry, clock, albc::net::Random(1));
  albc::sim::kube::ApiServer api(store, clock);
  (void)api.handle(request("POST", "/api/v1/namespaces", R"({"metadata":{"name":"default"}})",
                           "application/json"));
  (void)api.handle(request("POST", target.collection, target.body, "application/json"));
  const std::string where = verb == "POST" ? target.collection : target.live;
  const std::string query = strict ? "?fieldValidation=Strict" : "";
  const albc::net::Response response = api.handle(request(verb, where + query, body, content_type));
  // Every answer is JSON a client can read.
  (void)Json::parse(response.body);
  (void)api.handle(request("GET", target.live, "", ""));
  return 0;
}
