#include "sim/kube/store.hpp"
#include "controller/net/json.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include "controller/net/digest.hpp"
#include "sim/kube/admission.hpp"
#include "sim/kube/validation.hpp"
#include "sim/kube/watch.hpp"

namespace albc::sim::kube {

std::string_view change_type_name(ChangeType type) {
  switch (type) {
    case ChangeType::Added:
      return "ADDED";
    case ChangeType::Modified:
      return "MODIFIED";
    case ChangeType::Deleted:
      return "DELETED";
  }
  return "UNKNOWN";
}

std::string object_key(const ResourceType& type, const std::string& ns, const std::string& name) {
  return type.namespaced ? ns + "/" + name : name;
}

namespace {

Json& metadata_of(Json& object) {
  if (!object.contains("metadata") || !object["metadata"].is_object()) {
    object["metadata"] = Json::object();
  }
  return object["metadata"];
}

std::string string_field(const Json& object, const char* field) {
  return object.contains(field) && object[field].is_string() ? object[field].get<std::string>()
                                                             : std::string();
}

// Whether two objects differ in anything but metadata, status and type meta: such a change
// bumps metadata.generation. Compared in place, without copies.
bool spec_differs(const Json& a, const Json& b) {
  const auto counted = [](const std::string& key) {
    return key != "metadata" && key != "status" && key != "apiVersion" && key != "kind";
  };
  std::size_t a_fields = 0;
  for (auto it = a.begin(); it != a.end(); ++it) {
    if (!counted(it.key())) continue;
    ++a_fields;
    const auto other = b.find(it.key());
    if (other == b.end() || *other != *it) return true;
  }
  std::size_t b_fields = 0;
  for (auto it = b.begin(); it != b.end(); ++it)
    b_fields += counted(it.key()) ? 1 : 0;
  return a_fields != b_fields;
}

bool being_deleted(const Json& object) {
  return object["metadata"].contains("deletionTimestamp");
}

// A graceful deletion (a pod's) still running: the object stays until the kubelet deletes it
// again with a period of 0.
bool in_grace_period(const Json& object) {
  return object["metadata"].value("deletionGracePeriodSeconds", 0) > 0;
}

bool has_finalizers(const Json& object) {
  const Json& metadata = object["metadata"];
  return metadata.contains("finalizers") && metadata["finalizers"].is_array() &&
         !metadata["finalizers"].empty();
}

}  // namespace

Store::Store(const ResourceRegistry& registry, net::Clock& clock, net::Random random,
             StoreLimits limits)
    : registry_(registry), clock_(clock), random_(std::move(random)), limits_(limits) {}

Store::~Store() {
  ALBC_ASSERT(watches_.empty());
}

const ResourceType& Store::type(std::string_view api_version, std::string_view kind) const {
  const ResourceType* found = registry_.find_kind(api_version, kind);
  ALBC_ASSERT(found != nullptr);
  return *found;
}

std::size_t Store::object_count() const {
  std::size_t count = 0;
  for (const auto& [key, objects] : storage_)
    count += objects.size();
  return count;
}

const Store::Objects* Store::find_objects(const ResourceType& type) const {
  auto found = storage_.find(type.storage_key());
  return found == storage_.end() ? nullptr : &found->second;
}

std::string Store::next_resource_version() {
  return std::to_string(++revision_);
}

std::uint64_t Store::oldest_history_revision() const {
  return history_.empty() ? revision_ : history_.front().resource_version;
}

void Store::observe(std::function<void(const Change&)> observer) {
  observers_.push_back(std::move(observer));
}

void Store::attach(Watch* watch) {
  watches_.push_back(watch);
}

void Store::detach(Watch* watch) {
  std::erase(watches_, watch);
}

void Store::publish(ChangeType change_type, const ResourceType& type, const Json& object,
                    Json previous) {
  if (type.group.empty() && type.kind == "Pod" && change_type != ChangeType::Modified) {
    const std::string ns = object["metadata"].value("namespace", "");
    if (change_type == ChangeType::Added) {
      ++pods_by_namespace_[ns];
    } else {
      auto count = pods_by_namespace_.find(ns);
      ALBC_ASSERT(count != pods_by_namespace_.end() && count->second > 0);
      if (--count->second == 0) pods_by_namespace_.erase(count);
    }
  }
  if (type.group.empty() && type.kind == "Service") {
    // The allocator's view of the service range: the addresses of the Services there are.
    auto address = [](const Json& service) {
      return field_of(service, "spec").value("clusterIP", std::string());
    };
    // Counted: a user may give two Services the same address.
    if (!previous.is_null() && !address(previous).empty()) {
      auto used = cluster_ips_.find(address(previous));
      if (used != cluster_ips_.end() && --used->second == 0) cluster_ips_.erase(used);
    }
    if (change_type != ChangeType::Deleted && !address(object).empty())
      ++cluster_ips_[address(object)];
  }
  Change change{change_type, &type, std::make_shared<const Json>(object),
                previous.is_null() ? nullptr : std::make_shared<const Json>(std::move(previous)),
                revision_};
  for (Watch* watch : std::vector<Watch*>(watches_))
    watch->offer(change);
  for (const auto& observer : observers_)
    observer(change);
  history_.push_back(std::move(change));
  while (history_.size() > limits_.history_events_max)
    history_.pop_front();
}

net::Result<void, StatusError> Store::check_namespace(const ResourceType& type,
                                                      const std::string& ns,
                                                      const std::string& name) const {
  if (!type.namespaced) return {};
  if (ns.empty()) {
    return net::fail(bad_request("the namespace of the object must be set for " + type.plural));
  }
  const ResourceType* namespaces = registry_.find("", "v1", "namespaces");
  const Objects* all = find_objects(*namespaces);
  auto found = all == nullptr ? Objects::const_iterator() : all->find(ns);
  if (all == nullptr || found == all->end()) return net::fail(namespace_not_found(ns));
  if (being_deleted(found->second)) {
    return net::fail(forbidden(type.plural + " \"" + name +
                               "\" is forbidden: unable to create new content in namespace " + ns +
                               " because it is being terminated"));
  }
  return {};
}

net::Result<void, StatusError> Store::decode(const ResourceType& type, Json& object,
                                             const WriteOptions& options) const {
  auto decoded = decode_object(type, registry_, object, options.field_validation);
  if (!decoded) return net::fail(decoded.error());
  if (options.warnings != nullptr) {
    options.warnings->insert(options.warnings->end(), decoded->begin(), decoded->end());
  }
  return {};
}

net::Result<Json, StatusError> Store::create(const ResourceType& type, const std::string& ns,
                                             Json object, WriteOptions options) {
  if (auto decoded = decode(type, object, options); !decoded) return net::fail(decoded.error());
  Json& metadata = metadata_of(object);
  const std::string body_namespace = string_field(metadata, "namespace");
  if (type.namespaced && !body_namespace.empty() && body_namespace != ns) {
    return net::fail(bad_request(
        "the namespace of the provided object does not match the namespace sent on the request"));
  }
  std::string name = string_field(metadata, "name");
  if (name.empty() && !string_field(metadata, "generateName").empty()) {
    name = string_field(metadata, "generateName") + random_.alphanumeric(5);
  }
  if (name.empty()) {
    return net::fail(invalid(type, "", "metadata.name", "FieldValueRequired",
                             "Required value: name or generateName is required"));
  }
  if (!options.assume_namespace_exists) {
    if (auto checked = check_namespace(type, ns, name); !checked) return net::fail(checked.error());
  }
  metadata["name"] = name;
  if (type.namespaced)
    metadata["namespace"] = ns;
  else
    metadata.erase("namespace");
  metadata["uid"] = random_.uuid();
  metadata["creationTimestamp"] = net::format_rfc3339(clock_.wall_now());
  metadata["generation"] = 1;
  metadata.erase("deletionTimestamp");
  metadata.erase("resourceVersion");
  object["apiVersion"] = type.api_version();
  object["kind"] = type.kind;
  AdmissionContext context{
      random_, clock_.wall_now(),
      [this](const std::string& ip) { return cluster_ips_.contains(ip); },
      [this](const std::string&) {
        std::string default_class;
        visit(*registry_.find("networking.k8s.io", "v1", "ingressclasses"), "",
              [&](const Json& ingress_class) {
                const Json& metadata = field_of(ingress_class, "metadata");
                const Json& annotations = field_of(metadata, "annotations");
                if (default_class.empty() && annotations.is_object() &&
                    annotations.value("ingressclass.kubernetes.io/is-default-class", "") == "true")
                  default_class = metadata.value("name", std::string());
              });
        return default_class;
      }};
  default_on_write(type, object);
  if (auto admitted = admit_create(type, object, context); !admitted) {
    return net::fail(admitted.error());
  }
  if (Json causes = validate_create(type, object); !causes.empty()) {
    return net::fail(invalid(type, name, std::move(causes)));
  }
  if (type.group.empty() && type.kind == "Pod") {
    const auto used = pods_by_namespace_.find(ns);
    const std::size_t count = used == pods_by_namespace_.end() ? 0 : used->second;
    if (count >= limits_.pods_per_namespace_max) {
      const std::string limit = std::to_string(limits_.pods_per_namespace_max);
      return net::fail(forbidden("pods \"" + name +
                                 "\" is forbidden: exceeded quota: albc-pods-per-namespace, "
                                 "requested: pods=1, used: pods=" +
                                 std::to_string(count) + ", limited: pods=" + limit));
    }
  }
  const std::string key = object_key(type, ns, name);
  Objects& all = objects(type);
  if (all.contains(key)) return net::fail(already_exists(type, name));
  if (object_count() >= limits_.objects_max) {
    return net::fail(StatusError{507, "InsufficientStorage",
                                 "the fake API server holds its maximum number of objects"});
  }
  if (options.dry_run) return object;
  metadata_of(object)["resourceVersion"] = next_resource_version();
  all[key] = object;
  publish(ChangeType::Added, type, object, Json());
  return object;
}

net::Result<Json, StatusError> Store::commit_update(const ResourceType& type,
                                                    const std::string& key, Json updated,
                                                    Subresource subresource, bool dry_run) {
  Objects& all = objects(type);
  // A reference: objects are large (a slice of 100 endpoints) and nothing changes `all` before
  // the commit below.
  const Json& live = all.at(key);
  const std::string name = live["metadata"].value("name", "");
  Json& metadata = metadata_of(updated);
  // Identity fields are the server's.
  for (const char* field : {"name", "namespace", "uid", "creationTimestamp", "generation",
                            "deletionTimestamp", "deletionGracePeriodSeconds"}) {
    if (live["metadata"].contains(field)) {
      metadata[field] = live["metadata"][field];
    } else {
      metadata.erase(field);
    }
  }
  updated["apiVersion"] = type.api_version();
  updated["kind"] = type.kind;
  if (type.has_status) {
    if (subresource == Subresource::Status) {
      Json status_only = live;
      status_only["status"] = updated.value("status", Json::object());
      // A status write changes the status only.
      status_only["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"];
      updated = std::move(status_only);
    } else if (live.contains("status")) {
      updated["status"] = live["status"];
    } else {
      updated.erase("status");
    }
  }
  if (being_deleted(live)) {
    const Json old_finalizers = live["metadata"].value("finalizers", Json::array());
    for (const Json& finalizer : updated["metadata"].value("finalizers", Json::array())) {
      if (std::find(old_finalizers.begin(), old_finalizers.end(), finalizer) ==
          old_finalizers.end()) {
        return net::fail(invalid(type, name, "metadata.finalizers", "FieldValueForbidden",
                                 "Forbidden: no new finalizers can be added if the object is being "
                                 "deleted, found new finalizers []string{" +
                                     net::dump_json(finalizer) + "}"));
      }
    }
  }
  default_on_write(type, updated);
  if (auto admitted = admit_update(type, live, updated); !admitted)
    return net::fail(admitted.error());
  if (Json causes = validate_update(type, live, updated); !causes.empty()) {
    return net::fail(invalid(type, name, std::move(causes)));
  }
  if (spec_differs(updated, live)) {
    updated["metadata"]["generation"] = live["metadata"].value("generation", 1) + 1;
  }
  // A no-op write keeps its resourceVersion: compare as if the writer had sent the live one.
  updated["metadata"]["resourceVersion"] = live["metadata"].value("resourceVersion", "");
  if (updated == live) return live;
  if (dry_run) return updated;
  updated["metadata"]["resourceVersion"] = next_resource_version();
  Json previous = std::move(all.at(key));  // `live` is not read from here on
  if (being_deleted(updated) && !has_finalizers(updated) && !in_grace_period(updated)) {
    all.erase(key);
    publish(ChangeType::Deleted, type, updated, std::move(previous));
    if (type.kind == "Namespace" && type.group.empty()) return updated;
    finish_namespace_if_empty(updated["metadata"].value("namespace", ""));
    return updated;
  }
  Json& stored = all[key] = std::move(updated);
  publish(ChangeType::Modified, type, stored, std::move(previous));
  return stored;
}

net::Result<Json, StatusError> Store::update(const ResourceType& type, const std::string& ns,
                                             const std::string& name, Json object,
                                             Subresource subresource, WriteOptions options) {
  if (auto decoded = decode(type, object, options); !decoded) return net::fail(decoded.error());
  const std::string key = object_key(type, ns, name);
  Objects& all = objects(type);
  auto found = all.find(key);
  if (found == all.end()) return net::fail(not_found(type, name));
  Json& metadata = metadata_of(object);
  if (metadata.contains("name") && metadata["name"] != name) {
    return net::fail(bad_request("the name of the object (" + string_field(metadata, "name") +
                                 ") does not match the name on the URL (" + name + ")"));
  }
  const std::string requested = string_field(metadata, "resourceVersion");
  if (requested.empty() && type.custom) {
    return net::fail(invalid(type, name, "metadata.resourceVersion", "FieldValueInvalid",
                             "Invalid value: 0x0: must be specified for an update"));
  }
  if (!requested.empty() && requested != found->second["metadata"].value("resourceVersion", "")) {
    return net::fail(conflict(type, name,
                              "the object has been modified; please apply your changes to the "
                              "latest version and try again"));
  }
  return commit_update(type, key, std::move(object), subresource, options.dry_run);
}

net::Result<Json, StatusError> Store::patch(const ResourceType& type, const std::string& ns,
                                            const std::string& name, const Json& patch_body,
                                            PatchType patch_type, Subresource subresource,
                                            WriteOptions options) {
  if (patch_type == PatchType::Strategic && type.custom) {
    return net::fail(unsupported_media_type(
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, "
        "application/apply-patch+yaml"));
  }
  const std::string key = object_key(type, ns, name);
  Objects& all = objects(type);
  auto found = all.find(key);
  if (found == all.end()) {
    if (patch_type == PatchType::Apply && subresource == Subresource::None) {
      Json object = patch_body;
      if (!object.is_object())
        return net::fail(bad_request("an apply patch must be a JSON object"));
      // The URL names the object; metadata that is not an object fails decoding in create.
      if (!object.contains("metadata")) object["metadata"] = Json::object();
      if (object["metadata"].is_object()) object["metadata"]["name"] = name;
      return create(type, ns, std::move(object), options);
    }
    return net::fail(not_found(type, name));
  }
  // A resourceVersion inside the patch is a precondition (optimistic locking).
  if (patch_body.is_object() && patch_body.contains("metadata") &&
      patch_body["metadata"].is_object() && patch_body["metadata"].contains("resourceVersion")) {
    const Json& requested = patch_body["metadata"]["resourceVersion"];
    if (requested.is_string() &&
        requested.get<std::string>() != found->second["metadata"].value("resourceVersion", "")) {
      return net::fail(conflict(type, name,
                                "the object has been modified; please apply your changes to the "
                                "latest version and try again"));
    }
  }
  // The stored object may have been written in another served version of the kind; the patch
  // applies to (and decoding checks) the version of this request.
  Json live = found->second;
  live["apiVersion"] = type.api_version();
  auto patched = apply_patch(live, patch_body, patch_type);
  if (!patched) return net::fail(patched.error());
  if (auto decoded = decode(type, *patched, options); !decoded) return net::fail(decoded.error());
  return commit_update(type, key, std::move(*patched), subresource, options.dry_run);
}

void Store::erase_object(const ResourceType& type, const std::string& key) {
  Objects& all = objects(type);
  Json previous = std::move(all.at(key));
  all.erase(key);
  Json last = previous;
  last["metadata"]["resourceVersion"] = next_resource_version();
  publish(ChangeType::Deleted, type, last, std::move(previous));
}

void Store::finish_namespace_if_empty(const std::string& ns) {
  if (ns.empty()) return;
  const ResourceType& namespaces = *registry_.find("", "v1", "namespaces");
  Objects& all = objects(namespaces);
  auto found = all.find(ns);
  if (found == all.end() || !being_deleted(found->second)) return;
  for (const auto& [storage_key, objects_of_kind] : storage_) {
    for (const auto& [key, object] : objects_of_kind) {
      if (object["metadata"].value("namespace", "") == ns) return;
    }
  }
  erase_object(namespaces, ns);
}

net::Result<Json, StatusError> Store::remove(const ResourceType& type, const std::string& ns,
                                             const std::string& name, const DeleteOptions& options,
                                             WriteOptions write) {
  const std::string key = object_key(type, ns, name);
  Objects& all = objects(type);
  auto found = all.find(key);
  if (found == all.end()) return net::fail(not_found(type, name));
  const Json& live = found->second;
  if (options.precondition_uid && *options.precondition_uid != live["metadata"].value("uid", "")) {
    return net::fail(
        conflict(type, name,
                 "Precondition failed: UID in precondition: " + *options.precondition_uid +
                     ", UID in object meta: " + live["metadata"].value("uid", "")));
  }
  if (options.precondition_resource_version &&
      *options.precondition_resource_version != live["metadata"].value("resourceVersion", "")) {
    return net::fail(conflict(
        type, name,
        "Precondition failed: ResourceVersion in precondition: " +
            *options.precondition_resource_version +
            ", ResourceVersion in object meta: " + live["metadata"].value("resourceVersion", "")));
  }
  const std::int64_t grace = graceful_deletion_period(type, live, options.grace_period_seconds);
  // A second DELETE only shortens a pod's grace period, and only with a period of its own;
  // otherwise it changes nothing.
  const bool shortens = being_deleted(live) && in_grace_period(live) &&
                        options.grace_period_seconds &&
                        grace < live["metadata"].value("deletionGracePeriodSeconds", 0);
  if (being_deleted(live) && !shortens) return live;
  if (write.dry_run) return live;
  const bool is_namespace = type.kind == "Namespace" && type.group.empty();
  if (has_finalizers(live) || is_namespace || grace > 0) {
    Json deferred = live;
    deferred["metadata"]["deletionTimestamp"] =
        net::format_rfc3339(clock_.wall_now() + std::chrono::seconds(grace));
    deferred["metadata"]["deletionGracePeriodSeconds"] = grace;
    if (!shortens && deferred["metadata"].value("generation", 0) > 0) {
      deferred["metadata"]["generation"] = deferred["metadata"].value("generation", 1) + 1;
    }
    if (is_namespace) deferred["status"]["phase"] = "Terminating";
    deferred["metadata"]["resourceVersion"] = next_resource_version();
    Json previous = std::exchange(found->second, deferred);  // `live` is not read from here on
    publish(ChangeType::Modified, type, deferred, std::move(previous));
    if (is_namespace) {
      // The namespace controller's job, simulated: delete everything inside, then the namespace.
      for (const ResourceType& member : registry_.all()) {
        if (!member.namespaced || member.version != registry_.versions(member.group).front())
          continue;
        for (const Json& object : snapshot(member, name)) {
          (void)remove(member, name, object["metadata"].value("name", ""), {});
        }
      }
      finish_namespace_if_empty(name);
    }
    return deferred;
  }
  const bool returns_object = type.custom || (type.kind == "Pod" && type.group.empty());
  Json last = live;
  erase_object(type, key);
  finish_namespace_if_empty(ns);
  if (returns_object) return last;
  return Json{{"kind", "Status"},
              {"apiVersion", "v1"},
              {"metadata", Json::object()},
              {"status", "Success"},
              {"details",
               {{"name", name},
                {"group", type.group},
                {"kind", type.plural},
                {"uid", last["metadata"].value("uid", "")}}}};
}

}  // namespace albc::sim::kube
