#include "controller/tgb/endpoints.hpp"

#include <algorithm>
#include <ctime>
#include <openssl/sha.h>

#include "controller/net/digest.hpp"

namespace albc::tgb {
namespace {

long long creation_millis(const Json& object) {
  const std::string created = object["metadata"].value("creationTimestamp", "");
  std::tm fields{};
  if (created.size() < 19 || strptime(created.c_str(), "%Y-%m-%dT%H:%M:%S", &fields) == nullptr) return 0;
  return static_cast<long long>(timegm(&fields)) * 1000;
}

std::string sha256_raw(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

}  // namespace

net::Result<std::vector<PodEndpoint>> resolve_pod_endpoints(const k8s::ObjectCache& services,
                                                            const k8s::ObjectCache& endpoint_slices,
                                                            const k8s::ObjectCache& pods, const std::string& ns,
                                                            const std::string& service_name, const Json& service_port) {
  const Json* service = services.get(ns, service_name);
  if (service == nullptr) return net::fail("BackendNotFound", "services \"" + service_name + "\" not found");
  const Json* port = nullptr;
  const Json ports = (*service)["spec"].value("ports", Json::array());
  for (const Json& candidate : ports) {
    if (service_port.is_string() && candidate.value("name", "") == service_port.get<std::string>()) port = &candidate;
    if (service_port.is_number_integer() && candidate.value("port", 0) == service_port.get<long long>()) port = &candidate;
  }
  if (port == nullptr) {
    return net::fail("BackendNotFound", "unable to find service port " + (service_port.is_string() ? service_port.get<std::string>() : service_port.dump()) +
                                            " on service " + ns + "/" + service_name);
  }
  const std::string port_name = port->value("name", "");
  std::vector<PodEndpoint> endpoints;
  for (const Json* slice : endpoint_slices.list(ns)) {
    const Json labels = (*slice)["metadata"].value("labels", Json::object());
    if (labels.value("kubernetes.io/service-name", "") != service_name) continue;
    if (slice->value("addressType", "") != "IPv4") continue;
    for (const Json& slice_port : slice->value("ports", Json::array())) {
      if (!port_name.empty() && slice_port.value("name", "") != port_name) continue;
      const int target_port = slice_port.value("port", 0);
      for (const Json& endpoint : slice->value("endpoints", Json::array())) {
        const Json conditions = endpoint.value("conditions", Json::object());
        const bool ready = !conditions.contains("ready") || conditions["ready"].is_null() || conditions.value("ready", false);
        if (!ready) continue;
        const Json target = endpoint.value("targetRef", Json::object());
        if (target.value("kind", "") != "Pod") continue;
        const Json addresses = endpoint.value("addresses", Json::array());
        if (addresses.empty()) continue;
        const Json* pod = pods.get(target.value("namespace", ns), target.value("name", ""));
        if (pod == nullptr) continue;  // not in the cache yet: a later event brings it
        endpoints.push_back({addresses[0].get<std::string>(), target_port, target.value("name", ""), creation_millis(*pod)});
      }
    }
  }
  std::sort(endpoints.begin(), endpoints.end(), [](const PodEndpoint& a, const PodEndpoint& b) {
    return std::tie(a.ip, a.port) < std::tie(b.ip, b.port);
  });
  endpoints.erase(std::unique(endpoints.begin(), endpoints.end(),
                              [](const PodEndpoint& a, const PodEndpoint& b) { return a.ip == b.ip && a.port == b.port; }),
                  endpoints.end());
  return endpoints;
}

std::string checkpoint_of(const std::vector<PodEndpoint>& endpoints, const Json& spec) {
  std::vector<std::string> entries;
  for (const PodEndpoint& endpoint : endpoints) {
    entries.push_back(endpoint.ip + ":" + std::to_string(endpoint.port) + ":" + std::to_string(endpoint.pod_created_millis));
  }
  std::sort(entries.begin(), entries.end());
  std::string joined;
  for (const std::string& entry : entries) joined += (joined.empty() ? "" : ",") + entry;
  return net::base64url_encode(sha256_raw(joined)) + "/" + net::base64url_encode(sha256_raw(spec.dump()));
}

}  // namespace albc::tgb
