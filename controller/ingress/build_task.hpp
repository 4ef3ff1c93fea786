#pragma once

// The state of one model build; private to controller/ingress.

#include <map>
#include <optional>
#include <set>

#include "controller/ingress/annotations.hpp"
#include "controller/ingress/listen_ports.hpp"
#include "controller/ingress/model_builder.hpp"
#include "controller/ingress/naming.hpp"

namespace albc::ingress {

class BuildTask {
 public:
  BuildTask(const k8s::ObjectCache& services, NetworkResolver& resolver,
            const BuilderOptions& options, Group group);
  net::Awaitable<net::Result<BuiltModel>> run();

  // build_rules.cpp
  net::Result<void> build_listeners_and_rules();
  // build_target_groups.cpp
  net::Result<std::vector<model::Action>> build_backend_actions(const Member& member,
                                                                const Json& backend, int port);

 private:
  net::Result<void> check_deletion_protection() const;
  net::Result<void> build_listen_ports();
  net::Awaitable<net::Result<void>> build_load_balancer();
  net::Awaitable<net::Result<void>> build_security_groups(model::LoadBalancerSpec& spec);
  net::Result<std::string> exclusive(const char* annotation, const char* params_field,
                                     const std::string& fallback, const char* conflict_label,
                                     bool as_set = true);
  // Tags of one Ingress (its IngressClassParams over its annotation), and of several (their
  // union; the same key with two values is a conflict), with the default tags on top.
  net::Result<model::Tags> ingress_tags(const Member& member) const;
  net::Result<model::Tags> group_tags(const std::vector<const Member*>& members) const;
  std::vector<const Member*> all_members() const;
  net::Result<std::optional<int>> ssl_redirect_port() const;
  net::Result<model::Action> action_from_annotation(const Member& member,
                                                    const std::string& service_name, int port);
  net::Result<model::Action> forward_to_service(const Member& member,
                                                const std::string& service_name,
                                                const Json& service_port,
                                                std::optional<int> weight);
  net::Result<std::string> target_group_for(const Member& member, const std::string& service_name,
                                            const Json& service_port);
  void add_binding_networking(model::TargetGroupBindingSpec& binding, const Json& traffic_port,
                              const std::string& health_check_port);

 public:
  const k8s::ObjectCache& services_;
  NetworkResolver& resolver_;
  const BuilderOptions& options_;
  Group group_;
  deploy::StackIdentity identity_;
  GroupNameParts name_parts_;
  std::map<int, ListenPortConfig> ports_;
  std::map<int, std::vector<const Member*>> port_members_;
  model::Stack stack_;
  std::string scheme_;
  std::string ip_address_type_ = "ipv4";
  // The security group target groups are reached from: the backend SG, or the managed SG.
  std::string backend_security_group_id_;
  bool backend_security_group_from_managed_ = false;
  bool manage_backend_rules_ = false;
};

}  // namespace albc::ingress
