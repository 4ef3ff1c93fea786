#include "controller/k8s/cache.hpp"

namespace albc::k8s {

const Json* ObjectCache::get(const std::string& ns, const std::string& name) const {
  auto found = objects_.find(ns.empty() ? name : ns + "/" + name);
  return found == objects_.end() ? nullptr : &found->second;
}

std::vector<const Json*> ObjectCache::list(const std::string& ns) const {
  std::vector<const Json*> objects;
  if (ns.empty()) {
    for (const auto& [key, object] : objects_)
      objects.push_back(&object);
    return objects;
  }
  const std::string prefix = ns + "/";
  for (auto it = objects_.lower_bound(prefix);
       it != objects_.end() && it->first.starts_with(prefix); ++it) {
    objects.push_back(&it->second);
  }
  return objects;
}

void ObjectCache::put(const Json& object) {
  objects_[object_key(object)] = object;
}

void ObjectCache::erase(const std::string& key) {
  objects_.erase(key);
}

}  // namespace albc::k8s
