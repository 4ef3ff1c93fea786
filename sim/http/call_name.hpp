#pragma once

#include <string>
#include <string_view>

#include "controller/net/http.hpp"

namespace albc::sim::http {

// A request named as scenarios name calls: "elbv2 CreateListener" and "ec2 CreateSecurityGroup"
// for AWS (the Action of the form body, the service from the host); "kube patch ingresses/status"
// for Kubernetes (the verb as RBAC names it, the resource and subresource from the path).
// Empty when the request names neither.
std::string call_name(const net::Request& request);

// A call of the fake AWS ("elbv2 ..." or "ec2 ...").
bool is_aws_call(std::string_view call);
// A Kubernetes write: create, update, patch, delete or deletecollection.
bool is_kube_write(std::string_view call);

}  // namespace albc::sim::http
