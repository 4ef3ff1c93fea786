#include "controller/ingress/ingress_indexes.hpp"

#include <algorithm>

#include "controller/ingress/annotations.hpp"
#include "controller/ingress/group.hpp"
#include "controller/k8s/fields.hpp"

namespace albc::ingress {
namespace {

std::vector<std::string> group_values(const Json& ingress) {
  std::vector<std::string> values;
  const std::string named = Annotations::of(ingress).string("group.name").value_or("");
  values.push_back(
      "group:" +
      (named.empty() ? k8s::object_key(k8s::namespace_of(ingress), k8s::name_of(ingress)) : named));
  bool any = false;
  for (const Json& finalizer : k8s::list_field(k8s::metadata_of(ingress), "finalizers")) {
    if (!finalizer.is_string()) continue;
    const std::string text = finalizer.get<std::string>();
    if (text == kImplicitGroupFinalizer) {
      values.push_back("finalizer:" +
                       k8s::object_key(k8s::namespace_of(ingress), k8s::name_of(ingress)));
      any = true;
    } else if (text.starts_with(kExplicitGroupFinalizerPrefix)) {
      values.push_back("finalizer:" + text.substr(kExplicitGroupFinalizerPrefix.size()));
      any = true;
    }
  }
  if (any) values.push_back("finalizer");
  return values;
}

std::vector<std::string> class_values(const Json& ingress) {
  const Json& annotations = k8s::map_field(k8s::metadata_of(ingress), "annotations");
  if (annotations.contains("kubernetes.io/ingress.class"))
    return {"annotation:" + k8s::text_field(annotations, "kubernetes.io/ingress.class")};
  const Json& name = k8s::any_field(k8s::map_field(ingress, "spec"), "ingressClassName");
  if (name.is_string()) return {"spec:" + name.get<std::string>()};
  return {"none"};
}

std::vector<std::string> service_values(const Json& ingress) {
  const std::string ns = k8s::namespace_of(ingress);
  std::vector<std::string> values;
  auto add = [&](const Json& backend) {
    const std::string name = k8s::text_field(k8s::map_field(backend, "service"), "name");
    if (!name.empty()) values.push_back(ns + "/" + name);
  };
  const Json& spec = k8s::map_field(ingress, "spec");
  add(k8s::map_field(spec, "defaultBackend"));
  for (const Json& rule : k8s::list_field(spec, "rules")) {
    for (const Json& path : k8s::list_field(k8s::map_field(rule, "http"), "paths"))
      add(k8s::map_field(path, "backend"));
  }
  const Json& annotations = k8s::map_field(k8s::metadata_of(ingress), "annotations");
  for (auto it = annotations.begin(); it != annotations.end(); ++it) {
    if (it.key().starts_with("alb.ingress.kubernetes.io/actions.")) {
      values.push_back(ns + "/*");
      break;
    }
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

}  // namespace

std::vector<std::pair<std::string, k8s::ObjectCache::IndexFunc>> ingress_indexes() {
  return {{kIngressesByGroup, group_values},
          {kIngressesByClass, class_values},
          {kIngressesByService, service_values}};
}

void add_ingress_indexes(k8s::ObjectCache& ingresses) {
  for (auto& [name, index] : ingress_indexes())
    ingresses.add_index(name, std::move(index));
}

std::vector<const k8s::Json*> by_any(const k8s::ObjectCache& cache, const std::string& index,
                                     const std::vector<std::string>& values) {
  std::vector<const k8s::Json*> found;
  for (const std::string& value : values) {
    for (const k8s::Json* object : cache.by_index(index, value))
      found.push_back(object);
  }
  std::sort(found.begin(), found.end(), [](const k8s::Json* a, const k8s::Json* b) {
    return k8s::object_key(*a) < k8s::object_key(*b);
  });
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

}  // namespace albc::ingress
