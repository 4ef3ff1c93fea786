#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller/net/result.hpp"
#include "sim/kube/resource_type.hpp"
#include "sim/kube/status_error.hpp"

namespace albc::sim::kube {

// A label selector in its string form: `a=b,c!=d,e in (f,g),h notin (i),j,!k`.
class LabelSelector {
 public:
  static net::Result<LabelSelector, StatusError> parse(std::string_view text);
  bool matches(const Json& labels) const;
  bool empty() const { return requirements_.empty(); }

 private:
  enum class Operator { Equals, NotEquals, In, NotIn, Exists, DoesNotExist };
  struct Requirement {
    std::string key;
    Operator op;
    std::vector<std::string> values;
  };
  std::vector<Requirement> requirements_;
};

// A field selector: `metadata.name=web,metadata.namespace!=kube-system`. Each resource supports
// metadata.name and metadata.namespace, plus a few fields of its own (events: involvedObject.*).
class FieldSelector {
 public:
  static net::Result<FieldSelector, StatusError> parse(std::string_view text,
                                                       const ResourceType& type);
  bool matches(const Json& object) const;
  bool empty() const { return requirements_.empty(); }
  // The name the selector pins, if it pins one with `=` (lets a list skip a scan).
  std::optional<std::string> pinned_name() const;

 private:
  struct Requirement {
    std::string field;
    bool equals;
    std::string value;
  };
  std::vector<Requirement> requirements_;
};

}  // namespace albc::sim::kube
