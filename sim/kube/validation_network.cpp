#include "controller/net/cidr.hpp"
#include "controller/net/json.hpp"
#include "sim/kube/validation.hpp"
#include "sim/kube/validation_parts.hpp"

namespace albc::sim::kube {
namespace {

void validate_service_ports(const Json& spec, FieldErrors& errors) {
  const Json& ports = field_of(spec, "ports");
  const std::string type = text_of(field_of(spec, "type"));
  const bool headless = text_of(field_of(spec, "clusterIP")) == "None";
  if (!ports.is_array() || ports.empty()) {
    if (type != "ExternalName" && !headless) errors.required("spec.ports");
    return;
  }
  std::vector<std::string> names_seen;
  std::vector<std::string> ports_seen;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const Json& port = ports[i];
    const std::string at = "spec.ports[" + std::to_string(i) + "]";
    const std::string name = text_of(field_of(port, "name"));
    if (name.empty() && ports.size() > 1) {
      errors.required(at + ".name");
    } else if (!name.empty()) {
      errors.invalid_each(at + ".name", Json(name), names::dns1123_label(name));
      if (contains(names_seen, name)) errors.duplicate(at + ".name", Json(name));
      names_seen.push_back(name);
    }
    const Json& number = field_of(port, "port");
    if (!number.is_number_integer()) {
      errors.invalid(at + ".port", Json(0), "must be between 1 and 65535, inclusive");
    } else {
      validate_port_number(number, at + ".port", errors);
    }
    const Json& protocol = field_of(port, "protocol");
    if (protocol.is_string() && !contains(kProtocols, text_of(protocol))) {
      errors.not_supported(at + ".protocol", protocol, kProtocols);
    }
    const std::string key = text_of(protocol) + "/" + net::dump_json(number);
    if (contains(ports_seen, key)) errors.duplicate(at, port);
    ports_seen.push_back(key);
    const Json& target = field_of(port, "targetPort");
    if (target.is_number_integer()) {
      validate_port_number(target, at + ".targetPort", errors);
    } else if (target.is_string()) {
      errors.invalid_each(at + ".targetPort", target, names::port_name(text_of(target)));
    }
    const Json& node_port = field_of(port, "nodePort");
    if (node_port.is_number_integer() && node_port.get<long long>() != 0) {
      if (type == "ClusterIP" || type.empty()) {
        errors.forbidden(at + ".nodePort", "may not be used when `type` is 'ClusterIP'");
      } else if (node_port.get<long long>() < 30000 || node_port.get<long long>() > 32767) {
        errors.invalid(at + ".nodePort", node_port,
                       "provided port is not in the valid range. The range of valid ports is "
                       "30000-32767");
      }
    }
  }
}

void validate_backend(const Json& backend, const std::string& field, FieldErrors& errors) {
  const Json& service = field_of(backend, "service");
  const Json& resource = field_of(backend, "resource");
  if (service.is_object() && resource.is_object()) {
    errors.invalid(field, Json(""), "cannot set both resource and service backends");
    return;
  }
  if (resource.is_object()) {
    if (text_of(field_of(resource, "kind")).empty()) {
      errors.required(field + ".resource.kind", "kind is required");
    }
    if (text_of(field_of(resource, "name")).empty()) {
      errors.required(field + ".resource.name", "name is required");
    }
    return;
  }
  if (!service.is_object()) {
    errors.invalid(field, Json(""), "resource or service backend is required");
    return;
  }
  const std::string name = text_of(field_of(service, "name"));
  if (name.empty()) {
    errors.required(field + ".service.name");
  } else {
    errors.invalid_each(field + ".service.name", Json(name), names::dns1035_label(name));
  }
  const Json& port = field_of(service, "port");
  const Json& port_name = field_of(port, "name");
  const Json& port_number = field_of(port, "number");
  const bool has_name = !text_of(port_name).empty();
  const bool has_number = port_number.is_number_integer() && port_number.get<long long>() != 0;
  if (has_name && has_number) {
    errors.invalid(field, Json(""), "cannot set both port name & port number");
  } else if (!has_name && !has_number) {
    errors.required(field, "port name or number is required");
  } else if (has_name) {
    errors.invalid_each(field + ".service.port.name", port_name,
                        names::port_name(text_of(port_name)));
  } else {
    validate_port_number(port_number, field + ".service.port.number", errors);
  }
}

void validate_ingress_path(const Json& path, const std::string& at, FieldErrors& errors) {
  const Json& type = field_of(path, "pathType");
  const std::string text = text_of(field_of(path, "path"));
  if (!type.is_string()) {
    errors.required(at + ".pathType", "pathType must be specified");
  } else if (!contains({"Exact", "ImplementationSpecific", "Prefix"}, text_of(type))) {
    errors.not_supported(at + ".pathType", type, {"Exact", "ImplementationSpecific", "Prefix"});
  } else if (text_of(type) != "ImplementationSpecific" || !text.empty()) {
    if (!text.starts_with("/")) {
      errors.invalid(at + ".path", Json(text), "must be an absolute path");
    } else if (text_of(type) != "ImplementationSpecific") {
      for (const char* bad : {"//", "/./", "/../", "%2f", "%2F"}) {
        if (text.find(bad) != std::string::npos) {
          errors.invalid(at + ".path", Json(text), std::string("must not contain '") + bad + "'");
        }
      }
      for (const char* end : {"/..", "/."}) {
        if (text.ends_with(end)) {
          errors.invalid(at + ".path", Json(text), std::string("cannot end with '") + end + "'");
        }
      }
    }
  }
  validate_backend(field_of(path, "backend"), at + ".backend", errors);
}

// A rule's host may not be an IP address; a TLS entry's host is only checked as a name.
void validate_host(const Json& host, const std::string& field, FieldErrors& errors,
                   bool ip_allowed = false) {
  const std::string text = text_of(host);
  if (text.empty()) return;
  if (!ip_allowed && net::parse_ipv4(text)) {
    errors.invalid(field, host, "must be a DNS name, not an IP address");
  } else if (text.find('*') != std::string::npos) {
    errors.invalid_each(field, host, names::wildcard_dns1123_subdomain(text));
  } else {
    errors.invalid_each(field, host, names::dns1123_subdomain(text));
  }
}

}  // namespace

void validate_service(const Json& object, FieldErrors& errors) {
  const Json& spec = field_of(object, "spec");
  const Json& type = field_of(spec, "type");
  if (type.is_string() &&
      !contains({"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"}, text_of(type))) {
    errors.not_supported("spec.type", type,
                         {"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"});
  }
  const Json& affinity = field_of(spec, "sessionAffinity");
  if (affinity.is_string() && !contains({"ClientIP", "None"}, text_of(affinity))) {
    errors.not_supported("spec.sessionAffinity", affinity, {"ClientIP", "None"});
  }
  if (text_of(type) == "ExternalName") {
    const Json& external_name = field_of(spec, "externalName");
    std::string name = text_of(external_name);
    if (!name.empty() && name.back() == '.') name.pop_back();  // a fully qualified name
    if (name.empty()) {
      errors.required("spec.externalName");
    } else {
      errors.invalid_each("spec.externalName", external_name, names::dns1123_subdomain(name));
    }
  }
  validate_service_ports(spec, errors);
  validate_label_map(field_of(spec, "selector"), "spec.selector", errors);
}

void validate_ingress(const Json& object, FieldErrors& errors) {
  const Json& spec = field_of(object, "spec");
  const Json& rules = field_of(spec, "rules");
  const Json& default_backend = field_of(spec, "defaultBackend");
  if ((!rules.is_array() || rules.empty()) && !default_backend.is_object()) {
    errors.invalid("spec", Json(nullptr), "either `defaultBackend` or `rules` must be specified");
  }
  if (default_backend.is_object()) validate_backend(default_backend, "spec.defaultBackend", errors);
  if (rules.is_array()) {
    for (std::size_t r = 0; r < rules.size(); ++r) {
      const std::string at = "spec.rules[" + std::to_string(r) + "]";
      validate_host(field_of(rules[r], "host"), at + ".host", errors);
      const Json& http = field_of(rules[r], "http");
      if (!http.is_object()) continue;
      const Json& paths = field_of(http, "paths");
      if (!paths.is_array() || paths.empty()) {
        errors.required(at + ".http.paths");
        continue;
      }
      for (std::size_t p = 0; p < paths.size(); ++p)
        validate_ingress_path(paths[p], at + ".http.paths[" + std::to_string(p) + "]", errors);
    }
  }
  const Json& tls = field_of(spec, "tls");
  if (tls.is_array()) {
    for (std::size_t t = 0; t < tls.size(); ++t) {
      const std::string at = "spec.tls[" + std::to_string(t) + "]";
      const Json& hosts = field_of(tls[t], "hosts");
      if (hosts.is_array()) {
        for (std::size_t h = 0; h < hosts.size(); ++h)
          validate_host(hosts[h], at + ".hosts[" + std::to_string(h) + "]", errors, true);
      }
      const std::string secret = text_of(field_of(tls[t], "secretName"));
      if (!secret.empty()) {
        errors.invalid_each(at + ".secretName", Json(secret), names::dns1123_subdomain(secret));
      }
    }
  }
  const std::string class_name = text_of(field_of(spec, "ingressClassName"));
  if (!class_name.empty()) {
    errors.invalid_each("spec.ingressClassName", Json(class_name),
                        names::dns1123_subdomain(class_name));
  }
}

void validate_ingress_class(const Json& object, FieldErrors& errors) {
  const Json& spec = field_of(object, "spec");
  const std::string controller = text_of(field_of(spec, "controller"));
  if (controller.empty()) {
    errors.required("spec.controller");
  } else if (controller.size() > 250) {
    errors.too_long("spec.controller", 250);
  } else {
    const auto slash = controller.find('/');
    if (slash == std::string::npos) {
      errors.invalid("spec.controller", Json(controller),
                     "must be a domain-prefixed path (such as \"acme.io/foo\")");
    } else {
      const std::string host = controller.substr(0, slash);
      errors.invalid_each("spec.controller", Json(host), names::dns1123_subdomain(host));
    }
  }
  const Json& parameters = field_of(spec, "parameters");
  if (!parameters.is_object()) return;
  if (text_of(field_of(parameters, "kind")).empty()) {
    errors.required("spec.parameters.kind", "kind is required");
  }
  if (text_of(field_of(parameters, "name")).empty()) {
    errors.required("spec.parameters.name", "name is required");
  }
  const Json& scope = field_of(parameters, "scope");
  const std::string ns = text_of(field_of(parameters, "namespace"));
  if (!scope.is_string()) {
    errors.required("spec.parameters.scope");
  } else if (!contains({"Cluster", "Namespace"}, text_of(scope))) {
    errors.not_supported("spec.parameters.scope", scope, {"Cluster", "Namespace"});
  } else if (text_of(scope) == "Namespace" && ns.empty()) {
    errors.required("spec.parameters.namespace", "`parameters.scope` is set to 'Namespace'");
  } else if (text_of(scope) == "Cluster" && !ns.empty()) {
    errors.forbidden("spec.parameters.namespace", "`parameters.scope` is set to 'Cluster'");
  }
}

void validate_endpoint_slice(const Json& object, FieldErrors& errors) {
  const Json& address_type = field_of(object, "addressType");
  if (!address_type.is_string()) {
    errors.required("addressType");
  } else if (!contains({"FQDN", "IPv4", "IPv6"}, text_of(address_type))) {
    errors.not_supported("addressType", address_type, {"FQDN", "IPv4", "IPv6"});
  }
  const Json& endpoints = field_of(object, "endpoints");
  if (endpoints.is_array()) {
    if (endpoints.size() > kEndpointsPerSliceMax) {
      errors.too_many("endpoints", endpoints.size(), kEndpointsPerSliceMax);
    }
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
      const Json& addresses = field_of(endpoints[i], "addresses");
      const std::string at = "endpoints[" + std::to_string(i) + "]";
      if (!addresses.is_array() || addresses.empty()) {
        errors.required(at + ".addresses", "must contain at least 1 address");
      } else if (addresses.size() > 100) {
        errors.too_many(at + ".addresses", addresses.size(), 100);
      }
    }
  }
  const Json& ports = field_of(object, "ports");
  if (!ports.is_array()) return;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const std::string at = "ports[" + std::to_string(i) + "]";
    const Json& protocol = field_of(ports[i], "protocol");
    if (!protocol.is_string()) {
      errors.required(at + ".protocol");
    } else if (!contains(kProtocols, text_of(protocol))) {
      errors.not_supported(at + ".protocol", protocol, kProtocols);
    }
    const std::string name = text_of(field_of(ports[i], "name"));
    if (!name.empty()) errors.invalid_each(at + ".name", Json(name), names::dns1123_label(name));
  }
}

}  // namespace albc::sim::kube
