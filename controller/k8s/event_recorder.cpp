#include "controller/k8s/event_recorder.hpp"

#include <cstdio>

namespace albc::k8s {

EventRecorder::EventRecorder(Client& client, net::Clock& clock, net::Trace& trace,
                             net::Executor executor, std::string component)
    : client_(client),
      clock_(clock),
      trace_(trace),
      executor_(std::move(executor)),
      component_(std::move(component)) {}

void EventRecorder::normal(const Json& object, std::string reason, std::string message) {
  record(object, "Normal", std::move(reason), std::move(message));
}

void EventRecorder::warning(const Json& object, std::string reason, std::string message) {
  record(object, "Warning", std::move(reason), std::move(message));
}

void EventRecorder::record(const Json& object, std::string type, std::string reason,
                           std::string message) {
  const Json& metadata = k8s::metadata_of(object);
  const std::string ns = k8s::text_field(metadata, "namespace", "default");
  const std::string name = k8s::text_field(metadata, "name");
  const auto now = clock_.wall_now();
  // client-go names events <object>.<nanoseconds in hex>; the sequence keeps names unique when
  // virtual time stands still.
  const auto nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count() +
      static_cast<long long>(sequence_++);
  char suffix[24];
  std::snprintf(suffix, sizeof suffix, "%llx", static_cast<unsigned long long>(nanos));
  const std::string timestamp = net::format_rfc3339(now);
  Json event = {{"apiVersion", "v1"},
                {"kind", "Event"},
                {"metadata", {{"name", name + "." + suffix}, {"namespace", ns}}},
                {"involvedObject",
                 {{"kind", k8s::text_field(object, "kind")},
                  {"namespace", ns},
                  {"name", name},
                  {"uid", k8s::text_field(metadata, "uid")},
                  {"apiVersion", k8s::text_field(object, "apiVersion")},
                  {"resourceVersion", k8s::text_field(metadata, "resourceVersion")}}},
                {"reason", reason},
                {"message", message},
                {"source", {{"component", component_}}},
                {"firstTimestamp", timestamp},
                {"lastTimestamp", timestamp},
                {"count", 1},
                {"type", type},
                {"reportingComponent", component_},
                {"reportingInstance", ""}};
  trace_.event("k8s.event", {{"object", k8s::text_field(object, "kind") + "/" + ns + "/" + name},
                             {"type", type},
                             {"reason", reason},
                             {"message", message}});
  net::spawn_checked(executor_, post(std::move(event)), "event-recorder." + component_);
}

net::Awaitable<void> EventRecorder::post(Json event) {
  const std::string ns = k8s::text_field(k8s::metadata_of(event), "namespace", "default");
  auto created = co_await client_.create(resources::events, ns, std::move(event));
  if (!created) trace_.event("k8s.event.dropped", {{"error", created.error().describe()}});
}

}  // namespace albc::k8s
