#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sim/kube/resource_type.hpp"

namespace albc::sim::kube {

using Json = nlohmann::json;

// A Kubernetes API error, rendered as a meta/v1 Status body with the matching HTTP code.
struct StatusError {
  int code = 500;
  std::string reason;
  std::string message;
  Json details = Json::object();
  int retry_after_seconds = 0;

  Json to_json() const;
};

StatusError not_found(const ResourceType& type, std::string_view name);
StatusError already_exists(const ResourceType& type, std::string_view name);
StatusError conflict(const ResourceType& type, std::string_view name, std::string_view why);
// 422: `Ingress.networking.k8s.io "web" is invalid: <field>: <detail>`
StatusError invalid(const ResourceType& type, std::string_view name, std::string_view field,
                    std::string_view cause_reason, std::string_view detail);
// 422 with several causes ({reason, message, field}); the message lists them as the real server
// does: one bare, several as `[a: x, b: y]`, repeated messages once.
StatusError invalid(const ResourceType& type, std::string_view name, Json causes);
StatusError bad_request(std::string message);
StatusError method_not_allowed(std::string message);
StatusError unsupported_media_type(std::string message);
StatusError expired(std::string message);
StatusError namespace_not_found(std::string_view name);
StatusError forbidden(std::string message);

}  // namespace albc::sim::kube
