#include "sim/world/workloads.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "controller/net/numbers.hpp"
#include "sim/world/rollout.hpp"

namespace albc::sim::world {

using kube::Json;

namespace {

constexpr const char* kRevision = "deployment.kubernetes.io/revision";
constexpr const char* kRevisionHistory = "deployment.kubernetes.io/revision-history";
constexpr const char* kDesiredReplicas = "deployment.kubernetes.io/desired-replicas";
constexpr const char* kMaxReplicas = "deployment.kubernetes.io/max-replicas";
constexpr const char* kHashLabel = "pod-template-hash";

// The pod-template-hash of a template: FNV-1a over it, its decimal digits spelled in the
// consonant-and-digit alphabet Kubernetes uses for generated names (no vowels, no words).
std::string template_hash(const Json& pod_template) {
  std::uint32_t hash = 2166136261u;
  for (const unsigned char c : pod_template.dump()) {
    hash ^= c;
    hash *= 16777619u;
  }
  constexpr std::string_view alphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string encoded;
  for (const char digit : std::to_string(hash))
    encoded += alphabet[static_cast<unsigned char>(digit) % alphabet.size()];
  return encoded;
}

// A pod template less the pod-template-hash label: what tells one template from another.
Json without_hash(Json pod_template) {
  if (auto metadata = pod_template.find("metadata");
      metadata != pod_template.end() && metadata->is_object()) {
    if (auto labels = metadata->find("labels"); labels != metadata->end() && labels->is_object())
      labels->erase(kHashLabel);
  }
  return pod_template;
}

// The Deployment's annotations a ReplicaSet carries (kubernetes.io/change-cause among them, which
// `kubectl rollout history` shows), less those that describe the Deployment itself.
Json copied_annotations(const Json& deployment) {
  Json copied = Json::object();
  const Json& annotations = field(field(deployment, "metadata"), "annotations");
  if (!annotations.is_object()) return copied;
  for (const auto& [key, value] : annotations.items()) {
    if (key == "kubectl.kubernetes.io/last-applied-configuration" || key == kRevision ||
        key == kRevisionHistory || key == kDesiredReplicas || key == kMaxReplicas ||
        key == "deprecated.deployment.rollback.to")
      continue;
    copied[key] = value;
  }
  return copied;
}

bool recreate(const Json& deployment) {
  return text(field(field(deployment, "spec"), "strategy"), "type") == "Recreate";
}

long long desired_replicas(const Json& deployment) {
  return count_of(field(deployment, "spec"), "replicas", 1);
}

RolloutLimits limits_of(const Json& deployment) {
  const long long replicas = desired_replicas(deployment);
  // Recreate surges nothing, and (as Kubernetes counts it) tolerates no unavailable pod: its
  // Deployment is Available only when every pod is.
  if (recreate(deployment)) return {0, 0};
  const Json& rolling = field(field(field(deployment, "spec"), "strategy"), "rollingUpdate");
  return rollout_limits(rolling, replicas).value_or(RolloutLimits{1, 0});
}

// What every ReplicaSet of a Deployment says of its size: the desired replicas, and the most
// there may be during a rollout.
Json replicas_annotations(const Json& deployment) {
  const long long desired = desired_replicas(deployment);
  return {{kDesiredReplicas, std::to_string(desired)},
          {kMaxReplicas, std::to_string(desired + limits_of(deployment).surge)}};
}

// A condition as the controllers write them: the times stay while nothing about it changes.
Json condition(const Json& previous, const std::string& type, const std::string& status,
               const std::string& reason, const std::string& message, const std::string& now) {
  Json made = {{"type", type},       {"status", status},      {"reason", reason},
               {"message", message}, {"lastUpdateTime", now}, {"lastTransitionTime", now}};
  for (const Json& old : previous.is_array() ? previous : Json::array()) {
    if (text(old, "type") != type) continue;
    if (text(old, "status") == status)
      made["lastTransitionTime"] = field(old, "lastTransitionTime");
    if (text(old, "status") == status && text(old, "reason") == reason &&
        text(old, "message") == message)
      made["lastUpdateTime"] = field(old, "lastUpdateTime");
  }
  return made;
}

}  // namespace

ReplicaSetFacts ReplicaSetFacts::of(const Json& replica_set) {
  ReplicaSetFacts facts;
  const Json& metadata = field(replica_set, "metadata");
  facts.ns = text(metadata, "namespace");
  facts.name = text(metadata, "name");
  facts.uid = text(metadata, "uid");
  const ControllerRef owner = controller_of(metadata, "Deployment");
  facts.owner_uid = owner.uid;
  facts.owner_name = owner.name;
  const Json& spec = field(replica_set, "spec");
  facts.replicas = count_of(spec, "replicas", 1);
  facts.template_without_hash = without_hash(field(spec, "template"));
  const Json& status = field(replica_set, "status");
  facts.status_replicas = count_of(status, "replicas");
  facts.ready = count_of(status, "readyReplicas");
  facts.available = count_of(status, "availableReplicas");
  facts.revision =
      net::parse_integer<long long>(text(field(metadata, "annotations"), kRevision)).value_or(0);
  facts.deleting = metadata.contains("deletionTimestamp");
  return facts;
}

Workloads::Workloads(kube::Store& store, net::Clock& clock, net::Random& random, net::Trace& trace,
                     std::size_t burst_replicas, std::function<void()> request_pass)
    : store_(store),
      clock_(clock),
      random_(random),
      trace_(trace),
      burst_replicas_(burst_replicas),
      request_pass_(std::move(request_pass)) {}

const kube::ResourceType& Workloads::type(const char* api_version, const char* kind) const {
  return store_.type(api_version, kind);
}

void Workloads::deployment_changed(const kube::Change& change) {
  // Its own status writes need no new pass: only what the user (or a rollback) changed does.
  const bool status_only = change.type == kube::ChangeType::Modified &&
                           field(change.object(), "spec") == field(change.previous(), "spec") &&
                           field(field(change.object(), "metadata"), "annotations") ==
                               field(field(change.previous(), "metadata"), "annotations") &&
                           being_deleted(change.object()) == being_deleted(change.previous());
  if (status_only) return;
  dirty_deployments_.insert(key_of(change.object()));
  if (change.type == kube::ChangeType::Deleted)
    deleted_owners_.insert(text(field(change.object(), "metadata"), "uid"));
  request_pass_();
}

void Workloads::replica_set_changed(const kube::Change& change) {
  const std::string key = key_of(change.object());
  if (auto known = replica_sets_.find(key); known != replica_sets_.end()) {
    auto owner = replica_sets_by_owner_.find(known->second.owner_uid);
    if (owner != replica_sets_by_owner_.end()) {
      owner->second.erase(key);
      if (owner->second.empty()) replica_sets_by_owner_.erase(owner);
    }
  }
  ReplicaSetFacts facts = ReplicaSetFacts::of(change.object());
  if (!facts.owner_uid.empty()) dirty_deployments_.insert(facts.ns + "/" + facts.owner_name);
  const bool spec_changed = change.type != kube::ChangeType::Modified ||
                            field(change.object(), "spec") != field(change.previous(), "spec") ||
                            being_deleted(change.object()) != being_deleted(change.previous());
  if (change.type == kube::ChangeType::Deleted) {
    replica_sets_.erase(key);
    blocked_.erase(key);
    deleted_owners_.insert(facts.uid);
  } else {
    if (!facts.owner_uid.empty()) replica_sets_by_owner_[facts.owner_uid].insert(key);
    replica_sets_[key] = std::move(facts);
  }
  if (spec_changed) {
    dirty_replica_sets_.insert(key);
    blocked_.erase(key);
  }
  request_pass_();
}

void Workloads::pod_changed(const PodFacts* before, const PodFacts* after) {
  const PodFacts& pod = after != nullptr ? *after : *before;
  const std::string key = pod.ns + "/" + pod.name;
  if (before != nullptr && !before->owner_uid.empty()) {
    auto owner = pods_by_owner_.find(before->owner_uid);
    if (owner != pods_by_owner_.end()) {
      owner->second.erase(key);
      if (owner->second.empty()) pods_by_owner_.erase(owner);
    }
  }
  if (after != nullptr && !after->owner_uid.empty()) pods_by_owner_[after->owner_uid][key] = after;
  if (!pod.owner_name.empty()) dirty_replica_sets_.insert(pod.ns + "/" + pod.owner_name);
  if (after == nullptr) {
    // The last pod of an old ReplicaSet gone lets a Recreate rollout go on and the history be
    // pruned; no ReplicaSet status tells its Deployment (a terminating pod counts in none).
    if (const auto set = replica_sets_.find(pod.ns + "/" + pod.owner_name);
        set != replica_sets_.end() && !set->second.owner_uid.empty()) {
      dirty_deployments_.insert(pod.ns + "/" + set->second.owner_name);
    }
    // A pod of the namespace went: a ReplicaSet the quota held back may create again.
    for (auto blocked = blocked_.lower_bound(pod.ns + "/");
         blocked != blocked_.end() && blocked->first.starts_with(pod.ns + "/");) {
      dirty_replica_sets_.insert(blocked->first);
      blocked = blocked_.erase(blocked);
    }
  }
  request_pass_();
}

void Workloads::sync(const Guard& guard) {
  for (const std::string& uid : std::exchange(deleted_owners_, {}))
    guard("garbagecollector", uid, [&] { collect(uid); });
  for (const std::string& key : std::exchange(dirty_deployments_, {})) {
    const auto [ns, name] = split_key(key);
    guard("deployment", key, [&, ns = ns, name = name] { reconcile_deployment(ns, name); });
  }
  for (const std::string& key : std::exchange(dirty_replica_sets_, {})) {
    const auto [ns, name] = split_key(key);
    guard("replicaset", key, [&, ns = ns, name = name] { reconcile_replica_set(ns, name); });
  }
}

bool Workloads::has_pods(const std::string& owner_uid) const {
  return pods_by_owner_.contains(owner_uid);
}

std::vector<ReplicaSetFacts*> Workloads::owned_sets(const std::string& deployment_uid) {
  std::vector<ReplicaSetFacts*> sets;
  const auto owned = replica_sets_by_owner_.find(deployment_uid);
  if (owned == replica_sets_by_owner_.end()) return sets;
  for (const std::string& key : owned->second) {
    ReplicaSetFacts& set = replica_sets_.at(key);
    if (!set.deleting) sets.push_back(&set);
  }
  // Oldest first: by revision, then name.
  std::sort(sets.begin(), sets.end(), [](const ReplicaSetFacts* a, const ReplicaSetFacts* b) {
    return std::tie(a->revision, a->name) < std::tie(b->revision, b->name);
  });
  return sets;
}

void Workloads::collect(const std::string& owner_uid) {
  if (const auto sets = replica_sets_by_owner_.find(owner_uid);
      sets != replica_sets_by_owner_.end()) {
    for (const std::string& key : std::set<std::string>(sets->second)) {
      const auto [ns, name] = split_key(key);
      if (store_.remove(type("apps/v1", "ReplicaSet"), ns, name, {})) {
        trace_.event("world.replicaset.deleted",
                     {{"replicaset", key}, {"reason", "owner deleted"}});
      }
    }
  }
  const auto owned = pods_by_owner_.find(owner_uid);
  if (owned == pods_by_owner_.end()) return;
  std::vector<std::string> orphans;
  for (const auto& [key, pod] : owned->second) {
    if (!pod->deleting) orphans.push_back(key);
  }
  std::size_t budget = burst_replicas_;
  for (const std::string& key : orphans) {
    if (budget-- == 0) {
      deleted_owners_.insert(owner_uid);  // the rest in the next pass
      request_pass_();
      return;
    }
    const auto [ns, name] = split_key(key);
    if (store_.remove(type("v1", "Pod"), ns, name, {})) {
      trace_.event("world.pod.deleted", {{"pod", key}, {"reason", "owner deleted"}});
    }
  }
}

void Workloads::reconcile_deployment(const std::string& ns, const std::string& name) {
  if (ns + "/" + name == failing_deployment_for_test_) {
    throw std::runtime_error("failure injected by a test");
  }
  auto found = store_.get(type("apps/v1", "Deployment"), ns, name);
  if (!found) return;  // its ReplicaSets go by its uid (collect)
  Json deployment = std::move(*found);
  const Json& spec = field(deployment, "spec");
  const std::vector<ReplicaSetFacts*> sets = owned_sets(text(field(deployment, "metadata"), "uid"));
  const Json template_now = without_hash(field(spec, "template"));
  ReplicaSetFacts* current = nullptr;
  std::vector<ReplicaSetFacts*> old;
  long long newest_old = 0;
  for (ReplicaSetFacts* set : sets) {
    if (current == nullptr && set->template_without_hash == template_now) {
      current = set;
    } else {
      old.push_back(set);
      newest_old = std::max(newest_old, set->revision);
    }
  }
  const bool paused = field(spec, "paused") == true;
  if (!being_deleted(deployment) && !paused) {
    if (current == nullptr) {
      long long initial = 0;
      if (!recreate(deployment)) {
        long long total = 0;
        for (const ReplicaSetFacts* set : old)
          total += set->replicas;
        initial =
            scaled_new_replicas(desired_replicas(deployment), limits_of(deployment), 0, total);
      }
      current = create_replica_set(deployment, newest_old + 1, initial);
    }
    if (current != nullptr) roll(deployment, current, old);
    prune_history(deployment, old);
    // The Deployment shows the revision it runs.
    if (current != nullptr && text(field(field(deployment, "metadata"), "annotations"),
                                   kRevision) != std::to_string(current->revision)) {
      Json annotated = deployment;
      annotated["metadata"]["annotations"][kRevision] = std::to_string(current->revision);
      auto updated = store_.update(type("apps/v1", "Deployment"), ns, name, annotated,
                                   kube::Subresource::None);
      if (updated) deployment = std::move(*updated);
    }
  } else if (paused && !being_deleted(deployment)) {
    // Paused: no rollout, but scaling still applies where one ReplicaSet runs everything.
    std::vector<ReplicaSetFacts*> active;
    for (ReplicaSetFacts* set : sets) {
      if (set->replicas > 0 || set == current) active.push_back(set);
    }
    if (active.size() == 1 && active[0]->replicas != desired_replicas(deployment)) {
      update_replica_set(*active[0], desired_replicas(deployment), Json::object());
    }
  }
  write_deployment_status(deployment, current,
                          owned_sets(text(field(deployment, "metadata"), "uid")));
}

void Workloads::roll(const Json& deployment, ReplicaSetFacts* current,
                     const std::vector<ReplicaSetFacts*>& old) {
  const long long desired = desired_replicas(deployment);
  const RolloutLimits limits = limits_of(deployment);
  // The newest template's ReplicaSet carries the Deployment's annotations and the newest
  // revision; one that was old (a rollback) takes the next revision and remembers its own.
  Json annotations = copied_annotations(deployment);
  long long revision = current->revision;
  long long newest_old = 0;
  for (const ReplicaSetFacts* set : old)
    newest_old = std::max(newest_old, set->revision);
  if (revision == 0) {
    revision = newest_old + 1;  // one that lost its annotation takes the next revision
  } else if (revision <= newest_old) {
    revision = newest_old + 1;
    auto live = store_.get(type("apps/v1", "ReplicaSet"), current->ns, current->name);
    std::string history =
        live ? text(field(field(*live, "metadata"), "annotations"), kRevisionHistory) : "";
    if (current->revision > 0)
      history += (history.empty() ? "" : ",") + std::to_string(current->revision);
    if (!history.empty()) annotations[kRevisionHistory] = history;
    trace_.event("world.deployment.rolled_back", {{"deployment", key_of(deployment)},
                                                  {"replicaset", current->name},
                                                  {"revision", std::to_string(revision)}});
  }
  annotations[kRevision] = std::to_string(revision);
  const Json replica_annotations = replicas_annotations(deployment);
  annotations.update(replica_annotations);
  if (recreate(deployment)) {
    bool old_pods = false;
    for (ReplicaSetFacts* set : old) {
      if (set->replicas > 0) update_replica_set(*set, 0, replica_annotations);
      old_pods = old_pods || has_pods(set->uid);
    }
    // The new pods start once every old one is gone, terminating ones included.
    update_replica_set(*current, old_pods ? current->replicas : desired, annotations);
    return;
  }
  long long total = current->replicas;
  for (const ReplicaSetFacts* set : old)
    total += set->replicas;
  const long long target = scaled_new_replicas(desired, limits, current->replicas, total);
  const bool resized = target != current->replicas;
  update_replica_set(*current, target, annotations);
  if (resized) return;  // the old ones go in a later pass, as the new pods become available
  std::vector<ReplicaSetCounts> counts;
  for (const ReplicaSetFacts* set : old)
    counts.push_back({set->replicas, set->available});
  const std::vector<long long> scaled =
      scaled_old_replicas(desired, limits, {current->replicas, current->available}, counts);
  for (std::size_t i = 0; i < old.size(); ++i) {
    if (scaled[i] != old[i]->replicas) update_replica_set(*old[i], scaled[i], replica_annotations);
  }
}

ReplicaSetFacts* Workloads::create_replica_set(const Json& deployment, long long revision,
                                               long long replicas) {
  const Json& metadata = field(deployment, "metadata");
  const std::string ns = text(metadata, "namespace");
  const Json& spec = field(deployment, "spec");
  const std::string hash = template_hash(field(spec, "template"));
  const std::string name = text(metadata, "name") + "-" + hash;
  Json pod_template = field(spec, "template");
  pod_template["metadata"]["labels"][kHashLabel] = hash;
  Json selector = field(spec, "selector");
  selector["matchLabels"][kHashLabel] = hash;
  Json annotations = copied_annotations(deployment);
  annotations[kRevision] = std::to_string(revision);
  annotations.update(replicas_annotations(deployment));
  Json replica_set = {
      {"metadata",
       {{"name", name},
        {"labels", pod_template["metadata"]["labels"]},
        {"annotations", annotations},
        {"ownerReferences", Json::array({{{"apiVersion", "apps/v1"},
                                          {"kind", "Deployment"},
                                          {"name", text(metadata, "name")},
                                          {"uid", text(metadata, "uid")},
                                          {"controller", true},
                                          {"blockOwnerDeletion", true}}})}}},
      {"spec", {{"replicas", replicas}, {"selector", selector}, {"template", pod_template}}}};
  if (spec.contains("minReadySeconds"))
    replica_set["spec"]["minReadySeconds"] = spec["minReadySeconds"];
  auto created = store_.create(type("apps/v1", "ReplicaSet"), ns, replica_set);
  if (!created) {
    // A ReplicaSet of that name with another template (a hash collision, which the real
    // controller resolves with status.collisionCount) or a refusal: traced, tried on the next
    // change.
    trace_.event("world.replicaset.create_failed",
                 {{"replicaset", ns + "/" + name}, {"error", created.error().message}});
    return nullptr;
  }
  trace_.event("world.replicaset.created", {{"replicaset", ns + "/" + name},
                                            {"revision", std::to_string(revision)},
                                            {"replicas", std::to_string(replicas)}});
  return &replica_sets_.at(ns + "/" + name);
}

void Workloads::update_replica_set(const ReplicaSetFacts& set, long long replicas,
                                   const Json& annotations) {
  auto live = store_.get(type("apps/v1", "ReplicaSet"), set.ns, set.name);
  if (!live) return;
  Json updated = *live;
  updated["spec"]["replicas"] = replicas;
  for (const auto& [key, value] : annotations.items())
    updated["metadata"]["annotations"][key] = value;
  if (updated == *live) return;
  const long long before = set.replicas;
  const std::string key = set.ns + "/" + set.name;
  if (!store_.update(type("apps/v1", "ReplicaSet"), set.ns, set.name, updated,
                     kube::Subresource::None)) {
    return;
  }
  if (before != replicas) {
    trace_.event(
        "world.replicaset.scaled",
        {{"replicaset", key}, {"from", std::to_string(before)}, {"to", std::to_string(replicas)}});
  }
}

void Workloads::prune_history(const Json& deployment, const std::vector<ReplicaSetFacts*>& old) {
  const long long limit = count_of(field(deployment, "spec"), "revisionHistoryLimit", 10);
  std::vector<const ReplicaSetFacts*> idle;
  for (const ReplicaSetFacts* set : old) {
    if (set->replicas == 0 && set->status_replicas == 0 && !has_pods(set->uid)) idle.push_back(set);
  }
  const long long surplus = static_cast<long long>(idle.size()) - std::max(0LL, limit);
  for (long long i = 0; i < surplus; ++i) {
    const std::string ns = idle[static_cast<std::size_t>(i)]->ns;
    const std::string name = idle[static_cast<std::size_t>(i)]->name;
    if (store_.remove(type("apps/v1", "ReplicaSet"), ns, name, {})) {
      trace_.event("world.replicaset.deleted",
                   {{"replicaset", ns + "/" + name}, {"reason", "revision history limit"}});
    }
  }
}

void Workloads::write_deployment_status(const Json& deployment, const ReplicaSetFacts* current,
                                        const std::vector<ReplicaSetFacts*>& all) {
  const long long desired = desired_replicas(deployment);
  long long replicas = 0;
  long long wanted = 0;
  long long ready = 0;
  long long available = 0;
  for (const ReplicaSetFacts* set : all) {
    replicas += set->status_replicas;
    wanted += set->replicas;
    ready += set->ready;
    available += set->available;
  }
  const long long updated = current != nullptr ? current->status_replicas : 0;
  const Json& previous = field(field(deployment, "status"), "conditions");
  const std::string now = net::format_rfc3339(clock_.wall_now());
  Json conditions = Json::array();
  const bool minimum = available >= desired - limits_of(deployment).unavailable;
  conditions.push_back(
      condition(previous, "Available", minimum ? "True" : "False",
                minimum ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                minimum ? "Deployment has minimum availability."
                        : "Deployment does not have minimum availability.",
                now));
  if (current != nullptr) {
    const bool complete = updated == desired && replicas == desired && available == desired;
    conditions.push_back(condition(
        previous, "Progressing", "True", complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
        "ReplicaSet \"" + current->name +
            (complete ? "\" has successfully progressed." : "\" is progressing."),
        now));
    if (const auto blocked = blocked_.find(current->ns + "/" + current->name);
        blocked != blocked_.end()) {
      conditions.push_back(
          condition(previous, "ReplicaFailure", "True", "FailedCreate", blocked->second, now));
    }
  }
  Json status = {{"observedGeneration", field(field(deployment, "metadata"), "generation")},
                 {"replicas", replicas},
                 {"updatedReplicas", updated},
                 {"readyReplicas", ready},
                 {"availableReplicas", available},
                 {"conditions", conditions}};
  if (wanted > available) status["unavailableReplicas"] = wanted - available;
  if (field(deployment, "status") == status) return;
  Json written = deployment;
  written["status"] = std::move(status);
  const auto& metadata = field(deployment, "metadata");
  (void)store_.update(type("apps/v1", "Deployment"), text(metadata, "namespace"),
                      text(metadata, "name"), written, kube::Subresource::Status);
}

}  // namespace albc::sim::world
