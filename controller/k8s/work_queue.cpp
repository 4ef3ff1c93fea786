#include "controller/k8s/work_queue.hpp"

#include "controller/net/assert.hpp"

namespace albc::k8s {

WorkQueue::WorkQueue(net::Clock& clock, WorkQueueOptions options)
    : clock_(clock), options_(options) {}

WorkQueue::~WorkQueue() {
  for (const auto& [key, delayed] : delayed_)
    clock_.cancel(delayed.timer);
}

void WorkQueue::add(const std::string& key) {
  if (shutting_down_ || dirty_.contains(key)) return;
  if (queue_.size() >= options_.length_max) return;  // bounded: a later event re-adds the key
  dirty_.insert(key);
  if (processing_.contains(key)) return;
  queue_.push_back(key);
  ready_.notify_all();
}

void WorkQueue::add_after(const std::string& key, net::Clock::duration delay) {
  if (shutting_down_) return;
  if (delay <= net::Clock::duration::zero()) {
    add(key);
    return;
  }
  const auto deadline = clock_.now() + delay;
  auto existing = delayed_.find(key);
  if (existing != delayed_.end()) {
    if (existing->second.deadline <= deadline) return;
    clock_.cancel(existing->second.timer);
  }
  const auto timer = clock_.call_after(delay, [this, key] {
    delayed_.erase(key);
    add(key);
  });
  delayed_[key] = Delayed{deadline, timer};
}

void WorkQueue::add_rate_limited(const std::string& key) {
  const int failures = failures_[key]++;
  auto delay = net::Clock::duration(options_.backoff_base);
  for (int i = 0; i < failures && delay < options_.backoff_max; ++i)
    delay *= 2;
  add_after(key, std::min<net::Clock::duration>(delay, options_.backoff_max));
}

int WorkQueue::failures(const std::string& key) const {
  auto found = failures_.find(key);
  return found == failures_.end() ? 0 : found->second;
}

net::Awaitable<std::optional<std::string>> WorkQueue::get() {
  while (queue_.empty() && !shutting_down_)
    co_await ready_.wait();
  if (queue_.empty()) co_return std::nullopt;
  std::string key = queue_.front();
  queue_.pop_front();
  processing_.insert(key);
  dirty_.erase(key);
  co_return key;
}

void WorkQueue::done(const std::string& key) {
  ALBC_ASSERT(processing_.contains(key));
  processing_.erase(key);
  if (dirty_.contains(key)) {
    queue_.push_back(key);
    ready_.notify_all();
  }
}

void WorkQueue::shut_down() {
  shutting_down_ = true;
  ready_.notify_all();
}

std::vector<std::string> WorkQueue::unsettled() const {
  std::set<std::string> keys(queue_.begin(), queue_.end());
  keys.insert(processing_.begin(), processing_.end());
  for (const auto& [key, delayed] : delayed_)
    keys.insert(key);
  return {keys.begin(), keys.end()};
}

}  // namespace albc::k8s
