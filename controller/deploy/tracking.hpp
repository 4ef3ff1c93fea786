#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace albc::deploy {

using Tags = std::map<std::string, std::string>;

// The real controller's tracking tags for the Ingress path.
inline constexpr std::string_view kClusterTag = "elbv2.k8s.aws/cluster";
inline constexpr std::string_view kStackTag = "ingress.k8s.aws/stack";
inline constexpr std::string_view kResourceTag = "ingress.k8s.aws/resource";
inline constexpr std::string_view kLegacyClusterTag = "ingress.k8s.aws/cluster";
inline constexpr std::string_view kBackendSecurityGroupResourceTag = "elbv2.k8s.aws/resource";
inline constexpr std::string_view kBackendSecurityGroupResourceValue = "backend-sg";

// Labels on TargetGroupBinding objects: explicit groups carry the stack label, implicit ones
// the namespace and name labels.
inline constexpr std::string_view kStackLabel = "ingress.k8s.aws/stack";
inline constexpr std::string_view kStackNamespaceLabel = "ingress.k8s.aws/stack-namespace";
inline constexpr std::string_view kStackNameLabel = "ingress.k8s.aws/stack-name";

struct StackIdentity {
  std::string cluster;
  std::string stack_id;  // "nginx-group" or "test/web"
  bool is_explicit = true;
};

// {cluster, stack}: what every resource of the stack carries.
Tags stack_tags(const StackIdentity& stack);
// Desired tags of one resource: spec tags, then the tracking tags, which win.
Tags resource_tags(const StackIdentity& stack, std::string_view resource_id, const Tags& spec_tags);
// The resource id a resource's tags name ("" when untagged): how actual resources are paired
// with the model's.
std::string resource_id_of(const Tags& tags);
// The tag changes that take `current` to `desired`: keys to set, and keys to remove (never
// AWS's own "aws:" keys, nor, when `keep_ignored`, the keys is_ignored_tag_key names).
struct TagChanges {
  Tags set;
  std::vector<std::string> remove;
  bool empty() const { return set.empty() && remove.empty(); }
};
TagChanges tag_changes(const Tags& desired, const Tags& current, std::string_view cluster,
                       bool keep_ignored);
// Whether a resource's tags say it belongs to the stack (current or legacy cluster tag).
bool belongs_to(const StackIdentity& stack, const Tags& tags);
std::map<std::string, std::string> stack_labels(const StackIdentity& stack);
// "ingress.k8s.aws/stack=nginx-group" or the namespace/name pair, for a list call.
std::string stack_label_selector(const StackIdentity& stack);
// Tag keys the controller never adds or removes on LBs, TGs and SGs (the v1 controller's, and
// AWS's).
bool is_ignored_tag_key(std::string_view key, std::string_view cluster);

}  // namespace albc::deploy
