#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controller/k8s/resource.hpp"

namespace albc::k8s {

using Json = nlohmann::json;

// The objects of one resource as the informer last saw them, with client-go's indexers: an index
// maps each object to values ("namespace/service" of a slice), and by_index answers which objects
// have one. Reconcilers read it without suspending; pointers are valid until the next co_await.
class ObjectCache {
 public:
  // The values an object is found under in one index (none: it is not in that index).
  using IndexFunc = std::function<std::vector<std::string>(const Json& object)>;

  const Json* get(const std::string& ns, const std::string& name) const;
  // Objects in a namespace (all namespaces when empty), sorted by namespace/name.
  std::vector<const Json*> list(const std::string& ns = "") const;
  std::size_t size() const { return objects_.size(); }

  const Json* find(const std::string& key) const;

  // Adds an index; the objects already stored are indexed at once.
  void add_index(const std::string& name, IndexFunc index);
  // Objects under `value` in the index, sorted by namespace/name. The index must exist.
  std::vector<const Json*> by_index(const std::string& name, const std::string& value) const;

  // Informer side.
  void put(const Json& object);
  // Stores the object under `key`, handing back what was there.
  std::optional<Json> replace(const std::string& key, Json object);
  // Removes the object under `key`, handing it back.
  std::optional<Json> take(const std::string& key);
  const std::map<std::string, Json>& all() const { return objects_; }

 private:
  struct Index {
    IndexFunc values_of;
    std::map<std::string, std::set<std::string>> keys_by_value;
  };
  void unindex(const std::string& key, const Json& object);
  void reindex(const std::string& key, const Json& object);

  std::map<std::string, Json> objects_;
  std::map<std::string, Index> indexes_;
};

}  // namespace albc::k8s
