#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/kube/status_error.hpp"

namespace albc::sim::kube {

// The causes of a 422 Invalid, worded as apimachinery's field.Error does:
// `Invalid value: "Web": a DNS-1035 label must ...`, `Required value`, `Unsupported value: "x":
// supported values: "a", "b"`. Values print as JSON ("Web", 5, {"app":"x"}).
class FieldErrors {
 public:
  void invalid(const std::string& field, const Json& value, const std::string& detail);
  void required(const std::string& field, const std::string& detail = "");
  void not_supported(const std::string& field, const Json& value,
                     const std::vector<std::string>& supported);
  void forbidden(const std::string& field, const std::string& detail);
  void too_long(const std::string& field, std::size_t bytes_max);
  void duplicate(const std::string& field, const Json& value);
  void too_many(const std::string& field, std::size_t count, std::size_t count_max);
  // One Invalid per message of a name check.
  void invalid_each(const std::string& field, const Json& value,
                    const std::vector<std::string>& details);

  bool empty() const { return causes_.empty(); }
  const Json& causes() const { return causes_; }

 private:
  void add(const char* reason, const std::string& field, std::string message);
  Json causes_ = Json::array();
};

// Name and label checks of apimachinery's util/validation: each returns the failure messages,
// none when the value is valid.
namespace names {
std::vector<std::string> dns1123_label(std::string_view value);
std::vector<std::string> dns1123_subdomain(std::string_view value);
std::vector<std::string> dns1035_label(std::string_view value);
std::vector<std::string> wildcard_dns1123_subdomain(std::string_view value);
std::vector<std::string> qualified_name(std::string_view value);
std::vector<std::string> label_value(std::string_view value);
std::vector<std::string> port_name(std::string_view value);   // IsValidPortName
std::vector<std::string> config_key(std::string_view value);  // ConfigMap and Secret keys
std::vector<std::string> path_segment(std::string_view value);
}  // namespace names

}  // namespace albc::sim::kube
