#include "controller/net/query_tree.hpp"

#include <map>

#include "controller/net/numbers.hpp"

namespace albc::net {
namespace {

using Json = nlohmann::json;

void flatten_into(const Json& node, const std::string& prefix, QueryStyle style, QueryForm& form) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      flatten_into(*it, prefix.empty() ? it.key() : prefix + "." + it.key(), style, form);
    }
  } else if (node.is_array()) {
    if (node.empty() && style == QueryStyle::Query) {
      form.add(prefix, "");  // an explicitly empty list
      return;
    }
    std::size_t index = 1;
    for (const Json& element : node) {
      const std::string item = style == QueryStyle::Query
                                   ? prefix + ".member." + std::to_string(index++)
                                   : prefix + "." + std::to_string(index++);
      flatten_into(element, item, style, form);
    }
  } else if (node.is_string()) {
    form.add(prefix, node.get<std::string>());
  } else if (node.is_boolean()) {
    form.add(prefix, node.get<bool>() ? "true" : "false");
  } else if (!node.is_null()) {
    form.add(prefix, node.dump());
  }
}

bool is_index(std::string_view segment) {
  if (segment.empty() || segment.size() > 6) return false;
  for (char c : segment) {
    if (c < '0' || c > '9') return false;
  }
  return segment != "0";
}

// An intermediate tree where list nodes are maps from index to child, so that sparse or
// unordered indices come out sorted. Its depth is bounded by QueryLimits::segments_max, so the
// recursive to_json and destructor are too.
struct Node {
  std::string value;
  bool has_value = false;
  bool is_list = false;
  std::map<std::string, Node> fields;
  std::map<int, Node> items;
};

Result<void> insert(Node& root, const std::string& name, const std::string& value,
                    const QueryLimits& limits) {
  if (name.size() > limits.name_bytes_max) {
    return fail("MalformedQueryString",
                "parameter name " + name.substr(0, 64) + "... is " + std::to_string(name.size()) +
                    " bytes long, over the limit of " + std::to_string(limits.name_bytes_max));
  }
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= name.size()) {
    const auto dot = name.find('.', start);
    segments.push_back(
        name.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (segments.size() > limits.segments_max) {
      return fail("MalformedQueryString", "parameter " + name.substr(0, 64) + "... has more than " +
                                              std::to_string(limits.segments_max) +
                                              " dot-separated parts");
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  Node* node = &root;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    std::string segment = segments[i];
    if (segment == "member" && i + 1 < segments.size() && is_index(segments[i + 1])) {
      segment = segments[++i];
    }
    if (is_index(segment)) {
      if (node->has_value || !node->fields.empty()) {
        return fail("MalformedQueryString",
                    "parameter " + name + " mixes a list with other values");
      }
      node->is_list = true;
      node = &node->items[*parse_integer<int>(segment)];
    } else {
      if (node->has_value || node->is_list) {
        return fail("MalformedQueryString",
                    "parameter " + name + " mixes a structure with other values");
      }
      node = &node->fields[segment];
    }
  }
  if (!node->fields.empty() || node->is_list) {
    return fail("MalformedQueryString", "parameter " + name + " is both a value and a structure");
  }
  node->value = value;
  node->has_value = true;
  return {};
}

Json to_json(const Node& node) {
  if (node.is_list) {
    Json array = Json::array();
    for (const auto& [index, item] : node.items)
      array.push_back(to_json(item));
    return array;
  }
  if (!node.fields.empty()) {
    Json object = Json::object();
    for (const auto& [key, field] : node.fields)
      object[key] = to_json(field);
    return object;
  }
  return node.value;
}

}  // namespace

QueryForm flatten_query(const nlohmann::json& tree, QueryStyle style) {
  QueryForm form;
  flatten_into(tree, "", style, form);
  return form;
}

Result<nlohmann::json> parse_query_tree(const QueryForm& form, QueryLimits limits) {
  if (form.entries().size() > limits.parameters_max) {
    return fail("MalformedQueryString", "the request has " + std::to_string(form.entries().size()) +
                                            " parameters, over the limit of " +
                                            std::to_string(limits.parameters_max));
  }
  Node root;
  for (const auto& [name, value] : form.entries()) {
    if (name.empty()) continue;
    if (auto inserted = insert(root, name, value, limits); !inserted) {
      return fail(inserted.error());
    }
  }
  Json tree = to_json(root);
  if (!tree.is_object()) tree = Json::object();
  return tree;
}

bool is_mutating_action(std::string_view action) {
  return !action.starts_with("Describe") && !action.starts_with("Get") &&
         !action.starts_with("List");
}

}  // namespace albc::net
