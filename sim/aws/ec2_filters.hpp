#pragma once

// EC2's Describe* filters: names, values with * and ? wildcards, tag filters, and the
// selection of resources by id and filter that every Describe* call makes.
#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "sim/aws/aws_state.hpp"
#include "sim/aws/params.hpp"

namespace albc::sim::aws {

struct Filter {
  std::string name;
  std::vector<std::string> values;
};

// Whether any of the patterns matches the value.
bool any_matches(const std::vector<std::string>& patterns, const std::string& value);

// The request's Filter.N list; a name outside `known` (and not a tag filter) is
// InvalidParameterValue, as EC2 answers.
net::Result<std::vector<Filter>, AwsError> filters_of(const Params& params,
                                                      const std::vector<std::string>& known);

// A resource matches when every filter matches one of its values for that filter's field
// (field_of answers a value, or a list of them for a field with several).
template <class FieldOf>
bool matches(const std::vector<Filter>& filters, const Tags& tags, FieldOf field_of) {
  for (const Filter& filter : filters) {
    if (filter.name.starts_with("tag:")) {
      auto found = tags.find(filter.name.substr(4));
      if (found == tags.end() || !any_matches(filter.values, found->second)) return false;
    } else if (filter.name == "tag-key") {
      bool any = false;
      for (const auto& [key, value] : tags)
        any = any || any_matches(filter.values, key);
      if (!any) return false;
    } else {
      const auto values = field_of(filter.name);
      if constexpr (std::is_same_v<std::decay_t<decltype(values)>, std::vector<std::string>>) {
        if (std::none_of(values.begin(), values.end(), [&](const std::string& value) {
              return any_matches(filter.values, value);
            }))
          return false;
      } else if (!any_matches(filter.values, values)) {
        return false;
      }
    }
  }
  return true;
}

// The resources a Describe* call names: every listed id must exist (else `not_found(id)`), and
// a resource is kept when it is listed (or none are) and every filter matches it.
template <class Resource, class NotFound, class FieldOf>
net::Result<std::vector<const Resource*>, AwsError> select_resources(
    const std::map<std::string, Resource>& resources, const Params& params,
    const std::string& id_parameter, const std::vector<std::string>& known_filters,
    NotFound not_found, FieldOf field_of) {
  auto filters = filters_of(params, known_filters);
  if (!filters) return net::fail(filters.error());
  const auto ids = params.strings(id_parameter);
  for (const std::string& id : ids) {
    if (!resources.contains(id)) return net::fail(not_found(id));
  }
  std::vector<const Resource*> selected;
  for (const auto& entry : resources) {
    // An entry, not a structured binding: lambdas capture those only from C++20 on, and
    // clang 14 (the fuzz build) does not have it.
    const Resource& resource = entry.second;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), entry.first) == ids.end()) continue;
    const auto field = [&](const std::string& name) { return field_of(resource, name); };
    if (matches(*filters, resource.tags, field)) selected.push_back(&resource);
  }
  return selected;
}

}  // namespace albc::sim::aws
