#include "controller/ingress/naming.hpp"

#include <cctype>

#include "controller/net/digest.hpp"

namespace albc::ingress {

std::string sanitize(std::string_view text) {
  std::string result;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 128)
      result += c;
  }
  return result;
}

std::string truncated(std::string_view text, std::size_t length) {
  return std::string(text.substr(0, length));
}

namespace {
std::string hash10(std::string_view concatenated) {
  return net::sha256_hex(concatenated).substr(0, 10);
}

std::string readable_part(const GroupNameParts& group) {
  if (group.is_explicit) return truncated(sanitize(group.group_name), 17);
  return truncated(sanitize(group.ingress_namespace), 8) + "-" +
         truncated(sanitize(group.ingress_name), 8);
}
}  // namespace

std::string load_balancer_name(std::string_view cluster, const GroupNameParts& group,
                               std::string_view scheme) {
  const std::string hash = hash10(std::string(cluster) + group.id + std::string(scheme));
  return "k8s-" + readable_part(group) + "-" + hash;
}

std::string managed_security_group_name(std::string_view cluster, const GroupNameParts& group) {
  return "k8s-" + readable_part(group) + "-" + hash10(std::string(cluster) + group.id);
}

std::string backend_security_group_name(std::string_view cluster) {
  return "k8s-traffic-" + truncated(sanitize(cluster), 232) + "-" + hash10(cluster);
}

std::string target_group_name(const TargetGroupNameInputs& in) {
  const std::string hash =
      hash10(in.cluster + in.group_id + in.ingress_namespace + in.ingress_name + in.service_uid +
             in.service_port + std::to_string(in.target_port) + in.target_type + in.protocol +
             in.protocol_version);
  return "k8s-" + truncated(sanitize(in.service_namespace), 8) + "-" +
         truncated(sanitize(in.service_name), 8) + "-" + hash;
}

}  // namespace albc::ingress
