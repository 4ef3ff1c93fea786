#include "sim/http/call_name.hpp"

#include <vector>

#include "controller/net/url.hpp"

namespace albc::sim::http {
namespace {

std::vector<std::string_view> segments_of(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    if (!segment.empty()) segments.push_back(segment);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

std::string aws_call_name(const net::Request& request) {
  const std::string host(request.headers.get("Host").value_or(""));
  const std::string service = host.starts_with("elasticloadbalancing.") ? "elbv2"
                              : host.starts_with("ec2.")                ? "ec2"
                                                                        : "";
  auto form = net::QueryForm::parse(request.body);
  if (service.empty() || !form) return "";
  auto action = form->get("Action");
  if (!action || action->empty()) return "";
  return service + " " + std::string(*action);
}

// /api/v1/namespaces/ns/pods/name/status, /apis/group/version/ingresses, ...
std::string kube_call_name(const net::Request& request) {
  std::vector<std::string_view> segments = segments_of(request.path());
  std::size_t at = segments.front() == "api" ? 2 : 3;  // past the group and version
  if (segments.size() <= at) return "";
  // A namespaced path; /api/v1/namespaces/name alone is the namespace itself.
  if (segments[at] == "namespaces" && segments.size() > at + 2) at += 2;
  std::string resource(segments[at]);
  const bool named = segments.size() > at + 1;
  if (segments.size() > at + 2) resource += "/" + std::string(segments[at + 2]);
  std::string verb;
  if (request.method == "POST") {
    verb = "create";
  } else if (request.method == "PUT") {
    verb = "update";
  } else if (request.method == "PATCH") {
    verb = "patch";
  } else if (request.method == "DELETE") {
    verb = named ? "delete" : "deletecollection";
  } else {
    const std::string_view query = request.query();
    const bool watch = query.find("watch=true") != std::string_view::npos ||
                       query.find("watch=1") != std::string_view::npos;
    verb = watch ? "watch" : named ? "get" : "list";
  }
  return "kube " + verb + " " + resource;
}

}  // namespace

bool is_aws_call(std::string_view call) {
  return call.starts_with("elbv2 ") || call.starts_with("ec2 ");
}

bool is_kube_write(std::string_view call) {
  return call.starts_with("kube create ") || call.starts_with("kube update ") ||
         call.starts_with("kube patch ") || call.starts_with("kube delete");
}

std::string call_name(const net::Request& request) {
  const std::string_view path = request.path();
  if (path.starts_with("/api/") || path.starts_with("/apis/")) return kube_call_name(request);
  if (request.method == "POST") return aws_call_name(request);
  return "";
}

}  // namespace albc::sim::http
