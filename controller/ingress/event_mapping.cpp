#include "controller/ingress/event_mapping.hpp"

namespace albc::ingress {

EventMapping::EventMapping(const GroupLoader& loader, const k8s::ObjectCache& ingresses,
                           const k8s::ObjectCache& ingress_classes, k8s::EventRecorder& events,
                           Enqueue enqueue)
    : loader_(loader),
      ingresses_(ingresses),
      ingress_classes_(ingress_classes),
      events_(events),
      enqueue_(std::move(enqueue)) {}

void EventMapping::enqueue_groups_of(const Json& ingress) {
  for (const GroupId& group : loader_.groups_pending_finalization(ingress))
    enqueue_(group.to_string());
  auto current = loader_.group_of(ingress);
  if (!current) {
    events_.warning(ingress, "FailedLoadGroupID",
                    "failed load groupID due to " + current.error().describe());
    return;
  }
  if (*current) enqueue_((*current)->to_string());
}

void EventMapping::on_ingress(const Json* old, const Json* current) {
  if (current == nullptr)
    return;  // a deletion shows up earlier, as the update that sets deletionTimestamp
  if (old != nullptr && old != current) {
    const Json& before = (*old)["metadata"];
    const Json& after = (*current)["metadata"];
    const bool resync = before.value("resourceVersion", "") == after.value("resourceVersion", "");
    const bool relevant =
        k8s::field_or_empty(before, "annotations") != k8s::field_or_empty(after, "annotations") ||
        k8s::field_or_empty(*old, "spec") != k8s::field_or_empty(*current, "spec") ||
        before.contains("deletionTimestamp") != after.contains("deletionTimestamp");
    if (!resync && !relevant) return;
  }
  enqueue_groups_of(*current);
}

namespace {

bool references_service(const Json& ingress, const std::string& service) {
  const Json& spec = k8s::field_or_empty(ingress, "spec");
  auto backend_uses = [&](const Json& backend) {
    return backend.contains("service") && backend["service"].value("name", "") == service;
  };
  if (spec.contains("defaultBackend") && backend_uses(spec["defaultBackend"])) return true;
  for (const Json& rule : spec.value("rules", Json::array())) {
    if (!rule.contains("http")) continue;
    for (const Json& path : rule["http"].value("paths", Json::array())) {
      if (backend_uses(k8s::field_or_empty(path, "backend"))) return true;
    }
  }
  // actions.<name> annotations may forward to Services too.
  const Json& annotations = k8s::field_or_empty(ingress["metadata"], "annotations");
  for (auto it = annotations.begin(); it != annotations.end(); ++it) {
    if (!it.key().starts_with("alb.ingress.kubernetes.io/actions.") || !it->is_string()) continue;
    if (it->get<std::string>().find("\"" + service + "\"") != std::string::npos) return true;
  }
  return false;
}

}  // namespace

void EventMapping::on_service(const Json* old, const Json* current) {
  const Json* service = current != nullptr ? current : old;
  if (old != nullptr && current != nullptr && old != current &&
      k8s::field_or_empty(*old, "spec") == k8s::field_or_empty(*current, "spec") &&
      k8s::field_or_empty((*old)["metadata"], "annotations") ==
          k8s::field_or_empty((*current)["metadata"], "annotations") &&
      (*old)["metadata"].contains("deletionTimestamp") ==
          (*current)["metadata"].contains("deletionTimestamp")) {
    return;
  }
  const std::string ns = (*service)["metadata"].value("namespace", "");
  const std::string name = (*service)["metadata"].value("name", "");
  for (const Json* ingress : ingresses_.list(ns)) {
    if (references_service(*ingress, name)) enqueue_groups_of(*ingress);
  }
}

void EventMapping::on_ingress_class_params(const Json* old, const Json* current) {
  const Json* params = current != nullptr ? current : old;
  if (old != nullptr && current != nullptr && old != current &&
      k8s::field_or_empty(*old, "spec") == k8s::field_or_empty(*current, "spec") &&
      (*old)["metadata"].contains("deletionTimestamp") ==
          (*current)["metadata"].contains("deletionTimestamp")) {
    return;
  }
  const std::string name = (*params)["metadata"].value("name", "");
  for (const Json* ingress_class : ingress_classes_.list()) {
    const Json& parameters =
        k8s::field_or_empty(k8s::field_or_empty(*ingress_class, "spec"), "parameters");
    if (parameters.value("kind", "") == "IngressClassParams" &&
        parameters.value("name", "") == name) {
      on_ingress_class(ingress_class, ingress_class);
    }
  }
}

void EventMapping::on_ingress_class(const Json* old, const Json* current) {
  const Json* ingress_class = current != nullptr ? current : old;
  const std::string name = (*ingress_class)["metadata"].value("name", "");
  for (const Json* ingress : ingresses_.list()) {
    if (k8s::field_or_empty(*ingress, "spec").value("ingressClassName", "") == name)
      enqueue_groups_of(*ingress);
  }
}

}  // namespace albc::ingress
