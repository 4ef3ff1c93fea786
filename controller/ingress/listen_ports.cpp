#include "controller/ingress/listen_ports.hpp"

#include <algorithm>

#include "controller/ingress/go_text.hpp"
#include "controller/k8s/resource.hpp"
#include "controller/net/cidr.hpp"
#include "controller/net/json.hpp"

namespace albc::ingress {
namespace {

std::vector<std::string> params_list(const std::optional<Json>& params, const char* field) {
  std::vector<std::string> values;
  if (!params || !params->contains(field) || !(*params)[field].is_array()) return values;
  for (const Json& value : (*params)[field]) {
    if (value.is_string()) values.push_back(value.get<std::string>());
  }
  return values;
}

net::Result<std::map<int, std::string>> parse_listen_ports(const Annotations& annotations) {
  std::map<int, std::string> ports;
  const auto raw = annotations.string("listen-ports");
  auto document = net::parse_json(*raw);
  if (!document || !document->is_array()) {
    return net::fail("InvalidAnnotation", "failed to parse listen-ports configuration: `" + *raw +
                                              "`: " + (!document ? "invalid JSON" : "not a list"));
  }
  const Json& parsed = *document;
  if (parsed.empty())
    return net::fail("InvalidAnnotation", "empty listen-ports configuration: `" + *raw + "`");
  for (const Json& entry : parsed) {
    if (!entry.is_object()) {
      return net::fail("InvalidAnnotation", "failed to parse listen-ports configuration: `" + *raw +
                                                "`: entries must be objects");
    }
    for (auto it = entry.begin(); it != entry.end(); ++it) {
      if (!it->is_number_integer()) {
        return net::fail("InvalidAnnotation", "failed to parse listen-ports configuration: `" +
                                                  *raw + "`: port of " + it.key() +
                                                  " is not an integer");
      }
      const long long port = it->get<long long>();
      if (port < 1 || port > 65535) {
        return net::fail("InvalidAnnotation",
                         "listen port must be within [1, 65535]: " + std::to_string(port));
      }
      if (it.key() != "HTTP" && it.key() != "HTTPS") {
        return net::fail("InvalidAnnotation",
                         "listen protocol must be within [HTTP, HTTPS]: " + it.key());
      }
      ports[static_cast<int>(port)] = it.key();
    }
  }
  return ports;
}

}  // namespace

net::Result<std::map<int, ListenPortConfig>> listen_ports_of(
    const Json& ingress, const std::optional<Json>& class_params) {
  const Annotations annotations = Annotations::of(ingress);
  std::vector<std::string> certificates = params_list(class_params, "certificateArn");
  if (certificates.empty())
    certificates = annotations.string_list("certificate-arn").value_or(std::vector<std::string>());
  std::map<int, std::string> protocols;
  if (annotations.has("listen-ports")) {
    auto parsed = parse_listen_ports(annotations);
    if (!parsed) return net::fail(parsed.error());
    protocols = *parsed;
  } else if (!certificates.empty()) {
    protocols[443] = "HTTPS";
  } else {
    protocols[80] = "HTTP";
  }
  std::vector<std::string> cidrs = params_list(class_params, "inboundCIDRs");
  if (cidrs.empty())
    cidrs = annotations.string_list("inbound-cidrs").value_or(std::vector<std::string>());
  std::vector<std::string> prefix_lists = params_list(class_params, "prefixListsIDs");
  if (prefix_lists.empty()) prefix_lists = params_list(class_params, "PrefixListsIDs");
  if (prefix_lists.empty()) {
    prefix_lists =
        annotations.string_list("security-group-prefix-lists").value_or(std::vector<std::string>());
  }
  ListenPortConfig base;
  base.cidrs_set = !cidrs.empty();
  base.prefix_lists_set = !prefix_lists.empty();
  std::sort(prefix_lists.begin(), prefix_lists.end());
  prefix_lists.erase(std::unique(prefix_lists.begin(), prefix_lists.end()), prefix_lists.end());
  base.prefix_lists = prefix_lists;
  for (const std::string& cidr : cidrs) {
    if (cidr.find(':') != std::string::npos) {
      if (!net::is_ipv6_cidr(cidr)) {
        return net::fail("InvalidAnnotation",
                         "invalid inbound-cidrs settings on Ingress: " + k8s::object_key(ingress) +
                             ": invalid CIDR address: " + cidr);
      }
      base.inbound_cidrs_v6.push_back(cidr);
    } else {
      if (!net::parse_cidr(cidr)) {
        return net::fail("InvalidAnnotation",
                         "invalid inbound-cidrs settings on Ingress: " + k8s::object_key(ingress) +
                             ": invalid CIDR address: " + cidr);
      }
      base.inbound_cidrs_v4.push_back(cidr);
    }
  }
  std::optional<std::string> ssl_policy;
  if (class_params && class_params->contains("sslPolicy"))
    ssl_policy = k8s::text_field((*class_params), "sslPolicy");
  if (!ssl_policy) ssl_policy = annotations.string("ssl-policy");
  std::map<int, ListenPortConfig> configs;
  for (const auto& [port, protocol] : protocols) {
    ListenPortConfig config = base;
    config.protocol = protocol;
    if (protocol == "HTTPS") {
      config.ssl_policy = ssl_policy;
      config.certificates = certificates;
      if (certificates.empty()) {
        return net::fail("UnsupportedConfiguration",
                         "ingress " + k8s::object_key(ingress) + ": HTTPS listener on port " +
                             std::to_string(port) +
                             " needs alb.ingress.kubernetes.io/certificate-arn: albc does not "
                             "discover certificates through ACM yet");
      }
    }
    configs[port] = std::move(config);
  }
  for (auto& [port, config] : configs) {
    for (auto* list : {&config.inbound_cidrs_v4, &config.inbound_cidrs_v6}) {
      std::sort(list->begin(), list->end());
      list->erase(std::unique(list->begin(), list->end()), list->end());
    }
  }
  return configs;
}

net::Result<ListenPortConfig> merge_listen_port(int port, const std::vector<MergeInput>& inputs,
                                                const std::string& default_ssl_policy) {
  auto failure = [&](const std::string& message) {
    return net::fail("InvalidConfiguration", "failed to merge listenPort config for port: " +
                                                 std::to_string(port) + ": " + message);
  };
  ListenPortConfig merged;
  const MergeInput* protocol_owner = nullptr;
  const MergeInput* cidr_owner = nullptr;
  const MergeInput* prefix_owner = nullptr;
  const MergeInput* policy_owner = nullptr;
  for (const MergeInput& input : inputs) {
    if (protocol_owner == nullptr) {
      protocol_owner = &input;
      merged.protocol = input.config.protocol;
    } else if (input.config.protocol != merged.protocol) {
      return failure("conflicting protocol, " + protocol_owner->ingress_key + ": " +
                     merged.protocol + " | " + input.ingress_key + ": " + input.config.protocol);
    }
    // CIDRs and prefix lists each belong to the first Ingress that sets them (sets, sorted).
    if (input.config.cidrs_set) {
      if (cidr_owner == nullptr) {
        cidr_owner = &input;
        merged.inbound_cidrs_v4 = input.config.inbound_cidrs_v4;
        merged.inbound_cidrs_v6 = input.config.inbound_cidrs_v6;
        merged.cidrs_set = true;
      } else if (input.config.inbound_cidrs_v4 != merged.inbound_cidrs_v4 ||
                 input.config.inbound_cidrs_v6 != merged.inbound_cidrs_v6) {
        return failure("conflicting inbound-cidrs, " + cidr_owner->ingress_key + ": " +
                       go_list(merged.inbound_cidrs_v4) + ", " + go_list(merged.inbound_cidrs_v6) +
                       " | " + input.ingress_key + ": " + go_list(input.config.inbound_cidrs_v4) +
                       ", " + go_list(input.config.inbound_cidrs_v6));
      }
    }
    if (input.config.prefix_lists_set) {
      if (prefix_owner == nullptr) {
        prefix_owner = &input;
        merged.prefix_lists = input.config.prefix_lists;
        merged.prefix_lists_set = true;
      } else if (input.config.prefix_lists != merged.prefix_lists) {
        return failure("conflicting inbound-prefix-lists, " + prefix_owner->ingress_key + ": " +
                       go_list(merged.prefix_lists) + " | " + input.ingress_key + ": " +
                       go_list(input.config.prefix_lists));
      }
    }
    if (input.config.ssl_policy) {
      if (policy_owner == nullptr) {
        policy_owner = &input;
        merged.ssl_policy = input.config.ssl_policy;
      } else if (*input.config.ssl_policy != *merged.ssl_policy) {
        return failure("conflicting sslPolicy, " + policy_owner->ingress_key + ": " +
                       *merged.ssl_policy + " | " + input.ingress_key + ": " +
                       *input.config.ssl_policy);
      }
    }
    // Certificates: the union; the first certificate of the first Ingress that has any is the
    // default, and (as upstream) it is not part of the de-duplication of the others.
    for (std::size_t i = 0; i < input.config.certificates.size(); ++i) {
      const std::string& arn = input.config.certificates[i];
      if (merged.certificates.empty()) {
        merged.certificates.push_back(arn);
        continue;
      }
      if (std::find(merged.certificates.begin() + 1, merged.certificates.end(), arn) ==
          merged.certificates.end()) {
        merged.certificates.push_back(arn);
      }
    }
  }
  if (!merged.cidrs_set && !merged.prefix_lists_set) {
    merged.inbound_cidrs_v4 = {"0.0.0.0/0"};
    merged.inbound_cidrs_v6 = {"::/0"};
  }
  if (merged.protocol == "HTTPS" && !merged.ssl_policy) merged.ssl_policy = default_ssl_policy;
  return merged;
}

}  // namespace albc::ingress
