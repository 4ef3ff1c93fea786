#include "sim/aws/ec2_filters.hpp"

#include "controller/net/glob.hpp"

namespace albc::sim::aws {

bool any_matches(const std::vector<std::string>& patterns, const std::string& value) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& pattern) { return net::glob_match(pattern, value); });
}

net::Result<std::vector<Filter>, AwsError> filters_of(const Params& params,
                                                      const std::vector<std::string>& known) {
  std::vector<Filter> filters;
  for (const Json& entry : params.list("Filter")) {
    Filter filter;
    filter.name = text_of(entry, "Name");
    for (const Json& value : list_of(entry, "Value")) {
      if (value.is_string()) filter.values.push_back(value.get<std::string>());
    }
    const bool tag_filter = filter.name.starts_with("tag:") || filter.name == "tag-key";
    if (!tag_filter && std::find(known.begin(), known.end(), filter.name) == known.end()) {
      return net::fail(
          AwsError{400, "InvalidParameterValue", "The filter '" + filter.name + "' is invalid"});
    }
    filters.push_back(std::move(filter));
  }
  return filters;
}

}  // namespace albc::sim::aws
