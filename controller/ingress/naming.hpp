#pragma once

#include <string>
#include <string_view>

namespace albc::ingress {

// The real controller's generated names: SHA-256 over fields written one after another with
// no separator, the first 10 hex digits, and readable parts stripped of everything but ASCII
// letters and digits, then truncated.
std::string sanitize(std::string_view text);
std::string truncated(std::string_view text, std::size_t length);

struct GroupNameParts {
  bool is_explicit = false;
  std::string group_name;         // explicit groups
  std::string ingress_namespace;  // implicit groups
  std::string ingress_name;
  std::string id;  // the group ID's string form
};

// k8s-<group17>-<hash10> or k8s-<ns8>-<name8>-<hash10>
std::string load_balancer_name(std::string_view cluster, const GroupNameParts& group,
                               std::string_view scheme);
std::string managed_security_group_name(std::string_view cluster, const GroupNameParts& group);
std::string backend_security_group_name(std::string_view cluster);

struct TargetGroupNameInputs {
  std::string cluster;
  std::string group_id;
  std::string ingress_namespace;
  std::string ingress_name;
  std::string service_namespace;
  std::string service_name;
  std::string service_uid;
  std::string service_port;  // as written in the Ingress: "http" or "80"
  int target_port = 0;
  std::string target_type;
  std::string protocol;
  std::string protocol_version;
};
std::string target_group_name(const TargetGroupNameInputs& inputs);

}  // namespace albc::ingress
