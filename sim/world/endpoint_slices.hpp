#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "controller/net/random.hpp"
#include "controller/net/trace.hpp"
#include "sim/kube/store.hpp"
#include "sim/world/pod_facts.hpp"

namespace albc::sim::world {

// The EndpointSlice controller: each Service with a selector gets slices of at most
// `endpoints_per_slice_max` endpoints, one per selected pod with an IP. It works by change: a
// pod's endpoint goes into (or out of) one slice, and only that slice is written; a Service's
// creation or change rebuilds its slices. Indexes (Services by one pair of their selector, pods
// by label, slices by Service) keep each change's cost to the objects it touches.
class EndpointSliceController {
 public:
  EndpointSliceController(kube::Store& store, const PodTable& pods, net::Random& random,
                          net::Trace& trace, std::size_t endpoints_per_slice_max);

  // Either state may be absent (a pod added, a pod deleted).
  void pod_changed(const PodFacts* before, const PodFacts* after);
  void service_changed(const std::string& ns, const std::string& name);
  // Any EndpointSlice change (this controller's own writes too): its index of slices follows,
  // and a slice relabelled away from its Service has that Service's slices rebuilt.
  void slice_changed(const kube::Change& change);
  bool has_work() const { return !resync_.empty() || !changed_pods_.empty(); }
  // Writes what changed; `guard` runs each Service's work so that a failure stays with it.
  void sync(const std::function<void(const std::string& key, const std::function<void()>&)>& guard);

 private:
  struct Slice {
    std::string name;                             // empty until created
    std::map<std::string, kube::Json> endpoints;  // by pod name
  };
  struct Model {
    kube::Json ports = kube::Json::array();
    bool ports_wait_for_pod = false;  // a named target port with no pod to resolve it yet
    std::vector<Slice> slices;
    std::map<std::string, std::size_t> slot_of;  // pod name → slice index
    std::size_t ready = 0;                       // endpoints whose condition is ready
  };

  void resync(const std::string& key);
  void update(const std::string& key, const std::set<std::string>& pod_keys);
  // Writes the given slices of a Service; returns whether anything changed.
  bool write(const kube::Json& service, Model& model, const std::set<std::size_t>& touched);
  void remove_all(const std::string& ns, const std::string& name);
  // Puts (or replaces) a pod's endpoint in a slice, keeping the ready count.
  static void place(Model& model, std::size_t index, const std::string& pod, kube::Json endpoint);
  void trace_update(const std::string& key, const Model& model);
  // The Service's entry in the selector index, replaced (an empty selector: removed).
  void index_selector(const std::string& ns, const std::string& name, const kube::Json& selector);
  // Names of the pods of a namespace a selector selects that have an IP, in name order.
  std::vector<const PodFacts*> selected_pods(const std::string& ns,
                                             const kube::Json& selector) const;

  kube::Store& store_;
  const PodTable& pods_;
  net::Random& random_;
  net::Trace& trace_;
  std::size_t endpoints_per_slice_max_;
  std::map<std::string, Model> models_;  // by Service "ns/name"
  std::set<std::string> resync_;
  std::map<std::string, std::set<std::string>> changed_pods_;
  // "namespace\0key=value" → names of the Services whose selector's first pair that is, and of
  // the pods that carry that label.
  std::map<std::string, std::set<std::string>> services_by_pair_;
  std::map<std::string, std::set<std::string>> pods_by_pair_;
  std::map<std::string, kube::Json> selector_of_;           // by Service "ns/name", non-empty only
  std::map<std::string, std::set<std::string>> slices_of_;  // by Service "ns/name": slice names
};

}  // namespace albc::sim::world
