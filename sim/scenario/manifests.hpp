#pragma once

#include <string>
#include <vector>

#include "controller/net/random.hpp"
#include "controller/net/result.hpp"
#include "controller/net/trace.hpp"
#include "sim/kube/store.hpp"
#include "sim/scenario/source_file.hpp"

namespace albc::sim::scenario {

// What `kubectl apply -f` and `kubectl delete -f` do, against the fake API server's store.
// A file is checked whole (kinds, names, admission as a dry run) before anything is written, so a
// bad document leaves the cluster untouched.
class Manifests {
 public:
  Manifests(kube::Store& store, net::Trace& trace) : store_(store), trace_(trace) {}

  net::Result<std::size_t> apply(const std::vector<Json>& documents, const std::string& source);
  net::Result<std::size_t> remove(const std::vector<Json>& documents, const std::string& source);
  // `delete: {kind, namespace, name}`
  net::Result<void> remove_one(const std::string& kind, const std::string& ns,
                               const std::string& name);
  // The names of the objects of `type` in `ns` whose labels hold all of `selector` and that are
  // not being deleted, in the store's order.
  std::vector<std::string> selected(const kube::ResourceType& type, const std::string& ns,
                                    const Json& selector) const;
  // `delete: {kind, namespace, selector, count}`: `count` of the objects whose labels include
  // the selector's (0: all of them), picked with `random`.
  net::Result<void> remove_selected(const std::string& kind, const std::string& ns,
                                    const Json& selector, std::size_t count, net::Random& random);
  // `patch:` and `scale:` steps, as `kubectl patch` and `kubectl scale` do.
  net::Result<void> patch_one(const std::string& kind, const std::string& ns,
                              const std::string& name, kube::PatchType patch_type,
                              const Json& patch);
  const kube::ResourceType* type_of_kind(const std::string& kind) const;

 private:
  struct Resolved {
    const kube::ResourceType* type;
    std::string ns;
    std::string name;
    Json object;
    std::string label;  // "document 2 (Service test/nginx-svc)"
  };
  net::Result<std::vector<Resolved>> resolve(const std::vector<Json>& documents,
                                             const std::string& source) const;

  kube::Store& store_;
  net::Trace& trace_;
};

}  // namespace albc::sim::scenario
