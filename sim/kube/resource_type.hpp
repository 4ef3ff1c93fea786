#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace albc::sim::kube {

struct Schema;

// A column of `kubectl get` output (a CRD's additionalPrinterColumns, or a built-in printer).
struct PrinterColumn {
  std::string name;
  std::string type;       // string, integer, date
  std::string json_path;  // ".spec.serviceRef.name"; empty for computed built-in columns
  int priority = 0;
  std::string description;
};

// One REST resource the fake API server serves.
struct ResourceType {
  std::string group;  // "" for the core group
  std::string version;
  std::string plural;
  std::string singular;
  std::string kind;
  bool namespaced = true;
  bool has_status = false;
  bool custom = false;  // a custom resource: no strategic-merge patch, PUT needs resourceVersion
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<PrinterColumn> columns;  // empty: Name and Age
  // What a written object is decoded into (the Go type, or a CRD's OpenAPI schema) and, for a
  // custom resource, what it shares with built-ins (apiVersion, kind and a Go ObjectMeta).
  std::shared_ptr<const Schema> schema;
  std::shared_ptr<const Schema> envelope;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  // "ingresses.networking.k8s.io", or "pods" for the core group: how error messages name it.
  std::string qualified_plural() const { return group.empty() ? plural : plural + "." + group; }
  // The key objects of this resource are stored under (all versions of a resource share it).
  std::string storage_key() const { return group + "/" + plural; }
};

// The resources served, in a fixed order (discovery lists them that way).
class ResourceRegistry {
 public:
  static ResourceRegistry standard();

  const ResourceType* find(std::string_view group, std::string_view version,
                           std::string_view plural) const;
  const ResourceType* find_kind(std::string_view api_version, std::string_view kind) const;
  const std::vector<ResourceType>& all() const { return types_; }
  // Group names in discovery order, the core group ("") first.
  std::vector<std::string> groups() const;
  std::vector<std::string> versions(std::string_view group) const;

 private:
  std::vector<ResourceType> types_;
};

}  // namespace albc::sim::kube
