#include "controller/k8s/cache.hpp"

#include <stdexcept>

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

void ObjectCache::add_index(const std::string& name, IndexFunc index) {
  Index& added = indexes_[name];
  added.values_of = std::move(index);
  added.keys_by_value.clear();
  for (const auto& [key, object] : objects_) {
    for (const std::string& value : added.values_of(object))
      added.keys_by_value[value].insert(key);
  }
}

std::vector<const Json*> ObjectCache::by_index(const std::string& name,
                                               const std::string& value) const {
  auto index = indexes_.find(name);
  if (index == indexes_.end()) throw std::logic_error("no index named " + name);
  std::vector<const Json*> objects;
  auto keys = index->second.keys_by_value.find(value);
  if (keys == index->second.keys_by_value.end()) return objects;
  for (const std::string& key : keys->second) {
    if (auto object = objects_.find(key); object != objects_.end())
      objects.push_back(&object->second);
  }
  return objects;
}

void ObjectCache::unindex(const std::string& key, const Json& object) {
  for (auto& [name, index] : indexes_) {
    for (const std::string& value : index.values_of(object)) {
      auto keys = index.keys_by_value.find(value);
      if (keys == index.keys_by_value.end()) continue;
      keys->second.erase(key);
      if (keys->second.empty()) index.keys_by_value.erase(keys);
    }
  }
}

void ObjectCache::reindex(const std::string& key, const Json& object) {
  for (auto& [name, index] : indexes_) {
    for (const std::string& value : index.values_of(object))
      index.keys_by_value[value].insert(key);
  }
}

void ObjectCache::put(const Json& object) {
  replace(object_key(object), object);
}

std::optional<Json> ObjectCache::replace(const std::string& key, Json object) {
  auto [it, inserted] = objects_.try_emplace(key);
  std::optional<Json> previous;
  if (!inserted) {
    unindex(key, it->second);
    previous = std::exchange(it->second, std::move(object));
  } else {
    it->second = std::move(object);
  }
  reindex(key, it->second);
  return previous;
}

std::optional<Json> ObjectCache::take(const std::string& key) {
  auto node = objects_.extract(key);
  if (node.empty()) return std::nullopt;
  unindex(key, node.mapped());
  return std::move(node.mapped());
}

}  // namespace albc::k8s
