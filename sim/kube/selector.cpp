#include "sim/kube/selector.hpp"

#include <algorithm>

#include "controller/net/json.hpp"
#include "sim/kube/field_errors.hpp"

namespace albc::sim::kube {
namespace {

std::string trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  return std::string(text);
}

// Splits on commas that are not inside parentheses.
std::vector<std::string> split_terms(std::string_view text) {
  std::vector<std::string> terms;
  int depth = 0;
  std::string current;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      terms.push_back(trim(current));
      current.clear();
      continue;
    }
    current += c;
  }
  if (!trim(current).empty() || !terms.empty()) terms.push_back(trim(current));
  return terms;
}

std::string joined(const std::vector<std::string>& problems) {
  std::string text;
  for (const std::string& problem : problems)
    text += (text.empty() ? "" : "; ") + problem;
  return text;
}

// labels.Parse checks each key and value as it reads them, and words the first that is wrong
// (all of its problems, joined as Go joins them).
std::optional<std::string> requirement_problem(const std::string& key,
                                               const std::vector<std::string>& values) {
  if (auto problems = names::qualified_name(key); !problems.empty()) {
    return "<nil>: Invalid value: " + net::dump_json(Json(key)) + ": " + joined(problems);
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (auto problems = names::label_value(values[i]); !problems.empty()) {
      return "values[" + std::to_string(i) + "][" + key +
             "]: Invalid value: " + net::dump_json(Json(values[i])) + ": " + joined(problems);
    }
  }
  return std::nullopt;
}

std::string label_value(const Json& labels, const std::string& key, bool& present) {
  present = labels.is_object() && labels.contains(key) && labels[key].is_string();
  return present ? labels[key].get<std::string>() : std::string();
}

}  // namespace

net::Result<LabelSelector, StatusError> LabelSelector::parse(std::string_view text) {
  LabelSelector selector;
  if (trim(text).empty()) return selector;
  for (const std::string& term : split_terms(text)) {
    if (term.empty())
      return net::fail(
          bad_request("unable to parse requirement: empty term in \"" + std::string(text) + "\""));
    Requirement requirement;
    const auto space = term.find(' ');
    if (term.starts_with("!")) {
      requirement = {trim(term.substr(1)), Operator::DoesNotExist, {}};
    } else if (auto ne = term.find("!="); ne != std::string::npos) {
      requirement = {trim(term.substr(0, ne)), Operator::NotEquals, {trim(term.substr(ne + 2))}};
    } else if (auto eq2 = term.find("=="); eq2 != std::string::npos) {
      requirement = {trim(term.substr(0, eq2)), Operator::Equals, {trim(term.substr(eq2 + 2))}};
    } else if (auto eq = term.find('='); eq != std::string::npos) {
      requirement = {trim(term.substr(0, eq)), Operator::Equals, {trim(term.substr(eq + 1))}};
    } else if (space != std::string::npos) {
      const std::string key = trim(term.substr(0, space));
      std::string rest = trim(term.substr(space + 1));
      Operator op;
      if (rest.starts_with("notin")) {
        op = Operator::NotIn;
        rest = trim(rest.substr(5));
      } else if (rest.starts_with("in")) {
        op = Operator::In;
        rest = trim(rest.substr(2));
      } else {
        return net::fail(bad_request("unable to parse requirement: \"" + term + "\""));
      }
      if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') {
        return net::fail(bad_request("unable to parse requirement: \"" + term +
                                     "\": expected a parenthesised set"));
      }
      std::vector<std::string> values;
      for (const std::string& value : split_terms(rest.substr(1, rest.size() - 2))) {
        values.push_back(value);
      }
      requirement = {key, op, values};
    } else {
      requirement = {term, Operator::Exists, {}};
    }
    if (requirement.key.empty()) {
      return net::fail(bad_request("unable to parse requirement: \"" + term + "\": empty key"));
    }
    if (auto problem = requirement_problem(requirement.key, requirement.values)) {
      return net::fail(bad_request("unable to parse requirement: " + *problem));
    }
    selector.requirements_.push_back(std::move(requirement));
  }
  return selector;
}

bool LabelSelector::matches(const Json& labels) const {
  for (const Requirement& requirement : requirements_) {
    bool present = false;
    const std::string value = label_value(labels, requirement.key, present);
    const bool in_values = std::find(requirement.values.begin(), requirement.values.end(), value) !=
                           requirement.values.end();
    switch (requirement.op) {
      case Operator::Equals:
      case Operator::In:
        if (!present || !in_values) return false;
        break;
      case Operator::NotEquals:
      case Operator::NotIn:
        if (present && in_values) return false;
        break;
      case Operator::Exists:
        if (!present) return false;
        break;
      case Operator::DoesNotExist:
        if (present) return false;
        break;
    }
  }
  return true;
}

namespace {

bool field_supported(const ResourceType& type, const std::string& field) {
  if (field == "metadata.name" || field == "metadata.namespace") return true;
  if (type.kind == "Event" && type.group.empty()) {
    return field.starts_with("involvedObject.") || field == "reason" || field == "type" ||
           field == "source" || field == "reportingComponent";
  }
  if (type.kind == "Pod") {
    return field == "spec.nodeName" || field == "status.phase" || field == "status.podIP";
  }
  return false;
}

std::string field_value(const Json& object, const std::string& field) {
  const Json* node = &object;
  std::size_t start = 0;
  while (start <= field.size()) {
    const auto dot = field.find('.', start);
    const std::string part =
        field.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object() || !node->contains(part)) return "";
    node = &(*node)[part];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (node->is_string()) return node->get<std::string>();
  if (node->is_null()) return "";
  return net::dump_json(*node);
}

}  // namespace

net::Result<FieldSelector, StatusError> FieldSelector::parse(std::string_view text,
                                                             const ResourceType& type) {
  FieldSelector selector;
  if (trim(text).empty()) return selector;
  for (const std::string& term : split_terms(text)) {
    Requirement requirement;
    if (auto ne = term.find("!="); ne != std::string::npos) {
      requirement = {trim(term.substr(0, ne)), false, trim(term.substr(ne + 2))};
    } else if (auto eq2 = term.find("=="); eq2 != std::string::npos) {
      requirement = {trim(term.substr(0, eq2)), true, trim(term.substr(eq2 + 2))};
    } else if (auto eq = term.find('='); eq != std::string::npos) {
      requirement = {trim(term.substr(0, eq)), true, trim(term.substr(eq + 1))};
    } else {
      return net::fail(bad_request("invalid selector: '" + std::string(text) +
                                   "'; can't understand '" + term + "'"));
    }
    if (!field_supported(type, requirement.field)) {
      return net::fail(bad_request("field label not supported: " + requirement.field));
    }
    selector.requirements_.push_back(std::move(requirement));
  }
  return selector;
}

bool FieldSelector::matches(const Json& object) const {
  for (const Requirement& requirement : requirements_) {
    const bool equal = field_value(object, requirement.field) == requirement.value;
    if (equal != requirement.equals) return false;
  }
  return true;
}

std::optional<std::string> FieldSelector::pinned_name() const {
  for (const Requirement& requirement : requirements_) {
    if (requirement.field == "metadata.name" && requirement.equals) return requirement.value;
  }
  return std::nullopt;
}

}  // namespace albc::sim::kube
