#pragma once

#include <functional>
#include <string>

#include "controller/ingress/group.hpp"
#include "controller/k8s/cache.hpp"
#include "controller/k8s/event_recorder.hpp"

namespace albc::ingress {

// Turns informer events into group keys (and nothing else): an Ingress's current group and
// the groups its finalizers name; Services and IngressClasses to the groups of the Ingresses
// that use them.
class EventMapping {
 public:
  using Enqueue = std::function<void(const std::string& key)>;
  EventMapping(const GroupLoader& loader, const k8s::ObjectCache& ingresses,
               const k8s::ObjectCache& ingress_classes, k8s::EventRecorder& events,
               Enqueue enqueue);

  void on_ingress(const Json* old, const Json* current);
  void on_service(const Json* old, const Json* current);
  void on_ingress_class(const Json* old, const Json* current);
  void on_ingress_class_params(const Json* old, const Json* current);

 private:
  void enqueue_groups_of(const Json& ingress);

  const GroupLoader& loader_;
  const k8s::ObjectCache& ingresses_;
  const k8s::ObjectCache& ingress_classes_;
  k8s::EventRecorder& events_;
  Enqueue enqueue_;
};

}  // namespace albc::ingress
