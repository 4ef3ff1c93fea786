#include <algorithm>

#include "sim/aws/elbv2_api.hpp"

namespace albc::sim::aws {
namespace {

const std::map<std::string, std::string>& default_listener_attributes() {
  static const std::map<std::string, std::string> kDefaults = {
      {"routing.http.request.x_amzn_mtls_clientcert.header_name", ""},
      {"routing.http.response.server.enabled", "true"},
      {"routing.http.response.strict_transport_security.header_value", ""},
      {"routing.http.response.x_frame_options.header_value", ""}};
  return kDefaults;
}

}  // namespace

Json Elbv2Api::render_listener(const Listener& listener) const {
  Json rendered = {{"ListenerArn", listener.arn},
                   {"LoadBalancerArn", listener.load_balancer_arn},
                   {"Port", std::to_string(listener.port)},
                   {"Protocol", listener.protocol},
                   {"DefaultActions", listener.default_actions}};
  if (!listener.certificates.empty()) rendered["Certificates"] = listener.certificates;
  if (!listener.ssl_policy.empty()) rendered["SslPolicy"] = listener.ssl_policy;
  return rendered;
}

Outcome Elbv2Api::create_listener(const Params& params) {
  auto load_balancer_arn = params.required("LoadBalancerArn");
  if (!load_balancer_arn) return net::fail(load_balancer_arn.error());
  const LoadBalancer* load_balancer = state_.find_load_balancer(*load_balancer_arn);
  if (load_balancer == nullptr) return net::fail(resource_not_found(*load_balancer_arn));
  auto port = params.integer("Port", 1, 65535);
  if (!port) return net::fail(port.error());
  if (!*port)
    return net::fail(
        validation_error("1 validation error detected: Value null at 'port' failed to satisfy "
                         "constraint: Member must not be null"));
  const std::string protocol = params.value_or("Protocol", "HTTP");
  if (protocol != "HTTP" && protocol != "HTTPS") {
    return net::fail(
        AwsError{400, "UnsupportedProtocol",
                 "Protocol '" + protocol + "' is not supported by an Application Load Balancer"});
  }
  const Json certificates = params.list("Certificates");
  if (protocol == "HTTPS" && certificates.empty()) {
    return net::fail(validation_error("A certificate must be specified for HTTPS listeners"));
  }
  auto actions =
      normalize_actions(params.list("DefaultActions"), load_balancer->vpc_id, *load_balancer_arn);
  if (!actions) return net::fail(actions.error());
  auto tags = parse_tags(params.list("Tags"), options_.quotas.tags_per_resource_max);
  if (!tags) return net::fail(tags.error());
  const auto existing_listeners = state_.listeners_of(*load_balancer_arn);
  for (const Listener* existing : existing_listeners) {
    if (existing->port != **port) continue;
    if (existing->protocol == protocol && existing->default_actions == *actions) {
      return Json{{"Listeners", Json::array({render_listener(*existing)})}};
    }
    return net::fail(AwsError{400, "DuplicateListener",
                              "A listener already exists on this port for this load balancer '" +
                                  *load_balancer_arn + "'"});
  }
  if (existing_listeners.size() >= options_.quotas.listeners_per_load_balancer_max) {
    return net::fail(
        AwsError{400, "TooManyListeners",
                 "You've reached the limit on the number of listeners per load balancer"});
  }
  Listener listener;
  const LoadBalancer& parent = *load_balancer;
  const std::string lb_path = parent.arn.substr(parent.arn.find("loadbalancer/") + 13);
  listener.arn = arn_prefix() + "listener/" + lb_path + "/" + new_id();
  listener.default_rule_arn = arn_prefix() + "listener-rule/" + lb_path + "/" +
                              listener.arn.substr(listener.arn.rfind('/') + 1) + "/" + new_id();
  listener.load_balancer_arn = *load_balancer_arn;
  listener.port = **port;
  listener.protocol = protocol;
  listener.default_actions = *actions;
  if (!certificates.empty()) listener.certificates = Json::array({certificates[0]});
  if (protocol == "HTTPS")
    listener.ssl_policy = params.value_or("SslPolicy", "ELBSecurityPolicy-2016-08");
  listener.attributes = default_listener_attributes();
  listener.tags = *tags;
  Json rendered = Json{{"Listeners", Json::array({render_listener(listener)})}};
  created("CreateListener", listener.arn);
  mark_in_use(listener.default_actions);
  state_.add(std::move(listener));
  return rendered;
}

Outcome Elbv2Api::describe_listeners(const Params& params) {
  const auto arns = params.strings("ListenerArns");
  auto pager =
      Pager::start(params, options_.quotas.describe_page_size_max, "Listeners",
                   arns.empty() ? "of " + params.value_or("LoadBalancerArn", "") : "asked");
  if (!pager) return net::fail(pager.error());
  std::vector<const Listener*> listeners;
  if (!arns.empty()) {
    for (const std::string& arn : arns) {
      const Listener* found = state_.find_listener(arn);
      if (found == nullptr || !visible(arn)) return net::fail(resource_not_found(arn));
      listeners.push_back(found);
    }
  } else {
    auto load_balancer_arn = params.required("LoadBalancerArn");
    if (!load_balancer_arn) return net::fail(load_balancer_arn.error());
    if (state_.find_load_balancer(*load_balancer_arn) == nullptr)
      return net::fail(resource_not_found(*load_balancer_arn));
    for (const Listener* listener : state_.listeners_of(*load_balancer_arn)) {
      if (visible(listener->arn)) listeners.push_back(listener);
    }
  }
  // By port, or in the order asked for (a listener's port is unique on its load balancer).
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    const std::string key = numeric_key(arns.empty() ? listeners[i]->port : i);
    if (!pager->offer(key, [&] { return render_listener(*listeners[i]); })) break;
  }
  return std::move(*pager).finish();
}

Outcome Elbv2Api::modify_listener(const Params& params) {
  auto arn = params.required("ListenerArn");
  if (!arn) return net::fail(arn.error());
  const Listener* found = state_.find_listener(*arn);
  if (found == nullptr) return net::fail(resource_not_found(*arn));
  Listener updated = *found;
  if (params.optional("Port")) {
    auto port = params.integer("Port", 1, 65535);
    if (!port) return net::fail(port.error());
    for (const Listener* other : state_.listeners_of(updated.load_balancer_arn)) {
      if (other->arn != updated.arn && other->port == **port) {
        return net::fail(
            AwsError{400, "DuplicateListener",
                     "A listener already exists on this port for this load balancer '" +
                         updated.load_balancer_arn + "'"});
      }
    }
    updated.port = **port;
  }
  if (auto protocol = params.optional("Protocol")) {
    if (*protocol != "HTTP" && *protocol != "HTTPS") {
      return net::fail(AwsError{
          400, "UnsupportedProtocol",
          "Protocol '" + *protocol + "' is not supported by an Application Load Balancer"});
    }
    updated.protocol = *protocol;
  }
  if (!params.list("DefaultActions").empty()) {
    auto actions = normalize_actions(params.list("DefaultActions"),
                                     state_.find_load_balancer(updated.load_balancer_arn)->vpc_id,
                                     updated.load_balancer_arn);
    if (!actions) return net::fail(actions.error());
    updated.default_actions = *actions;
  }
  if (!params.list("Certificates").empty())
    updated.certificates = Json::array({params.list("Certificates")[0]});
  if (auto policy = params.optional("SslPolicy")) updated.ssl_policy = *policy;
  if (updated.protocol == "HTTPS" && updated.certificates.empty()) {
    return net::fail(validation_error("A certificate must be specified for HTTPS listeners"));
  }
  if (updated.protocol == "HTTP") {
    updated.certificates = Json::array();
    updated.ssl_policy.clear();
  } else if (updated.ssl_policy.empty()) {
    updated.ssl_policy = "ELBSecurityPolicy-2016-08";
  }
  const auto forwarded_before = forwarded_target_groups(found->default_actions);
  Json rendered = Json{{"Listeners", Json::array({render_listener(updated)})}};
  mark_in_use(updated.default_actions);
  state_.replace(std::move(updated));
  forget_unused(forwarded_before);  // target groups this listener no longer forwards to
  return rendered;
}

Outcome Elbv2Api::delete_listener(const Params& params) {
  auto arn = params.required("ListenerArn");
  if (!arn) return net::fail(arn.error());
  const Listener* listener = state_.find_listener(*arn);
  if (listener == nullptr) return net::fail(resource_not_found(*arn));
  const auto forwarded_before = state_.target_groups_of(listener->load_balancer_arn);
  state_.erase_listener(*arn);
  forget_unused(forwarded_before);
  return Json::object();
}

Outcome Elbv2Api::describe_listener_attributes(const Params& params) {
  auto arn = params.required("ListenerArn");
  if (!arn) return net::fail(arn.error());
  Listener* found = state_.find_listener(*arn);
  if (found == nullptr) return net::fail(resource_not_found(*arn));
  Json attributes = Json::array();
  for (const auto& [key, value] : found->attributes)
    attributes.push_back({{"Key", key}, {"Value", value}});
  return Json{{"Attributes", attributes}};
}

Outcome Elbv2Api::modify_listener_attributes(const Params& params) {
  auto arn = params.required("ListenerArn");
  if (!arn) return net::fail(arn.error());
  Listener* found = state_.find_listener(*arn);
  if (found == nullptr) return net::fail(resource_not_found(*arn));
  for (const Json& change : params.list("Attributes")) {
    if (!default_listener_attributes().contains(text_of(change, "Key"))) {
      return net::fail(
          AwsError{400, "InvalidConfigurationRequest",
                   "Listener attribute key '" + text_of(change, "Key") + "' is not recognized"});
    }
  }
  for (const Json& change : params.list("Attributes"))
    found->attributes[text_of(change, "Key")] = text_of(change, "Value");
  return describe_listener_attributes(params);
}

Outcome Elbv2Api::describe_listener_certificates(const Params& params) {
  auto arn = params.required("ListenerArn");
  if (!arn) return net::fail(arn.error());
  Listener* found = state_.find_listener(*arn);
  if (found == nullptr) return net::fail(resource_not_found(*arn));
  Json certificates = Json::array();
  for (std::size_t i = 0; i < found->certificates.size(); ++i) {
    Json certificate = found->certificates[i];
    certificate["IsDefault"] = i == 0 ? "true" : "false";
    certificates.push_back(certificate);
  }
  return page_of(certificates, params, options_.quotas.describe_page_size_max, "Certificates");
}

Outcome Elbv2Api::change_listener_certificates(const Params& params, bool add) {
  auto arn = params.required("ListenerArn");
  if (!arn) return net::fail(arn.error());
  Listener* found = state_.find_listener(*arn);
  if (found == nullptr) return net::fail(resource_not_found(*arn));
  Json& certificates = found->certificates;
  for (const Json& certificate : params.list("Certificates")) {
    const std::string certificate_arn = text_of(certificate, "CertificateArn");
    // The default certificate (index 0) is kept apart from the SNI list: the same ARN may be both.
    auto sni_begin = certificates.empty() ? certificates.end() : certificates.begin() + 1;
    auto existing = std::find_if(sni_begin, certificates.end(), [&](const Json& entry) {
      return text_of(entry, "CertificateArn") == certificate_arn;
    });
    if (add && existing == certificates.end()) {
      if (certificates.size() >= options_.quotas.certificates_per_load_balancer_max) {
        return net::fail(
            AwsError{400, "TooManyCertificates",
                     "You've reached the limit on the number of certificates per load balancer"});
      }
      certificates.push_back({{"CertificateArn", certificate_arn}});
    }
    if (!add && existing == certificates.end() && !certificates.empty() &&
        text_of(certificates[0], "CertificateArn") == certificate_arn) {
      return net::fail(
          AwsError{400, "OperationNotPermitted",
                   "The default certificate '" + certificate_arn + "' cannot be removed"});
    }
    if (!add && existing != certificates.end()) certificates.erase(existing);
  }
  return add ? Json{{"Certificates", params.list("Certificates")}} : Json::object();
}

}  // namespace albc::sim::aws
