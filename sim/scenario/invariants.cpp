#include "sim/scenario/invariants.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "controller/k8s/fields.hpp"
#include "sim/scenario/aws_view.hpp"

namespace albc::sim::scenario {
namespace {

// The real controller's names, spelled out here rather than taken from controller/: the checks
// must not inherit a mistake in the code they judge.
constexpr const char* kClusterTag = "elbv2.k8s.aws/cluster";
constexpr const char* kStackTag = "ingress.k8s.aws/stack";
constexpr const char* kGroupAnnotation = "alb.ingress.kubernetes.io/group.name";
constexpr const char* kClassAnnotation = "kubernetes.io/ingress.class";
constexpr const char* kDefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";
constexpr const char* kAlbController = "ingress.k8s.aws/alb";

using Json = nlohmann::json;

std::vector<Json> all_of(const kube::Store& store, const char* kind) {
  for (const kube::ResourceType& type : store.registry().all()) {
    if (type.kind == kind) return store.snapshot(type, "");
  }
  return {};
}

bool deleting(const Json& object) {
  return k8s::metadata_of(object).contains("deletionTimestamp");
}

std::string key_of(const Json& object) {
  const std::string ns = k8s::namespace_of(object);
  return (ns.empty() ? "" : ns + "/") + k8s::name_of(object);
}

// Which Ingresses the controller owns: by IngressClass (its controller), by the legacy
// annotation, or through the default class.
class Ownership {
 public:
  Ownership(const kube::Store& store, const Judged& judged) : judged_(judged) {
    std::map<std::string, std::string> params_groups;  // IngressClassParams name → group
    for (const Json& params : all_of(store, "IngressClassParams")) {
      params_groups[k8s::name_of(params)] =
          k8s::text_field(k8s::map_field(k8s::map_field(params, "spec"), "group"), "name");
    }
    for (const Json& ingress_class : all_of(store, "IngressClass")) {
      const Json& spec = k8s::map_field(ingress_class, "spec");
      if (k8s::text_field(spec, "controller") != kAlbController) continue;
      const Json& parameters = k8s::map_field(spec, "parameters");
      std::string group;
      if (k8s::text_field(parameters, "kind") == "IngressClassParams") {
        auto found = params_groups.find(k8s::text_field(parameters, "name"));
        if (found != params_groups.end()) group = found->second;
      }
      ours_[k8s::name_of(ingress_class)] = group;
      const Json& annotations = k8s::map_field(k8s::metadata_of(ingress_class), "annotations");
      if (k8s::text_field(annotations, kDefaultClassAnnotation) == "true")
        default_class_ = k8s::name_of(ingress_class);
    }
  }

  // The legacy annotation first, then spec.ingressClassName, then the default class, as the
  // real controller reads them; an empty --ingress-class also takes "alb" and unclassed ones.
  bool owns(const Json& ingress) const { return class_of(ingress).has_value(); }

  // The stack an Ingress belongs to: its class's IngressClassParams group, its explicit group,
  // else itself.
  std::string stack_of(const Json& ingress) const {
    const auto ingress_class = class_of(ingress);
    if (ingress_class) {
      auto found = ours_.find(*ingress_class);
      if (found != ours_.end() && !found->second.empty()) return found->second;
    }
    const Json& annotations = k8s::map_field(k8s::metadata_of(ingress), "annotations");
    const std::string group = k8s::text_field(annotations, kGroupAnnotation);
    return group.empty() ? key_of(ingress) : group;
  }

 private:
  // The class an owned Ingress goes by ("" for the annotation), nullopt when not owned.
  std::optional<std::string> class_of(const Json& ingress) const {
    const Json& annotations = k8s::map_field(k8s::metadata_of(ingress), "annotations");
    if (annotations.contains(kClassAnnotation)) {
      const std::string value = k8s::text_field(annotations, kClassAnnotation);
      const bool ours =
          value == judged_.ingress_class || (judged_.ingress_class.empty() && value == "alb");
      return ours ? std::optional<std::string>("") : std::nullopt;
    }
    std::string class_name = k8s::text_field(k8s::map_field(ingress, "spec"), "ingressClassName");
    if (class_name.empty()) {
      if (!default_class_.empty()) return default_class_;
      return judged_.ingress_class.empty() ? std::optional<std::string>("") : std::nullopt;
    }
    if (!ours_.contains(class_name)) return std::nullopt;
    return class_name;
  }

  const Judged& judged_;
  std::map<std::string, std::string> ours_;  // IngressClass of the ALB controller → params group
  std::string default_class_;
};

std::string tag(const aws::Tags& tags, const char* key) {
  auto found = tags.find(key);
  return found == tags.end() ? "" : found->second;
}

// no-leak: every resource tagged for this cluster belongs to a stack that some Ingress of the
// controller's class still forms (one being deleted still forms it until its finalizer goes).
void check_no_leak(const aws::AwsState& state, const std::vector<Json>& ingresses,
                   const Ownership& ownership, const Judged& judged,
                   std::vector<Violation>& violations) {
  std::set<std::string> live;
  for (const Json& ingress : ingresses) {
    if (ownership.owns(ingress)) live.insert(ownership.stack_of(ingress));
  }
  const auto judge = [&](const aws::Tags& tags, const std::string& what) {
    if (tag(tags, kClusterTag) != judged.cluster_name) return;
    const std::string stack = tag(tags, kStackTag);
    // A resource of the cluster with no stack (the shared backend security group) lives as
    // long as any stack does.
    if (stack.empty() ? !live.empty() : live.contains(stack)) return;
    violations.push_back({"no-leak", what + (stack.empty() ? " (no stack)" : " of stack " + stack) +
                                         " is left while no Ingress of class " +
                                         judged.ingress_class + " forms that stack"});
  };
  for (const auto& [arn, lb] : state.load_balancers())
    judge(lb.tags, "load balancer " + lb.name);
  for (const auto& [arn, group] : state.target_groups())
    judge(group.tags, "target group " + group.name);
  for (const auto& [id, group] : state.security_groups)
    judge(group.tags, "security group " + group.name + " (" + id + ")");
}

// no-orphan: no binding points at a target group that is gone, no target group of the cluster
// lacks the binding that keeps its targets, and no address in an Ingress status names a load
// balancer that is gone.
void check_no_orphan(const aws::AwsState& state, const std::vector<Json>& ingresses,
                     const std::vector<Json>& bindings, const Ownership& ownership,
                     const Judged& judged, std::vector<Violation>& violations) {
  std::set<std::string> bound;
  for (const Json& binding : bindings) {
    const std::string arn = k8s::text_field(k8s::map_field(binding, "spec"), "targetGroupARN");
    bound.insert(arn);
    // A binding without an ARN is malformed, not orphaned: the controller reports it.
    if (!arn.empty() && !deleting(binding) && state.find_target_group(arn) == nullptr) {
      violations.push_back({"no-orphan", "TargetGroupBinding " + key_of(binding) +
                                             " points at target group " + arn +
                                             ", which does not exist"});
    }
  }
  for (const auto& [arn, group] : state.target_groups()) {
    if (tag(group.tags, kClusterTag) == judged.cluster_name && !bound.contains(arn)) {
      violations.push_back({"no-orphan", "target group " + group.name +
                                             " has no TargetGroupBinding to keep its targets"});
    }
  }
  std::set<std::string> dns_names;
  for (const auto& [arn, lb] : state.load_balancers()) {
    std::string lower = lb.dns_name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    dns_names.insert(lower);
  }
  for (const Json& ingress : ingresses) {
    if (!ownership.owns(ingress) || deleting(ingress)) continue;
    const Json& entries = k8s::list_field(
        k8s::map_field(k8s::map_field(ingress, "status"), "loadBalancer"), "ingress");
    for (const Json& entry : entries) {
      const std::string hostname = k8s::text_field(entry, "hostname");
      if (!hostname.empty() && !dns_names.contains(hostname)) {
        violations.push_back({"no-orphan", "Ingress " + key_of(ingress) + " shows the address " +
                                               hostname + ", which no load balancer has"});
      }
    }
  }
}

std::string node_ready(const Json& node) {
  for (const Json& condition : k8s::list_field(k8s::map_field(node, "status"), "conditions")) {
    if (k8s::text_field(condition, "type") == "Ready") return k8s::text_field(condition, "status");
  }
  return "";
}

// The nodes a load balancer may send traffic to, as the real controller's node filter has it.
bool node_eligible(const Json& node, const Json& node_selector) {
  const Json& labels = k8s::map_field(k8s::metadata_of(node), "labels");
  for (const char* excluded :
       {"node-role.kubernetes.io/master", "node.kubernetes.io/exclude-from-external-load-balancers",
        "alpha.service-controller.kubernetes.io/exclude-balancer"}) {
    if (labels.contains(excluded)) return false;
  }
  if (k8s::text_field(labels, "eks.amazonaws.com/compute-type") == "fargate") return false;
  const std::string provider = k8s::text_field(k8s::map_field(node, "spec"), "providerID");
  if (!provider.substr(provider.rfind('/') + 1).starts_with("i-")) return false;
  for (const Json& taint : k8s::list_field(k8s::map_field(node, "spec"), "taints")) {
    const std::string key = k8s::text_field(taint, "key");
    if (key == "ToBeDeletedByClusterAutoscaler" || key == "karpenter.sh/disrupted") return false;
  }
  const Json& match = k8s::map_field(node_selector, "matchLabels");
  for (auto it = match.begin(); it != match.end(); ++it) {
    if (!labels.contains(it.key()) || labels[it.key()] != *it) return false;
  }
  return true;
}

// The Service port a binding names, by number or by name; null when there is none.
const Json* service_port(const Json& service, const Json& wanted) {
  for (const Json& port : k8s::list_field(k8s::map_field(service, "spec"), "ports")) {
    if (wanted.is_number_integer() && k8s::integer_field(port, "port", -1) == wanted) return &port;
    if (wanted.is_string() && k8s::text_field(port, "name") == wanted.get<std::string>())
      return &port;
  }
  return nullptr;
}

using TargetSet = std::set<std::pair<std::string, int>>;

std::string describe(const TargetSet& targets) {
  std::string text;
  for (const auto& [id, port] : targets)
    text += (text.empty() ? "" : ", ") + id + ":" + std::to_string(port);
  return text.empty() ? "none" : text;
}

// targets-match-endpoints: each binding's target group holds (besides draining targets)
// exactly the ready endpoints of its Service port, or the eligible nodes on its node port.
void check_targets(const aws::AwsServer& aws, const kube::Store& store,
                   const std::vector<Json>& bindings, std::vector<Violation>& violations) {
  const std::vector<Json> services = all_of(store, "Service");
  const std::vector<Json> slices = all_of(store, "EndpointSlice");
  const std::vector<Json> nodes = all_of(store, "Node");
  // By namespace and Service name.
  std::map<std::pair<std::string, std::string>, const Json*> service_named;
  for (const Json& service : services)
    service_named.emplace(std::pair(k8s::namespace_of(service), k8s::name_of(service)), &service);
  std::map<std::pair<std::string, std::string>, std::vector<const Json*>> slices_of;
  for (const Json& slice : slices) {
    const Json& labels = k8s::map_field(k8s::metadata_of(slice), "labels");
    slices_of[{k8s::namespace_of(slice), k8s::text_field(labels, "kubernetes.io/service-name")}]
        .push_back(&slice);
  }
  for (const Json& binding : bindings) {
    if (deleting(binding)) continue;
    const Json& spec = k8s::map_field(binding, "spec");
    const aws::TargetGroup* group =
        aws.state().find_target_group(k8s::text_field(spec, "targetGroupARN"));
    if (group == nullptr) continue;  // no-orphan's business
    const std::string ns = k8s::namespace_of(binding);
    const Json& reference = k8s::map_field(spec, "serviceRef");
    const std::string service_name = k8s::text_field(reference, "name");
    auto service = service_named.find({ns, service_name});
    const Json* port = service == service_named.end()
                           ? nullptr
                           : service_port(*service->second, k8s::any_field(reference, "port"));
    TargetSet expected;
    if (port != nullptr && k8s::text_field(spec, "targetType") == "instance") {
      const int node_port = static_cast<int>(k8s::integer_field(*port, "nodePort", 0));
      // Ready nodes; when none is, those whose readiness is Unknown (the controller fails open).
      TargetSet unknown;
      for (const Json& node : nodes) {
        if (!node_eligible(node, k8s::map_field(spec, "nodeSelector"))) continue;
        const std::string provider = k8s::text_field(k8s::map_field(node, "spec"), "providerID");
        const std::string ready = node_ready(node);
        if (ready == "True") expected.emplace(provider.substr(provider.rfind('/') + 1), node_port);
        if (ready == "Unknown")
          unknown.emplace(provider.substr(provider.rfind('/') + 1), node_port);
      }
      if (expected.empty()) expected = unknown;
    } else if (port != nullptr) {
      const std::string port_name = k8s::text_field(*port, "name");
      auto own = slices_of.find({ns, service_name});
      for (const Json* slice_of_service :
           own == slices_of.end() ? std::vector<const Json*>{} : own->second) {
        const Json& slice = *slice_of_service;
        if (k8s::text_field(slice, "addressType") != "IPv4") continue;
        for (const Json& slice_port : k8s::list_field(slice, "ports")) {
          // An unnamed Service port takes the slice's ports whatever their names.
          if (!port_name.empty() && k8s::text_field(slice_port, "name") != port_name) continue;
          for (const Json& endpoint : k8s::list_field(slice, "endpoints")) {
            // Kubernetes reads a missing ready condition as ready; only pods are targets.
            if (!k8s::boolean_field(k8s::map_field(endpoint, "conditions"), "ready", true) ||
                k8s::text_field(k8s::map_field(endpoint, "targetRef"), "kind") != "Pod")
              continue;
            const Json& addresses = k8s::list_field(endpoint, "addresses");
            if (addresses.empty() || !addresses[0].is_string()) continue;
            expected.emplace(addresses[0].get<std::string>(),
                             static_cast<int>(k8s::integer_field(slice_port, "port", 0)));
          }
        }
      }
    }
    TargetSet registered;
    for (const aws::Target* target : aws.elbv2().current_targets(*group)) {
      const Json health = aws.elbv2().target_health(*group, *target);
      if (health["TargetHealth"].value("State", "") == "draining") continue;
      registered.emplace(target->id, target->port);
    }
    if (registered == expected) continue;
    TargetSet missing;
    TargetSet extra;
    std::set_difference(expected.begin(), expected.end(), registered.begin(), registered.end(),
                        std::inserter(missing, missing.end()));
    std::set_difference(registered.begin(), registered.end(), expected.begin(), expected.end(),
                        std::inserter(extra, extra.end()));
    violations.push_back(
        {"targets-match-endpoints", "target group " + group->name + " of TargetGroupBinding " +
                                        key_of(binding) + ": missing " + describe(missing) +
                                        "; not expected " + describe(extra)});
  }
}

// within-quota: nothing in the account is past the quotas the fake declares.
void check_quotas(const aws::AwsServer& aws, std::vector<Violation>& violations) {
  const aws::AwsState& state = aws.state();
  const aws::Elbv2Quotas& quotas = aws.elbv2().quotas();
  const auto over = [&](std::size_t count, std::size_t quota, const std::string& what) {
    if (count <= quota) return;
    violations.push_back({"within-quota", what + ": " + std::to_string(count) +
                                              ", over the quota of " + std::to_string(quota)});
  };
  over(state.load_balancers().size(), quotas.load_balancers_max, "load balancers in the region");
  over(state.target_groups().size(), quotas.target_groups_max, "target groups in the region");
  for (const auto& [arn, lb] : state.load_balancers()) {
    const auto listeners = state.listeners_of(arn);
    over(listeners.size(), quotas.listeners_per_load_balancer_max,
         "listeners of load balancer " + lb.name);
    std::size_t rules = 0;
    for (const aws::Listener* listener : listeners) {
      for (const aws::Rule* rule : state.rules_of(listener->arn))
        rules += rule->is_default ? 0 : 1;
    }
    over(rules, quotas.rules_per_load_balancer_max, "rules of load balancer " + lb.name);
    over(lb.tags.size(), quotas.tags_per_resource_max, "tags of load balancer " + lb.name);
  }
  for (const auto& [arn, group] : state.target_groups()) {
    over(aws.elbv2().current_targets(group).size(), quotas.targets_per_target_group_max,
         "targets of target group " + group.name);
    over(group.tags.size(), quotas.tags_per_resource_max, "tags of target group " + group.name);
  }
}

}  // namespace

Json settled_view(const aws::AwsServer& aws) {
  Json view = aws_view(aws);
  for (Json& lb : view["load_balancers"])
    lb.erase("State");
  for (Json& group : view["target_groups"]) {
    // A target that finishes draining during the resync leaves on its own.
    Json kept = Json::array();
    for (Json& target : group["Targets"]) {
      if (target.value("State", "") == "draining") continue;
      target.erase("State");
      target.erase("Reason");
      kept.push_back(target);
    }
    group["Targets"] = kept;
  }
  return view;
}

std::vector<Violation> check_state_invariants(const aws::AwsServer& aws, const kube::Store& store,
                                              const Judged& judged,
                                              const std::set<std::string>& enabled) {
  std::vector<Violation> violations;
  const std::vector<Json> ingresses = all_of(store, "Ingress");
  const std::vector<Json> bindings = all_of(store, "TargetGroupBinding");
  const Ownership ownership(store, judged);
  if (enabled.contains("no-leak"))
    check_no_leak(aws.state(), ingresses, ownership, judged, violations);
  if (enabled.contains("no-orphan"))
    check_no_orphan(aws.state(), ingresses, bindings, ownership, judged, violations);
  if (enabled.contains("targets-match-endpoints")) check_targets(aws, store, bindings, violations);
  if (enabled.contains("within-quota")) check_quotas(aws, violations);
  return violations;
}

}  // namespace albc::sim::scenario
