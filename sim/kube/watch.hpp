#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>

#include "controller/net/clock.hpp"
#include "controller/net/http.hpp"
#include "controller/net/signal.hpp"
#include "sim/kube/store.hpp"

namespace albc::sim::kube {

struct WatchOptions {
  std::string ns;  // empty: all namespaces
  LabelSelector labels;
  std::optional<FieldSelector> fields;
  std::optional<std::uint64_t> resource_version;  // nullopt or 0: start with the current state
  bool send_initial_events = false;
  bool allow_bookmarks = false;
  std::chrono::seconds timeout{1800};
  std::size_t pending_events_max = 10'000;  // a slower watcher is closed; the client re-watches
  std::chrono::seconds bookmark_interval{60};
};

// How events are written on the wire: the object as is, or (kubectl get -w) a Table row.
using EventRenderer = std::function<Json(const Json& object, bool first_event)>;

// One watch: newline-delimited JSON events (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR) for the
// objects that match its selectors, streamed until the timeout or until the client goes away.
class Watch final : public net::BodyStream {
 public:
  Watch(Store& store, net::Clock& clock, const ResourceType& type, WatchOptions options,
        EventRenderer renderer);
  ~Watch() override;

  // Queues the initial events (synthetic ADDED or replayed history). Returns false when the
  // requested resourceVersion is older than the kept history (an ERROR 410 event is queued).
  bool start();
  void offer(const Change& change);
  void offer(const Change& change, bool initial);
  net::Awaitable<net::Result<std::optional<std::string>>> next() override;
  void cancel() override;
  bool closed() const { return closed_; }
  bool live() const override { return !closed_; }

 private:
  bool matches(const Json& object) const;
  // Initial events (the snapshot, replayed history) do not count against the cap.
  void queue(std::string_view type, const Json& object, bool initial = false);
  // A change's object as it is: its line is rendered once for every watcher of that apiVersion
  // (unless this watcher renders rows of its own).
  void queue_change(std::string_view type, const Change& change, bool initial);
  void push(std::shared_ptr<const std::string> line);
  void queue_bookmark(bool initial_events_end);
  void arm_bookmark_timer();
  void close();

  Store& store_;
  net::Clock& clock_;
  const ResourceType& type_;
  WatchOptions options_;
  EventRenderer renderer_;
  std::deque<std::shared_ptr<const std::string>> pending_;
  net::Signal ready_;
  net::Clock::TimerId timeout_timer_ = 0;
  net::Clock::TimerId bookmark_timer_ = 0;
  bool closed_ = false;
  bool first_event_ = true;
};

}  // namespace albc::sim::kube
