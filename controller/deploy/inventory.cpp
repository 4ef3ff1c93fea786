#include "controller/deploy/inventory.hpp"

namespace albc::deploy {
namespace {

bool is_load_balancer(const std::string& arn) {
  return arn.find(":loadbalancer/") != std::string::npos;
}

bool is_target_group(const std::string& arn) {
  return arn.find(":targetgroup/") != std::string::npos;
}

bool is_not_found(const net::Error& error) {
  return error.code.ends_with("NotFound");  // LoadBalancerNotFound, TargetGroupNotFound, ...
}

std::string stack_of(const Tags& tags) {
  auto stack = tags.find(std::string(kStackTag));
  return stack == tags.end() ? "" : stack->second;
}

}  // namespace

Inventory::Inventory(aws::Elbv2& elbv2, net::Clock& clock, net::Trace& trace, std::string vpc_id)
    : elbv2_(elbv2), clock_(clock), trace_(trace), vpc_id_(std::move(vpc_id)) {}

void Inventory::put(const std::string& arn, Kind kind, const Tags& tags) {
  forget(arn);
  Entry& entry = entries_[arn];
  entry.kind = kind;
  entry.stack_id = stack_of(tags);
  tags_[arn] = {tags, clock_.now() + kLifetime};
  if (!entry.stack_id.empty()) by_stack_[entry.stack_id].insert(arn);
}

void Inventory::forget(const std::string& arn) {
  auto found = entries_.find(arn);
  if (found == entries_.end()) return;
  described_.erase(found->second.stack_id);
  if (auto stack = by_stack_.find(found->second.stack_id); stack != by_stack_.end()) {
    stack->second.erase(arn);
    if (stack->second.empty()) by_stack_.erase(stack);
  }
  entries_.erase(found);
}

bool Inventory::recently_created(const std::string& arn) const {
  auto found = entries_.find(arn);
  return found != entries_.end() && found->second.created_at &&
         clock_.now() - *found->second.created_at < kCreatedGrace;
}

void Inventory::created(const std::string& arn, const Tags& tags) {
  tags_[arn] = {tags, clock_.now() + kLifetime};
  if (!is_load_balancer(arn) && !is_target_group(arn)) return;  // a listener or a rule
  put(arn, is_load_balancer(arn) ? Kind::LoadBalancer : Kind::TargetGroup, tags);
  entries_[arn].created_at = clock_.now();
  described_.erase(stack_of(tags));
  if (listing_) written_during_listing_[arn] = tags;
}

void Inventory::deleted(const std::string& arn) {
  forget(arn);
  tags_.erase(arn);
  if (listing_) written_during_listing_[arn] = std::nullopt;
}

void Inventory::tags_changed(const std::string& arn) {
  // As the real controller's cache does: the next read asks AWS. The stack tag never changes
  // (it names the stack the resource was created for).
  tags_.erase(arn);
  if (auto found = entries_.find(arn); found != entries_.end())
    described_.erase(found->second.stack_id);
}

std::vector<std::string> Inventory::arns_of(const std::string& stack_id, Kind kind) const {
  std::vector<std::string> arns;
  auto stack = by_stack_.find(stack_id);
  if (stack == by_stack_.end()) return arns;
  for (const std::string& arn : stack->second) {
    if (entries_.at(arn).kind == kind) arns.push_back(arn);
  }
  return arns;
}

net::Awaitable<net::Result<void>> Inventory::ensure_listed() {
  if (listing_) {
    // Another reconcile is listing: its outcome is this one's too.
    const std::uint64_t awaited = listing_generation_ + 1;
    while (listing_generation_ < awaited)
      co_await listed_.wait();
    if (last_listing_error_) co_return net::fail(*last_listing_error_);
    co_return net::Result<void>();
  }
  if (listed_at_ && clock_.now() - *listed_at_ < kLifetime) co_return net::Result<void>();
  // Whatever happens to this coroutine (an error, a bug thrown, its process dying), the listing
  // ends; the waiters are woken on the way out of a listing that returned (a dying process's
  // waiters die with it; after a thrown bug they wake with the next listing).
  struct Finish {
    Inventory& inventory;
    ~Finish() {
      inventory.listing_ = false;
      inventory.written_during_listing_.clear();
      ++inventory.listing_generation_;
    }
  };
  listing_ = true;
  last_listing_error_.reset();
  net::Result<void> listed;
  {
    Finish finish{*this};
    listed = co_await list_account();
    if (!listed) last_listing_error_ = listed.error();
  }
  listed_.notify_all();
  co_return listed;
}

net::Awaitable<net::Result<void>> Inventory::list_account() {
  ++listings_;
  trace_.event("deploy.inventory.listing");
  auto load_balancers = co_await elbv2_.describe_load_balancers();
  if (!load_balancers) co_return net::fail(load_balancers.error());
  auto target_groups = co_await elbv2_.describe_target_groups();
  if (!target_groups) co_return net::fail(target_groups.error());
  std::vector<std::string> arns;
  std::map<std::string, Kind> kinds;
  for (const aws::LoadBalancer& lb : *load_balancers) {
    if (lb.vpc_id != vpc_id_) continue;
    arns.push_back(lb.arn);
    kinds[lb.arn] = Kind::LoadBalancer;
  }
  for (const aws::TargetGroup& group : *target_groups) {
    if (group.vpc_id != vpc_id_) continue;
    arns.push_back(group.arn);
    kinds[group.arn] = Kind::TargetGroup;
  }
  // Resources gone since the last listing leave the cache (but for this controller's newest,
  // which AWS may not list yet); those still there keep their tags.
  for (auto entry = entries_.begin(); entry != entries_.end();) {
    const std::string arn = (entry++)->first;
    if (!kinds.contains(arn) && !written_during_listing_.contains(arn) && !recently_created(arn))
      forget(arn);
  }
  std::erase_if(tags_,
                [now = clock_.now()](const auto& entry) { return entry.second.until <= now; });
  auto tags = co_await tags_of(arns);
  if (!tags) co_return net::fail(tags.error());
  for (const auto& [arn, kind] : kinds) {
    auto resource_tags = tags->find(arn);
    if (resource_tags != tags->end() && !written_during_listing_.contains(arn))
      put(arn, kind, resource_tags->second);
  }
  // What this controller wrote while the listing ran is newer than the listing.
  for (const auto& [arn, written] : written_during_listing_) {
    if (written)
      put(arn, is_load_balancer(arn) ? Kind::LoadBalancer : Kind::TargetGroup, *written);
    else
      forget(arn);
  }
  listed_at_ = clock_.now();
  co_return net::Result<void>();
}

net::Awaitable<net::Result<std::map<std::string, Tags>>> Inventory::tags_of(
    std::vector<std::string> arns) {
  std::map<std::string, Tags> tags;
  std::vector<std::string> missing;
  const auto now = clock_.now();
  for (const std::string& arn : arns) {
    auto cached = tags_.find(arn);
    if (cached != tags_.end() && cached->second.until > now)
      tags[arn] = cached->second.tags;
    else
      missing.push_back(arn);
  }
  if (missing.empty()) co_return tags;
  auto described = co_await elbv2_.describe_tags(missing);
  if (!described && is_not_found(described.error())) {
    // One of them is gone since it was listed: ask one by one, and leave out those gone.
    described = std::map<std::string, Tags>();
    for (const std::string& arn : missing) {
      std::vector<std::string> just_this(1, arn);  // not a braced list: GCC 12 in a co_await
      auto one = co_await elbv2_.describe_tags(std::move(just_this));
      if (!one && is_not_found(one.error())) continue;
      if (!one) co_return net::fail(one.error());
      described->insert(one->begin(), one->end());
    }
  }
  if (!described) co_return net::fail(described.error());
  for (auto& [arn, resource_tags] : *described) {
    tags_[arn] = {resource_tags, clock_.now() + kLifetime};
    tags[arn] = std::move(resource_tags);
  }
  co_return tags;
}

template <class Resource>
net::Awaitable<net::Result<std::vector<Resource>>> Inventory::describe_present(
    std::vector<std::string> arns,
    std::function<net::Awaitable<net::Result<std::vector<Resource>>>(std::vector<std::string>)>
        describe,
    std::string_view not_found) {
  auto described = co_await describe(arns);
  if (described || described.error().code != not_found) co_return described;
  // One of them is gone (deleted outside this controller, or too new for AWS to show): ask one
  // by one; the gone ones leave the inventory, but for this controller's newest.
  std::vector<Resource> present;
  for (const std::string& arn : arns) {
    std::vector<std::string> just_this(1, arn);  // not a braced list: GCC 12 in a co_await
    auto one = co_await describe(std::move(just_this));
    if (one) {
      for (Resource& resource : *one)
        present.push_back(std::move(resource));
      continue;
    }
    if (one.error().code != not_found) co_return net::fail(one.error());
    if (!recently_created(arn)) {
      trace_.event("deploy.inventory.gone", {{"arn", arn}});
      forget(arn);
    }
  }
  co_return present;
}

template <class Resource>
net::Awaitable<net::Result<std::vector<Tagged<Resource>>>> Inventory::members(
    StackIdentity stack, Kind kind,
    std::function<net::Awaitable<net::Result<std::vector<Resource>>>(std::vector<std::string>)>
        describe,
    std::string_view not_found) {
  if (auto listed = co_await ensure_listed(); !listed) co_return net::fail(listed.error());
  const std::vector<std::string> arns = arns_of(stack.stack_id, kind);
  std::vector<Tagged<Resource>> found;
  if (arns.empty()) co_return found;
  auto described = co_await describe_present<Resource>(arns, describe, not_found);
  if (!described) co_return net::fail(described.error());
  std::vector<std::string> present;
  for (const Resource& resource : *described)
    present.push_back(resource.arn);
  auto tags = co_await tags_of(present);
  if (!tags) co_return net::fail(tags.error());
  for (Resource& resource : *described) {
    const Tags& resource_tags = (*tags)[resource.arn];
    if (belongs_to(stack, resource_tags)) found.push_back({std::move(resource), resource_tags});
  }
  co_return found;
}

net::Awaitable<net::Result<std::vector<Tagged<aws::LoadBalancer>>>> Inventory::load_balancers(
    StackIdentity stack) {
  if (auto remembered = described_.find(stack.stack_id); remembered != described_.end())
    co_return remembered->second;
  auto found = co_await members<aws::LoadBalancer>(
      stack, Kind::LoadBalancer,
      [this](std::vector<std::string> arns) {
        return elbv2_.describe_load_balancers(std::move(arns));
      },
      "LoadBalancerNotFound");
  if (found) described_[stack.stack_id] = *found;
  co_return found;
}

net::Awaitable<net::Result<std::vector<Tagged<aws::TargetGroup>>>> Inventory::target_groups(
    StackIdentity stack) {
  co_return co_await members<aws::TargetGroup>(
      stack, Kind::TargetGroup,
      [this](std::vector<std::string> arns) {
        return elbv2_.describe_target_groups(std::move(arns));
      },
      "TargetGroupNotFound");
}

}  // namespace albc::deploy
