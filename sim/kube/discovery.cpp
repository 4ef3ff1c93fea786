#include "sim/kube/discovery.hpp"

#include "controller/net/digest.hpp"
#include "sim/kube/scale.hpp"

namespace albc::sim::kube {

Json version_document() {
  return {{"major", "1"},
          {"minor", "32"},
          {"gitVersion", "v1.32.0-albc"},
          {"gitCommit", "0000000000000000000000000000000000000000"},
          {"gitTreeState", "clean"},
          {"buildDate", "2026-01-01T00:00:00Z"},
          {"goVersion", "go1.23.4"},
          {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

Json core_versions_document(std::string_view server_address) {
  return {{"kind", "APIVersions"},
          {"versions", Json::array({"v1"})},
          {"serverAddressByClientCIDRs",
           Json::array({{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}})}};
}

namespace {
Json group_entry(const ResourceRegistry& registry, const std::string& group) {
  Json versions = Json::array();
  for (const std::string& version : registry.versions(group)) {
    versions.push_back({{"groupVersion", group + "/" + version}, {"version", version}});
  }
  return {{"name", group}, {"versions", versions}, {"preferredVersion", versions.front()}};
}
}  // namespace

Json group_list_document(const ResourceRegistry& registry) {
  Json groups = Json::array();
  for (const std::string& group : registry.groups()) {
    if (!group.empty()) groups.push_back(group_entry(registry, group));
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

std::optional<Json> group_document(const ResourceRegistry& registry, std::string_view group) {
  if (group.empty() || registry.versions(group).empty()) return std::nullopt;
  Json document = group_entry(registry, std::string(group));
  document["kind"] = "APIGroup";
  document["apiVersion"] = "v1";
  return document;
}

std::optional<Json> resource_list_document(const ResourceRegistry& registry, std::string_view group,
                                           std::string_view version) {
  Json resources = Json::array();
  for (const ResourceType& type : registry.all()) {
    if (type.group != group || type.version != version) continue;
    Json entry = {
        {"name", type.plural},
        {"singularName", type.singular},
        {"namespaced", type.namespaced},
        {"kind", type.kind},
        {"verbs", Json::array({"create", "delete", "get", "list", "patch", "update", "watch"})}};
    if (!type.short_names.empty()) entry["shortNames"] = type.short_names;
    if (!type.categories.empty()) entry["categories"] = type.categories;
    resources.push_back(entry);
    if (type.has_status) {
      resources.push_back({{"name", type.plural + "/status"},
                           {"singularName", ""},
                           {"namespaced", type.namespaced},
                           {"kind", type.kind},
                           {"verbs", Json::array({"get", "patch", "update"})}});
    }
    if (serves_scale(type)) {
      // kubectl scale finds the Scale's group and version here.
      resources.push_back({{"name", type.plural + "/scale"},
                           {"singularName", ""},
                           {"namespaced", type.namespaced},
                           {"group", "autoscaling"},
                           {"version", "v1"},
                           {"kind", "Scale"},
                           {"verbs", Json::array({"get", "patch", "update"})}});
    }
  }
  if (resources.empty()) return std::nullopt;
  const std::string group_version =
      group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
  return Json{{"kind", "APIResourceList"},
              {"apiVersion", "v1"},
              {"groupVersion", group_version},
              {"resources", resources}};
}

namespace {

std::string openapi_path(const ResourceType& type) {
  return type.group.empty() ? "api/" + type.version : "apis/" + type.group + "/" + type.version;
}

Json patch_operation(const ResourceType& type) {
  return {{"x-kubernetes-group-version-kind",
           {{"group", type.group}, {"version", type.version}, {"kind", type.kind}}},
          {"parameters",
           Json::array(
               {{{"name", "fieldValidation"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
                {{"name", "fieldManager"}, {"in", "query"}, {"schema", {{"type", "string"}}}}})},
          {"requestBody",
           {{"content",
             {{"application/json-patch+json", {{"schema", Json::object()}}},
              {"application/merge-patch+json", {{"schema", Json::object()}}},
              {"application/apply-patch+yaml", {{"schema", Json::object()}}}}}}},
          {"responses", {{"200", {{"description", "OK"}}}}}};
}

}  // namespace

std::optional<Json> openapi_group_version_document(const ResourceRegistry& registry,
                                                   std::string_view path) {
  Json paths = Json::object();
  for (const ResourceType& type : registry.all()) {
    if (openapi_path(type) != path) continue;
    const std::string collection = "/" + openapi_path(type) +
                                   (type.namespaced ? "/namespaces/{namespace}/" : "/") +
                                   type.plural;
    paths[collection + "/{name}"] = {{"patch", patch_operation(type)}};
  }
  if (paths.empty()) return std::nullopt;
  return Json{{"openapi", "3.0.0"},
              {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
              {"components", {{"schemas", Json::object()}}},
              {"paths", paths}};
}

Json openapi_root_document(const ResourceRegistry& registry) {
  Json paths = Json::object();
  for (const ResourceType& type : registry.all()) {
    const std::string path = openapi_path(type);
    if (paths.contains(path)) continue;
    const auto document = openapi_group_version_document(registry, path);
    const std::string hash = net::sha256_hex(document->dump());
    paths[path] = {{"serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash}};
  }
  return {{"paths", paths}};
}

}  // namespace albc::sim::kube
