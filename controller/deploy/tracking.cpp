#include "controller/deploy/tracking.hpp"

namespace albc::deploy {

Tags stack_tags(const StackIdentity& stack) {
  return {{std::string(kClusterTag), stack.cluster}, {std::string(kStackTag), stack.stack_id}};
}

Tags resource_tags(const StackIdentity& stack, std::string_view resource_id,
                   const Tags& spec_tags) {
  Tags tags = spec_tags;
  for (const auto& [key, value] : stack_tags(stack))
    tags[key] = value;
  tags[std::string(kResourceTag)] = std::string(resource_id);
  return tags;
}

bool belongs_to(const StackIdentity& stack, const Tags& tags) {
  auto stack_tag = tags.find(std::string(kStackTag));
  if (stack_tag == tags.end() || stack_tag->second != stack.stack_id) return false;
  for (std::string_view cluster_key : {kClusterTag, kLegacyClusterTag}) {
    auto cluster = tags.find(std::string(cluster_key));
    if (cluster != tags.end() && cluster->second == stack.cluster) return true;
  }
  return false;
}

std::map<std::string, std::string> stack_labels(const StackIdentity& stack) {
  if (stack.is_explicit) return {{std::string(kStackLabel), stack.stack_id}};
  const auto slash = stack.stack_id.find('/');
  return {{std::string(kStackNamespaceLabel), stack.stack_id.substr(0, slash)},
          {std::string(kStackNameLabel), stack.stack_id.substr(slash + 1)}};
}

std::string stack_label_selector(const StackIdentity& stack) {
  std::string selector;
  for (const auto& [key, value] : stack_labels(stack)) {
    if (!selector.empty()) selector += ",";
    selector += key + "=" + value;
  }
  return selector;
}

std::string resource_id_of(const Tags& tags) {
  auto found = tags.find(std::string(kResourceTag));
  return found == tags.end() ? "" : found->second;
}

TagChanges tag_changes(const Tags& desired, const Tags& current, std::string_view cluster,
                       bool keep_ignored) {
  TagChanges changes;
  for (const auto& [key, value] : desired) {
    auto found = current.find(key);
    if (found == current.end() || found->second != value) changes.set[key] = value;
  }
  for (const auto& [key, value] : current) {
    if (desired.contains(key) || key.starts_with("aws:")) continue;
    if (keep_ignored && is_ignored_tag_key(key, cluster)) continue;
    changes.remove.push_back(key);
  }
  return changes;
}

bool is_ignored_tag_key(std::string_view key, std::string_view cluster) {
  return key.starts_with("aws:") || key == "kubernetes.io/cluster/" + std::string(cluster) ||
         key == "kubernetes.io/cluster-name" || key == "kubernetes.io/namespace" ||
         key == "kubernetes.io/ingress-name" || key == "kubernetes.io/service-name" ||
         key == "kubernetes.io/service-port" || key == kLegacyClusterTag;
}

}  // namespace albc::deploy
