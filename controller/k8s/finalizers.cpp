#include "controller/k8s/finalizers.hpp"

#include <algorithm>

namespace albc::k8s {

FinalizerManager::FinalizerManager(Client& client, net::Clock& clock, net::Trace& trace)
    : client_(client), clock_(clock), trace_(trace) {}

net::Awaitable<net::Result<void>> FinalizerManager::add(const Resource& resource, std::string ns,
                                                        std::string name, std::string finalizer) {
  co_return co_await change(resource, std::move(ns), std::move(name), std::move(finalizer), true);
}

net::Awaitable<net::Result<void>> FinalizerManager::remove(const Resource& resource, std::string ns,
                                                           std::string name,
                                                           std::string finalizer) {
  co_return co_await change(resource, std::move(ns), std::move(name), std::move(finalizer), false);
}

net::Awaitable<net::Result<void>> FinalizerManager::change(const Resource& resource, std::string ns,
                                                           std::string name, std::string finalizer,
                                                           bool present) {
  auto delay = std::chrono::milliseconds(10);
  net::Error last;
  for (int attempt = 0; attempt < 4; ++attempt) {
    if (attempt > 0) {
      co_await clock_.sleep_for(delay);
      delay *= 5;
    }
    auto current = co_await client_.get(resource, ns, name);
    if (!current) {
      if (!present && is_not_found(current.error())) co_return net::Result<void>();
      co_return net::fail(current.error());
    }
    Json finalizers = k8s::list_field(k8s::metadata_of(*current), "finalizers");
    const bool has = std::find(finalizers.begin(), finalizers.end(), finalizer) != finalizers.end();
    if (has == present) co_return net::Result<void>();
    if (present) {
      finalizers.push_back(finalizer);
    } else {
      finalizers.erase(std::remove(finalizers.begin(), finalizers.end(), finalizer),
                       finalizers.end());
    }
    Json patch = {
        {"metadata",
         {{"finalizers", finalizers.empty() ? Json(nullptr) : finalizers},
          {"resourceVersion", k8s::text_field(k8s::metadata_of(*current), "resourceVersion")}}}};
    auto patched = co_await client_.patch(resource, ns, name, PatchType::Merge, patch);
    if (patched) {
      trace_.event(present ? "k8s.finalizer.added" : "k8s.finalizer.removed",
                   {{"object", std::string(resource.kind) + "/" + object_key(ns, name)},
                    {"finalizer", finalizer}});
      co_return net::Result<void>();
    }
    if (!present && is_not_found(patched.error())) co_return net::Result<void>();
    if (!is_conflict(patched.error())) co_return net::fail(patched.error());
    last = patched.error();
  }
  co_return net::fail(last);
}

}  // namespace albc::k8s
