#include <algorithm>

#include "controller/deploy/sdk_form.hpp"
#include "controller/deploy/stack_deployer.hpp"

namespace albc::deploy {
namespace {

Json certificates_input(const std::vector<std::string>& certificates, std::size_t count) {
  Json list = Json::array();
  for (std::size_t i = 0; i < certificates.size() && i < count; ++i)
    list.push_back({{"CertificateArn", certificates[i]}});
  return list;
}

bool listener_drifted(const model::ListenerSpec& desired, const Json& desired_actions,
                      const aws::Listener& actual) {
  if (desired.port != actual.port || desired.protocol != actual.protocol) return true;
  if (!actions_equal(desired_actions, actual.default_actions)) return true;
  const std::string actual_default =
      actual.certificates.empty() ? "" : k8s::text_field(actual.certificates[0], "CertificateArn");
  const std::string desired_default = desired.certificates.empty() ? "" : desired.certificates[0];
  if (actual_default != desired_default) return true;
  return !desired.ssl_policy.empty() && desired.ssl_policy != actual.ssl_policy;
}

}  // namespace

net::Awaitable<net::Result<void>> StackDeployer::add_certificate(std::string listener_arn,
                                                                 std::string certificate) {
  // A listener created a moment ago may not be visible yet.
  co_return co_await net::retry_while(
      clock_, "ListenerNotFound", options_.listener_not_found_timeout, options_.retry_interval,
      [&] { return elbv2_.add_listener_certificate(listener_arn, certificate); });
}

net::Awaitable<net::Result<void>> StackDeployer::reconcile_certificates(
    std::string listener_arn, std::vector<std::string> desired) {
  auto current = co_await elbv2_.describe_listener_certificates(listener_arn);
  if (!current) co_return net::fail(current.error());
  std::vector<std::string> extra;
  for (const auto& [certificate, is_default] : *current) {
    if (!is_default) extra.push_back(certificate);
  }
  for (const std::string& certificate : extra) {
    if (std::find(desired.begin(), desired.end(), certificate) != desired.end()) continue;
    if (auto removed = co_await elbv2_.remove_listener_certificate(listener_arn, certificate);
        !removed)
      co_return removed;
  }
  for (const std::string& certificate : desired) {
    if (std::find(extra.begin(), extra.end(), certificate) != extra.end()) continue;
    if (auto added = co_await add_certificate(listener_arn, certificate); !added) co_return added;
  }
  co_return net::Result<void>();
}

net::Awaitable<net::Result<void>> StackDeployer::synthesize_listeners(State& state) {
  if (state.deployed.load_balancer_arn.empty()) co_return net::Result<void>();
  const std::string lb_arn = state.deployed.load_balancer_arn;
  auto current = co_await elbv2_.describe_listeners(lb_arn);
  if (!current) co_return net::fail(current.error());
  std::vector<std::string> arns;
  for (const aws::Listener& listener : *current)
    arns.push_back(listener.arn);
  auto current_tags = co_await inventory_.tags_of(arns);
  if (!current_tags) co_return net::fail(current_tags.error());
  std::map<int, aws::Listener> by_port;
  // Listeners on ports no longer wanted go first.
  for (const aws::Listener& listener : *current) {
    if (state.stack.listeners.contains(std::to_string(listener.port))) {
      by_port[listener.port] = listener;
      continue;
    }
    trace_.event("deploy.listener.deleting",
                 {{"stack", state.identity.stack_id}, {"port", std::to_string(listener.port)}});
    if (auto deleted = co_await elbv2_.delete_listener(listener.arn); !deleted)
      co_return net::fail(deleted.error());
    inventory_.deleted(listener.arn);
    trace_.event("deploy.listener.deleted",
                 {{"stack", state.identity.stack_id}, {"arn", listener.arn}});
  }
  for (const auto& [id, spec] : state.stack.listeners) {
    auto actions = sdk_actions(spec.default_actions, state.target_group_arns);
    if (!actions) co_return net::fail(actions.error());
    const Tags tags = resource_tags(state.identity, id, spec.tags);
    std::string listener_arn;
    auto existing = by_port.find(spec.port);
    if (existing == by_port.end()) {
      Json input = {{"LoadBalancerArn", lb_arn},
                    {"Port", std::to_string(spec.port)},
                    {"Protocol", spec.protocol},
                    {"DefaultActions", *actions},
                    {"Tags", aws::key_value_list(tags)}};
      if (!spec.certificates.empty())
        input["Certificates"] = certificates_input(spec.certificates, 1);
      if (!spec.ssl_policy.empty()) input["SslPolicy"] = spec.ssl_policy;
      trace_.event("deploy.listener.creating", {{"stack", state.identity.stack_id}, {"id", id}});
      auto created = co_await elbv2_.create_listener(input);
      if (!created)
        co_return net::fail(net::with_context(created.error(), "failed to create listener"));
      trace_.event("deploy.listener.created",
                   {{"stack", state.identity.stack_id}, {"id", id}, {"arn", created->arn}});
      listener_arn = created->arn;
      inventory_.created(created->arn, tags);
      // Every certificate, the default one included, also goes on the extra list, one a call.
      for (const std::string& certificate : spec.certificates) {
        if (auto added = co_await add_certificate(listener_arn, certificate); !added) {
          co_return net::fail(
              net::with_context(added.error(), "failed to update extra certificates on listener"));
        }
      }
    } else {
      const aws::Listener& listener = existing->second;
      listener_arn = listener.arn;
      if (auto tagged = co_await reconcile_elbv2_tags(listener.arn, tags,
                                                      (*current_tags)[listener.arn], false);
          !tagged) {
        co_return net::fail(tagged.error());
      }
      if (listener_drifted(spec, *actions, listener)) {
        Json input = {{"ListenerArn", listener.arn},
                      {"Port", std::to_string(spec.port)},
                      {"Protocol", spec.protocol},
                      {"DefaultActions", *actions}};
        if (!spec.certificates.empty())
          input["Certificates"] = certificates_input(spec.certificates, 1);
        if (!spec.ssl_policy.empty()) input["SslPolicy"] = spec.ssl_policy;
        trace_.event("deploy.listener.modifying",
                     {{"stack", state.identity.stack_id}, {"id", id}, {"arn", listener.arn}});
        if (auto modified = co_await elbv2_.modify_listener(input); !modified)
          co_return net::fail(modified.error());
        trace_.event("deploy.listener.modified", {{"stack", state.identity.stack_id}, {"id", id}});
      }
      if (!spec.ssl_policy.empty() || !listener.ssl_policy.empty()) {
        if (auto certificates = co_await reconcile_certificates(listener.arn, spec.certificates);
            !certificates) {
          co_return net::fail(net::with_context(certificates.error(),
                                                "failed to update extra certificates on listener"));
        }
      }
    }
    if (auto rules = co_await synthesize_rules(state, listener_arn, spec.port); !rules)
      co_return net::fail(rules.error());
  }
  co_return net::Result<void>();
}

}  // namespace albc::deploy
