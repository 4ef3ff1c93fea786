#include "controller/k8s/resource.hpp"

#include <algorithm>

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
  return object_key(namespace_of(object), name_of(object));
}

std::string object_key(std::string_view ns, std::string_view name) {
  return ns.empty() ? std::string(name) : std::string(ns) + "/" + std::string(name);
}

bool has_finalizer(const nlohmann::json& object, std::string_view finalizer) {
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return false;
  const auto finalizers = metadata->find("finalizers");
  if (finalizers == metadata->end() || !finalizers->is_array()) return false;
  return std::any_of(finalizers->begin(), finalizers->end(), [&](const nlohmann::json& entry) {
    return entry.is_string() && entry.get_ref<const std::string&>() == finalizer;
  });
}

}  // namespace albc::k8s
