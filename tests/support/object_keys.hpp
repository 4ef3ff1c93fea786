#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller/k8s/resource.hpp"

namespace albc::test_support {

// "namespace/name" of each object, in order: what a cache lookup found, for CHECKs.
inline std::vector<std::string> keys_of(const std::vector<const nlohmann::json*>& objects) {
  std::vector<std::string> keys;
  for (const nlohmann::json* object : objects)
    keys.push_back(k8s::object_key(*object));
  return keys;
}

}  // namespace albc::test_support
