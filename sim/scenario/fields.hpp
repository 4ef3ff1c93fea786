#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "controller/net/result.hpp"
#include "sim/scenario/scenario.hpp"

// How a scenario file's fields are read: each error names the field ("steps[2].patch.type").
namespace albc::sim::scenario {

net::Unexpected<net::Error> invalid(const std::string& field, const std::string& message);

// A text field. Plain YAML numbers are read as their text (an unquoted account_id is an
// integer to YAML) unless `numbers_as_text` is off.
net::Result<std::string> text_field(const Json& object, const std::string& key,
                                    const std::string& field, bool required,
                                    bool numbers_as_text = true);

// The mapping has no key outside `allowed`.
net::Result<void> only_keys(const Json& object, const std::vector<std::string>& allowed,
                            const std::string& field);

// A duration field: text such as 90s or 1h30m, no longer than the scenario horizon.
net::Result<std::chrono::milliseconds> duration_field(const Json& value, const std::string& field);

// A whole number from 1 to `maximum`. Read as unsigned first: a huge number must not wrap into a
// small or negative one.
net::Result<std::uint64_t> count_field(const Json& value, std::uint64_t maximum,
                                       const std::string& field);

// One entry of `steps`; `index` is 1-based.
net::Result<Step> parse_step(const Json& entry, std::size_t index);

}  // namespace albc::sim::scenario
