#include "controller/ingress/conditions.hpp"

#include <cctype>

#include "controller/ingress/go_text.hpp"

namespace albc::ingress {
namespace {

// Go's encoding/json matches field names case-insensitively.
const Json* field(const Json& object, std::string_view name) {
  if (!object.is_object()) return nullptr;
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string& key = it.key();
    if (key.size() != name.size()) continue;
    bool equal = true;
    for (std::size_t i = 0; i < key.size() && equal; ++i) {
      equal = std::tolower(static_cast<unsigned char>(key[i])) ==
              std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (equal) return &*it;
  }
  return nullptr;
}

net::Result<std::vector<std::string>> strings(const Json* list, const std::string& what) {
  std::vector<std::string> values;
  if (list == nullptr) return values;
  if (!list->is_array())
    return net::fail("InvalidConfiguration", what + " must be a list of strings");
  for (const Json& value : *list) {
    if (!value.is_string())
      return net::fail("InvalidConfiguration", what + " must be a list of strings");
    values.push_back(value.get<std::string>());
  }
  return values;
}

// hostHeaderConfig / pathPatternConfig: exactly one of values and regexValues, not empty.
net::Result<std::pair<std::vector<std::string>, std::vector<std::string>>> value_config(
    const Json& condition, const char* config_name) {
  const Json* config = field(condition, config_name);
  if (config == nullptr)
    return net::fail("InvalidConfiguration", std::string("missing ") + config_name);
  auto values = strings(field(*config, "values"), std::string(config_name) + ".values");
  if (!values) return net::fail(values.error());
  auto regexes = strings(field(*config, "regexValues"), std::string(config_name) + ".regexValues");
  if (!regexes) return net::fail(regexes.error());
  if (values->empty() && regexes->empty()) {
    return net::fail("InvalidConfiguration", std::string("invalid ") + config_name +
                                                 ": values or regexValues must be specified");
  }
  if (!values->empty() && !regexes->empty()) {
    return net::fail("InvalidConfiguration",
                     std::string("invalid ") + config_name +
                         ": precisely one of values and regexValues can be specified");
  }
  return std::make_pair(*values, *regexes);
}

}  // namespace

net::Result<ConditionAdditions> parse_condition_annotation(const Json& list) {
  if (!list.is_array()) return net::fail("InvalidConfiguration", "conditions must be a list");
  ConditionAdditions additions;
  for (const Json& condition : list) {
    const Json* field_name = field(condition, "field");
    const std::string name =
        field_name != nullptr && field_name->is_string() ? field_name->get<std::string>() : "";
    if (name == "host-header" || name == "path-pattern") {
      const bool host = name == "host-header";
      auto config = value_config(condition, host ? "hostHeaderConfig" : "pathPatternConfig");
      if (!config) return net::fail(config.error());
      auto& values = host ? additions.hosts : additions.paths;
      auto& regexes = host ? additions.host_regexes : additions.path_regexes;
      values.insert(values.end(), config->first.begin(), config->first.end());
      regexes.insert(regexes.end(), config->second.begin(), config->second.end());
      continue;
    }
    model::Condition extra;
    extra.field = name;
    if (name == "http-header") {
      const Json* config = field(condition, "httpHeaderConfig");
      if (config == nullptr) return net::fail("InvalidConfiguration", "missing httpHeaderConfig");
      const Json* header = field(*config, "httpHeaderName");
      extra.http_header_name =
          header != nullptr && header->is_string() ? header->get<std::string>() : "";
      auto values = strings(field(*config, "values"), "httpHeaderConfig.values");
      if (!values) return net::fail(values.error());
      if (values->empty()) return net::fail("InvalidConfiguration", "values cannot be empty");
      extra.values = *values;
    } else if (name == "http-request-method" || name == "source-ip") {
      const char* config_name = name == "source-ip" ? "sourceIPConfig" : "httpRequestMethodConfig";
      const Json* config = field(condition, config_name);
      if (config == nullptr)
        return net::fail("InvalidConfiguration", std::string("missing ") + config_name);
      auto values = strings(field(*config, "values"), std::string(config_name) + ".values");
      if (!values) return net::fail(values.error());
      if (values->empty()) return net::fail("InvalidConfiguration", "values cannot be empty");
      extra.values = *values;
    } else if (name == "query-string") {
      const Json* config = field(condition, "queryStringConfig");
      if (config == nullptr) return net::fail("InvalidConfiguration", "missing queryStringConfig");
      const Json* pairs = field(*config, "values");
      if (pairs == nullptr || !pairs->is_array() || pairs->empty())
        return net::fail("InvalidConfiguration", "Values cannot be empty");
      for (const Json& pair : *pairs) {
        const Json* key = field(pair, "key");
        const Json* value = field(pair, "value");
        if (value == nullptr || !value->is_string() || value->get<std::string>().empty()) {
          return net::fail("InvalidConfiguration", "value cannot be empty");
        }
        extra.query_string.emplace_back(
            key != nullptr && key->is_string() ? key->get<std::string>() : "",
            value->get<std::string>());
      }
    } else {
      return net::fail("InvalidConfiguration", "unknown condition field: " + name);
    }
    additions.extra.push_back(extra);
  }
  return additions;
}

net::Result<std::vector<model::Condition>> assemble_conditions(
    const std::vector<std::string>& hosts, const std::vector<std::string>& paths,
    const ConditionAdditions& additions) {
  std::vector<std::string> all_hosts = hosts;
  all_hosts.insert(all_hosts.end(), additions.hosts.begin(), additions.hosts.end());
  std::vector<std::string> all_paths = paths;
  all_paths.insert(all_paths.end(), additions.paths.begin(), additions.paths.end());
  if (!all_hosts.empty() && !additions.host_regexes.empty()) {
    return net::fail(
        "InvalidConfiguration",
        "host condition must specify exactly one of Values and RegexValues, got both Values " +
            go_list(all_hosts) + " and RegexValues " + go_list(additions.host_regexes));
  }
  if (!all_paths.empty() && !additions.path_regexes.empty()) {
    return net::fail(
        "InvalidConfiguration",
        "path condition must specify exactly one of Values and RegexValues, got both Values " +
            go_list(all_paths) + " and RegexValues " + go_list(additions.path_regexes));
  }
  std::vector<model::Condition> conditions = additions.extra;
  if (!all_hosts.empty()) conditions.push_back({"host-header", all_hosts, {}, "", {}});
  if (!additions.host_regexes.empty())
    conditions.push_back({"host-header", {}, additions.host_regexes, "", {}});
  if (!all_paths.empty()) conditions.push_back({"path-pattern", all_paths, {}, "", {}});
  if (!additions.path_regexes.empty())
    conditions.push_back({"path-pattern", {}, additions.path_regexes, "", {}});
  if (conditions.empty()) conditions.push_back({"path-pattern", {"/*"}, {}, "", {}});
  return conditions;
}

}  // namespace albc::ingress
