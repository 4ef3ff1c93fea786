#include "controller/k8s/resource.hpp"

#include "controller/net/url.hpp"

namespace albc::k8s {

std::string Resource::api_version() const {
  return group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
}

std::string Resource::path(std::string_view ns, std::string_view name,
                           std::string_view subresource) const {
  std::string path = group.empty() ? "/api/" + std::string(version)
                                   : "/apis/" + std::string(group) + "/" + std::string(version);
  if (namespaced && !ns.empty()) path += "/namespaces/" + net::percent_encode(ns);
  path += "/" + std::string(plural);
  if (!name.empty()) path += "/" + net::percent_encode(name);
  if (!subresource.empty()) path += "/" + std::string(subresource);
  return path;
}

std::string object_key(const nlohmann::json& object) {
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return "";
  const std::string ns = metadata->value("namespace", "");
  const std::string name = metadata->value("name", "");
  return ns.empty() ? name : ns + "/" + name;
}

}  // namespace albc::k8s
