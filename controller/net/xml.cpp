#include "controller/net/xml.hpp"

#include <pugixml.hpp>

namespace albc::net {
namespace {

using Json = nlohmann::json;

std::string_view local_name(std::string_view name) {
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

Json element_to_json(const pugi::xml_node& element) {
  bool has_child_elements = false;
  bool all_list_items = true;
  for (pugi::xml_node child : element.children()) {
    if (child.type() != pugi::node_element) continue;
    has_child_elements = true;
    const std::string_view name = local_name(child.name());
    if (name != "member" && name != "item") all_list_items = false;
  }
  if (!has_child_elements) return std::string(element.text().get());
  if (all_list_items) {
    Json array = Json::array();
    for (pugi::xml_node child : element.children()) {
      if (child.type() == pugi::node_element) array.push_back(element_to_json(child));
    }
    return array;
  }
  Json object = Json::object();
  for (pugi::xml_node child : element.children()) {
    if (child.type() != pugi::node_element) continue;
    object[std::string(local_name(child.name()))] = element_to_json(child);
  }
  return object;
}

// How deep elements nest under `root`, walked through parent links (pugixml's own parser does
// not recurse either), stopping once past `stop_after`.
std::size_t element_depth(const pugi::xml_node& root, std::size_t stop_after) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  pugi::xml_node node = root;
  while (node) {
    deepest = std::max(deepest, depth);
    if (deepest > stop_after) return deepest;
    if (pugi::xml_node child = node.first_child()) {
      node = child;
      ++depth;
      continue;
    }
    while (node && node != root && !node.next_sibling()) {
      node = node.parent();
      --depth;
    }
    if (!node || node == root) break;
    node = node.next_sibling();
  }
  return deepest;
}

// Appends `text` escaped for XML character data, straight into `out`.
void append_escaped(std::string_view text, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
}

void element(std::string_view name, bool closing, std::string& out) {
  out += closing ? "</" : "<";
  out += name;
  out += '>';
}

void write(const Json& node, std::string_view list_element, std::string& out) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      element(it.key(), false, out);
      write(*it, list_element, out);
      element(it.key(), true, out);
    }
  } else if (node.is_array()) {
    for (const Json& item : node) {
      element(list_element, false, out);
      write(item, list_element, out);
      element(list_element, true, out);
    }
  } else if (node.is_string()) {
    append_escaped(node.get_ref<const std::string&>(), out);
  } else if (node.is_boolean()) {
    out += node.get<bool>() ? "true" : "false";
  } else if (!node.is_null()) {
    out += node.dump();
  }
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  append_escaped(text, escaped);
  return escaped;
}

Result<nlohmann::json> xml_to_json(std::string_view xml, std::size_t depth_max) {
  pugi::xml_document document;
  const pugi::xml_parse_result parsed = document.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return fail("MalformedXml",
                std::string("cannot parse the XML answer: ") + parsed.description());
  }
  pugi::xml_node root = document.document_element();
  if (!root) return fail("MalformedXml", "the XML answer has no root element");
  // element_to_json recurses once per level.
  if (element_depth(root, depth_max) > depth_max) {
    return fail("MalformedXml",
                "the XML answer nests deeper than " + std::to_string(depth_max) + " elements");
  }
  Json tree = Json::object();
  tree[std::string(local_name(root.name()))] = element_to_json(root);
  return tree;
}

std::string json_to_xml(const nlohmann::json& node, std::string_view list_element) {
  std::string out;
  write(node, list_element, out);
  return out;
}

}  // namespace albc::net
