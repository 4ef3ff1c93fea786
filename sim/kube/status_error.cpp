#include "sim/kube/status_error.hpp"

#include <algorithm>

namespace albc::sim::kube {

Json StatusError::to_json() const {
  Json status = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", Json::object()},
                 {"status", "Failure"}, {"message", message}, {"reason", reason},
                 {"code", code}};
  if (!details.empty()) status["details"] = details;
  return status;
}

namespace {
Json details_for(const ResourceType& type, std::string_view name) {
  return Json{{"name", name}, {"group", type.group}, {"kind", type.plural}};
}
}  // namespace

StatusError not_found(const ResourceType& type, std::string_view name) {
  return {404, "NotFound", type.qualified_plural() + " \"" + std::string(name) + "\" not found",
          details_for(type, name)};
}

StatusError already_exists(const ResourceType& type, std::string_view name) {
  return {409, "AlreadyExists",
          type.qualified_plural() + " \"" + std::string(name) + "\" already exists",
          details_for(type, name)};
}

StatusError conflict(const ResourceType& type, std::string_view name, std::string_view why) {
  return {409, "Conflict",
          "Operation cannot be fulfilled on " + type.qualified_plural() + " \"" +
              std::string(name) + "\": " + std::string(why),
          details_for(type, name)};
}

StatusError invalid(const ResourceType& type, std::string_view name, std::string_view field,
                    std::string_view cause_reason, std::string_view detail) {
  return invalid(type, name,
                 Json::array({{{"reason", cause_reason}, {"message", detail}, {"field", field}}}));
}

StatusError invalid(const ResourceType& type, std::string_view name, Json causes) {
  const std::string kind = type.group.empty() ? type.kind : type.kind + "." + type.group;
  std::vector<std::string> messages;
  for (const Json& cause : causes) {
    const std::string field = cause.value("field", "");
    std::string text = (field.empty() ? "" : field + ": ") + cause.value("message", "");
    if (std::find(messages.begin(), messages.end(), text) == messages.end()) {
      messages.push_back(std::move(text));
    }
  }
  std::string listed;
  for (const std::string& message : messages)
    listed += (listed.empty() ? "" : ", ") + message;
  if (messages.size() > 1) listed = "[" + listed + "]";
  Json details = {
      {"name", name}, {"group", type.group}, {"kind", type.kind}, {"causes", std::move(causes)}};
  return {422, "Invalid", kind + " \"" + std::string(name) + "\" is invalid: " + listed, details};
}

StatusError bad_request(std::string message) {
  return {400, "BadRequest", std::move(message)};
}

StatusError method_not_allowed(std::string message) {
  return {405, "MethodNotAllowed", std::move(message)};
}

StatusError unsupported_media_type(std::string message) {
  return {415, "UnsupportedMediaType", std::move(message)};
}

StatusError expired(std::string message) {
  return {410, "Expired", std::move(message)};
}

StatusError namespace_not_found(std::string_view name) {
  return {404, "NotFound", "namespaces \"" + std::string(name) + "\" not found",
          Json{{"name", name}, {"kind", "namespaces"}}};
}

StatusError forbidden(std::string message) {
  return {403, "Forbidden", std::move(message)};
}

}  // namespace albc::sim::kube
