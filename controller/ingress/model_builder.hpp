#pragma once

#include <map>
#include <string>
#include <vector>

#include "controller/ingress/group.hpp"
#include "controller/ingress/network_resolver.hpp"
#include "controller/k8s/cache.hpp"
#include "controller/model/stack.hpp"

namespace albc::ingress {

struct BuilderOptions {
  std::string cluster_name;
  std::string vpc_id;
  std::string default_scheme = "internal";       // --default-load-balancer-scheme
  std::string default_target_type = "instance";  // --default-target-type
  std::string default_ssl_policy = "ELBSecurityPolicy-2016-08";
  bool enable_backend_security_group = true;         // --enable-backend-security-group
  bool manage_backend_security_group_rules = false;  // --enable-manage-backend-security-group-rules
  bool enable_ip_target_type = true;
  bool tolerate_missing_backend_service = true;
  bool tolerate_missing_backend_action = true;
  std::map<std::string, std::string> default_tags;  // --default-tags
};

struct BuiltModel {
  model::Stack stack;
  std::vector<int> listener_ports;  // sorted; the Ingress status lists them
  bool uses_backend_security_group = false;
};

// Ingress group → Stack, as the real controller's model builder does it: listen ports merged
// per port, one load balancer, a listener per port, a rule per path (priorities 1..n per
// listener), a target group and a TargetGroupBinding per (Ingress, Service, port).
class ModelBuilder {
 public:
  ModelBuilder(const k8s::ObjectCache& services, NetworkResolver& resolver, BuilderOptions options);
  net::Awaitable<net::Result<BuiltModel>> build(Group group);

 private:
  const k8s::ObjectCache& services_;
  NetworkResolver& resolver_;
  BuilderOptions options_;
};

}  // namespace albc::ingress
