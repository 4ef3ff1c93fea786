#include <algorithm>
#include <set>

#include "controller/ingress/build_task.hpp"
#include "controller/ingress/conditions.hpp"
#include "controller/ingress/go_text.hpp"

namespace albc::ingress {
namespace {

model::Action fixed_response(std::string status, std::optional<std::string> body = std::nullopt) {
  model::Action action;
  action.type = "fixed-response";
  action.fixed_response =
      model::FixedResponseConfig{"text/plain", std::move(body), std::move(status)};
  return action;
}

struct PathEntry {
  std::string path;
  std::string path_type;
  Json backend;
};

// Exact paths first, then Prefix paths longest first, then the rest, each in manifest order.
std::vector<PathEntry> sorted_paths(const Json& paths) {
  std::vector<PathEntry> exact;
  std::vector<PathEntry> prefix;
  std::vector<PathEntry> rest;
  for (const Json& path : paths) {
    PathEntry entry{k8s::text_field(path, "path"), k8s::text_field(path, "pathType"),
                    k8s::map_field(path, "backend")};
    if (entry.path_type == "Exact")
      exact.push_back(entry);
    else if (entry.path_type == "Prefix")
      prefix.push_back(entry);
    else
      rest.push_back(entry);
  }
  std::stable_sort(prefix.begin(), prefix.end(), [](const PathEntry& a, const PathEntry& b) {
    return a.path.size() > b.path.size();
  });
  std::vector<PathEntry> sorted = exact;
  sorted.insert(sorted.end(), prefix.begin(), prefix.end());
  sorted.insert(sorted.end(), rest.begin(), rest.end());
  return sorted;
}

net::Result<std::vector<std::string>> path_patterns(const PathEntry& entry) {
  const std::string& path = entry.path;
  if (path.empty()) return std::vector<std::string>();
  const bool wildcard = path.find_first_of("*?") != std::string::npos;
  if (entry.path_type == "Exact") {
    if (wildcard)
      return net::fail("InvalidConfiguration", "exact path shouldn't contain wildcards: " + path);
    return std::vector<std::string>{path};
  }
  if (entry.path_type == "Prefix") {
    if (wildcard)
      return net::fail("InvalidConfiguration", "prefix path shouldn't contain wildcards: " + path);
    if (path == "/") return std::vector<std::string>{"/*"};
    std::string trimmed = path;
    while (trimmed.size() > 1 && trimmed.back() == '/')
      trimmed.pop_back();
    return std::vector<std::string>{trimmed, trimmed + "/*"};
  }
  if (!entry.path_type.empty() && entry.path_type != "ImplementationSpecific") {
    return net::fail("InvalidConfiguration", "unknown pathType for path " + path);
  }
  return std::vector<std::string>{path};
}

}  // namespace

net::Result<std::optional<int>> BuildTask::ssl_redirect_port() const {
  std::set<int> ports;
  for (const Member& member : group_.members) {
    if (member.class_config.params &&
        !k8s::text_field(*member.class_config.params, "sslRedirectPort").empty()) {
      // An unparsable IngressClassParams value disables the redirect for the whole group.
      auto parsed =
          parse_go_int(k8s::text_field((*member.class_config.params), "sslRedirectPort"), 32);
      if (!parsed) return std::optional<int>();
      ports.insert(static_cast<int>(*parsed));
      continue;
    }
    auto port = member.annotations.int32("ssl-redirect");
    if (!port) return net::fail(net::with_context(port.error(), "ingress: " + member.key()));
    if (*port) ports.insert(**port);
  }
  if (ports.empty()) return std::optional<int>();
  if (ports.size() > 1) {
    std::vector<std::string> listed;
    for (int port : ports)
      listed.push_back(std::to_string(port));
    return net::fail("InvalidConfiguration", "conflicting sslRedirect port: " + go_list(listed));
  }
  const int port = *ports.begin();
  auto listener = ports_.find(port);
  if (listener == ports_.end()) {
    return net::fail("InvalidConfiguration",
                     "listener does not exist for SSLRedirect port: " + std::to_string(port));
  }
  if (listener->second.protocol != "HTTPS") {
    return net::fail("InvalidConfiguration",
                     "listener protocol non-SSL for SSLRedirect port: " + std::to_string(port));
  }
  return std::optional<int>(port);
}

net::Result<void> BuildTask::build_listeners_and_rules() {
  auto redirect_port = ssl_redirect_port();
  if (!redirect_port) return net::fail(redirect_port.error());
  for (const auto& [port, config] : ports_) {
    auto tags = group_tags(port_members_[port]);
    if (!tags) return net::fail(tags.error());
    model::ListenerSpec listener;
    listener.port = port;
    listener.protocol = config.protocol;
    listener.certificates = config.certificates;
    listener.ssl_policy = config.ssl_policy.value_or("");
    listener.tags = *tags;
    const bool redirects = *redirect_port && config.protocol == "HTTP";
    if (redirects) {
      model::Action redirect;
      redirect.type = "redirect";
      redirect.redirect =
          model::RedirectConfig{std::nullopt, std::nullopt, std::to_string(**redirect_port),
                                "HTTPS",      std::nullopt, "HTTP_301"};
      listener.default_actions = {redirect};
    } else {
      std::vector<const Member*> with_default;
      for (const Member* member : port_members_[port]) {
        const Json& ingress = member->ingress;
        if (k8s::map_field(ingress, "spec").contains("defaultBackend"))
          with_default.push_back(member);
      }
      if (with_default.size() > 1) {
        std::vector<std::string> names;
        for (const Member* member : with_default)
          names.push_back(member->key());
        return net::fail("InvalidConfiguration",
                         "multiple ingress defined default backend: " + go_list(names));
      }
      if (with_default.size() == 1) {
        auto actions = build_backend_actions(
            *with_default[0],
            k8s::map_field(k8s::map_field(with_default[0]->ingress, "spec"), "defaultBackend"),
            port);
        if (!actions)
          return net::fail(
              net::with_context(actions.error(), "ingress: " + with_default[0]->key()));
        listener.default_actions = *actions;
      } else {
        listener.default_actions = {fixed_response("404")};
      }
    }
    stack_.listeners[std::to_string(port)] = listener;
    if (redirects) continue;  // an HTTP listener that redirects carries no rules
    int priority = 1;
    for (const Member* member : port_members_[port]) {
      const Json& spec = k8s::map_field(member->ingress, "spec");
      for (const Json& rule : k8s::list_field(spec, "rules")) {
        if (!rule.contains("http")) continue;
        const std::string host = k8s::text_field(rule, "host");
        for (const PathEntry& entry :
             sorted_paths(k8s::list_field(k8s::map_field(rule, "http"), "paths"))) {
          auto patterns = path_patterns(entry);
          if (!patterns)
            return net::fail(net::with_context(patterns.error(), "ingress: " + member->key()));
          model::RuleSpec rule_spec;
          rule_spec.port = port;
          rule_spec.priority = priority;
          // conditions.<name> is keyed by the backend's service (or action) name.
          const std::string backend_name =
              k8s::text_field(k8s::map_field(entry.backend, "service"), "name");
          ConditionAdditions additions;
          auto annotated = member->annotations.json("conditions." + backend_name);
          if (!annotated)
            return net::fail(net::with_context(annotated.error(), "ingress: " + member->key()));
          if (*annotated) {
            auto parsed = parse_condition_annotation(**annotated);
            if (!parsed) {
              return net::fail(net::with_context(
                  parsed.error(), "ingress: " + member->key() +
                                      ": invalid alb.ingress.kubernetes.io/conditions." +
                                      backend_name + " annotation"));
            }
            additions = *parsed;
          }
          auto conditions = assemble_conditions(
              host.empty() ? std::vector<std::string>{} : std::vector<std::string>{host}, *patterns,
              additions);
          if (!conditions)
            return net::fail(net::with_context(conditions.error(), "ingress: " + member->key()));
          rule_spec.conditions = *conditions;
          auto actions = build_backend_actions(*member, entry.backend, port);
          if (!actions)
            return net::fail(net::with_context(actions.error(), "ingress: " + member->key()));
          rule_spec.actions = *actions;
          auto member_tags = ingress_tags(*member);
          if (!member_tags) return net::fail(member_tags.error());
          rule_spec.tags = *member_tags;
          for (const auto& [key, value] : options_.default_tags)
            rule_spec.tags[key] = value;
          stack_.rules[std::to_string(port) + ":" + std::to_string(priority)] = rule_spec;
          ++priority;
        }
      }
    }
  }
  return {};
}

}  // namespace albc::ingress
