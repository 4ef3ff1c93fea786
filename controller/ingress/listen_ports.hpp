#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "controller/ingress/annotations.hpp"
#include "controller/net/result.hpp"

namespace albc::ingress {

// What one Ingress asks of one listener port.
struct ListenPortConfig {
  std::string protocol;  // HTTP or HTTPS
  std::vector<std::string> inbound_cidrs_v4;
  std::vector<std::string> inbound_cidrs_v6;
  std::vector<std::string> prefix_lists;
  bool cidrs_set = false;         // the Ingress set inbound-cidrs itself
  bool prefix_lists_set = false;  // ... or security-group-prefix-lists
  std::optional<std::string> ssl_policy;
  std::vector<std::string> certificates;
};

// listen-ports of one Ingress (with the defaults: HTTP:80, or HTTPS:443 when it names
// certificates), its inbound CIDRs, prefix lists, SSL policy and certificates.
net::Result<std::map<int, ListenPortConfig>> listen_ports_of(
    const Json& ingress, const std::optional<Json>& class_params);

// The group's view of one port: protocols must agree, CIDRs/prefix lists/SSL policies belong
// to the first Ingress that sets them, certificates are the union.
struct MergeInput {
  std::string ingress_key;  // namespace/name
  ListenPortConfig config;
};
net::Result<ListenPortConfig> merge_listen_port(int port, const std::vector<MergeInput>& inputs,
                                                const std::string& default_ssl_policy);

}  // namespace albc::ingress
