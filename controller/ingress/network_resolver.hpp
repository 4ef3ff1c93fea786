#pragma once

#include <optional>
#include <string>
#include <vector>

#include "controller/aws/ec2.hpp"
#include "controller/aws/elbv2.hpp"
#include "controller/deploy/inventory.hpp"
#include "controller/deploy/tracking.hpp"
#include "controller/net/signal.hpp"
#include "controller/net/trace.hpp"

namespace albc::ingress {

// The AWS facts the model builder needs: subnets and security groups named by annotations,
// discovered subnets, the stack's current load balancer, the shared backend security group.
class NetworkResolver {
 public:
  virtual ~NetworkResolver() = default;
  // Subnet IDs for a list of IDs or Name-tag values, in the controller's VPC.
  virtual net::Awaitable<net::Result<std::vector<std::string>>> resolve_subnets(
      std::vector<std::string> ids_or_names) = 0;
  // One subnet per Availability Zone tagged for the scheme's role (kubernetes.io/role/elb or
  // kubernetes.io/role/internal-elb).
  virtual net::Awaitable<net::Result<std::vector<std::string>>> discover_subnets(
      std::string scheme) = 0;
  virtual net::Awaitable<net::Result<std::vector<std::string>>> resolve_security_groups(
      std::vector<std::string> ids_or_names) = 0;
  virtual net::Awaitable<net::Result<std::optional<aws::LoadBalancer>>> stack_load_balancer(
      deploy::StackIdentity stack) = 0;
  // The cluster's shared backend security group, created the first time it is needed.
  virtual net::Awaitable<net::Result<std::string>> backend_security_group() = 0;
  // Deletes the shared backend security group once nothing needs it. Only a group the
  // controller created itself is deleted.
  virtual net::Awaitable<net::Result<void>> release_backend_security_group() = 0;
};

struct ResolverOptions {
  std::string cluster_name;
  std::string vpc_id;
  std::string backend_security_group_id;  // --backend-security-group; empty: albc manages one
  std::chrono::seconds retry_interval{2};
  std::chrono::seconds release_timeout{120};  // DependencyViolation while the ENIs go away
};

class AwsNetworkResolver final : public NetworkResolver {
 public:
  AwsNetworkResolver(aws::Ec2& ec2, deploy::Inventory& inventory, net::Clock& clock,
                     net::Trace& trace, ResolverOptions options);

  net::Awaitable<net::Result<std::vector<std::string>>> resolve_subnets(
      std::vector<std::string> ids_or_names) override;
  net::Awaitable<net::Result<std::vector<std::string>>> discover_subnets(
      std::string scheme) override;
  net::Awaitable<net::Result<std::vector<std::string>>> resolve_security_groups(
      std::vector<std::string> ids_or_names) override;
  net::Awaitable<net::Result<std::optional<aws::LoadBalancer>>> stack_load_balancer(
      deploy::StackIdentity stack) override;
  net::Awaitable<net::Result<std::string>> backend_security_group() override;
  net::Awaitable<net::Result<void>> release_backend_security_group() override;

 private:
  net::Awaitable<net::Result<std::vector<aws::Subnet>>> lookup_subnets(
      std::vector<std::string> ids_or_names);
  std::vector<aws::Filter> backend_security_group_filters() const;

  aws::Ec2& ec2_;
  deploy::Inventory& inventory_;
  net::Clock& clock_;
  net::Trace& trace_;
  ResolverOptions options_;
  std::string backend_security_group_id_;
  // One lookup or creation at a time: concurrent workers wait for the first.
  bool resolving_ = false;
  net::Signal resolved_;
};

}  // namespace albc::ingress
