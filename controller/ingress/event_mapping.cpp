#include "controller/ingress/event_mapping.hpp"

#include "controller/ingress/ingress_indexes.hpp"

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
    const Json& before = k8s::metadata_of(*old);
    const Json& after = k8s::metadata_of(*current);
    const bool resync =
        k8s::text_field(before, "resourceVersion") == k8s::text_field(after, "resourceVersion");
    const bool relevant =
        k8s::map_field(before, "annotations") != k8s::map_field(after, "annotations") ||
        k8s::map_field(*old, "spec") != k8s::map_field(*current, "spec") ||
        before.contains("deletionTimestamp") != after.contains("deletionTimestamp");
    if (!resync && !relevant) return;
  }
  enqueue_groups_of(*current);
}

namespace {

bool references_service(const Json& ingress, const std::string& service) {
  const Json& spec = k8s::map_field(ingress, "spec");
  auto backend_uses = [&](const Json& backend) {
    return k8s::text_field(k8s::map_field(backend, "service"), "name") == service;
  };
  if (backend_uses(k8s::map_field(spec, "defaultBackend"))) return true;
  for (const Json& rule : k8s::list_field(spec, "rules")) {
    for (const Json& path : k8s::list_field(k8s::map_field(rule, "http"), "paths")) {
      if (backend_uses(k8s::map_field(path, "backend"))) return true;
    }
  }
  // actions.<name> annotations may forward to Services too.
  const Json& annotations = k8s::map_field(k8s::metadata_of(ingress), "annotations");
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
      k8s::map_field(*old, "spec") == k8s::map_field(*current, "spec") &&
      k8s::map_field(k8s::metadata_of(*old), "annotations") ==
          k8s::map_field(k8s::metadata_of(*current), "annotations") &&
      k8s::being_deleted((*old)) == k8s::being_deleted((*current))) {
    return;
  }
  const std::string ns = k8s::namespace_of((*service));
  const std::string name = k8s::name_of((*service));
  for (const Json* ingress :
       by_any(ingresses_, kIngressesByService, {ns + "/" + name, ns + "/*"})) {
    if (references_service(*ingress, name)) enqueue_groups_of(*ingress);
  }
}

void EventMapping::on_ingress_class_params(const Json* old, const Json* current) {
  const Json* params = current != nullptr ? current : old;
  if (old != nullptr && current != nullptr && old != current &&
      k8s::map_field(*old, "spec") == k8s::map_field(*current, "spec") &&
      k8s::being_deleted((*old)) == k8s::being_deleted((*current))) {
    return;
  }
  const std::string name = k8s::name_of((*params));
  for (const Json* ingress_class : ingress_classes_.list()) {
    const Json& parameters = k8s::map_field(k8s::map_field(*ingress_class, "spec"), "parameters");
    if (k8s::text_field(parameters, "kind") == "IngressClassParams" &&
        k8s::text_field(parameters, "name") == name) {
      on_ingress_class(ingress_class, ingress_class);
    }
  }
}

void EventMapping::on_ingress_class(const Json* old, const Json* current) {
  const Json* ingress_class = current != nullptr ? current : old;
  const std::string name = k8s::name_of((*ingress_class));
  for (const Json* ingress : ingresses_.by_index(kIngressesByClass, "spec:" + name))
    enqueue_groups_of(*ingress);
}

}  // namespace albc::ingress
