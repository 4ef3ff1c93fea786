#include "controller/app/controller_app.hpp"

#include "controller/aws/ec2.hpp"
#include "controller/aws/elbv2.hpp"
#include "controller/deploy/stack_deployer.hpp"
#include "controller/ingress/event_mapping.hpp"
#include "controller/ingress/group_reconciler.hpp"
#include "controller/ingress/ingress_indexes.hpp"
#include "controller/k8s/controller.hpp"
#include "controller/k8s/event_recorder.hpp"
#include "controller/k8s/finalizers.hpp"
#include "controller/k8s/informer.hpp"
#include "controller/k8s/work_queue.hpp"
#include "controller/tgb/binding_reconciler.hpp"

namespace albc::app {

// Declared in the order they are built; members are destroyed in reverse.
struct ControllerApp::Parts {
  // Spelled out: clang 14 has no parenthesized aggregate initialization for make_unique.
  Parts(net::Executor executor, net::Clock& clock, net::Random random, net::Trace& trace,
        ControllerOptions options, k8s::Client kube, aws::Client aws_client)
      : executor(std::move(executor)),
        clock(clock),
        random(std::move(random)),
        trace(trace),
        options(std::move(options)),
        kube(std::move(kube)),
        aws_client(std::move(aws_client)) {
    for (k8s::Informer* informer : {&ingresses, &ingress_classes, &class_params, &services,
                                    &endpoint_slices, &pods, &bindings, &nodes})
      informer->set_bug_sink(this->options.on_bug);
    for (auto& [name, index] : ingress::ingress_indexes())
      ingresses.add_index(name, std::move(index));
    endpoint_slices.add_index(tgb::kByService, tgb::slice_service_index);
    pods.set_transform(tgb::slim_pod);
    bindings.add_index(tgb::kByService, tgb::binding_service_index);
    bindings.add_index(tgb::kByTargetType, tgb::binding_target_type_index);
  }

  net::Executor executor;
  net::Clock& clock;
  net::Random random;
  net::Trace& trace;
  ControllerOptions options;
  k8s::Client kube;
  aws::Client aws_client;
  aws::Elbv2 elbv2{aws_client};
  aws::Ec2 ec2{aws_client};
  k8s::Informer ingresses{kube, clock, random.fork("informer.ingresses"), trace,
                          k8s::resources::ingresses};
  k8s::Informer ingress_classes{kube, clock, random.fork("informer.ingressclasses"), trace,
                                k8s::resources::ingress_classes};
  k8s::Informer class_params{kube, clock, random.fork("informer.ingressclassparams"), trace,
                             k8s::resources::ingress_class_params};
  k8s::Informer services{kube, clock, random.fork("informer.services"), trace,
                         k8s::resources::services};
  k8s::Informer endpoint_slices{kube, clock, random.fork("informer.endpointslices"), trace,
                                k8s::resources::endpoint_slices};
  k8s::Informer pods{kube, clock, random.fork("informer.pods"), trace, k8s::resources::pods};
  k8s::Informer bindings{kube, clock, random.fork("informer.targetgroupbindings"), trace,
                         k8s::resources::target_group_bindings};
  k8s::Informer nodes{kube, clock, random.fork("informer.nodes"), trace, k8s::resources::nodes};
  k8s::WorkQueue ingress_queue{clock};
  k8s::WorkQueue binding_queue{clock};
  k8s::FinalizerManager finalizers{kube, clock, trace};
  k8s::EventRecorder ingress_events{kube, clock, trace, executor, "ingress"};
  k8s::EventRecorder binding_events{kube, clock, trace, executor, "targetGroupBinding"};
  std::string vpc_id;
  std::unique_ptr<ingress::GroupLoader> loader;
  std::unique_ptr<deploy::Inventory> inventory;
  std::unique_ptr<ingress::AwsNetworkResolver> resolver;
  std::unique_ptr<ingress::ModelBuilder> builder;
  std::unique_ptr<deploy::StackDeployer> deployer;
  std::unique_ptr<ingress::GroupReconciler> group_reconciler;
  std::unique_ptr<ingress::EventMapping> event_mapping;
  std::unique_ptr<tgb::BindingReconciler> binding_reconciler;
  std::unique_ptr<k8s::Controller> ingress_controller;
  std::unique_ptr<k8s::Controller> binding_controller;

  net::Awaitable<net::Result<void>> resolve_vpc();
  void wire_ingress_path();
  void wire_binding_path(std::vector<net::Ipv4Cidr> vpc_cidrs);
};

ControllerApp::ControllerApp(net::Executor executor, net::Clock& clock, net::Random random,
                             net::Trace& trace, net::Transport& kube_transport,
                             k8s::ClientOptions kube_options, aws::Endpoint elbv2,
                             aws::Endpoint ec2, net::Credentials credentials,
                             aws::ClientOptions aws_options, ControllerOptions options)
    : parts_(std::make_unique<Parts>(
          executor, clock, random, trace, options,
          k8s::Client(kube_transport, std::move(kube_options)),
          aws::Client(std::move(elbv2), std::move(ec2), std::move(credentials), clock,
                      random.fork("aws.retry"), trace, std::move(aws_options)))) {}

ControllerApp::~ControllerApp() = default;

net::Awaitable<net::Result<void>> ControllerApp::Parts::resolve_vpc() {
  std::vector<std::string> ids;
  std::vector<aws::Filter> filters;
  if (!options.vpc_id.empty()) {
    ids.push_back(options.vpc_id);
  } else {
    for (const auto& [key, value] : options.vpc_tags)
      filters.push_back({"tag:" + key, {value}});
    if (filters.empty())
      co_return net::fail("InvalidConfiguration",
                          "either --aws-vpc-id or --aws-vpc-tags must be given");
  }
  auto vpcs = co_await ec2.describe_vpcs(ids, filters);
  if (!vpcs) co_return net::fail(net::with_context(vpcs.error(), "failed to resolve the VPC"));
  if (vpcs->size() != 1) {
    co_return net::fail(
        "InvalidConfiguration",
        "expected exactly one VPC matching the tags, found " + std::to_string(vpcs->size()));
  }
  vpc_id = vpcs->front().id;
  std::vector<net::Ipv4Cidr> cidrs;
  for (const std::string& cidr : vpcs->front().cidrs) {
    if (auto parsed = net::parse_cidr(cidr)) cidrs.push_back(*parsed);
  }
  trace.event("controller.vpc", {{"id", vpc_id}});
  wire_ingress_path();
  wire_binding_path(cidrs);
  co_return net::Result<void>();
}

void ControllerApp::Parts::wire_ingress_path() {
  ingress::BuilderOptions builder_options = options.builder;
  builder_options.cluster_name = options.cluster_name;
  builder_options.vpc_id = vpc_id;
  loader = std::make_unique<ingress::GroupLoader>(ingresses.cache(), ingress_classes.cache(),
                                                  class_params.cache(),
                                                  ingress::LoaderOptions{options.ingress_class});
  ingress::ResolverOptions resolver_options;
  resolver_options.cluster_name = options.cluster_name;
  resolver_options.vpc_id = vpc_id;
  inventory = std::make_unique<deploy::Inventory>(elbv2, clock, trace, vpc_id);
  resolver = std::make_unique<ingress::AwsNetworkResolver>(ec2, *inventory, clock, trace,
                                                           resolver_options);
  builder = std::make_unique<ingress::ModelBuilder>(services.cache(), *resolver, builder_options);
  deploy::DeployerOptions deployer_options;
  deployer_options.cluster_name = options.cluster_name;
  deployer_options.vpc_id = vpc_id;
  deployer = std::make_unique<deploy::StackDeployer>(elbv2, *inventory, ec2, kube, clock, trace,
                                                     deployer_options);
  group_reconciler = std::make_unique<ingress::GroupReconciler>(
      *loader, *builder, *deployer, *resolver, kube, finalizers, ingress_events, trace);
  event_mapping = std::make_unique<ingress::EventMapping>(
      *loader, ingresses.cache(), ingress_classes.cache(), ingress_events,
      [this](const std::string& key) { ingress_queue.add(key); });
  ingresses.on_change([this](const k8s::Json* old, const k8s::Json* current) {
    event_mapping->on_ingress(old, current);
  });
  services.on_change([this](const k8s::Json* old, const k8s::Json* current) {
    event_mapping->on_service(old, current);
  });
  ingress_classes.on_change([this](const k8s::Json* old, const k8s::Json* current) {
    event_mapping->on_ingress_class(old, current);
  });
  class_params.on_change([this](const k8s::Json* old, const k8s::Json* current) {
    event_mapping->on_ingress_class_params(old, current);
  });
  ingress_controller = std::make_unique<k8s::Controller>(
      "ingress", ingress_queue, *group_reconciler, clock, trace, options.ingress_workers);
  ingress_controller->set_bug_sink(options.on_bug);
}

void ControllerApp::Parts::wire_binding_path(std::vector<net::Ipv4Cidr> vpc_cidrs) {
  binding_reconciler = std::make_unique<tgb::BindingReconciler>(
      tgb::BindingCaches{bindings.cache(), services.cache(), endpoint_slices.cache(), pods.cache(),
                         nodes.cache()},
      elbv2, kube, finalizers, binding_events, clock, trace, std::move(vpc_cidrs));
  auto enqueue_binding = [this](const k8s::Json& binding) {
    binding_queue.add(k8s::object_key(binding));
  };
  bindings.on_change([enqueue_binding](const k8s::Json* old, const k8s::Json* current) {
    enqueue_binding(current != nullptr ? *current : *old);
  });
  // Bindings of the Service an EndpointSlice or Service event is about.
  auto enqueue_bindings_of = [this](const std::string& ns, const std::string& service) {
    for (const k8s::Json* binding : bindings.cache().by_index(tgb::kByService, ns + "/" + service))
      binding_queue.add(k8s::object_key(*binding));
  };
  endpoint_slices.on_change([enqueue_bindings_of](const k8s::Json* old, const k8s::Json* current) {
    const k8s::Json& slice = current != nullptr ? *current : *old;
    if (old != nullptr && current != nullptr && old != current &&
        k8s::any_field(*old, "endpoints") == k8s::any_field(*current, "endpoints") &&
        k8s::any_field(*old, "ports") == k8s::any_field(*current, "ports")) {
      return;
    }
    const k8s::Json& labels = k8s::map_field(k8s::metadata_of(slice), "labels");
    enqueue_bindings_of(k8s::namespace_of(slice),
                        k8s::text_field(labels, "kubernetes.io/service-name"));
  });
  services.on_change([enqueue_bindings_of](const k8s::Json* old, const k8s::Json* current) {
    const k8s::Json& service = current != nullptr ? *current : *old;
    enqueue_bindings_of(k8s::namespace_of(service), k8s::name_of(service));
  });
  // Instance bindings follow the nodes: a node added, removed, or changing readiness or labels.
  nodes.on_change([this](const k8s::Json* old, const k8s::Json* current) {
    if (old != nullptr && current != nullptr && old != current &&
        k8s::map_field(k8s::metadata_of(*old), "labels") ==
            k8s::map_field(k8s::metadata_of(*current), "labels") &&
        k8s::any_field(k8s::map_field(*old, "status"), "conditions") ==
            k8s::any_field(k8s::map_field(*current, "status"), "conditions")) {
      return;
    }
    for (const k8s::Json* binding : bindings.cache().by_index(tgb::kByTargetType, "instance"))
      binding_queue.add(k8s::object_key(*binding));
  });
  binding_controller =
      std::make_unique<k8s::Controller>("targetgroupbinding", binding_queue, *binding_reconciler,
                                        clock, trace, options.binding_workers);
  binding_controller->set_bug_sink(options.on_bug);
}

net::Awaitable<net::Result<void>> ControllerApp::start() {
  Parts& parts = *parts_;
  if (parts.options.cluster_name.empty())
    co_return net::fail("InvalidConfiguration", "kubernetes cluster name must be specified");
  if (auto vpc = co_await parts.resolve_vpc(); !vpc) co_return vpc;
  const std::vector<k8s::Informer*> informers = {&parts.ingresses,       &parts.ingress_classes,
                                                 &parts.class_params,    &parts.services,
                                                 &parts.endpoint_slices, &parts.pods,
                                                 &parts.bindings,        &parts.nodes};
  for (k8s::Informer* informer : informers)
    informer->start(parts.executor);
  // Caches synced before any worker runs.
  while (!std::all_of(informers.begin(), informers.end(),
                      [](const k8s::Informer* informer) { return informer->synced(); })) {
    co_await parts.clock.sleep_for(std::chrono::milliseconds(100));
  }
  parts.trace.event("controller.caches_synced");
  parts.ingress_controller->start(parts.executor);
  parts.binding_controller->start(parts.executor);
  co_return net::Result<void>();
}

bool ControllerApp::idle() const {
  return parts_->ingress_queue.idle() && parts_->binding_queue.idle();
}

std::string ControllerApp::pending() const {
  std::string text;
  for (const auto& [name, queue] :
       {std::pair<std::string, const k8s::WorkQueue*>{"ingress", &parts_->ingress_queue},
        {"targetgroupbinding", &parts_->binding_queue}}) {
    const auto keys = queue->unsettled();
    if (keys.empty()) continue;
    text += (text.empty() ? "" : "; ") + name + ": ";
    for (std::size_t i = 0; i < keys.size(); ++i) {
      text += (i ? ", " : "") + keys[i];
      const int failures = queue->failures(keys[i]);
      if (failures > 0) text += " (" + std::to_string(failures) + " failures)";
    }
  }
  return text;
}

std::map<std::string, k8s::ReconcileStats> ControllerApp::reconcile_stats() const {
  std::map<std::string, k8s::ReconcileStats> stats;
  for (const auto& [name, controller] :
       {std::pair<std::string, const k8s::Controller*>{"ingress", parts_->ingress_controller.get()},
        {"targetgroupbinding", parts_->binding_controller.get()}}) {
    if (controller == nullptr) continue;
    for (const auto& [key, entry] : controller->stats())
      stats.emplace(name + " " + key, entry);
  }
  return stats;
}

void ControllerApp::resync() {
  parts_->ingresses.resync();
  parts_->bindings.resync();
}

std::size_t ControllerApp::reconciles() const {
  std::size_t total = 0;
  if (parts_->ingress_controller) total += parts_->ingress_controller->reconciles();
  if (parts_->binding_controller) total += parts_->binding_controller->reconciles();
  return total;
}

}  // namespace albc::app
