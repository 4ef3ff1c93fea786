#include "sim/scenario/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace albc::sim::scenario {
namespace {

Json scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted: always a string
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
    return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  static const std::regex kInteger("^[-+]?(0|[1-9][0-9]*)$");
  static const std::regex kFloat("^[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$");
  if (std::regex_match(text, kInteger)) {
    try {
      return std::stoll(text);
    } catch (const std::exception&) {
      return text;
    }
  }
  if (std::regex_match(text, kFloat)) {
    try {
      return std::stod(text);
    } catch (const std::exception&) {
      return text;
    }
  }
  return text;
}

Json convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      Json array = Json::array();
      for (const YAML::Node& element : node)
        array.push_back(convert(element));
      return array;
    }
    case YAML::NodeType::Map: {
      Json object = Json::object();
      for (const auto& entry : node)
        object[entry.first.as<std::string>()] = convert(entry.second);
      return object;
    }
  }
  return nullptr;
}

}  // namespace

net::Result<Json> yaml_to_json(const std::string& text, const std::string& source_name) {
  try {
    return convert(YAML::Load(text));
  } catch (const YAML::Exception& error) {
    return net::fail("InvalidYaml", source_name + ": line " + std::to_string(error.mark.line + 1) +
                                        ", column " + std::to_string(error.mark.column + 1) + ": " +
                                        error.msg);
  }
}

net::Result<std::vector<Json>> yaml_documents(const std::string& text,
                                              const std::string& source_name) {
  try {
    std::vector<Json> documents;
    for (const YAML::Node& node : YAML::LoadAll(text)) {
      Json document = convert(node);
      if (!document.is_null()) documents.push_back(std::move(document));
    }
    return documents;
  } catch (const YAML::Exception& error) {
    return net::fail("InvalidYaml", source_name + ": line " + std::to_string(error.mark.line + 1) +
                                        ", column " + std::to_string(error.mark.column + 1) + ": " +
                                        error.msg);
  }
}

net::Result<std::string> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return net::fail("FileNotFound", path + ": cannot open the file");
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

}  // namespace albc::sim::scenario
