// The store's reads: objects by key or by reference, lists with continue tokens, the
// history that watches resume from.
#include <charconv>

#include "controller/net/digest.hpp"
#include "sim/kube/store.hpp"

namespace albc::sim::kube {

const Json& Change::previous() const {
  static const Json kNone;  // a constant: no state
  return previous_state ? *previous_state : kNone;
}

std::vector<Change> Store::history_after(const ResourceType& type,
                                         std::uint64_t resource_version) const {
  std::vector<Change> changes;
  for (const Change& change : history_) {
    if (change.resource_version > resource_version &&
        change.resource->storage_key() == type.storage_key()) {
      changes.push_back(change);
    }
  }
  return changes;
}

void Store::visit(const ResourceType& type, const std::string& ns,
                  const std::function<void(const Json&)>& visit) const {
  const Objects* all = find_objects(type);
  if (all == nullptr) return;
  if (ns.empty() || !type.namespaced) {
    for (const auto& [key, object] : *all)
      visit(object);
    return;
  }
  // Keys are "namespace/name": a namespace's objects sit together, before "namespace0".
  const auto end = all->lower_bound(ns + "0");
  for (auto it = all->lower_bound(ns + "/"); it != end; ++it)
    visit(it->second);
}

std::vector<Json> Store::snapshot(const ResourceType& type, const std::string& ns) const {
  std::vector<Json> objects;
  visit(type, ns, [&](const Json& object) { objects.push_back(object); });
  return objects;
}

net::Result<Json, StatusError> Store::get(const ResourceType& type, const std::string& ns,
                                          const std::string& name) const {
  const Json* stored = peek(type, ns, name);
  if (stored == nullptr) return net::fail(not_found(type, name));
  Json object = *stored;
  object["apiVersion"] = type.api_version();  // served versions differ only in name
  return object;
}

const Json* Store::peek(const ResourceType& type, const std::string& ns,
                        const std::string& name) const {
  const Objects* all = find_objects(type);
  if (all == nullptr) return nullptr;
  auto found = all->find(object_key(type, ns, name));
  return found == all->end() ? nullptr : &found->second;
}

net::Result<Json, StatusError> Store::list(const ResourceType& type, const std::string& ns,
                                           const ListOptions& options) const {
  std::string start_key;
  if (!options.continue_token.empty()) {
    // Our continue tokens are the next key, hex-encoded: opaque to clients, cheap to check.
    const std::string& token = options.continue_token;
    if (token.size() % 2 != 0) return net::fail(bad_request("continue key is not valid: " + token));
    for (std::size_t i = 0; i < token.size(); i += 2) {
      unsigned value = 0;
      auto [end, error] = std::from_chars(token.data() + i, token.data() + i + 2, value, 16);
      if (error != std::errc() || end != token.data() + i + 2)
        return net::fail(bad_request("continue key is not valid: " + token));
      start_key += static_cast<char>(value);
    }
  }
  Json items = Json::array();
  std::string next_key;
  std::size_t remaining = 0;
  if (const Objects* all = find_objects(type)) {
    // Keys are "namespace/name": one namespace's objects are the range before "namespace0".
    const bool one_namespace = type.namespaced && !ns.empty();
    auto it = all->lower_bound(one_namespace ? std::max(start_key, ns + "/") : start_key);
    const auto end = one_namespace ? all->lower_bound(ns + "0") : all->end();
    if (one_namespace && start_key >= ns + "0") it = end;  // a token past the namespace
    for (; it != end; ++it) {
      const Json& object = it->second;
      if (!options.labels.matches(object["metadata"].value("labels", Json::object()))) continue;
      if (options.fields && !options.fields->matches(object)) continue;
      if (options.limit > 0 && items.size() == options.limit) {
        if (next_key.empty()) next_key = it->first;
        ++remaining;
        continue;
      }
      items.push_back(object);
      items.back()["apiVersion"] = type.api_version();
    }
  }
  Json list = {{"apiVersion", type.api_version()},
               {"kind", type.kind + "List"},
               {"metadata", {{"resourceVersion", std::to_string(revision_)}}},
               {"items", std::move(items)}};
  if (!next_key.empty()) {
    list["metadata"]["continue"] = net::to_hex(next_key);
    list["metadata"]["remainingItemCount"] = remaining;
  }
  return list;
}

}  // namespace albc::sim::kube
