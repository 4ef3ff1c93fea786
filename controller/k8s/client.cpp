#include "controller/k8s/client.hpp"

#include <set>

#include "controller/net/json.hpp"
#include "controller/net/url.hpp"

namespace albc::k8s {
namespace {

// A refused watch's Status is small; a server that streams more is not read to its end.
constexpr std::size_t kErrorBodyBytesMax = 64 * 1024;
// Pages of one list: at the default page size, far more objects than any cluster holds.
constexpr std::size_t kListPagesMax = 100'000;

}  // namespace

net::Error status_error(int http_status, const std::string& body) {
  auto parsed = net::parse_json(body);
  if (parsed && k8s::text_field(*parsed, "kind") == "Status") {
    return net::make_error(k8s::text_field(*parsed, "reason", "Unknown"),
                           k8s::text_field(*parsed, "message", body), http_status);
  }
  return net::make_error(
      "HTTP" + std::to_string(http_status),
      "the server answered " + std::to_string(http_status) + ": " + body.substr(0, 200),
      http_status);
}

bool is_not_found(const net::Error& error) {
  return error.http_status == 404;
}
bool is_conflict(const net::Error& error) {
  return error.http_status == 409 && error.code == "Conflict";
}

Client::Client(net::Transport& transport, ClientOptions options)
    : transport_(transport), options_(std::move(options)) {}

net::Request Client::make_request(std::string method, std::string target) const {
  net::Request request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.headers.set("Host", options_.host);
  request.headers.set("Accept", "application/json");
  request.headers.set("User-Agent", options_.user_agent);
  if (!options_.bearer_token.empty()) {
    request.headers.set("Authorization", "Bearer " + options_.bearer_token);
  }
  return request;
}

net::Awaitable<net::Result<Json>> Client::exchange(net::Request request, std::string what) {
  auto response = co_await transport_.send(std::move(request));
  if (!response) co_return net::fail(net::with_context(net::to_error(response.error()), what));
  if (response->status >= 300) {
    co_return net::fail(net::with_context(status_error(response->status, response->body), what));
  }
  auto body = net::parse_json(response->body);
  if (!body) {
    co_return net::fail(net::make_error(
        "InvalidResponse", what + ": the answer is not JSON: " + body.error().message));
  }
  co_return std::move(*body);
}

net::Awaitable<net::Result<Json>> Client::get(const Resource& resource, std::string ns,
                                              std::string name) {
  net::Request request = make_request("GET", resource.path(ns, name));
  std::string what = "get " + std::string(resource.plural) + " " + object_key(ns, name);
  co_return co_await exchange(std::move(request), std::move(what));
}

net::Awaitable<net::Result<Json>> Client::list(const Resource& resource, std::string ns,
                                               ListOptions options) {
  Json all;
  std::string continue_token = options.continue_token;
  std::set<std::string> tokens_seen;
  while (true) {
    net::QueryForm query;
    if (!options.label_selector.empty()) query.add("labelSelector", options.label_selector);
    if (!options.field_selector.empty()) query.add("fieldSelector", options.field_selector);
    if (options.limit > 0) query.add("limit", std::to_string(options.limit));
    if (!continue_token.empty()) {
      query.add("continue", continue_token);
    } else if (!options.resource_version.empty()) {
      query.add("resourceVersion", options.resource_version);
    }
    const std::string encoded = query.encode();
    std::string target = resource.path(ns);
    if (!encoded.empty()) target += "?" + encoded;
    net::Request request = make_request("GET", target);
    std::string what = "list " + std::string(resource.plural);
    auto page = co_await exchange(std::move(request), what);
    if (!page) co_return page;
    // A List's items are objects; anything else in the answer is not one.
    if (!page->is_object() ||
        !(k8s::any_field(*page, "items").is_array() || k8s::any_field(*page, "items").is_null())) {
      co_return net::fail(net::make_error("InvalidResponse", what + ": the answer is not a List"));
    }
    if (all.is_null()) all = {{"items", Json::array()}};
    for (Json& item : (*page)["items"]) {
      if (item.is_object()) all["items"].push_back(std::move(item));
    }
    all["metadata"] = k8s::metadata_of(*page);
    for (const char* key : {"apiVersion", "kind"}) {
      if ((*page).contains(key)) all[key] = (*page)[key];
    }
    continue_token = k8s::text_field(all["metadata"], "continue");
    if (continue_token.empty()) break;
    // A server that hands back a token it gave before would have this loop run for ever.
    if (!tokens_seen.insert(continue_token).second || tokens_seen.size() > kListPagesMax) {
      co_return net::fail(net::make_error(
          "InvalidResponse", what + ": the server's continue tokens do not come to an end"));
    }
  }
  all["metadata"].erase("continue");
  co_return all;
}

net::Awaitable<net::Result<Json>> Client::create(const Resource& resource, std::string ns,
                                                 Json object) {
  net::Request request = make_request("POST", resource.path(ns));
  request.headers.set("Content-Type", "application/json");
  const std::string name = k8s::name_of(object);
  request.body = object.dump();
  std::string what = "create " + std::string(resource.plural) + " " + object_key(ns, name);
  co_return co_await exchange(std::move(request), std::move(what));
}

net::Awaitable<net::Result<Json>> Client::update(const Resource& resource, std::string ns,
                                                 std::string name, Json object) {
  net::Request request = make_request("PUT", resource.path(ns, name));
  request.headers.set("Content-Type", "application/json");
  request.body = object.dump();
  std::string what = "update " + std::string(resource.plural) + " " + object_key(ns, name);
  co_return co_await exchange(std::move(request), std::move(what));
}

net::Awaitable<net::Result<Json>> Client::patch(const Resource& resource, std::string ns,
                                                std::string name, PatchType type, Json patch,
                                                bool status_subresource) {
  net::Request request =
      make_request("PATCH", resource.path(ns, name, status_subresource ? "status" : ""));
  switch (type) {
    case PatchType::Merge:
      request.headers.set("Content-Type", "application/merge-patch+json");
      break;
    case PatchType::Strategic:
      request.headers.set("Content-Type", "application/strategic-merge-patch+json");
      break;
    case PatchType::Json:
      request.headers.set("Content-Type", "application/json-patch+json");
      break;
  }
  request.body = patch.dump();
  std::string what = std::string("patch ") + (status_subresource ? "status of " : "") +
                     std::string(resource.plural) + " " + object_key(ns, name);
  co_return co_await exchange(std::move(request), std::move(what));
}

net::Awaitable<net::Result<Json>> Client::remove(const Resource& resource, std::string ns,
                                                 std::string name) {
  net::Request request = make_request("DELETE", resource.path(ns, name));
  request.headers.set("Content-Type", "application/json");
  request.body = R"({"propagationPolicy":"Background"})";
  std::string what = "delete " + std::string(resource.plural) + " " + object_key(ns, name);
  co_return co_await exchange(std::move(request), std::move(what));
}

net::Awaitable<net::Result<std::unique_ptr<WatchStream>>> Client::watch(const Resource& resource,
                                                                        std::string ns,
                                                                        WatchOptions options) {
  net::QueryForm query;
  query.add("watch", "true");
  if (!options.resource_version.empty()) query.add("resourceVersion", options.resource_version);
  if (!options.label_selector.empty()) query.add("labelSelector", options.label_selector);
  if (options.allow_bookmarks) query.add("allowWatchBookmarks", "true");
  query.add("timeoutSeconds", std::to_string(options.timeout.count()));
  const std::string what = "watch " + std::string(resource.plural);
  net::Request request = make_request("GET", resource.path(ns) + "?" + query.encode());
  auto response = co_await transport_.open(std::move(request));
  if (!response) co_return net::fail(net::with_context(net::to_error(response.error()), what));
  if (response->status >= 300) {
    std::string body = response->body;
    if (response->stream) {
      while (body.size() < kErrorBodyBytesMax) {
        auto piece = co_await response->stream->next();
        if (!piece || !piece->has_value()) break;
        body += **piece;
      }
    }
    co_return net::fail(net::with_context(status_error(response->status, body), what));
  }
  co_return std::make_unique<WatchStream>(std::move(response->stream));
}

net::Awaitable<net::Result<std::optional<WatchEvent>>> WatchStream::next() {
  while (true) {
    const auto newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      const std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      if (line.empty()) continue;
      auto event = net::parse_json(line);
      if (!event || !event->is_object()) {
        co_return net::fail(net::make_error("InvalidResponse",
                                            "a watch event is not JSON: " + line.substr(0, 120)));
      }
      WatchEvent change{k8s::text_field(*event, "type"), Json::object()};
      if (auto object = event->find("object"); object != event->end() && object->is_object())
        change.object = std::move(*object);
      co_return std::optional<WatchEvent>(std::move(change));
    }
    if (ended_ || !body_) co_return std::optional<WatchEvent>();
    auto piece = co_await body_->next();
    if (!piece) co_return net::fail(piece.error());
    if (!piece->has_value()) {
      ended_ = true;
      continue;
    }
    buffer_ += **piece;
    if (buffer_.size() > kEventBytesMax) {
      co_return net::fail(net::make_error(
          "InvalidResponse",
          "a watch event is longer than " + std::to_string(kEventBytesMax) + " bytes"));
    }
  }
}

}  // namespace albc::k8s
