#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "controller/k8s/resource.hpp"
#include "controller/net/awaitable.hpp"
#include "controller/net/result.hpp"
#include "controller/net/transport.hpp"

namespace albc::k8s {

using Json = nlohmann::json;

struct ClientOptions {
  std::string host = "kubernetes.default.svc";  // the Host header
  std::string bearer_token;                     // sent only when set
  std::string user_agent = "albc-controller/0.1";
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::size_t limit = 500;
  std::string continue_token;
  std::string resource_version;
};

struct WatchOptions {
  std::string resource_version;
  std::string label_selector;
  std::chrono::seconds timeout{300};
  bool allow_bookmarks = true;
};

enum class PatchType { Merge, Strategic, Json };

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED, BOOKMARK, ERROR
  Json object;
};

// The events of one watch request, decoded line by line.
class WatchStream {
 public:
  // The longest event line read: objects are at most about 1.5 MiB, and a line holds one.
  static constexpr std::size_t kEventBytesMax = 16 * 1024 * 1024;

  explicit WatchStream(std::shared_ptr<net::BodyStream> body) : body_(std::move(body)) {}
  // The next event, or nullopt when the server ended the watch.
  net::Awaitable<net::Result<std::optional<WatchEvent>>> next();

 private:
  std::shared_ptr<net::BodyStream> body_;
  std::string buffer_;
  bool ended_ = false;
};

// A Kubernetes API client over a Transport: JSON requests, Status errors turned into Errors
// whose code is the Status reason ("NotFound", "Conflict", ...) and http_status its code.
class Client {
 public:
  Client(net::Transport& transport, ClientOptions options);

  net::Awaitable<net::Result<Json>> get(const Resource& resource, std::string ns, std::string name);
  // Follows `continue` until the list is complete; returns the List with all items.
  net::Awaitable<net::Result<Json>> list(const Resource& resource, std::string ns,
                                         ListOptions options);
  net::Awaitable<net::Result<Json>> create(const Resource& resource, std::string ns, Json object);
  net::Awaitable<net::Result<Json>> update(const Resource& resource, std::string ns,
                                           std::string name, Json object);
  net::Awaitable<net::Result<Json>> patch(const Resource& resource, std::string ns,
                                          std::string name, PatchType type, Json patch,
                                          bool status_subresource = false);
  net::Awaitable<net::Result<Json>> remove(const Resource& resource, std::string ns,
                                           std::string name);
  net::Awaitable<net::Result<std::unique_ptr<WatchStream>>> watch(const Resource& resource,
                                                                  std::string ns,
                                                                  WatchOptions options);

 private:
  net::Request make_request(std::string method, std::string target) const;
  net::Awaitable<net::Result<Json>> exchange(net::Request request, std::string what);

  net::Transport& transport_;
  ClientOptions options_;
};

// A Status body (or any error answer) as an Error.
net::Error status_error(int http_status, const std::string& body);
bool is_not_found(const net::Error& error);
bool is_conflict(const net::Error& error);

}  // namespace albc::k8s
