#include "controller/net/yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>

#include "controller/net/json.hpp"

namespace albc::net {
namespace {

using Json = nlohmann::json;

// [-+]?(0|[1-9][0-9]*)
bool looks_like_integer(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  if (text.empty()) return false;
  if (text.size() > 1 && text.front() == '0') return false;
  return text.find_first_not_of("0123456789") == std::string_view::npos;
}

// [-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?
bool looks_like_float(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  const auto exponent = text.find_first_of("eE");
  std::string_view mantissa = text.substr(0, exponent);
  const auto dot = mantissa.find('.');
  if (dot == std::string_view::npos) return false;
  const std::string_view whole = mantissa.substr(0, dot);
  const std::string_view fraction = mantissa.substr(dot + 1);
  auto digits = [](std::string_view part) {
    return part.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (!digits(whole) || !digits(fraction) || (whole.empty() && fraction.empty())) return false;
  if (exponent == std::string_view::npos) return true;
  std::string_view power = text.substr(exponent + 1);
  if (!power.empty() && (power.front() == '-' || power.front() == '+')) power.remove_prefix(1);
  return !power.empty() && digits(power);
}

class Converter {
 public:
  Converter(const std::string& source_name, const YamlLimits& limits)
      : source_name_(source_name), limits_(limits) {}

  Result<Json> convert(const YAML::Node& node, std::size_t depth = 0) {
    if (depth > limits_.depth_max) {
      return located(
          node, "the document nests deeper than " + std::to_string(limits_.depth_max) + " levels");
    }
    if (++nodes_ > limits_.nodes_max) {
      return fail("InvalidYaml", source_name_ + ": the document expands to more than " +
                                     std::to_string(limits_.nodes_max) +
                                     " nodes (aliases are expanded)");
    }
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return Json(nullptr);
      case YAML::NodeType::Scalar:
        return scalar(node);
      case YAML::NodeType::Sequence: {
        Json array = Json::array();
        for (const YAML::Node& element : node) {
          auto converted = convert(element, depth + 1);
          if (!converted) return converted;
          array.push_back(std::move(*converted));
        }
        return array;
      }
      case YAML::NodeType::Map: {
        Json object = Json::object();
        for (const auto& entry : node) {
          if (!entry.first.IsScalar()) {
            return located(entry.first, "a mapping key must be a scalar");
          }
          auto key = text_of(entry.first);
          if (!key) return fail(key.error());
          auto value = convert(entry.second, depth + 1);
          if (!value) return value;
          object[*key] = std::move(*value);
        }
        return object;
      }
    }
    return Json(nullptr);
  }

 private:
  Unexpected<Error> located(const YAML::Node& node, const std::string& message) const {
    return fail("InvalidYaml", source_name_ + ": line " + std::to_string(node.Mark().line + 1) +
                                   ", column " + std::to_string(node.Mark().column + 1) + ": " +
                                   message);
  }

  Result<std::string> text_of(const YAML::Node& node) {
    const std::string& text = node.Scalar();
    scalar_bytes_ += text.size();
    if (scalar_bytes_ > limits_.scalar_bytes_max) {
      return fail("InvalidYaml", source_name_ + ": the document expands to more than " +
                                     std::to_string(limits_.scalar_bytes_max) +
                                     " bytes of scalars (aliases are expanded)");
    }
    if (!is_valid_utf8(text)) return located(node, "the text is not valid UTF-8");
    return text;
  }

  Result<Json> scalar(const YAML::Node& node) {
    auto checked = text_of(node);
    if (!checked) return fail(checked.error());
    const std::string& text = *checked;
    if (node.Tag() == "!") return Json(text);  // quoted: always a string
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
      return Json(nullptr);
    if (text == "true" || text == "True" || text == "TRUE") return Json(true);
    if (text == "false" || text == "False" || text == "FALSE") return Json(false);
    const char* first = text.data() + (text.front() == '+' ? 1 : 0);
    const char* last = text.data() + text.size();
    if (looks_like_integer(text)) {
      long long value = 0;
      auto [end, error] = std::from_chars(first, last, value);
      if (error == std::errc() && end == last) return Json(value);
      return Json(text);  // out of range: kept as written
    }
    if (looks_like_float(text)) {
      double value = 0;
      auto [end, error] = std::from_chars(first, last, value);
      if (error == std::errc() && end == last) return Json(value);
      return Json(text);
    }
    return Json(text);
  }

  const std::string& source_name_;
  const YamlLimits& limits_;
  std::size_t nodes_ = 0;
  std::size_t scalar_bytes_ = 0;
};

Unexpected<Error> yaml_error(const std::string& source_name, const YAML::Exception& error) {
  return fail("InvalidYaml", source_name + ": line " + std::to_string(error.mark.line + 1) +
                                 ", column " + std::to_string(error.mark.column + 1) + ": " +
                                 error.msg);
}

Result<void> check_size(const std::string& text, const std::string& source_name,
                        const YamlLimits& limits) {
  if (text.size() <= limits.bytes_max) return {};
  return fail("InvalidYaml", source_name + ": " + std::to_string(text.size()) +
                                 " bytes, over the limit of " + std::to_string(limits.bytes_max));
}

}  // namespace

Result<Json> yaml_to_json(const std::string& text, const std::string& source_name,
                          YamlLimits limits) {
  if (auto size = check_size(text, source_name, limits); !size) return fail(size.error());
  // yaml-cpp reports errors (DeepRecursion among them) as exceptions: the adapter boundary.
  try {
    Converter converter(source_name, limits);
    return converter.convert(YAML::Load(text));
  } catch (const YAML::Exception& error) {
    return yaml_error(source_name, error);
  }
}

Result<std::vector<Json>> yaml_documents(const std::string& text, const std::string& source_name,
                                         YamlLimits limits) {
  if (auto size = check_size(text, source_name, limits); !size) return fail(size.error());
  try {
    std::vector<Json> documents;
    Converter converter(source_name, limits);  // one budget for the whole file
    for (const YAML::Node& node : YAML::LoadAll(text)) {
      auto document = converter.convert(node);
      if (!document) return fail(document.error());
      if (!document->is_null()) documents.push_back(std::move(*document));
    }
    return documents;
  } catch (const YAML::Exception& error) {
    return yaml_error(source_name, error);
  }
}

}  // namespace albc::net
