#include "sim/world/account_setup.hpp"

namespace albc::sim::world {

using kube::Json;

net::Result<void> build_account(aws::AwsServer& aws, Cluster& cluster, net::Trace& trace,
                                const AccountSetup& setup) {
  auto call = [&](const char* action, Json params) -> net::Result<Json> {
    auto outcome =
        aws.ec2().handle(action, aws::Params(std::move(params), aws::Params::Style::Ec2));
    if (!outcome)
      return net::fail(outcome.error().code, std::string(action) + ": " + outcome.error().message);
    return *outcome;
  };
  auto name_tags = [](const std::string& type, const std::string& name,
                      const std::map<std::string, std::string>& extra) {
    Json tags = Json::array({{{"Key", "Name"}, {"Value", name}}});
    for (const auto& [key, value] : extra)
      tags.push_back({{"Key", key}, {"Value", value}});
    return Json::array({{{"ResourceType", type}, {"Tag", tags}}});
  };
  auto vpc = call("CreateVpc", {{"CidrBlock", setup.vpc_cidr},
                                {"TagSpecification", name_tags("vpc", setup.vpc_name, {})}});
  if (!vpc) return net::fail(net::with_context(vpc.error(), "world.vpc"));
  const std::string vpc_id = (*vpc)["vpc"]["vpcId"];
  trace.event("world.vpc.created", {{"name", setup.vpc_name}, {"id", vpc_id}});
  for (std::size_t i = 0; i < setup.vpc_secondary_cidrs.size(); ++i) {
    auto associated = call("AssociateVpcCidrBlock",
                           {{"VpcId", vpc_id}, {"CidrBlock", setup.vpc_secondary_cidrs[i]}});
    if (!associated) {
      return net::fail(net::with_context(associated.error(),
                                         "world.vpc.secondary_cidrs[" + std::to_string(i) + "]"));
    }
  }
  for (std::size_t i = 0; i < setup.subnets.size(); ++i) {
    const SubnetSetup& subnet = setup.subnets[i];
    auto created =
        call("CreateSubnet", {{"VpcId", vpc_id},
                              {"CidrBlock", subnet.cidr},
                              {"AvailabilityZone", subnet.zone},
                              {"TagSpecification", name_tags("subnet", subnet.name, subnet.tags)}});
    if (!created)
      return net::fail(
          net::with_context(created.error(), "world.subnets[" + std::to_string(i) + "]"));
    trace.event(
        "world.subnet.created",
        {{"name", subnet.name}, {"id", (*created)["subnet"]["subnetId"]}, {"zone", subnet.zone}});
    for (int node = 0; node < subnet.nodes; ++node) {
      if (cluster.add_node({subnet.zone, subnet.cidr}).empty()) {
        return net::fail("WorldSetup", "world.subnets[" + std::to_string(i) +
                                           "].nodes: no free address in " + subnet.cidr +
                                           " for node " + std::to_string(node + 1));
      }
    }
  }
  for (std::size_t i = 0; i < setup.security_groups.size(); ++i) {
    const auto& [name, description] = setup.security_groups[i];
    auto created =
        call("CreateSecurityGroup", {{"GroupName", name},
                                     {"GroupDescription", description},
                                     {"VpcId", vpc_id},
                                     {"TagSpecification", name_tags("security-group", name, {})}});
    if (!created)
      return net::fail(
          net::with_context(created.error(), "world.security_groups[" + std::to_string(i) + "]"));
    trace.event("world.security_group.created", {{"name", name}, {"id", (*created)["groupId"]}});
  }
  return {};
}

net::Result<void> build_cluster(kube::Store& store,
                                const std::vector<std::string>& ingress_classes) {
  for (const char* name : {"default", "kube-system"}) {
    if (auto created =
            store.create(store.type("v1", "Namespace"), "", {{"metadata", {{"name", name}}}});
        !created) {
      return net::fail("WorldSetup", created.error().message);
    }
  }
  for (const std::string& name : ingress_classes) {
    Json ingress_class = {
        {"metadata",
         {{"name", name},
          {"labels", {{"app.kubernetes.io/name", "aws-load-balancer-controller"}}}}},
        {"spec", {{"controller", "ingress.k8s.aws/alb"}}}};
    if (auto created =
            store.create(store.type("networking.k8s.io/v1", "IngressClass"), "", ingress_class);
        !created) {
      return net::fail("WorldSetup", "world.ingress_classes: " + created.error().message);
    }
  }
  return {};
}

}  // namespace albc::sim::world
