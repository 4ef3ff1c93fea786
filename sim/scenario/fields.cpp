#include "sim/scenario/fields.hpp"

namespace albc::sim::scenario {

net::Unexpected<net::Error> invalid(const std::string& field, const std::string& message) {
  return net::fail("InvalidScenario", field + ": " + message);
}

net::Result<std::string> text_field(const Json& object, const std::string& key,
                                    const std::string& field, bool required, bool numbers_as_text) {
  if (!object.contains(key)) {
    if (required) return invalid(field, "is required");
    return std::string();
  }
  const Json& value = object[key];
  if (value.is_string()) return value.get<std::string>();
  if (numbers_as_text && value.is_number_integer()) {
    return std::to_string(value.get<long long>());
  }
  return invalid(field, "must be a string (quote it)");
}

net::Result<void> only_keys(const Json& object, const std::vector<std::string>& allowed,
                            const std::string& field) {
  if (!object.is_object()) return invalid(field, "must be a mapping");
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
      std::string known;
      for (const std::string& key : allowed)
        known += (known.empty() ? "" : ", ") + key;
      return invalid(field + "." + it.key(), "unknown field (known: " + known + ")");
    }
  }
  return {};
}

net::Result<std::chrono::milliseconds> duration_field(const Json& value, const std::string& field) {
  const auto duration = value.is_string() ? parse_duration(value.get<std::string>()) : std::nullopt;
  if (!duration) return invalid(field, "must be a duration such as 90s or 5m");
  if (*duration > kVirtualTimeHorizon) {
    return invalid(field, value.get<std::string>() + " is longer than the scenario horizon of " +
                              std::to_string(kVirtualTimeHorizon.count()) + "h");
  }
  return *duration;
}

net::Result<std::uint64_t> count_field(const Json& value, std::uint64_t maximum,
                                       const std::string& field) {
  std::optional<std::uint64_t> count;
  if (value.is_number_unsigned()) {
    count = value.get<std::uint64_t>();
  } else if (value.is_number_integer() && value.get<long long>() >= 0) {
    count = static_cast<std::uint64_t>(value.get<long long>());
  }
  if (!count || *count < 1 || *count > maximum)
    return invalid(field, "must be a whole number from 1 to " + std::to_string(maximum));
  return *count;
}

}  // namespace albc::sim::scenario
