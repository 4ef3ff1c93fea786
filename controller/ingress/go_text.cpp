#include "controller/ingress/go_text.hpp"

namespace albc::ingress {

std::string go_list(const std::vector<std::string>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i)
    text += (i ? " " : "") + values[i];
  return text + "]";
}

std::string go_set(const std::set<std::string>& values) {
  std::string text = "map[";
  bool first = true;
  for (const std::string& value : values) {
    text += (first ? "" : " ") + value + ":{}";
    first = false;
  }
  return text + "]";
}

}  // namespace albc::ingress
