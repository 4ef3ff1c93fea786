#include "sim/kube/watch.hpp"

namespace albc::sim::kube {

Watch::Watch(Store& store, net::Clock& clock, const ResourceType& type, WatchOptions options,
             EventRenderer renderer)
    : store_(store), clock_(clock), type_(type), options_(std::move(options)),
      renderer_(std::move(renderer)) {
  store_.attach(this);
  timeout_timer_ = clock_.call_after(options_.timeout, [this] {
    timeout_timer_ = 0;
    if (options_.allow_bookmarks) {
      queue("BOOKMARK", Json{{"apiVersion", type_.api_version()},
                             {"kind", type_.kind},
                             {"metadata", {{"resourceVersion", std::to_string(store_.revision())},
                                           {"creationTimestamp", nullptr}}}});
    }
    close();
  });
}

Watch::~Watch() {
  if (timeout_timer_ != 0) clock_.cancel(timeout_timer_);
  store_.detach(this);
}

bool Watch::matches(const Json& object) const {
  const Json& metadata = object["metadata"];
  if (type_.namespaced && !options_.ns.empty() && metadata.value("namespace", "") != options_.ns) {
    return false;
  }
  if (!options_.labels.matches(metadata.value("labels", Json::object()))) return false;
  return !options_.fields || options_.fields->matches(object);
}

void Watch::queue(std::string_view type, const Json& object) {
  if (closed_) return;
  if (pending_.size() >= options_.pending_events_max) {
    close();  // a slow consumer is cut off, as the real watch cache does
    return;
  }
  const bool renders = renderer_ && type != "ERROR" && type != "BOOKMARK";
  Json event = {{"type", type}, {"object", renders ? renderer_(object, first_event_) : object}};
  first_event_ = false;
  pending_.push_back(event.dump() + "\n");
  ready_.notify_all();
}

void Watch::close() {
  closed_ = true;
  ready_.notify_all();
}

bool Watch::start() {
  const std::uint64_t from = options_.resource_version.value_or(0);
  if (from == 0 || options_.send_initial_events) {
    for (const Json& object : store_.snapshot(type_, options_.ns)) {
      if (matches(object)) queue("ADDED", object);
    }
    if (options_.send_initial_events) {
      queue("BOOKMARK", Json{{"apiVersion", type_.api_version()},
                             {"kind", type_.kind},
                             {"metadata",
                              {{"resourceVersion", std::to_string(store_.revision())},
                               {"creationTimestamp", nullptr},
                               {"annotations", {{"k8s.io/initial-events-end", "true"}}}}}});
    }
    return true;
  }
  if (from + 1 < store_.oldest_history_revision()) {
    queue("ERROR", StatusError{410, "Expired",
                               "too old resource version: " + std::to_string(from) + " (" +
                                   std::to_string(store_.oldest_history_revision()) + ")"}
                       .to_json());
    close();
    return false;
  }
  for (const Change& change : store_.history_after(type_, from)) offer(change);
  return true;
}

void Watch::offer(const Change& change) {
  if (closed_ || change.resource->storage_key() != type_.storage_key()) return;
  const bool now_matches = matches(change.object);
  const bool matched_before = !change.previous.is_null() && matches(change.previous);
  switch (change.type) {
    case ChangeType::Added:
      if (now_matches) queue("ADDED", change.object);
      break;
    case ChangeType::Modified:
      // Selector transitions look like creation and deletion to this watcher.
      if (now_matches && matched_before) queue("MODIFIED", change.object);
      if (now_matches && !matched_before) queue("ADDED", change.object);
      if (!now_matches && matched_before) queue("DELETED", change.object);
      break;
    case ChangeType::Deleted:
      if (now_matches || matched_before) queue("DELETED", change.object);
      break;
  }
}

net::Awaitable<net::Result<std::optional<std::string>>> Watch::next() {
  while (pending_.empty() && !closed_) co_await ready_.wait();
  if (pending_.empty()) co_return std::optional<std::string>();
  std::string batch;
  while (!pending_.empty()) {
    batch += pending_.front();
    pending_.pop_front();
  }
  co_return std::optional<std::string>(std::move(batch));
}

}  // namespace albc::sim::kube
