#pragma once

#include <map>
#include <string>
#include <vector>

#include "controller/net/result.hpp"
#include "controller/net/trace.hpp"
#include "sim/aws/aws_server.hpp"
#include "sim/kube/store.hpp"
#include "sim/world/cluster.hpp"

namespace albc::sim::world {

struct SubnetSetup {
  std::string name;
  std::string zone;
  std::string cidr;
  std::map<std::string, std::string> tags;
  int nodes = 1;
};

struct AccountSetup {
  std::string vpc_name = "albc-vpc";
  std::string vpc_cidr = "10.0.0.0/16";
  std::vector<std::string> vpc_secondary_cidrs;
  std::vector<SubnetSetup> subnets;
  std::vector<std::pair<std::string, std::string>> security_groups;  // name, description
};

// Creates the account's VPC, subnets (with worker nodes in them) and security groups through
// the fake EC2 API, as an operator would with the aws CLI. Errors name the field.
net::Result<void> build_account(aws::AwsServer& aws, Cluster& cluster, net::Trace& trace,
                                const AccountSetup& setup);
// What a fresh cluster with the controller's Helm chart has: namespaces and IngressClasses.
net::Result<void> build_cluster(kube::Store& store,
                                const std::vector<std::string>& ingress_classes);

}  // namespace albc::sim::world
