#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "controller/k8s/cache.hpp"
#include "controller/k8s/client.hpp"
#include "controller/net/bug_sink.hpp"
#include "controller/net/clock.hpp"
#include "controller/net/random.hpp"
#include "controller/net/trace.hpp"

namespace albc::k8s {

struct InformerOptions {
  std::chrono::seconds watch_timeout_min{300};
  std::chrono::seconds watch_timeout_max{600};
  std::chrono::milliseconds backoff_initial{800};
  std::chrono::milliseconds backoff_max{30'000};
  std::chrono::hours resync_period{10};
  std::size_t page_size = 500;
};

// List, then watch from the list's resourceVersion, keeping an ObjectCache current and telling
// handlers what changed (client-go's reflector): re-watch when a watch ends, re-list on 410,
// back off on errors. Handlers only map events to work-queue keys.
class Informer {
 public:
  // old is null for an addition, current is null for a deletion; both set for an update (and
  // equal for a resync).
  using Handler = std::function<void(const Json* old, const Json* current)>;

  Informer(Client& client, net::Clock& clock, net::Random random, net::Trace& trace,
           const Resource& resource, InformerOptions options = {});
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  void on_change(Handler handler) { handlers_.push_back(std::move(handler)); }
  // What is kept of each object (client-go's SetTransform): applied before an object is cached
  // or handed to handlers, so that a large kind costs only what the controller reads of it.
  using Transform = std::function<void(Json& object)>;
  void set_transform(Transform transform) { transform_ = std::move(transform); }
  // Where a handler that throws is reported (net/bug_sink.hpp); without one it is traced only.
  void set_bug_sink(net::BugSink sink) { bug_sink_ = std::move(sink); }
  void start(net::Executor executor);
  void stop() { stopped_ = true; }
  bool synced() const { return synced_; }
  const ObjectCache& cache() const { return cache_; }
  // An index of the cache (ObjectCache::add_index), added before start().
  void add_index(const std::string& name, ObjectCache::IndexFunc index) {
    cache_.add_index(name, std::move(index));
  }
  const Resource& resource() const { return resource_; }
  // Tells the handlers about every cached object again, as the resync period does, and starts
  // the period over.
  void resync();

 private:
  net::Awaitable<void> run();
  net::Awaitable<bool> list_and_replace(std::string& resource_version);
  net::Awaitable<void> watch_until_gone(std::string& resource_version);
  void apply(const std::string& type, Json object);
  void notify(const Json* old, const Json* current);
  net::Clock::duration next_backoff();

  Client& client_;
  net::Clock& clock_;
  net::Random random_;
  net::Trace& trace_;
  const Resource& resource_;
  InformerOptions options_;
  ObjectCache cache_;
  std::vector<Handler> handlers_;
  Transform transform_;
  net::BugSink bug_sink_;
  bool synced_ = false;
  bool stopped_ = false;
  net::Clock::duration backoff_{};
  net::Clock::time_point last_backoff_{};
  static constexpr std::chrono::minutes kBackoffReset{2};
  net::Clock::TimerId resync_timer_ = 0;
};

}  // namespace albc::k8s
