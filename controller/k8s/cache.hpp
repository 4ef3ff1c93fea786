#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "controller/k8s/resource.hpp"

namespace albc::k8s {

using Json = nlohmann::json;

// The objects of one resource as the informer last saw them. Reconcilers read it without
// suspending; pointers are valid until the next co_await.
class ObjectCache {
 public:
  const Json* get(const std::string& ns, const std::string& name) const;
  // Objects in a namespace (all namespaces when empty), sorted by namespace/name.
  std::vector<const Json*> list(const std::string& ns = "") const;
  std::size_t size() const { return objects_.size(); }

  const Json* find(const std::string& key) const;

  // Informer side.
  void put(const Json& object);
  // Stores the object under `key`, handing back what was there.
  std::optional<Json> replace(const std::string& key, Json object);
  // Removes the object under `key`, handing it back.
  std::optional<Json> take(const std::string& key);
  const std::map<std::string, Json>& all() const { return objects_; }

 private:
  std::map<std::string, Json> objects_;
};

}  // namespace albc::k8s
