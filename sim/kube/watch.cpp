#include "sim/kube/watch.hpp"
#include "controller/net/json.hpp"

namespace albc::sim::kube {

Watch::Watch(Store& store, net::Clock& clock, const ResourceType& type, WatchOptions options,
             EventRenderer renderer)
    : store_(store),
      clock_(clock),
      type_(type),
      options_(std::move(options)),
      renderer_(std::move(renderer)) {
  store_.attach(this);
  timeout_timer_ = clock_.call_after(options_.timeout, [this] {
    timeout_timer_ = 0;
    if (options_.allow_bookmarks) queue_bookmark(false);
    close();
  });
  arm_bookmark_timer();
}

Watch::~Watch() {
  if (timeout_timer_ != 0) clock_.cancel(timeout_timer_);
  if (bookmark_timer_ != 0) clock_.cancel(bookmark_timer_);
  store_.detach(this);
}

// Bookmarks about once a minute keep a quiet watcher's resourceVersion fresh, so that it can
// resume without a 410 after other kinds have filled the history.
void Watch::arm_bookmark_timer() {
  if (!options_.allow_bookmarks || closed_) return;
  bookmark_timer_ = clock_.call_after(options_.bookmark_interval, [this] {
    bookmark_timer_ = 0;
    queue_bookmark(false);
    arm_bookmark_timer();
  });
}

void Watch::queue_bookmark(bool initial_events_end) {
  Json metadata = {{"resourceVersion", std::to_string(store_.revision())},
                   {"creationTimestamp", nullptr}};
  if (initial_events_end) metadata["annotations"] = {{"k8s.io/initial-events-end", "true"}};
  queue("BOOKMARK",
        Json{{"apiVersion", type_.api_version()}, {"kind", type_.kind}, {"metadata", metadata}},
        initial_events_end);
}

bool Watch::matches(const Json& object) const {
  const Json& metadata = object["metadata"];
  if (type_.namespaced && !options_.ns.empty() && metadata.value("namespace", "") != options_.ns) {
    return false;
  }
  if (!options_.labels.matches(metadata.value("labels", Json::object()))) return false;
  return !options_.fields || options_.fields->matches(object);
}

void Watch::queue(std::string_view type, const Json& object, bool initial) {
  if (closed_) return;
  if (!initial && pending_.size() >= options_.pending_events_max) {
    close();  // a slow consumer is cut off, as the real watch cache does
    return;
  }
  Json shown = object;
  if (shown.is_object() && type != "ERROR")
    shown["apiVersion"] = type_.api_version();  // served versions differ only in name
  if (renderer_ && type != "ERROR" && type != "BOOKMARK") {
    try {
      shown = renderer_(object, first_event_);
    } catch (const std::exception& error) {
      // This watcher cannot show the object; it alone ends, the write stands.
      const StatusError failed{500, "InternalError",
                               std::string("cannot render the object: ") + error.what()};
      push(std::make_shared<const std::string>(
          net::dump_json(Json{{"type", "ERROR"}, {"object", failed.to_json()}}) + "\n"));
      close();
      return;
    }
  }
  Json event = {{"type", type}, {"object", shown}};
  first_event_ = false;
  push(std::make_shared<const std::string>(net::dump_json(event) + "\n"));
}

void Watch::queue_change(std::string_view type, const Change& change, bool initial) {
  if (renderer_) return queue(type, change.object(), initial);
  if (closed_) return;
  if (!initial && pending_.size() >= options_.pending_events_max) {
    close();  // a slow consumer is cut off, as the real watch cache does
    return;
  }
  const std::string api_version = type_.api_version();
  std::weak_ptr<const std::string>& shared =
      change.encoded->lines[std::string(type) + " " + api_version];
  std::shared_ptr<const std::string> line = shared.lock();
  if (!line) {
    Json shown = change.object();
    if (shown.is_object()) shown["apiVersion"] = api_version;  // served versions differ in name
    line = std::make_shared<const std::string>(
        net::dump_json(Json{{"type", type}, {"object", std::move(shown)}}) + "\n");
    shared = line;
  }
  first_event_ = false;
  push(std::move(line));
}

void Watch::push(std::shared_ptr<const std::string> line) {
  pending_.push_back(std::move(line));
  ready_.notify_all();
}

void Watch::close() {
  closed_ = true;
  ready_.notify_all();
}

void Watch::cancel() {
  pending_.clear();  // nobody will read them
  close();
}

bool Watch::start() {
  const std::uint64_t from = options_.resource_version.value_or(0);
  if (from == 0 || options_.send_initial_events) {
    for (const Json& object : store_.snapshot(type_, options_.ns)) {
      if (matches(object)) queue("ADDED", object, true);
    }
    if (options_.send_initial_events) queue_bookmark(true);
    return true;
  }
  if (from + 1 < store_.oldest_history_revision()) {
    queue("ERROR",
          expired("too old resource version: " + std::to_string(from) + " (" +
                  std::to_string(store_.oldest_history_revision()) + ")")
              .to_json(),
          true);
    close();
    return false;
  }
  for (const Change& change : store_.history_after(type_, from))
    offer(change, true);
  return true;
}

void Watch::offer(const Change& change) {
  offer(change, false);
}

void Watch::offer(const Change& change, bool initial) {
  if (closed_ || change.resource->storage_key() != type_.storage_key()) return;
  const bool now_matches = matches(change.object());
  const bool matched_before = !change.previous().is_null() && matches(change.previous());
  switch (change.type) {
    case ChangeType::Added:
      if (now_matches) queue_change("ADDED", change, initial);
      break;
    case ChangeType::Modified:
      // Selector transitions look like creation and deletion to this watcher; a DELETED shows
      // the object as the watcher last matched it, at the new resourceVersion.
      if (now_matches && matched_before) queue_change("MODIFIED", change, initial);
      if (now_matches && !matched_before) queue_change("ADDED", change, initial);
      if (!now_matches && matched_before) {
        Json last = change.previous();
        last["metadata"]["resourceVersion"] = change.object()["metadata"]["resourceVersion"];
        queue("DELETED", last, initial);
      }
      break;
    case ChangeType::Deleted:
      if (now_matches || matched_before) queue_change("DELETED", change, initial);
      break;
  }
}

net::Awaitable<net::Result<std::optional<std::string>>> Watch::next() {
  while (pending_.empty() && !closed_)
    co_await ready_.wait();
  if (pending_.empty()) co_return std::optional<std::string>();
  std::string batch;
  while (!pending_.empty()) {
    batch += *pending_.front();
    pending_.pop_front();
  }
  co_return std::optional<std::string>(std::move(batch));
}

}  // namespace albc::sim::kube
