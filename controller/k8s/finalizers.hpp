#pragma once

#include <chrono>
#include <string>

#include "controller/k8s/client.hpp"
#include "controller/net/clock.hpp"
#include "controller/net/trace.hpp"

namespace albc::k8s {

// Adds and removes finalizers the way the real controller does: GET, then a merge patch of the
// whole finalizer list carrying the resourceVersion read (optimistic lock), retried on
// conflict with client-go's default backoff (4 attempts, 10 ms, ×5).
class FinalizerManager {
 public:
  FinalizerManager(Client& client, net::Clock& clock, net::Trace& trace);

  net::Awaitable<net::Result<void>> add(const Resource& resource, std::string ns, std::string name,
                                        std::string finalizer);
  net::Awaitable<net::Result<void>> remove(const Resource& resource, std::string ns,
                                           std::string name, std::string finalizer);

 private:
  net::Awaitable<net::Result<void>> change(const Resource& resource, std::string ns,
                                           std::string name, std::string finalizer, bool present);
  Client& client_;
  net::Clock& clock_;
  net::Trace& trace_;
};

}  // namespace albc::k8s
