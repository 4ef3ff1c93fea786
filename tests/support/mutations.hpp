#pragma once

// Every way to break one field of an object: each value in it (objects, arrays, scalars, at any
// depth) replaced in turn by each value of another shape. What a controller reads from an API
// server or an annotation must survive all of them as an error or a value, never an exception.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace albc::test_support {

inline const std::vector<nlohmann::json>& malformed_values() {
  static const std::vector<nlohmann::json> kValues = {nullptr,
                                                      5,
                                                      -1,
                                                      1.5,
                                                      true,
                                                      "x",
                                                      "",
                                                      nlohmann::json::array(),
                                                      nlohmann::json::array({1, "a"}),
                                                      nlohmann::json::object(),
                                                      nlohmann::json{{"a", 1}}};
  return kValues;
}

// Calls `visit` with a copy of `base` in which the value at one JSON pointer was replaced, for
// every pointer in `base` and every malformed value; and with each field removed.
inline void for_each_mutation(
    const nlohmann::json& base,
    const std::function<void(const nlohmann::json& mutated, const std::string& where)>& visit) {
  const nlohmann::json flat = base.flatten();
  std::vector<std::string> pointers;
  // Every node, not only the leaves: each prefix of each leaf's pointer.
  for (auto it = flat.begin(); it != flat.end(); ++it) {
    std::string pointer = it.key();
    while (!pointer.empty()) {
      pointers.push_back(pointer);
      pointer = pointer.substr(0, pointer.rfind('/'));
    }
  }
  std::sort(pointers.begin(), pointers.end());
  pointers.erase(std::unique(pointers.begin(), pointers.end()), pointers.end());
  for (const std::string& pointer : pointers) {
    const nlohmann::json::json_pointer at(pointer);
    for (const nlohmann::json& value : malformed_values()) {
      nlohmann::json mutated = base;
      mutated[at] = value;
      visit(mutated, pointer + " = " + value.dump());
    }
    nlohmann::json removed = base;
    nlohmann::json& parent = removed[at.parent_pointer()];
    if (parent.is_array()) {
      parent.erase(static_cast<std::size_t>(std::stoul(at.back())));
    } else {
      parent.erase(at.back());
    }
    visit(removed, pointer + " removed");
  }
}

}  // namespace albc::test_support
