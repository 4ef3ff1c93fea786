#include "sim/kube/negotiation.hpp"

#include <cctype>

#include "controller/net/digest.hpp"
#include "controller/net/json.hpp"
#include "controller/net/yaml.hpp"

namespace albc::sim::kube {
namespace {

std::string media_type(std::string_view header) {
  std::string_view media = header.substr(0, header.find(';'));
  while (!media.empty() && media.front() == ' ')
    media.remove_prefix(1);
  while (!media.empty() && media.back() == ' ')
    media.remove_suffix(1);
  std::string lower(media);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// apiserver's summarizeData: the first 30 bytes of a JSON object, else their hex.
std::string summary_of(std::string_view body) {
  constexpr std::size_t kLength = 30;
  if (body.empty()) return "<empty>";
  const std::string_view head = body.substr(0, kLength);
  const std::string more = body.size() > kLength ? " ..." : "";
  if (body.front() == '{') return std::string(head) + more;
  return net::to_hex(head) + more;
}

StatusError unrecognized(const ResourceType& type, const std::string& why, std::string_view body) {
  return bad_request("the object provided is unrecognized (must be of type " + type.kind +
                     "): " + why + " (" + summary_of(body) + ")");
}

net::Result<Json, StatusError> parse(const ResourceType& type, std::string_view body, bool yaml) {
  if (yaml) {
    net::YamlLimits limits;
    limits.bytes_max = kRequestBodyBytesMax;
    auto document = net::yaml_to_json(std::string(body), "body", limits);
    if (!document) {
      return net::fail(unrecognized(type, "yaml: " + document.error().message, body));
    }
    return std::move(*document);
  }
  auto document = net::parse_json(body);
  if (!document) {
    const std::string why = document.error().code == "JsonTooDeep"
                                ? "invalid character exceeded max depth"
                                : document.error().message;
    return net::fail(
        unrecognized(type, "couldn't get version/kind; json parse error: " + why, body));
  }
  return std::move(*document);
}

}  // namespace

net::Result<Json, StatusError> read_object_body(const net::Request& request,
                                                const ResourceType& type) {
  const std::string media = media_type(request.headers.value_or("Content-Type", ""));
  if (media.empty() || media == "application/json") return parse(type, request.body, false);
  if (media == "application/yaml") return parse(type, request.body, true);
  if (media == "application/vnd.kubernetes.protobuf") {
    return net::fail(unsupported_media_type(
        "albc's API server reads JSON and YAML request bodies, not " + media +
        " (kubectl create <kind> sends protobuf; use kubectl apply -f instead)"));
  }
  return net::fail(unsupported_media_type(
      "the body of the request was in an unknown format - accepted media types include: "
      "application/json, application/yaml, application/vnd.kubernetes.protobuf"));
}

net::Result<std::pair<PatchType, Json>, StatusError> read_patch_body(const net::Request& request,
                                                                     const ResourceType& type) {
  auto patch_type = patch_type_of(request.headers.value_or("Content-Type", ""));
  if (!patch_type) return net::fail(patch_type.error());
  const bool yaml =
      media_type(request.headers.value_or("Content-Type", "")) == "application/apply-patch+yaml";
  auto body = parse(type, request.body, yaml);
  if (!body) return net::fail(body.error());
  return std::pair<PatchType, Json>(*patch_type, std::move(*body));
}

net::Result<void, StatusError> check_accept(std::string_view accept) {
  if (accept.empty()) return {};
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    const std::string media = media_type(accept.substr(0, comma));
    if (media == "*/*" || media == "application/*" || media == "application/json" ||
        media == "application/yaml" || media == "application/vnd.kubernetes.protobuf" ||
        media == "application/json;stream=watch") {
      return {};
    }
    accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
  }
  return net::fail(StatusError{406, "NotAcceptable",
                               "406: Not Acceptable\n\nAvailable representations: "
                               "application/json, application/yaml, "
                               "application/vnd.kubernetes.protobuf"});
}

}  // namespace albc::sim::kube
