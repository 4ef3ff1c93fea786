#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controller/net/clock.hpp"
#include "controller/net/random.hpp"
#include "controller/net/result.hpp"
#include "sim/kube/decode.hpp"
#include "sim/kube/patch.hpp"
#include "sim/kube/resource_type.hpp"
#include "sim/kube/selector.hpp"
#include "sim/kube/status_error.hpp"

namespace albc::sim::kube {

enum class ChangeType { Added, Modified, Deleted };
std::string_view change_type_name(ChangeType type);

// A change's watch event lines, rendered once and shared by every watcher that shows the
// object as it is: by event type and apiVersion ("MODIFIED apps/v1"). Held weakly: a line lives
// while a watcher has it queued, not as long as the history keeps the change.
struct EncodedEvents {
  std::map<std::string, std::weak_ptr<const std::string>> lines;
};

// One committed write, as watches and the world's controllers see it. The states are shared,
// not copied, by the history and every watch.
struct Change {
  ChangeType type;
  const ResourceType* resource;
  std::shared_ptr<const Json> object_state;    // the new state; for Deleted, the last state
                                               // with the deletion's RV
  std::shared_ptr<const Json> previous_state;  // the state before (none for Added)
  std::uint64_t resource_version;
  std::shared_ptr<EncodedEvents> encoded = std::make_shared<EncodedEvents>();

  const Json& object() const { return *object_state; }
  const Json& previous() const;  // null for Added
};

// Scale never reaches the store: the API server turns it into a write of the object itself.
enum class Subresource { None, Status, Scale };

struct ListOptions {
  LabelSelector labels;
  std::optional<FieldSelector> fields;
  std::size_t limit = 0;  // 0: no limit
  std::string continue_token;
};

struct DeleteOptions {
  std::optional<std::string> precondition_uid;
  std::optional<std::string> precondition_resource_version;
  // gracePeriodSeconds: for pods, how long the kubelet has to stop them (0 deletes at once).
  std::optional<std::int64_t> grace_period_seconds;
};

struct WriteOptions {
  // kubectl's --dry-run=server: every check, no commit.
  bool dry_run = false;
  // For a dry run of a manifest whose namespace an earlier document of the same file creates.
  bool assume_namespace_exists = false;
  // The fieldValidation query parameter; the real server's default is Warn.
  FieldValidation field_validation = FieldValidation::Warn;
  // Where Warn mode's warnings go (the API server turns them into Warning headers).
  std::vector<std::string>* warnings = nullptr;
};

struct StoreLimits {
  std::size_t history_events_max = 20'000;  // watch resumption window
  std::size_t objects_max = 1'000'000;
  // As if every namespace had a ResourceQuota of this many pods: Kubernetes' scalability
  // threshold (3,000 pods per namespace), which keeps one Deployment from filling the fake.
  std::size_t pods_per_namespace_max = 3'000;
};

class Watch;

// The API server's storage and write semantics: one global resourceVersion, uid and
// timestamps, generation, the status subresource, finalizers and deletionTimestamp, admission
// defaults. The HTTP handler and the world's built-in controllers both write through it.
class Store {
 public:
  Store(const ResourceRegistry& registry, net::Clock& clock, net::Random random,
        StoreLimits limits = {});
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  net::Result<Json, StatusError> create(const ResourceType& type, const std::string& ns,
                                        Json object, WriteOptions options = {});
  net::Result<Json, StatusError> get(const ResourceType& type, const std::string& ns,
                                     const std::string& name) const;
  // The stored object itself, without a copy (the world's controllers read this way), or null;
  // valid until the next write of its kind. Its apiVersion is the storage version's.
  const Json* peek(const ResourceType& type, const std::string& ns, const std::string& name) const;
  // A List object (`<Kind>List`) with metadata.resourceVersion and, when limited, continue.
  net::Result<Json, StatusError> list(const ResourceType& type, const std::string& ns,
                                      const ListOptions& options) const;
  net::Result<Json, StatusError> update(const ResourceType& type, const std::string& ns,
                                        const std::string& name, Json object,
                                        Subresource subresource, WriteOptions options = {});
  net::Result<Json, StatusError> patch(const ResourceType& type, const std::string& ns,
                                       const std::string& name, const Json& patch,
                                       PatchType patch_type, Subresource subresource,
                                       WriteOptions options = {});
  // Returns the object (deferred by finalizers, or a kind that returns deleted objects) or a
  // Success Status.
  net::Result<Json, StatusError> remove(const ResourceType& type, const std::string& ns,
                                        const std::string& name, const DeleteOptions& options,
                                        WriteOptions write = {});

  std::uint64_t revision() const { return revision_; }
  std::uint64_t oldest_history_revision() const;
  const ResourceRegistry& registry() const { return registry_; }
  const ResourceType& type(std::string_view api_version, std::string_view kind) const;
  std::size_t object_count() const;

  // In-process observers (the world's controllers); called after each commit, must not write.
  void observe(std::function<void(const Change&)> observer);

  // Watch plumbing.
  void attach(Watch* watch);
  void detach(Watch* watch);
  std::vector<Change> history_after(const ResourceType& type, std::uint64_t resource_version) const;
  std::vector<Json> snapshot(const ResourceType& type, const std::string& ns) const;
  // Every object of a resource (in a namespace, when given) in key order, by reference and
  // without copies; `visit` must not write.
  void visit(const ResourceType& type, const std::string& ns,
             const std::function<void(const Json&)>& visit) const;

 private:
  using Objects = std::map<std::string, Json>;
  Objects& objects(const ResourceType& type) { return storage_[type.storage_key()]; }
  const Objects* find_objects(const ResourceType& type) const;
  net::Result<void, StatusError> check_namespace(const ResourceType& type, const std::string& ns,
                                                 const std::string& name) const;
  net::Result<Json, StatusError> commit_update(const ResourceType& type, const std::string& key,
                                               Json updated, Subresource subresource,
                                               bool dry_run = false);
  // decode_object, with Warn mode's warnings passed on.
  net::Result<void, StatusError> decode(const ResourceType& type, Json& object,
                                        const WriteOptions& options) const;
  void erase_object(const ResourceType& type, const std::string& key);
  void finish_namespace_if_empty(const std::string& ns);
  void publish(ChangeType change, const ResourceType& type, const Json& object, Json previous);
  std::string next_resource_version();

  const ResourceRegistry& registry_;
  net::Clock& clock_;
  net::Random random_;
  StoreLimits limits_;
  std::map<std::string, Objects> storage_;
  std::uint64_t revision_ = 1;
  std::deque<Change> history_;
  std::vector<Watch*> watches_;
  std::vector<std::function<void(const Change&)>> observers_;
  std::map<std::string, std::size_t> pods_by_namespace_;
  std::map<std::string, std::size_t> cluster_ips_;  // of the Services stored, with their count
};

std::string object_key(const ResourceType& type, const std::string& ns, const std::string& name);

}  // namespace albc::sim::kube
