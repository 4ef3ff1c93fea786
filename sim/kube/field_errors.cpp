#include "sim/kube/field_errors.hpp"
#include "controller/net/json.hpp"

namespace albc::sim::kube {

void FieldErrors::add(const char* reason, const std::string& field, std::string message) {
  causes_.push_back({{"reason", reason}, {"message", std::move(message)}, {"field", field}});
}

void FieldErrors::invalid(const std::string& field, const Json& value, const std::string& detail) {
  add("FieldValueInvalid", field, "Invalid value: " + net::dump_json(value) + ": " + detail);
}

void FieldErrors::required(const std::string& field, const std::string& detail) {
  add("FieldValueRequired", field, detail.empty() ? "Required value" : "Required value: " + detail);
}

void FieldErrors::not_supported(const std::string& field, const Json& value,
                                const std::vector<std::string>& supported) {
  std::string list;
  for (const std::string& entry : supported)
    list += (list.empty() ? "" : ", ") + net::dump_json(Json(entry));
  add("FieldValueNotSupported", field,
      "Unsupported value: " + net::dump_json(value) + ": supported values: " + list);
}

void FieldErrors::forbidden(const std::string& field, const std::string& detail) {
  add("FieldValueForbidden", field, "Forbidden: " + detail);
}

void FieldErrors::too_long(const std::string& field, std::size_t bytes_max) {
  add("FieldValueTooLong", field,
      "Too long: may not be more than " + std::to_string(bytes_max) + " bytes");
}

void FieldErrors::duplicate(const std::string& field, const Json& value) {
  add("FieldValueDuplicate", field, "Duplicate value: " + net::dump_json(value));
}

void FieldErrors::too_many(const std::string& field, std::size_t count, std::size_t count_max) {
  add("FieldValueTooMany", field,
      "Too many: " + std::to_string(count) + ": must have at most " + std::to_string(count_max) +
          " items");
}

void FieldErrors::invalid_each(const std::string& field, const Json& value,
                               const std::vector<std::string>& details) {
  for (const std::string& detail : details)
    invalid(field, value, detail);
}

namespace names {
namespace {

bool lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool alnum(char c) {
  return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool is_label(std::string_view value) {
  if (value.empty() || !lower_alnum(value.front()) || !lower_alnum(value.back())) return false;
  for (char c : value) {
    if (!lower_alnum(c) && c != '-') return false;
  }
  return true;
}

// label(\.label)*
bool is_subdomain(std::string_view value) {
  if (value.empty()) return false;
  std::size_t start = 0;
  while (true) {
    const auto dot = value.find('.', start);
    if (!is_label(value.substr(start, dot == std::string_view::npos ? dot : dot - start))) {
      return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool is_qualified_name_part(std::string_view value) {
  if (value.empty() || !alnum(value.front()) || !alnum(value.back())) return false;
  for (char c : value) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

std::string max_length(std::size_t length) {
  return "must be no more than " + std::to_string(length) + " characters";
}

const char* kLabelMessage =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const char* kSubdomainMessage =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const char* kQualifiedNamePart =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

}  // namespace

std::vector<std::string> dns1123_label(std::string_view value) {
  std::vector<std::string> errors;
  if (value.size() > 63) errors.push_back(max_length(63));
  if (!is_label(value))
    errors.push_back(is_subdomain(value) ? "must not contain dots" : kLabelMessage);
  return errors;
}

std::vector<std::string> dns1123_subdomain(std::string_view value) {
  std::vector<std::string> errors;
  if (value.size() > 253) errors.push_back(max_length(253));
  if (!is_subdomain(value)) errors.push_back(kSubdomainMessage);
  return errors;
}

std::vector<std::string> dns1035_label(std::string_view value) {
  std::vector<std::string> errors;
  if (value.size() > 63) errors.push_back(max_length(63));
  const bool valid = is_label(value) && value.front() >= 'a' && value.front() <= 'z';
  if (!valid) {
    errors.push_back(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
        "an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
        "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
  }
  return errors;
}

std::vector<std::string> wildcard_dns1123_subdomain(std::string_view value) {
  std::vector<std::string> errors;
  if (value.size() > 253) errors.push_back(max_length(253));
  if (!value.starts_with("*.") || !is_subdomain(value.substr(2))) {
    errors.push_back(
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, "
        "which must consist of lower case alphanumeric characters, '-' or '.' and end with an "
        "alphanumeric character (e.g. '*.example.com', regex used for validation is "
        "'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  }
  return errors;
}

std::vector<std::string> qualified_name(std::string_view value) {
  std::vector<std::string> errors;
  std::string_view name = value;
  const auto slash = value.find('/');
  if (slash != std::string_view::npos) {
    if (value.find('/', slash + 1) != std::string_view::npos) {
      errors.push_back(std::string("a qualified name ") + kQualifiedNamePart +
                       " with an optional DNS subdomain prefix and '/' (e.g. "
                       "'example.com/MyName')");
      return errors;
    }
    const std::string_view prefix = value.substr(0, slash);
    name = value.substr(slash + 1);
    if (prefix.empty()) {
      errors.push_back("prefix part must be non-empty");
    } else {
      for (const std::string& error : dns1123_subdomain(prefix))
        errors.push_back("prefix part " + error);
    }
  }
  if (name.empty()) {
    errors.push_back("name part must be non-empty");
  } else if (name.size() > 63) {
    errors.push_back("name part " + max_length(63));
  }
  if (!name.empty() && !is_qualified_name_part(name)) {
    errors.push_back(std::string("name part ") + kQualifiedNamePart);
  }
  return errors;
}

std::vector<std::string> label_value(std::string_view value) {
  std::vector<std::string> errors;
  if (value.size() > 63) errors.push_back(max_length(63));
  if (!value.empty() && !is_qualified_name_part(value)) {
    errors.push_back(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
        "or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
        "'my_value',  or '12345', regex used for validation is "
        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
  }
  return errors;
}

std::vector<std::string> port_name(std::string_view value) {
  std::vector<std::string> errors;
  if (value.size() > 15) errors.push_back("must be no more than 15 characters");
  bool letter = false;
  bool valid_characters = true;
  for (char c : value) {
    if (c >= 'a' && c <= 'z') letter = true;
    if (!lower_alnum(c) && c != '-') valid_characters = false;
  }
  if (!valid_characters) {
    errors.push_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  }
  if (value.find("--") != std::string_view::npos) {
    errors.push_back("must not contain consecutive hyphens");
  }
  if (!letter) errors.push_back("must contain at least one letter (a-z)");
  if (!value.empty() && (value.front() == '-' || value.back() == '-')) {
    errors.push_back("must not begin or end with a hyphen");
  }
  return errors;
}

std::vector<std::string> config_key(std::string_view value) {
  std::vector<std::string> errors;
  if (value.size() > 253) errors.push_back(max_length(253));
  bool valid = !value.empty();
  for (char c : value) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') valid = false;
  }
  if (!valid) {
    errors.push_back(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
        "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
        "'[-._a-zA-Z0-9]+')");
  }
  if (value == "." || value == "..") errors.push_back("must not be '.' or '..'");
  return errors;
}

std::vector<std::string> path_segment(std::string_view value) {
  std::vector<std::string> errors;
  if (value == ".") errors.push_back("may not be '.'");
  if (value == "..") errors.push_back("may not be '..'");
  if (value.find('/') != std::string_view::npos) errors.push_back("may not contain '/'");
  if (value.find('%') != std::string_view::npos) errors.push_back("may not contain '%'");
  return errors;
}

}  // namespace names
}  // namespace albc::sim::kube
