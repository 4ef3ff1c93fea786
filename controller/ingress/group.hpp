#pragma once

#include <compare>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "controller/ingress/annotations.hpp"
#include "controller/k8s/cache.hpp"
#include "controller/net/result.hpp"

namespace albc::ingress {

using Json = nlohmann::json;

inline constexpr std::string_view kControllerName = "ingress.k8s.aws/alb";
inline constexpr std::string_view kImplicitGroupFinalizer = "ingress.k8s.aws/resources";
inline constexpr std::string_view kExplicitGroupFinalizerPrefix = "group.ingress.k8s.aws/";

// The work item: an explicit group (`group.name`, namespace empty) or one Ingress on its own.
// Its string form is the stack ID in tags: "nginx-group" or "test/web".
struct GroupId {
  std::string ns;
  std::string name;

  bool is_explicit() const { return ns.empty(); }
  std::string to_string() const { return k8s::object_key(ns, name); }
  // Queue keys are the string form; group names cannot hold '/'.
  static GroupId parse(std::string_view key);
  auto operator<=>(const GroupId&) const = default;
};

std::string finalizer_of(const GroupId& group);

// The IngressClass an Ingress resolved to, and its IngressClassParams spec if it has any.
struct ClassConfig {
  std::string class_name;
  std::optional<Json> params;  // IngressClassParams .spec
};

struct Member {
  Json ingress;  // a copy: reconcilers never hold cache pointers across a co_await
  ClassConfig class_config;
  Annotations annotations;  // the Ingress's, parsed once per load
  std::string key() const;  // namespace/name
};

struct Group {
  GroupId id;
  std::vector<Member> members;         // sorted by group.order, then namespace/name
  std::vector<Json> inactive_members;  // still carry the group's finalizer
};

struct LoaderOptions {
  std::string ingress_class = "alb";  // --ingress-class
};

// Which Ingresses belong to which group (class matching, group names and order), read from the
// informer caches without any request.
class GroupLoader {
 public:
  GroupLoader(const k8s::ObjectCache& ingresses, const k8s::ObjectCache& ingress_classes,
              const k8s::ObjectCache& class_params, LoaderOptions options);

  net::Result<Group> load(const GroupId& id) const;
  // The group an Ingress belongs to now, or nullopt when this controller does not manage it.
  net::Result<std::optional<GroupId>> group_of(const Json& ingress) const;
  // Groups named by the Ingress's finalizers (it may be leaving them).
  std::vector<GroupId> groups_pending_finalization(const Json& ingress) const;
  // Whether any Ingress outside `group`'s leaving members still holds a group finalizer: the
  // shared backend security group may only go when none does.
  bool others_hold_finalizers(const Group& group) const;

 private:
  enum class Classification { NotManaged, Managed, InvalidClass, Failed };
  struct Classified {
    Classification classification = Classification::NotManaged;
    ClassConfig config;
    std::string error;
  };
  Classified classify(const Json& ingress) const;
  // The Ingresses that may be members of the group or carry its finalizer, in key order, found
  // through the cache's indexes (ingress_indexes.hpp).
  std::vector<const Json*> candidates_for(const GroupId& id) const;

  const k8s::ObjectCache& ingresses_;
  const k8s::ObjectCache& ingress_classes_;
  const k8s::ObjectCache& class_params_;
  LoaderOptions options_;
};

// `groupName must ...` errors, or success.
net::Result<void> validate_group_name(std::string_view name);

}  // namespace albc::ingress
