#include "sim/aws/ec2_filters.hpp"

namespace albc::sim::aws {

// EC2 filter values may hold * and ? wildcards. Greedy with one backtrack point: linear in
// practice, never recursive.
bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

bool any_matches(const std::vector<std::string>& patterns, const std::string& value) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& pattern) { return glob_match(pattern, value); });
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
