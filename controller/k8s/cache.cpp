#include "controller/k8s/cache.hpp"

namespace albc::k8s {

const Json* ObjectCache::get(const std::string& ns, const std::string& name) const {
  return find(object_key(ns, name));
}

const Json* ObjectCache::find(const std::string& key) const {
  auto found = objects_.find(key);
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

std::optional<Json> ObjectCache::replace(const std::string& key, Json object) {
  auto [it, inserted] = objects_.try_emplace(key);
  std::optional<Json> previous;
  if (!inserted)
    previous = std::exchange(it->second, std::move(object));
  else
    it->second = std::move(object);
  return previous;
}

std::optional<Json> ObjectCache::take(const std::string& key) {
  auto node = objects_.extract(key);
  if (node.empty()) return std::nullopt;
  return std::move(node.mapped());
}

}  // namespace albc::k8s
