#include "sim/scenario/manifests.hpp"

#include <set>
#include <utility>

#include "controller/k8s/fields.hpp"
#include "controller/net/json.hpp"

namespace albc::sim::scenario {

const kube::ResourceType* Manifests::type_of_kind(const std::string& kind) const {
  for (const kube::ResourceType& type : store_.registry().all()) {
    if (type.kind == kind) return &type;
  }
  return nullptr;
}

net::Result<std::vector<Manifests::Resolved>> Manifests::resolve(const std::vector<Json>& documents,
                                                                 const std::string& source) const {
  std::vector<Resolved> resolved;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    const Json& document = documents[i];
    const std::string where = source + ": document " + std::to_string(i + 1);
    if (!document.is_object())
      return net::fail("InvalidManifest", where + ": not a Kubernetes object");
    const auto text = [](const Json& object, const char* key) {
      return k8s::text_field(object, key);
    };
    for (const char* key : {"apiVersion", "kind"}) {
      if (document.contains(key) && !document[key].is_string())
        return net::fail("InvalidManifest", where + ": " + key + " must be a string");
    }
    const std::string api_version = text(document, "apiVersion");
    const std::string kind = text(document, "kind");
    if (api_version.empty() || kind.empty())
      return net::fail("InvalidManifest", where + ": apiVersion and kind are required");
    const kube::ResourceType* type = store_.registry().find_kind(api_version, kind);
    if (type == nullptr) {
      return net::fail("InvalidManifest", where + ": no kind \"" + kind +
                                              "\" is served in version \"" + api_version + "\"");
    }
    const auto metadata = document.find("metadata");
    if (metadata == document.end() || !metadata->is_object() || text(*metadata, "name").empty()) {
      return net::fail("InvalidManifest", where + " (" + kind + "): metadata.name is required");
    }
    if (metadata->contains("namespace") && !(*metadata)["namespace"].is_string()) {
      return net::fail("InvalidManifest",
                       where + " (" + kind + "): metadata.namespace must be a string");
    }
    const std::string ns = text(*metadata, "namespace");
    Resolved entry{type, type->namespaced ? (ns.empty() ? "default" : ns) : "",
                   text(*metadata, "name"), document, ""};
    entry.label = where + " (" + kind + " " +
                  (entry.ns.empty() ? entry.name : entry.ns + "/" + entry.name) + ")";
    resolved.push_back(std::move(entry));
  }
  return resolved;
}

namespace {

// What applying `object` over the live one writes: the manifest, at the live resourceVersion,
// keeping the finalizers controllers added (a manifest does not own them).
Json applied_over(const Json& object, const Json& live) {
  Json merged = object;
  merged["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"];
  if (live["metadata"].contains("finalizers"))
    merged["metadata"]["finalizers"] = live["metadata"]["finalizers"];
  return merged;
}

}  // namespace

net::Result<std::size_t> Manifests::apply(const std::vector<Json>& documents,
                                          const std::string& source) {
  auto resolved = resolve(documents, source);
  if (!resolved) return net::fail(resolved.error());
  // First a dry run of everything, so that nothing is half-applied.
  std::set<std::string> namespaces_created;
  for (const Resolved& entry : *resolved) {
    auto live = store_.get(*entry.type, entry.ns, entry.name);
    const bool assume = namespaces_created.contains(entry.ns);
    // kubectl apply's default: fields the kind does not have are an error.
    const kube::WriteOptions dry_run{.dry_run = true,
                                     .assume_namespace_exists = assume,
                                     .field_validation = kube::FieldValidation::Strict};
    auto checked =
        live ? store_.update(*entry.type, entry.ns, entry.name, applied_over(entry.object, *live),
                             kube::Subresource::None, dry_run)
             : store_.create(*entry.type, entry.ns, entry.object, dry_run);
    if (!checked) return net::fail("InvalidManifest", entry.label + ": " + checked.error().message);
    if (entry.type->kind == "Namespace") namespaces_created.insert(entry.name);
  }
  for (const Resolved& entry : *resolved) {
    auto live = store_.get(*entry.type, entry.ns, entry.name);
    std::string result;
    if (live) {
      auto updated = store_.update(*entry.type, entry.ns, entry.name,
                                   applied_over(entry.object, *live), kube::Subresource::None);
      if (!updated) return net::fail("ApplyFailed", entry.label + ": " + updated.error().message);
      result = (*updated)["metadata"]["resourceVersion"] == (*live)["metadata"]["resourceVersion"]
                   ? "unchanged"
                   : "configured";
    } else {
      auto created = store_.create(*entry.type, entry.ns, entry.object);
      if (!created) return net::fail("ApplyFailed", entry.label + ": " + created.error().message);
      result = "created";
    }
    trace_.event("scenario.apply",
                 {{"object", entry.type->kind + "/" +
                                 (entry.ns.empty() ? entry.name : entry.ns + "/" + entry.name)},
                  {"result", result}});
  }
  return resolved->size();
}

net::Result<std::size_t> Manifests::remove(const std::vector<Json>& documents,
                                           const std::string& source) {
  auto resolved = resolve(documents, source);
  if (!resolved) return net::fail(resolved.error());
  // Reverse order, as the objects were created.
  for (auto it = resolved->rbegin(); it != resolved->rend(); ++it) {
    auto removed = store_.remove(*it->type, it->ns, it->name, {});
    if (!removed && removed.error().code != 404)
      return net::fail("DeleteFailed", it->label + ": " + removed.error().message);
    trace_.event(
        "scenario.delete",
        {{"object", it->type->kind + "/" + (it->ns.empty() ? it->name : it->ns + "/" + it->name)},
         {"result", removed ? "deleted" : "not found"}});
  }
  return resolved->size();
}

net::Result<void> Manifests::remove_one(const std::string& kind, const std::string& ns,
                                        const std::string& name) {
  const kube::ResourceType* type = type_of_kind(kind);
  if (type == nullptr) return net::fail("InvalidScenario", "unknown kind \"" + kind + "\"");
  auto removed =
      store_.remove(*type, type->namespaced ? (ns.empty() ? "default" : ns) : "", name, {});
  if (!removed)
    return net::fail("DeleteFailed", kind + " " + (ns.empty() ? name : ns + "/" + name) + ": " +
                                         removed.error().message);
  trace_.event("scenario.delete", {{"object", kind + "/" + (ns.empty() ? name : ns + "/" + name)},
                                   {"result", "deleted"}});
  return {};
}

std::vector<std::string> Manifests::selected(const kube::ResourceType& type, const std::string& ns,
                                             const Json& selector) const {
  std::vector<std::string> names;  // in the store's order: by name
  for (const Json& object : store_.snapshot(type, ns)) {
    const Json& labels = object["metadata"].value("labels", Json::object());
    bool chosen = !object["metadata"].contains("deletionTimestamp");
    for (auto it = selector.begin(); chosen && it != selector.end(); ++it) {
      chosen = labels.contains(it.key()) && labels[it.key()] == *it;
    }
    if (chosen) names.push_back(object["metadata"].value("name", ""));
  }
  return names;
}

net::Result<void> Manifests::remove_selected(const std::string& kind, const std::string& ns,
                                             const Json& selector, std::size_t count,
                                             net::Random& random) {
  const kube::ResourceType* type = type_of_kind(kind);
  if (type == nullptr) return net::fail("InvalidScenario", "unknown kind \"" + kind + "\"");
  const std::string where = type->namespaced ? (ns.empty() ? "default" : ns) : "";
  std::vector<std::string> names = selected(*type, where, selector);
  const std::size_t wanted = count == 0 ? names.size() : count;
  if (wanted > names.size()) {
    return net::fail("DeleteFailed", std::to_string(names.size()) + " " + kind + " object(s) in " +
                                         (where.empty() ? "the cluster" : where) +
                                         " match the selector " + net::dump_json(selector) +
                                         ", fewer than the " + std::to_string(wanted) +
                                         " to delete");
  }
  // The first `wanted` of a Fisher-Yates shuffle: which ones is the seed's choice.
  for (std::size_t i = 0; i < wanted; ++i) {
    std::swap(names[i], names[random.uniform(i, names.size() - 1)]);
    if (auto removed = remove_one(kind, ns, names[i]); !removed) return removed;
  }
  return {};
}

net::Result<void> Manifests::patch_one(const std::string& kind, const std::string& ns,
                                       const std::string& name, kube::PatchType patch_type,
                                       const Json& patch) {
  const kube::ResourceType* type = type_of_kind(kind);
  if (type == nullptr) return net::fail("InvalidScenario", "unknown kind \"" + kind + "\"");
  const std::string where = type->namespaced ? (ns.empty() ? "default" : ns) : "";
  const std::string object = kind + " " + (where.empty() ? name : where + "/" + name);
  // A patch never creates: kubectl patch of a missing object is NotFound.
  if (auto live = store_.get(*type, where, name); !live) {
    return net::fail("PatchFailed", object + ": " + live.error().message);
  }
  auto patched = store_.patch(*type, where, name, patch, patch_type, kube::Subresource::None);
  if (!patched) return net::fail("PatchFailed", object + ": " + patched.error().message);
  trace_.event("scenario.patch",
               {{"object", kind + "/" + (where.empty() ? name : where + "/" + name)},
                {"result", "patched"}});
  return {};
}

}  // namespace albc::sim::scenario
