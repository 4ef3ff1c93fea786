#include "sim/kube/api_server.hpp"

#include "controller/net/json.hpp"
#include "controller/net/numbers.hpp"
#include "controller/net/url.hpp"
#include "sim/kube/discovery.hpp"
#include "sim/kube/field_errors.hpp"
#include "sim/kube/negotiation.hpp"
#include "sim/kube/patch.hpp"
#include "sim/kube/scale.hpp"
#include "sim/kube/table.hpp"
#include "sim/kube/validation.hpp"
#include "sim/kube/watch.hpp"

namespace albc::sim::kube {

struct ApiServer::Route {
  const ResourceType* type = nullptr;
  std::string ns;
  std::string name;
  Subresource subresource = Subresource::None;
};

namespace {

constexpr long long kWatchTimeoutMaxSeconds = 365LL * 24 * 3600;

net::Response json_response(int status, const Json& body,
                            std::string content_type = "application/json") {
  net::Response response;
  response.status = status;
  response.headers.set("Content-Type", std::move(content_type));
  response.headers.set("Cache-Control", "no-cache, private");
  response.body = net::dump_json(body);
  return response;
}

net::Response status_response(const StatusError& error) {
  net::Response response = json_response(error.code, error.to_json());
  if (error.retry_after_seconds > 0) {
    response.headers.set("Retry-After", std::to_string(error.retry_after_seconds));
  }
  return response;
}

net::Response not_found_response() {
  return status_response(
      {404, "NotFound", "the server could not find the requested resource", Json::object()});
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const auto slash = path.find('/');
    parts.emplace_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  return parts;
}

// Resolves /api/v1/... and /apis/<g>/<v>/... into a resource, namespace, name and subresource.
std::optional<ApiServer::Route> resolve_route(const ResourceRegistry& registry,
                                              const std::vector<std::string>& parts);

}  // namespace

ApiServer::ApiServer(Store& store, net::Clock& clock, ApiServerOptions options, net::Trace* trace)
    : store_(store), clock_(clock), options_(std::move(options)), trace_(trace) {}

namespace {

std::optional<ApiServer::Route> resolve_route(const ResourceRegistry& registry,
                                              const std::vector<std::string>& parts) {
  std::string group;
  std::string version;
  std::size_t index = 0;
  if (parts.size() >= 2 && parts[0] == "api") {
    version = parts[1];
    index = 2;
  } else if (parts.size() >= 3 && parts[0] == "apis") {
    group = parts[1];
    version = parts[2];
    index = 3;
  } else {
    return std::nullopt;
  }
  const std::vector<std::string> rest(parts.begin() + static_cast<long>(index), parts.end());
  ApiServer::Route route;
  std::vector<std::string> tail;
  if (rest.size() >= 3 && rest[0] == "namespaces") {
    const ResourceType* namespaced = registry.find(group, version, rest[2]);
    if (namespaced != nullptr && namespaced->namespaced) {
      route.type = namespaced;
      route.ns = rest[1];
      tail.assign(rest.begin() + 3, rest.end());
    }
  }
  if (route.type == nullptr) {
    if (rest.empty()) return std::nullopt;
    route.type = registry.find(group, version, rest[0]);
    if (route.type == nullptr) return std::nullopt;
    tail.assign(rest.begin() + 1, rest.end());
  }
  if (!tail.empty()) route.name = tail[0];
  if (tail.size() >= 2) {
    if (tail[1] == "status" && route.type->has_status) {
      route.subresource = Subresource::Status;
    } else if (tail[1] == "scale" && serves_scale(*route.type)) {
      route.subresource = Subresource::Scale;
    } else {
      return std::nullopt;
    }
  }
  if (tail.size() > 2) return std::nullopt;
  return route;
}

net::Result<ListOptions, StatusError> list_options(const net::QueryForm& query,
                                                   const ResourceType& type,
                                                   std::size_t limit_max) {
  ListOptions options;
  auto labels = LabelSelector::parse(query.value_or("labelSelector", ""));
  if (!labels) return net::fail(labels.error());
  options.labels = std::move(*labels);
  if (query.has("fieldSelector")) {
    auto fields = FieldSelector::parse(query.value_or("fieldSelector", ""), type);
    if (!fields) return net::fail(fields.error());
    options.fields = std::move(*fields);
  }
  if (query.has("limit")) {
    const auto limit = net::parse_integer<long long>(query.value_or("limit", ""));
    if (!limit)
      return net::fail(bad_request("limit: not an integer: " + query.value_or("limit", "")));
    if (*limit < 0) return net::fail(bad_request("limit must not be negative"));
    options.limit = std::min<std::size_t>(static_cast<std::size_t>(*limit), limit_max);
  }
  options.continue_token = query.value_or("continue", "");
  if (!options.continue_token.empty() && query.has("resourceVersion") &&
      query.value_or("resourceVersion", "") != "0") {
    return net::fail(StatusError{422, "Invalid",
                                 "specifying resource version is not allowed when using continue"});
  }
  return options;
}

std::string short_user_agent(const net::Request& request) {
  std::string agent = request.headers.value_or("User-Agent", "unknown");
  return agent.substr(0, agent.find('/'));
}

}  // namespace

net::Response ApiServer::refuse_body_too_large(std::size_t limit_bytes) {
  return status_response(
      StatusError{413, "RequestEntityTooLarge",
                  "Request entity too large: limit is " + std::to_string(limit_bytes)});
}

net::Response ApiServer::handle(const net::Request& request) {
  ++requests_handled_;
  // Every body is decoded and checked before it is read, so nothing here should throw; if a bug
  // lets nlohmann throw anyway, the answer is the real server's to a panic in a handler.
  try {
    return dispatch(request);
  } catch (const std::exception& error) {
    if (bug_sink_) {
      bug_sink_(
          "the fake API server, answering " + request.method + " " + std::string(request.target),
          error.what());
    }
    return status_response(
        StatusError{500, "InternalError", std::string("Internal error occurred: ") + error.what()});
  }
}

net::Response ApiServer::dispatch(const net::Request& request) {
  // Routing sees the decoded path, as Go's URL.Path: %2F is a slash by then.
  auto decoded_path = net::percent_decode(request.path(), false);
  if (!decoded_path) {
    return status_response(bad_request("invalid URL escape in " + std::string(request.path())));
  }
  const std::string_view path = *decoded_path;
  if (request.method == "GET" || request.method == "HEAD") {
    if (path == "/version") return json_response(200, version_document());
    if (path == "/healthz" || path == "/livez" || path == "/readyz") {
      net::Response ok;
      ok.headers.set("Content-Type", "text/plain; charset=utf-8");
      ok.body = "ok";
      return ok;
    }
    if (path == "/api")
      return json_response(200, core_versions_document(options_.advertised_address));
    if (path == "/apis") return json_response(200, group_list_document(store_.registry()));
    if (path == "/openapi/v3") return json_response(200, openapi_root_document(store_.registry()));
    if (path.starts_with("/openapi/v3/")) {
      auto document = openapi_group_version_document(store_.registry(), path.substr(12));
      return document ? json_response(200, *document) : not_found_response();
    }
    const std::vector<std::string> parts = split_path(path);
    if (parts.size() == 2 && parts[0] == "api") {
      auto document = resource_list_document(store_.registry(), "", parts[1]);
      return document ? json_response(200, *document) : not_found_response();
    }
    if (parts.size() == 2 && parts[0] == "apis") {
      auto document = group_document(store_.registry(), parts[1]);
      return document ? json_response(200, *document) : not_found_response();
    }
    if (parts.size() == 3 && parts[0] == "apis") {
      auto document = resource_list_document(store_.registry(), parts[1], parts[2]);
      return document ? json_response(200, *document) : not_found_response();
    }
  }
  const auto route = resolve_route(store_.registry(), split_path(path));
  if (!route) return not_found_response();
  net::Response response = handle_resource(request, *route);
  if (request.method != "GET" && request.method != "HEAD")
    trace_write(request, *route, response.status);
  return response;
}

void ApiServer::trace_write(const net::Request& request, const Route& route, int status) {
  if (trace_ == nullptr) return;
  const std::string object =
      route.type->namespaced && !route.ns.empty() ? route.ns + "/" + route.name : route.name;
  trace_->event("kube.request", {{"verb", request.method},
                                 {"resource", route.type->plural},
                                 {"object", object},
                                 {"status", std::to_string(status)},
                                 {"client", short_user_agent(request)}});
}

namespace {

// The fieldValidation query parameter (Warn when absent), or the 422 the real server answers.
net::Result<FieldValidation, StatusError> field_validation_of(const net::QueryForm& query,
                                                              const std::string& method) {
  const std::string value = query.value_or("fieldValidation", "");
  if (value.empty() || value == "Warn") return FieldValidation::Warn;
  if (value == "Strict") return FieldValidation::Strict;
  if (value == "Ignore") return FieldValidation::Ignore;
  const std::string options =
      method == "POST" ? "CreateOptions" : (method == "PUT" ? "UpdateOptions" : "PatchOptions");
  FieldErrors errors;
  errors.not_supported("fieldValidation", Json(value), {"", "Ignore", "Strict", "Warn"});
  return net::fail(
      StatusError{422, "Invalid",
                  options + ".meta.k8s.io \"\" is invalid: fieldValidation: " +
                      errors.causes()[0].value("message", ""),
                  Json{{"group", "meta.k8s.io"}, {"kind", options}, {"causes", errors.causes()}}});
}

// A DELETE's body: DeleteOptions with preconditions and a propagation policy.
net::Result<DeleteOptions, StatusError> delete_options_of(const std::string& body) {
  DeleteOptions options;
  if (body.empty()) return options;
  auto parsed = net::parse_json(body);
  if (!parsed || !parsed->is_object()) {
    return net::fail(bad_request("the DeleteOptions body is not a JSON object"));
  }
  const Json& preconditions = field_of(*parsed, "preconditions");
  if (field_of(preconditions, "uid").is_string()) {
    options.precondition_uid = text_of(field_of(preconditions, "uid"));
  }
  if (field_of(preconditions, "resourceVersion").is_string()) {
    options.precondition_resource_version = text_of(field_of(preconditions, "resourceVersion"));
  }
  const Json& grace = field_of(*parsed, "gracePeriodSeconds");
  if (!grace.is_null() && !grace.is_number_integer()) {
    return net::fail(bad_request("DeleteOptions.gracePeriodSeconds must be an integer, not " +
                                 net::dump_json(grace)));
  }
  if (grace.is_number_integer()) options.grace_period_seconds = grace.get<std::int64_t>();
  const Json& policy = field_of(*parsed, "propagationPolicy");
  if (!policy.is_null() &&
      (!policy.is_string() || (text_of(policy) != "Foreground" && text_of(policy) != "Background" &&
                               text_of(policy) != "Orphan"))) {
    FieldErrors errors;
    errors.not_supported("propagationPolicy", policy,
                         {"Foreground", "Background", "Orphan", "nil"});
    return net::fail(StatusError{
        422, "Invalid",
        "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: " +
            errors.causes()[0].value("message", ""),
        Json{{"group", "meta.k8s.io"}, {"kind", "DeleteOptions"}, {"causes", errors.causes()}}});
  }
  return options;
}

net::Response with_warnings(net::Response response, const std::vector<std::string>& warnings) {
  for (const std::string& warning : warnings)
    response.headers.add("Warning", warning_header_value(warning));
  return response;
}

}  // namespace

net::Response ApiServer::handle_resource(const net::Request& request, const Route& route) {
  auto query = net::QueryForm::parse(request.query());
  if (!query) return status_response(bad_request("malformed query: " + query.error().message));
  const ResourceType& type = *route.type;
  if (const auto problems = names::path_segment(route.name); !problems.empty()) {
    return status_response(bad_request(
        "Name parameter invalid: " + net::dump_json(Json(route.name)) + ": " + problems[0]));
  }
  if (request.method == "GET" || request.method == "HEAD") {
    if (auto accepted = check_accept(request.headers.value_or("Accept", "")); !accepted) {
      return status_response(accepted.error());
    }
    if (route.subresource == Subresource::Scale) return handle_scale(request, route, {});
    return handle_get(request, route, *query);
  }
  const std::string dry_run_value = query->value_or("dryRun", "");
  if (!dry_run_value.empty() && dry_run_value != "All") {
    return status_response(bad_request("dryRun: unsupported value \"" + dry_run_value +
                                       "\": supported values: \"All\""));
  }
  std::vector<std::string> warnings;
  WriteOptions write;
  write.dry_run = dry_run_value == "All";
  write.warnings = &warnings;
  if (request.method == "DELETE") {
    if (route.name.empty())
      return status_response(
          method_not_allowed("deletecollection is not supported by albc's API server"));
    if (route.subresource != Subresource::None)
      return status_response(method_not_allowed("the status subresource cannot be deleted"));
    auto options = delete_options_of(request.body);
    if (!options) return status_response(options.error());
    // The query form (curl's, and older clients'): the body's value wins when both are given.
    if (const std::string grace = query->value_or("gracePeriodSeconds", "");
        !grace.empty() && !options->grace_period_seconds) {
      const auto period = net::parse_integer<std::int64_t>(grace);
      if (!period)
        return status_response(bad_request("gracePeriodSeconds: invalid value " + grace));
      options->grace_period_seconds = *period;
    }
    auto removed = store_.remove(type, route.ns, route.name, *options, write);
    return removed ? json_response(200, *removed) : status_response(removed.error());
  }
  if (request.method != "POST" && request.method != "PUT" && request.method != "PATCH") {
    return status_response(method_not_allowed("method " + request.method + " is not supported"));
  }
  auto validation = field_validation_of(*query, request.method);
  if (!validation) return status_response(validation.error());
  write.field_validation = *validation;
  if (route.subresource == Subresource::Scale) {
    return with_warnings(handle_scale(request, route, write), warnings);
  }
  if (request.method == "POST") {
    if (!route.name.empty())
      return status_response(method_not_allowed("POST is not allowed on a named " + type.singular));
    auto body = read_object_body(request, type);
    if (!body) return status_response(body.error());
    auto created = store_.create(type, route.ns, std::move(*body), write);
    return created ? with_warnings(json_response(201, *created), warnings)
                   : status_response(created.error());
  }
  if (route.name.empty())
    return status_response(method_not_allowed(request.method + " needs an object name"));
  if (request.method == "PUT") {
    auto body = read_object_body(request, type);
    if (!body) return status_response(body.error());
    auto updated =
        store_.update(type, route.ns, route.name, std::move(*body), route.subresource, write);
    return updated ? with_warnings(json_response(200, *updated), warnings)
                   : status_response(updated.error());
  }
  auto body = read_patch_body(request, type);
  if (!body) return status_response(body.error());
  const bool existed = store_.get(type, route.ns, route.name).has_value();
  auto patched =
      store_.patch(type, route.ns, route.name, body->second, body->first, route.subresource, write);
  if (!patched) return status_response(patched.error());
  return with_warnings(json_response(existed ? 200 : 201, *patched), warnings);
}

// GET, PUT and PATCH of a Deployment's or ReplicaSet's Scale: reads of spec.replicas and writes of
// it alone.
net::Response ApiServer::handle_scale(const net::Request& request, const Route& route,
                                      WriteOptions write) {
  const ResourceType& type = *route.type;
  ResourceType scale_type = type;  // bodies that cannot be read are named as Scales
  scale_type.kind = "Scale";
  auto live = store_.get(type, route.ns, route.name);
  if (!live) return status_response(live.error());
  if (request.method == "GET" || request.method == "HEAD") {
    if (auto accepted = check_accept(request.headers.value_or("Accept", "")); !accepted) {
      return status_response(accepted.error());
    }
    return json_response(200, scale_of(*live));
  }
  net::Result<Json, StatusError> scale = net::fail(StatusError{});
  if (request.method == "PUT") {
    scale = read_object_body(request, scale_type);
  } else if (request.method == "PATCH") {
    auto patch = read_patch_body(request, scale_type);
    if (!patch) return status_response(patch.error());
    scale = apply_patch(scale_of(*live), patch->second, patch->first);
  } else {
    return status_response(
        method_not_allowed("method " + request.method + " is not supported on scale"));
  }
  if (!scale) return status_response(scale.error());
  auto updated = scaled(*live, *scale);
  if (!updated) return status_response(updated.error());
  auto written =
      store_.update(type, route.ns, route.name, std::move(*updated), Subresource::None, write);
  if (!written) return status_response(written.error());
  return json_response(200, scale_of(*written));
}

net::Response ApiServer::handle_get(const net::Request& request, const Route& route,
                                    const net::QueryForm& query) {
  const ResourceType& type = *route.type;
  const bool table = wants_table(request.headers.value_or("Accept", ""));
  const std::string table_type = "application/json;as=Table;v=v1;g=meta.k8s.io";
  if (!route.name.empty()) {
    auto object = store_.get(type, route.ns, route.name);
    if (!object) return status_response(object.error());
    if (table)
      return json_response(200, render_table(type, {*object}, true, clock_.wall_now()), table_type);
    return json_response(200, *object);
  }
  const std::string watch = query.value_or("watch", "");
  if (!watch.empty()) {
    const auto watching = net::parse_go_bool(watch);
    if (!watching)
      return status_response(bad_request("watch: invalid boolean value \"" + watch + "\""));
    if (*watching) return handle_watch(request, route, query);
  }
  auto options = list_options(query, type, options_.list_limit_max);
  if (!options) return status_response(options.error());
  auto list = store_.list(type, route.ns, *options);
  if (!list) return status_response(list.error());
  if (!table) return json_response(200, *list);
  std::vector<Json> items((*list)["items"].begin(), (*list)["items"].end());
  Json rendered = render_table(type, items, true, clock_.wall_now());
  rendered["metadata"] = (*list)["metadata"];
  return json_response(200, rendered, table_type);
}

net::Response ApiServer::handle_watch(const net::Request& request, const Route& route,
                                      const net::QueryForm& query) {
  const ResourceType& type = *route.type;
  WatchOptions options;
  options.ns = route.ns;
  auto labels = LabelSelector::parse(query.value_or("labelSelector", ""));
  if (!labels) return status_response(labels.error());
  options.labels = std::move(*labels);
  if (query.has("fieldSelector")) {
    auto fields = FieldSelector::parse(query.value_or("fieldSelector", ""), type);
    if (!fields) return status_response(fields.error());
    options.fields = std::move(*fields);
  }
  const std::string resource_version = query.value_or("resourceVersion", "");
  if (!resource_version.empty()) {
    const auto parsed = net::parse_integer<std::uint64_t>(resource_version);
    if (!parsed) {
      return status_response(
          bad_request("resourceVersion: invalid value \"" + resource_version + "\""));
    }
    options.resource_version = *parsed;
    if (*options.resource_version > store_.revision()) {
      return status_response(StatusError{
          504, "Timeout",
          "Too large resource version: " + resource_version +
              ", current: " + std::to_string(store_.revision()),
          Json{{"causes", Json::array({{{"reason", "ResourceVersionTooLarge"},
                                        {"message", "Too large resource version"}}})}}});
    }
  }
  options.allow_bookmarks =
      net::parse_go_bool(query.value_or("allowWatchBookmarks", "false")).value_or(false);
  const std::string initial = query.value_or("sendInitialEvents", "");
  if (!initial.empty()) {
    options.send_initial_events = net::parse_go_bool(initial).value_or(false);
    if (options.send_initial_events &&
        query.value_or("resourceVersionMatch", "") != "NotOlderThan") {
      return status_response(
          StatusError{422, "Invalid",
                      "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: "
                      "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"});
    }
  }
  options.timeout = options_.watch_timeout_default;
  if (query.has("timeoutSeconds")) {
    const long long seconds =
        net::parse_integer<long long>(query.value_or("timeoutSeconds", "")).value_or(-1);
    if (seconds < 0) {
      return status_response(bad_request("timeoutSeconds: not a non-negative integer"));
    }
    // 0: the server's default. A year at most: the clock counts in nanoseconds.
    if (seconds > 0)
      options.timeout = std::chrono::seconds(std::min(seconds, kWatchTimeoutMaxSeconds));
  }
  EventRenderer renderer;
  const bool table = wants_table(request.headers.value_or("Accept", ""));
  if (table) {
    renderer = [this, &type](const Json& object, bool first) {
      return render_table(type, {object}, first, clock_.wall_now());
    };
  }
  auto watch = std::make_shared<Watch>(store_, clock_, type, options, std::move(renderer));
  watch->start();
  net::Response response;
  response.headers.set("Content-Type",
                       table ? "application/json;as=Table;v=v1;g=meta.k8s.io" : "application/json");
  response.headers.set("Cache-Control", "no-cache, private");
  response.stream = std::move(watch);
  return response;
}

}  // namespace albc::sim::kube
