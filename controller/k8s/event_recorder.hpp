#pragma once

#include <string>

#include "controller/k8s/client.hpp"
#include "controller/net/clock.hpp"
#include "controller/net/trace.hpp"

namespace albc::k8s {

// Records core/v1 Events on objects, as client-go's recorder does: best effort (a failure is
// traced and dropped) and without making the reconciler wait.
class EventRecorder {
 public:
  EventRecorder(Client& client, net::Clock& clock, net::Trace& trace, net::Executor executor,
                std::string component);

  void normal(const Json& object, std::string reason, std::string message);
  void warning(const Json& object, std::string reason, std::string message);

 private:
  void record(const Json& object, std::string type, std::string reason, std::string message);
  net::Awaitable<void> post(Json event);

  Client& client_;
  net::Clock& clock_;
  net::Trace& trace_;
  net::Executor executor_;
  std::string component_;
  std::uint64_t sequence_ = 0;
};

}  // namespace albc::k8s
