#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "controller/net/clock.hpp"
#include "controller/net/signal.hpp"

namespace albc::k8s {

struct WorkQueueOptions {
  // Per-item exponential backoff, as controller-runtime's default rate limiter.
  std::chrono::milliseconds backoff_base{5};
  std::chrono::seconds backoff_max{1000};
  std::size_t length_max = 100'000;
};

// client-go's work queue on our Clock: a key is queued at most once and never processed by two
// workers at a time; a key added while processing is queued again when done; delayed adds keep
// the earliest deadline; rate-limited adds back off per key until forgotten.
class WorkQueue {
 public:
  WorkQueue(net::Clock& clock, WorkQueueOptions options = {});
  ~WorkQueue();

  void add(const std::string& key);
  void add_after(const std::string& key, net::Clock::duration delay);
  void add_rate_limited(const std::string& key);
  void forget(const std::string& key) { failures_.erase(key); }
  int failures(const std::string& key) const;

  // The next key to process, or nullopt once shut down.
  net::Awaitable<std::optional<std::string>> get();
  void done(const std::string& key);
  void shut_down();

  std::size_t length() const { return queue_.size(); }
  // Nothing queued, in progress or waiting for a delay.
  bool idle() const { return queue_.empty() && processing_.empty() && delayed_.empty(); }
  // The keys not settled yet, for diagnostics.
  std::vector<std::string> unsettled() const;

 private:
  net::Clock& clock_;
  WorkQueueOptions options_;
  std::deque<std::string> queue_;
  std::set<std::string> dirty_;
  std::set<std::string> processing_;
  struct Delayed {
    net::Clock::time_point deadline;
    net::Clock::TimerId timer;
  };
  std::map<std::string, Delayed> delayed_;
  std::map<std::string, int> failures_;
  net::Signal ready_;
  bool shutting_down_ = false;
};

}  // namespace albc::k8s
