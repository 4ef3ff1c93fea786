#include "sim/world/endpoint_slices.hpp"

#include <optional>

namespace albc::sim::world {

using kube::Json;

namespace {

constexpr const char* kManagedBy = "endpointslice-controller.k8s.io";

Json endpoint_of(const PodFacts& pod) {
  return {{"addresses", Json::array({pod.ip})},
          {"conditions",
           {{"ready", pod.ready && !pod.deleting},
            {"serving", pod.ready},
            {"terminating", pod.deleting}}},
          {"nodeName", pod.node},
          {"targetRef",
           {{"kind", "Pod"}, {"namespace", pod.ns}, {"name", pod.name}, {"uid", pod.uid}}}};
}

// The Service's ports, a named target port resolved against a selected pod's container ports.
Json slice_ports(const Json& spec, const PodFacts* pod, bool& waits_for_pod) {
  Json ports = Json::array();
  waits_for_pod = false;
  const Json& declared = field(spec, "ports");
  for (const Json& port : declared.is_array() ? declared : Json::array()) {
    Json target =
        field(port, "targetPort").is_null() ? field(port, "port") : field(port, "targetPort");
    if (target.is_string()) {
      const std::string wanted = target.get<std::string>();
      if (pod == nullptr) waits_for_pod = true;
      for (const Json& container_port : pod == nullptr ? Json::array() : pod->container_ports) {
        if (text(container_port, "name") == wanted) target = field(container_port, "containerPort");
      }
    }
    if (!target.is_number_integer()) continue;
    const std::string protocol = text(port, "protocol");
    ports.push_back({{"name", text(port, "name")},
                     {"port", target},
                     {"protocol", protocol.empty() ? "TCP" : protocol}});
  }
  return ports;
}

}  // namespace

EndpointSliceController::EndpointSliceController(kube::Store& store, const PodTable& pods,
                                                 net::Random& random, net::Trace& trace,
                                                 std::size_t endpoints_per_slice_max)
    : store_(store),
      pods_(pods),
      random_(random),
      trace_(trace),
      endpoints_per_slice_max_(endpoints_per_slice_max) {}

namespace {

std::string pair_key(const std::string& ns, const std::string& key, const Json& value) {
  return ns + '\0' + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
}

}  // namespace

void EndpointSliceController::pod_changed(const PodFacts* before, const PodFacts* after) {
  const PodFacts& pod = after != nullptr ? *after : *before;
  if (before == nullptr || after == nullptr || before->labels != after->labels) {
    if (before != nullptr) {
      for (auto it = before->labels.begin(); it != before->labels.end(); ++it) {
        auto pods = pods_by_pair_.find(pair_key(pod.ns, it.key(), *it));
        if (pods == pods_by_pair_.end()) continue;
        pods->second.erase(pod.name);
        if (pods->second.empty()) pods_by_pair_.erase(pods);
      }
    }
    if (after != nullptr) {
      for (auto it = after->labels.begin(); it != after->labels.end(); ++it)
        pods_by_pair_[pair_key(pod.ns, it.key(), *it)].insert(pod.name);
    }
  }
  if (before != nullptr && after != nullptr && before->same_endpoint(*after)) return;
  // A Service that selects the pod is indexed under one of the pod's labels.
  for (const PodFacts* state : {before, after}) {
    if (state == nullptr) continue;
    for (auto it = state->labels.begin(); it != state->labels.end(); ++it) {
      auto services = services_by_pair_.find(pair_key(pod.ns, it.key(), *it));
      if (services == services_by_pair_.end()) continue;
      for (const std::string& service : services->second) {
        const std::string key = pod.ns + "/" + service;
        if (selects(selector_of_.at(key), state->labels))
          changed_pods_[key].insert(pod.ns + "/" + pod.name);
      }
    }
  }
}

void EndpointSliceController::index_selector(const std::string& ns, const std::string& name,
                                             const Json& selector) {
  const std::string key = ns + "/" + name;
  if (auto old = selector_of_.find(key); old != selector_of_.end()) {
    auto services =
        services_by_pair_.find(pair_key(ns, old->second.begin().key(), *old->second.begin()));
    services->second.erase(name);
    if (services->second.empty()) services_by_pair_.erase(services);
    selector_of_.erase(old);
  }
  if (!selector.is_object() || selector.empty()) return;
  selector_of_[key] = selector;
  services_by_pair_[pair_key(ns, selector.begin().key(), *selector.begin())].insert(name);
}

std::vector<const PodFacts*> EndpointSliceController::selected_pods(const std::string& ns,
                                                                    const Json& selector) const {
  std::vector<const PodFacts*> selected;
  auto candidates = pods_by_pair_.find(pair_key(ns, selector.begin().key(), *selector.begin()));
  if (candidates == pods_by_pair_.end()) return selected;
  for (const std::string& name : candidates->second) {
    const PodFacts& pod = pods_.at(ns + "/" + name);
    if (!pod.ip.empty() && selects(selector, pod.labels)) selected.push_back(&pod);
  }
  return selected;
}

void EndpointSliceController::slice_changed(const kube::Change& change) {
  // The Service a state of a slice belongs to, if this controller manages it.
  auto owner = [](const Json& slice) -> std::optional<std::string> {
    if (slice.is_null()) return std::nullopt;
    const Json& metadata = field(slice, "metadata");
    const Json& labels = field(metadata, "labels");
    if (text(labels, "endpointslice.kubernetes.io/managed-by") != kManagedBy) return std::nullopt;
    return text(metadata, "namespace") + "/" + text(labels, "kubernetes.io/service-name");
  };
  const std::string name = text(field(change.object(), "metadata"), "name");
  const auto before = owner(change.previous());
  const auto now = change.type == kube::ChangeType::Deleted ? std::nullopt : owner(change.object());
  if (before == now) return;
  if (before) {
    auto slices = slices_of_.find(*before);
    if (slices != slices_of_.end()) {
      slices->second.erase(name);
      if (slices->second.empty()) slices_of_.erase(slices);
    }
    // Relabelled by hand, the slice is not this controller's to write any more: the Service's
    // slices are rebuilt without it.
    if (change.type != kube::ChangeType::Deleted) resync_.insert(*before);
  }
  if (now) slices_of_[*now].insert(name);
}

void EndpointSliceController::service_changed(const std::string& ns, const std::string& name) {
  resync_.insert(ns + "/" + name);
}

void EndpointSliceController::sync(
    const std::function<void(const std::string&, const std::function<void()>&)>& guard) {
  const std::set<std::string> resync = std::exchange(resync_, {});
  const std::map<std::string, std::set<std::string>> changed = std::exchange(changed_pods_, {});
  for (const std::string& key : resync)
    guard(key, [&] { this->resync(key); });
  for (const auto& [key, pods] : changed) {
    if (resync.contains(key)) continue;
    guard(key, [&, &key = key, &pods = pods] { update(key, pods); });
  }
}

void EndpointSliceController::remove_all(const std::string& ns, const std::string& name) {
  const kube::ResourceType& slices = store_.type("discovery.k8s.io/v1", "EndpointSlice");
  auto owned = slices_of_.find(ns + "/" + name);
  if (owned == slices_of_.end()) return;
  const std::set<std::string> names = owned->second;  // the deletes below change the index
  for (const std::string& slice : names) {
    if (store_.remove(slices, ns, slice, {})) {
      trace_.event("world.endpointslice.deleted", {{"slice", ns + "/" + slice}});
    }
  }
}

void EndpointSliceController::resync(const std::string& key) {
  // Named variables, not a structured binding: clang 14 cannot capture one in a lambda.
  const std::pair<std::string, std::string> parts = split_key(key);
  const std::string& ns = parts.first;
  const std::string& name = parts.second;
  // By reference: the writes below are to slices, never to Services.
  const Json* service = store_.peek(store_.type("v1", "Service"), ns, name);
  const Json& selector = service ? field(field(*service, "spec"), "selector") : Json();
  index_selector(ns, name, selector);
  if (!service || !selector.is_object() || selector.empty()) {
    // Gone, or a Service without a selector (its endpoints are made by hand).
    if (!service) remove_all(ns, name);
    models_.erase(key);
    return;
  }
  const std::vector<const PodFacts*> selected = selected_pods(ns, selector);
  Model model;
  model.ports = slice_ports(field(*service, "spec"), selected.empty() ? nullptr : selected.front(),
                            model.ports_wait_for_pod);
  std::vector<std::string> existing;
  if (auto owned = slices_of_.find(key); owned != slices_of_.end())
    existing.assign(owned->second.begin(), owned->second.end());
  // Chunks in pod-name order; a Service keeps one slice even with no endpoints.
  std::set<std::size_t> touched;
  for (std::size_t i = 0; i < selected.size() || model.slices.empty(); ++i) {
    if (i % endpoints_per_slice_max_ == 0) {
      const std::size_t index = model.slices.size();
      model.slices.push_back({index < existing.size() ? existing[index] : "", {}});
      touched.insert(index);
    }
    if (i >= selected.size()) break;
    place(model, model.slices.size() - 1, selected[i]->name, endpoint_of(*selected[i]));
    model.slot_of[selected[i]->name] = model.slices.size() - 1;
  }
  bool changed = write(*service, model, touched);
  for (std::size_t i = model.slices.size(); i < existing.size(); ++i) {
    changed =
        store_.remove(store_.type("discovery.k8s.io/v1", "EndpointSlice"), ns, existing[i], {})
            .has_value() ||
        changed;
  }
  models_[key] = std::move(model);
  if (changed) trace_update(key, models_[key]);
}

void EndpointSliceController::update(const std::string& key,
                                     const std::set<std::string>& pod_keys) {
  auto found = models_.find(key);
  if (found == models_.end() || found->second.ports_wait_for_pod) return resync(key);
  const auto [ns, name] = split_key(key);
  const Json* service = store_.peek(store_.type("v1", "Service"), ns, name);
  if (service == nullptr) return resync(key);
  Model& model = found->second;
  const Json& selector = field(field(*service, "spec"), "selector");
  std::set<std::size_t> touched;
  for (const std::string& pod_key : pod_keys) {
    const auto pod = pods_.find(pod_key);
    const std::string pod_name = split_key(pod_key).second;
    const bool eligible =
        pod != pods_.end() && !pod->second.ip.empty() && selects(selector, pod->second.labels);
    const auto slot = model.slot_of.find(pod_name);
    if (!eligible) {
      if (slot == model.slot_of.end()) continue;
      auto& endpoints = model.slices[slot->second].endpoints;
      if (endpoints[pod_name]["conditions"]["ready"] == true) --model.ready;
      endpoints.erase(pod_name);
      touched.insert(slot->second);
      model.slot_of.erase(slot);
      continue;
    }
    Json endpoint = endpoint_of(pod->second);
    std::size_t index = 0;
    if (slot != model.slot_of.end()) {
      index = slot->second;
      if (model.slices[index].endpoints[pod_name] == endpoint) continue;
    } else {
      // The first slice with room, else a new one.
      while (index < model.slices.size() &&
             model.slices[index].endpoints.size() >= endpoints_per_slice_max_) {
        ++index;
      }
      if (index == model.slices.size()) model.slices.push_back({"", {}});
      model.slot_of[pod_name] = index;
    }
    place(model, index, pod_name, std::move(endpoint));
    touched.insert(index);
  }
  if (write(*service, model, touched)) trace_update(key, model);
}

bool EndpointSliceController::write(const Json& service, Model& model,
                                    const std::set<std::size_t>& touched) {
  const kube::ResourceType& slices = store_.type("discovery.k8s.io/v1", "EndpointSlice");
  const Json& metadata = field(service, "metadata");
  const std::string ns = text(metadata, "namespace");
  const std::string name = text(metadata, "name");
  bool changed = false;
  for (std::size_t index : touched) {
    Slice& slice = model.slices[index];
    Json endpoints = Json::array();
    for (const auto& [pod, endpoint] : slice.endpoints)
      endpoints.push_back(endpoint);
    if (endpoints.empty() && index > 0) {
      // An empty slice goes; the first stays, as the Service's placeholder.
      if (!slice.name.empty())
        changed = store_.remove(slices, ns, slice.name, {}).has_value() || changed;
      slice.name.clear();
      continue;
    }
    if (!slice.name.empty()) {
      const Json* live = store_.peek(slices, ns, slice.name);
      if (live && field(*live, "endpoints") == endpoints && field(*live, "ports") == model.ports) {
        continue;
      }
      if (live) {
        Json updated = *live;
        updated["endpoints"] = std::move(endpoints);
        updated["ports"] = model.ports;
        changed =
            store_.update(slices, ns, slice.name, updated, kube::Subresource::None).has_value() ||
            changed;
        continue;
      }
    }
    slice.name = name + "-" + random_.alphanumeric(5);
    Json created = {{"metadata",
                     {{"name", slice.name},
                      {"labels",
                       {{"kubernetes.io/service-name", name},
                        {"endpointslice.kubernetes.io/managed-by", kManagedBy}}},
                      {"ownerReferences", Json::array({{{"apiVersion", "v1"},
                                                        {"kind", "Service"},
                                                        {"name", name},
                                                        {"uid", text(metadata, "uid")},
                                                        {"controller", true}}})}}},
                    {"addressType", "IPv4"},
                    {"endpoints", std::move(endpoints)},
                    {"ports", model.ports}};
    changed = store_.create(slices, ns, created).has_value() || changed;
  }
  return changed;
}

void EndpointSliceController::place(Model& model, std::size_t index, const std::string& pod,
                                    Json endpoint) {
  Json& slot = model.slices[index].endpoints[pod];
  if (slot.is_object() && slot["conditions"]["ready"] == true) --model.ready;
  if (endpoint["conditions"]["ready"] == true) ++model.ready;
  slot = std::move(endpoint);
}

void EndpointSliceController::trace_update(const std::string& key, const Model& model) {
  trace_.event("world.endpointslice.updated", {{"service", key},
                                               {"endpoints", std::to_string(model.slot_of.size())},
                                               {"ready", std::to_string(model.ready)}});
}

}  // namespace albc::sim::world
