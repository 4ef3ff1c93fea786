#include "controller/k8s/informer.hpp"

namespace albc::k8s {

Informer::Informer(Client& client, net::Clock& clock, net::Random random, net::Trace& trace,
                   const Resource& resource, InformerOptions options)
    : client_(client),
      clock_(clock),
      random_(std::move(random)),
      trace_(trace),
      resource_(resource),
      options_(options) {}

Informer::~Informer() {
  if (resync_timer_ != 0) clock_.cancel(resync_timer_);
}

void Informer::start(net::Executor executor) {
  net::spawn_checked(executor, run(), "informer." + std::string(resource_.plural));
  resync_timer_ = clock_.call_after(options_.resync_period, [this] { resync(); });
}

void Informer::resync() {
  if (resync_timer_ != 0) clock_.cancel(resync_timer_);
  resync_timer_ = 0;
  if (stopped_) return;
  for (const auto& [key, object] : std::map<std::string, Json>(cache_.all()))
    notify(&object, &object);
  resync_timer_ = clock_.call_after(options_.resync_period, [this] { resync(); });
}

void Informer::notify(const Json* old, const Json* current) {
  for (const Handler& handler : handlers_) {
    // Handlers only map events to keys with checked reads; should one throw anyway, the event
    // is lost for that handler only, and the watch goes on.
    try {
      handler(old, current);
    } catch (const std::exception& error) {
      const std::string object = k8s::object_key(current != nullptr ? *current : *old);
      trace_.event("k8s.informer.handler_failed", {{"resource", std::string(resource_.plural)},
                                                   {"object", object},
                                                   {"error", error.what()}});
      if (bug_sink_) {
        bug_sink_("the " + std::string(resource_.plural) + " informer's handler for " + object,
                  error.what());
      }
    }
  }
}

net::Clock::duration Informer::next_backoff() {
  // client-go's backoff manager: it doubles from 800 ms to 30 s, starts over once two minutes
  // have passed without one, and adds up to the same again at random (jitter 1.0), so that
  // informers that failed together do not retry together.
  const auto now = clock_.now();
  if (now - last_backoff_ > kBackoffReset) backoff_ = {};
  last_backoff_ = now;
  backoff_ = backoff_ == net::Clock::duration{}
                 ? net::Clock::duration(options_.backoff_initial)
                 : std::min<net::Clock::duration>(backoff_ * 2, options_.backoff_max);
  const auto jitter = random_.uniform(0, static_cast<std::uint64_t>(backoff_.count()));
  return backoff_ + net::Clock::duration(static_cast<net::Clock::duration::rep>(jitter));
}

net::Awaitable<bool> Informer::list_and_replace(std::string& resource_version) {
  ListOptions list_options;
  list_options.limit = options_.page_size;
  auto list = co_await client_.list(resource_, "", list_options);
  if (!list) {
    trace_.event("k8s.informer.list_failed",
                 {{"resource", std::string(resource_.plural)}, {"error", list.error().describe()}});
    co_return false;
  }
  std::map<std::string, Json> fresh;
  for (Json& item : (*list)["items"]) {
    if (k8s::name_of(item).empty()) continue;  // not an object the cache can key
    item["apiVersion"] = resource_.api_version();
    item["kind"] = resource_.kind;
    if (transform_) transform_(item);
    const std::string key = object_key(item);
    fresh[key] = std::move(item);
  }
  // Deletions first, then additions and updates, each in key order.
  std::vector<std::string> gone;
  for (const auto& [key, object] : cache_.all()) {
    if (!fresh.contains(key)) gone.push_back(key);
  }
  for (const std::string& key : gone) {
    const std::optional<Json> old = cache_.take(key);
    notify(&*old, nullptr);
  }
  for (auto& [key, object] : fresh) {
    const Json* existing = cache_.find(key);
    if (existing != nullptr && *existing == object) continue;
    const std::optional<Json> old = cache_.replace(key, std::move(object));
    notify(old ? &*old : nullptr, cache_.find(key));
  }
  resource_version = k8s::text_field(k8s::metadata_of(*list), "resourceVersion");
  synced_ = true;
  co_return true;
}

void Informer::apply(const std::string& type, Json object) {
  if (transform_) transform_(object);
  const std::string key = object_key(object);
  if (type == "DELETED") {
    if (const std::optional<Json> old = cache_.take(key)) notify(&*old, nullptr);
    return;
  }
  const std::optional<Json> old = cache_.replace(key, std::move(object));
  notify(old ? &*old : nullptr, cache_.find(key));
}

net::Awaitable<void> Informer::watch_until_gone(std::string& resource_version) {
  while (!stopped_) {
    const auto timeout = std::chrono::seconds(
        random_.uniform(static_cast<std::uint64_t>(options_.watch_timeout_min.count()),
                        static_cast<std::uint64_t>(options_.watch_timeout_max.count())));
    WatchOptions watch_options;
    watch_options.resource_version = resource_version;
    watch_options.timeout = timeout;
    auto stream = co_await client_.watch(resource_, "", watch_options);
    if (!stream) {
      if (stream.error().http_status == 410) co_return;  // history gone: re-list
      trace_.event("k8s.informer.watch_failed", {{"resource", std::string(resource_.plural)},
                                                 {"error", stream.error().describe()}});
      co_await clock_.sleep_for(next_backoff());
      continue;
    }
    while (!stopped_) {
      auto event = co_await (*stream)->next();
      if (!event) {
        trace_.event("k8s.informer.watch_broken", {{"resource", std::string(resource_.plural)},
                                                   {"error", event.error().describe()}});
        co_await clock_.sleep_for(next_backoff());
        break;
      }
      if (!event->has_value()) break;  // the server ended the watch: watch again from here
      WatchEvent& change = **event;
      if (change.type == "ERROR") {
        if (k8s::integer_field(change.object, "code", 0) == 410) co_return;
        co_await clock_.sleep_for(next_backoff());
        break;
      }
      resource_version =
          k8s::text_field(k8s::metadata_of(change.object), "resourceVersion", resource_version);
      if (change.type == "BOOKMARK") continue;
      const bool known_type =
          change.type == "ADDED" || change.type == "MODIFIED" || change.type == "DELETED";
      if (!known_type || k8s::name_of(change.object).empty()) {
        trace_.event("k8s.informer.event_dropped",
                     {{"resource", std::string(resource_.plural)}, {"type", change.type}});
        continue;
      }
      change.object["apiVersion"] = resource_.api_version();
      change.object["kind"] = resource_.kind;
      apply(change.type, std::move(change.object));
    }
  }
}

net::Awaitable<void> Informer::run() {
  std::string resource_version;
  while (!stopped_) {
    if (!co_await list_and_replace(resource_version)) {
      co_await clock_.sleep_for(next_backoff());
      continue;
    }
    co_await watch_until_gone(resource_version);
    // The watch's history is gone: list again, after a back-off as client-go's reflector takes
    // between two rounds of list and watch, so that an API server answering 410 to every watch
    // is not asked again at once, without end.
    if (!stopped_) co_await clock_.sleep_for(next_backoff());
  }
}

}  // namespace albc::k8s
