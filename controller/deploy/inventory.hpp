#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controller/aws/elbv2.hpp"
#include "controller/deploy/discovery.hpp"
#include "controller/deploy/tracking.hpp"
#include "controller/net/clock.hpp"
#include "controller/net/signal.hpp"
#include "controller/net/trace.hpp"

namespace albc::deploy {

// What the controller knows of the account's load balancers and target groups between
// reconciles: which stack each one belongs to, and its tags.
//
// The real controller caches tags for 20 minutes, dropping a resource's entry when it changes
// that resource's tags (pkg/deploy/elbv2/tagging_manager.go), yet lists every load balancer and
// target group of the account on each reconcile, which costs O(account) per group. The inventory
// keeps the stack of each resource with the same lifetime: a reconcile describes its own stack's
// resources by ARN, at most one call per kind for up to 20 of them, and takes their tags from the
// cache. The whole account is listed again when the inventory is 20 minutes old. The
// controller's own creates, deletes and tag changes update it as they happen; a resource it holds
// that turns out to be gone is dropped, unless this controller created it less than
// kCreatedGrace ago (AWS may not show a new resource for a while: then it is left out of the
// answer, as a listing would leave it out, and kept). What it does not see before the next
// listing: a resource created outside this controller with a stack's tags (README,
// "Differences").
//
// Within one reconcile of a group (begin() to the next begin()), the load balancers found for the
// stack are remembered, so that building the model and deploying it describe them once.
class Inventory {
 public:
  static constexpr std::chrono::minutes kLifetime{20};
  static constexpr std::chrono::minutes kCreatedGrace{5};

  Inventory(aws::Elbv2& elbv2, net::Clock& clock, net::Trace& trace, std::string vpc_id);

  // A reconcile of this stack starts: what was remembered for it is forgotten.
  void begin(const std::string& stack_id) { described_.erase(stack_id); }

  net::Awaitable<net::Result<std::vector<Tagged<aws::LoadBalancer>>>> load_balancers(
      StackIdentity stack);
  net::Awaitable<net::Result<std::vector<Tagged<aws::TargetGroup>>>> target_groups(
      StackIdentity stack);

  // Tags of any ELBv2 resources (listeners and rules too), from the cache or else DescribeTags.
  net::Awaitable<net::Result<std::map<std::string, Tags>>> tags_of(std::vector<std::string> arns);

  // The controller's own writes, as they succeed (created: any ELBv2 resource, with the tags it
  // was created with).
  void created(const std::string& arn, const Tags& tags);
  void deleted(const std::string& arn);
  void tags_changed(const std::string& arn);

  // Listings of the whole account so far (for tests and reports).
  std::size_t listings() const { return listings_; }

 private:
  enum class Kind { LoadBalancer, TargetGroup };
  struct Entry {
    Kind kind = Kind::LoadBalancer;
    std::string stack_id;
    std::optional<net::Clock::time_point> created_at;  // when this controller created it
  };
  struct CachedTags {
    Tags tags;
    net::Clock::time_point until{};
  };

  // Lists the account when the inventory is empty or old; one listing at a time (the others
  // wait for it and share its outcome).
  net::Awaitable<net::Result<void>> ensure_listed();
  net::Awaitable<net::Result<void>> list_account();
  std::vector<std::string> arns_of(const std::string& stack_id, Kind kind) const;
  void put(const std::string& arn, Kind kind, const Tags& tags);
  bool recently_created(const std::string& arn) const;
  // describe(arns), leaving out (and forgetting, unless recently created) those that are gone.
  template <class Resource>
  net::Awaitable<net::Result<std::vector<Resource>>> describe_present(
      std::vector<std::string> arns,
      std::function<net::Awaitable<net::Result<std::vector<Resource>>>(std::vector<std::string>)>
          describe,
      std::string_view not_found);
  void forget(const std::string& arn);
  template <class Resource>
  net::Awaitable<net::Result<std::vector<Tagged<Resource>>>> members(
      StackIdentity stack, Kind kind,
      std::function<net::Awaitable<net::Result<std::vector<Resource>>>(std::vector<std::string>)>
          describe,
      std::string_view not_found);

  aws::Elbv2& elbv2_;
  net::Clock& clock_;
  net::Trace& trace_;
  std::string vpc_id_;
  std::map<std::string, Entry> entries_;    // load balancers and target groups, by ARN
  std::map<std::string, CachedTags> tags_;  // by ARN
  std::map<std::string, std::set<std::string>> by_stack_;                    // stack ID → ARNs
  std::map<std::string, std::vector<Tagged<aws::LoadBalancer>>> described_;  // by stack ID
  std::optional<net::Clock::time_point> listed_at_;
  bool listing_ = false;
  std::uint64_t listing_generation_ = 0;  // listings finished, whatever their outcome
  std::optional<net::Error> last_listing_error_;
  net::Signal listed_;
  // Writes while a listing is under way, applied over its result.
  std::map<std::string, std::optional<Tags>> written_during_listing_;
  std::size_t listings_ = 0;
};

}  // namespace albc::deploy
