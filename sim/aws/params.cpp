#include "sim/aws/params.hpp"

#include <cctype>

#include "controller/net/numbers.hpp"

namespace albc::sim::aws {

AwsError validation_error(std::string message) {
  return AwsError{400, "ValidationError", std::move(message)};
}

std::string member_name(std::string_view name) {
  std::string member(name);
  if (!member.empty())
    member[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(member[0])));
  return member;
}

net::Result<std::string, AwsError> Params::required(const std::string& name) const {
  if (auto value = optional(name)) return *value;
  if (style_ == Style::Ec2) {
    return net::fail(
        AwsError{400, "MissingParameter", "The request must contain the parameter " + name});
  }
  return net::fail(validation_error("1 validation error detected: Value null at '" +
                                    member_name(name) +
                                    "' failed to satisfy constraint: Member must not be null"));
}

std::optional<std::string> Params::optional(const std::string& name) const {
  if (!tree_.contains(name) || !tree_[name].is_string()) return std::nullopt;
  return tree_[name].get<std::string>();
}

std::string Params::value_or(const std::string& name, std::string fallback) const {
  return optional(name).value_or(std::move(fallback));
}

net::Result<std::optional<int>, AwsError> Params::integer(const std::string& name, int minimum,
                                                          int maximum) const {
  const auto text = optional(name);
  if (!text) return std::optional<int>();
  const auto parsed = net::parse_integer<long long>(*text);
  if (!parsed) {
    if (style_ == Style::Ec2) {
      return net::fail(
          AwsError{400, "InvalidParameterValue", "Invalid value '" + *text + "' for " + name});
    }
    return net::fail(validation_error("1 validation error detected: Value '" + *text + "' at '" +
                                      member_name(name) +
                                      "' failed to satisfy constraint: Member must be a number"));
  }
  const long long value = *parsed;
  if (value < minimum || value > maximum) {
    if (style_ == Style::Ec2) {
      return net::fail(AwsError{400, "InvalidParameterValue",
                                "Value (" + *text + ") for parameter " + name + " is invalid."});
    }
    const bool too_small = value < minimum;
    return net::fail(validation_error(
        "1 validation error detected: Value '" + *text + "' at '" + member_name(name) +
        "' failed to satisfy constraint: Member must have value " +
        (too_small ? "greater than or equal to " + std::to_string(minimum)
                   : "less than or equal to " + std::to_string(maximum))));
  }
  return std::optional<int>(static_cast<int>(value));
}

net::Result<std::optional<bool>, AwsError> Params::boolean(const std::string& name) const {
  const auto text = optional(name);
  if (!text) return std::optional<bool>();
  if (*text == "true") return std::optional<bool>(true);
  if (*text == "false") return std::optional<bool>(false);
  return net::fail(validation_error("1 validation error detected: Value '" + *text + "' at '" +
                                    member_name(name) +
                                    "' failed to satisfy constraint: Member must be a boolean"));
}

std::vector<std::string> Params::strings(const std::string& name) const {
  std::vector<std::string> values;
  if (!tree_.contains(name)) return values;
  const Json& node = tree_[name];
  if (node.is_array()) {
    for (const Json& element : node) {
      if (element.is_string()) values.push_back(element.get<std::string>());
    }
  }
  return values;
}

net::Result<void, AwsError> Params::required_list(const std::string& name) const {
  if (!list_of(tree_, name).empty()) return {};
  if (tree_.contains(name) && style_ == Style::Elbv2) {
    // Sent, but empty (botocore writes `Tags=` for an empty list) or not a list.
    return net::fail(validation_error("1 validation error detected: Value '[]' at '" +
                                      member_name(name) +
                                      "' failed to satisfy constraint: Member must have length "
                                      "greater than or equal to 1"));
  }
  if (style_ == Style::Ec2) {
    return net::fail(
        AwsError{400, "MissingParameter", "The request must contain the parameter " + name});
  }
  return net::fail(validation_error("1 validation error detected: Value null at '" +
                                    member_name(name) +
                                    "' failed to satisfy constraint: Member must not be null"));
}

Json Params::list(const std::string& name) const {
  Json structures = Json::array();
  for (const Json& element : list_of(tree_, name))
    structures.push_back(element.is_object() ? element : Json::object());
  return structures;
}

std::string text_of(const Json& structure, std::string_view member) {
  if (!structure.is_object()) return "";
  const auto found = structure.find(member);
  return found != structure.end() && found->is_string() ? found->get<std::string>() : "";
}

const Json& structure_of(const Json& structure, std::string_view member) {
  static const Json kEmpty = Json::object();
  if (!structure.is_object()) return kEmpty;
  const auto found = structure.find(member);
  return found != structure.end() && found->is_object() ? *found : kEmpty;
}

const Json& list_of(const Json& structure, std::string_view member) {
  static const Json kEmpty = Json::array();
  if (!structure.is_object()) return kEmpty;
  const auto found = structure.find(member);
  return found != structure.end() && found->is_array() ? *found : kEmpty;
}

}  // namespace albc::sim::aws
