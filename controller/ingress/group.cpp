#include "controller/ingress/group.hpp"

#include <algorithm>

#include "controller/ingress/annotations.hpp"
#include "controller/ingress/ingress_indexes.hpp"

namespace albc::ingress {

GroupId GroupId::parse(std::string_view key) {
  const auto slash = key.find('/');
  if (slash == std::string_view::npos) return GroupId{"", std::string(key)};
  return GroupId{std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

std::string finalizer_of(const GroupId& group) {
  return group.is_explicit() ? std::string(kExplicitGroupFinalizerPrefix) + group.name
                             : std::string(kImplicitGroupFinalizer);
}

std::string Member::key() const {
  return k8s::object_key(ingress);
}

net::Result<void> validate_group_name(std::string_view name) {
  bool valid = !name.empty();
  for (std::size_t i = 0; i < name.size() && valid; ++i) {
    const char c = name[i];
    const bool alphanumeric = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (i == 0 || i + 1 == name.size())
      valid = alphanumeric;
    else
      valid = alphanumeric || c == '-' || c == '.';
  }
  if (!valid) {
    return net::fail("InvalidIngressGroup",
                     "invalid ingress group: groupName must consist of lower case alphanumeric "
                     "characters, '-' or "
                     "'.', and must start and end with an alphanumeric character");
  }
  if (name.size() > 63) {
    return net::fail("InvalidIngressGroup",
                     "invalid ingress group: groupName must be no more than 63 characters");
  }
  return {};
}

GroupLoader::GroupLoader(const k8s::ObjectCache& ingresses, const k8s::ObjectCache& ingress_classes,
                         const k8s::ObjectCache& class_params, LoaderOptions options)
    : ingresses_(ingresses),
      ingress_classes_(ingress_classes),
      class_params_(class_params),
      options_(std::move(options)) {}

namespace {
bool being_deleted(const Json& object) {
  return k8s::being_deleted(object);
}

std::vector<std::string> finalizers_of(const Json& object) {
  std::vector<std::string> finalizers;
  for (const Json& finalizer : k8s::list_field(k8s::metadata_of(object), "finalizers")) {
    if (finalizer.is_string()) finalizers.push_back(finalizer.get<std::string>());
  }
  return finalizers;
}
}  // namespace

GroupLoader::Classified GroupLoader::classify(const Json& ingress) const {
  const Json& annotations = k8s::map_field(k8s::metadata_of(ingress), "annotations");
  if (annotations.contains("kubernetes.io/ingress.class")) {
    const std::string value = k8s::text_field(annotations, "kubernetes.io/ingress.class");
    const bool managed =
        value == options_.ingress_class || (options_.ingress_class.empty() && value == "alb");
    return {
        managed ? Classification::Managed : Classification::NotManaged, {value, std::nullopt}, ""};
  }
  const Json& spec = k8s::map_field(ingress, "spec");
  std::string class_name;
  if (k8s::any_field(spec, "ingressClassName").is_string()) {
    class_name = k8s::text_field(spec, "ingressClassName");
  } else {
    std::vector<std::string> defaults;
    for (const Json* candidate : ingress_classes_.list()) {
      const Json& class_annotations = k8s::map_field(k8s::metadata_of(*candidate), "annotations");
      if (k8s::text_field(class_annotations, "ingressclass.kubernetes.io/is-default-class") ==
          "true") {
        defaults.push_back(k8s::name_of((*candidate)));
      }
    }
    if (defaults.size() > 1)
      return {Classification::Failed, {}, "multiple default IngressClasses found"};
    if (defaults.empty()) {
      return {options_.ingress_class.empty() ? Classification::Managed : Classification::NotManaged,
              {},
              ""};
    }
    class_name = defaults.front();
  }
  const Json* ingress_class = ingress_classes_.get("", class_name);
  if (ingress_class == nullptr) {
    return {
        Classification::InvalidClass,
        {class_name, std::nullopt},
        "invalid ingress class: ingressclasses.networking.k8s.io \"" + class_name + "\" not found"};
  }
  const Json& class_spec = k8s::map_field(*ingress_class, "spec");
  if (k8s::text_field(class_spec, "controller") != kControllerName)
    return {Classification::NotManaged, {class_name, std::nullopt}, ""};
  if (!class_spec.contains("parameters"))
    return {Classification::Managed, {class_name, std::nullopt}, ""};
  const Json& parameters = k8s::map_field(class_spec, "parameters");
  if (k8s::text_field(parameters, "apiGroup") != "elbv2.k8s.aws" ||
      k8s::text_field(parameters, "kind") != "IngressClassParams") {
    return {Classification::InvalidClass,
            {class_name, std::nullopt},
            "invalid ingress class: IngressClass " + class_name + " references unknown parameters"};
  }
  const std::string params_name = k8s::text_field(parameters, "name");
  const Json* params = class_params_.get("", params_name);
  if (params == nullptr) {
    return {Classification::InvalidClass,
            {class_name, std::nullopt},
            "invalid ingress class: ingressclassparams.elbv2.k8s.aws \"" + params_name +
                "\" not found"};
  }
  return {Classification::Managed, {class_name, k8s::map_field(*params, "spec")}, ""};
}

net::Result<std::optional<GroupId>> GroupLoader::group_of(const Json& ingress) const {
  if (being_deleted(ingress)) return std::optional<GroupId>();
  const Classified classified = classify(ingress);
  if (classified.classification == Classification::InvalidClass)
    return net::fail("InvalidIngressClass", classified.error);
  if (classified.classification == Classification::Failed)
    return net::fail("ClassLoadFailed", classified.error);
  if (classified.classification == Classification::NotManaged) return std::optional<GroupId>();
  std::string group_name;
  if (classified.config.params &&
      k8s::map_field(*classified.config.params, "group").contains("name")) {
    group_name = k8s::text_field(k8s::map_field(*classified.config.params, "group"), "name");
  } else {
    group_name = Annotations::of(ingress).string("group.name").value_or("");
  }
  if (group_name.empty()) {
    return std::optional<GroupId>(GroupId{k8s::namespace_of(ingress), k8s::name_of(ingress)});
  }
  if (auto valid = validate_group_name(group_name); !valid) return net::fail(valid.error());
  return std::optional<GroupId>(GroupId{"", group_name});
}

std::vector<GroupId> GroupLoader::groups_pending_finalization(const Json& ingress) const {
  std::vector<GroupId> groups;
  for (const std::string& finalizer : finalizers_of(ingress)) {
    if (finalizer == kImplicitGroupFinalizer) {
      groups.push_back(GroupId{k8s::namespace_of(ingress), k8s::name_of(ingress)});
    } else if (finalizer.starts_with(kExplicitGroupFinalizerPrefix)) {
      groups.push_back(GroupId{"", finalizer.substr(kExplicitGroupFinalizerPrefix.size())});
    }
  }
  return groups;
}

bool GroupLoader::others_hold_finalizers(const Group& group) const {
  for (const Json* ingress : ingresses_.by_index(kIngressesByGroup, "finalizer")) {
    if (groups_pending_finalization(*ingress).empty()) continue;
    const bool leaving_this_group = std::any_of(
        group.inactive_members.begin(), group.inactive_members.end(), [&](const Json& inactive) {
          return k8s::object_key(inactive) == k8s::object_key(*ingress);
        });
    if (!leaving_this_group) return true;
  }
  return false;
}

std::vector<const Json*> GroupLoader::candidates_for(const GroupId& id) const {
  // IngressClassParams may put every Ingress of a class in a group: then any Ingress may be in it.
  for (const Json* params : class_params_.list()) {
    if (k8s::map_field(k8s::map_field(*params, "spec"), "group").contains("name"))
      return ingresses_.list();
  }
  // With more than one default IngressClass, an Ingress without a class fails every load, as
  // it does in the real controller's walk over all Ingresses.
  std::size_t defaults = 0;
  for (const Json* candidate : ingress_classes_.list()) {
    const Json& annotations = k8s::map_field(k8s::metadata_of(*candidate), "annotations");
    if (k8s::text_field(annotations, "ingressclass.kubernetes.io/is-default-class") == "true")
      ++defaults;
  }
  std::vector<const Json*> candidates = by_any(
      ingresses_, kIngressesByGroup, {"group:" + id.to_string(), "finalizer:" + id.to_string()});
  if (defaults > 1) {
    for (const Json* ingress : ingresses_.by_index(kIngressesByClass, "none"))
      candidates.push_back(ingress);
    std::sort(candidates.begin(), candidates.end(), [](const Json* a, const Json* b) {
      return k8s::object_key(*a) < k8s::object_key(*b);
    });
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  }
  return candidates;
}

net::Result<Group> GroupLoader::load(const GroupId& id) const {
  Group group{id, {}, {}};
  const std::string finalizer = finalizer_of(id);
  std::vector<std::pair<std::int32_t, Member>> members;
  for (const Json* ingress : candidates_for(id)) {
    bool has_finalizer = k8s::has_finalizer(*ingress, finalizer);
    if (!id.is_explicit() && has_finalizer && k8s::object_key(*ingress) != id.to_string())
      has_finalizer = false;
    auto current = group_of(*ingress);
    if (!current) {
      if (current.error().code == "InvalidIngressClass") {
        if (has_finalizer) {
          return net::fail(
              "InvalidIngressClass",
              "Ingress: " + k8s::object_key(*ingress) +
                  ": Ingress has invalid IngressClass configuration: " + current.error().message);
        }
        continue;
      }
      if (current.error().code == "ClassLoadFailed") return net::fail(current.error());
      if (has_finalizer) group.inactive_members.push_back(*ingress);
      continue;
    }
    if (*current && **current == id) {
      const Annotations annotations = Annotations::of(*ingress);
      auto order = annotations.int32("group.order");
      if (!order) {
        return net::fail("InvalidAnnotation", "failed to load Ingress group order for ingress: " +
                                                  k8s::object_key(*ingress) + ": " +
                                                  order.error().message);
      }
      const std::int32_t value = order->value_or(0);
      if (value < -1000 || value > 1000) {
        return net::fail("InvalidAnnotation",
                         "explicit Ingress group order must be within [-1000:1000], Ingress: " +
                             k8s::object_key(*ingress) + ", order: " + std::to_string(value));
      }
      members.emplace_back(value,
                           Member{*ingress, classify(*ingress).config, Annotations::of(*ingress)});
    } else if (has_finalizer) {
      group.inactive_members.push_back(*ingress);
    }
  }
  std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return a.second.key() < b.second.key();
  });
  for (auto& [order, member] : members)
    group.members.push_back(std::move(member));
  return group;
}

}  // namespace albc::ingress
