#pragma once

#include <string>

#include "controller/net/bug_sink.hpp"
#include "controller/net/clock.hpp"
#include "controller/net/trace.hpp"
#include "controller/net/url.hpp"
#include "sim/http/handler.hpp"
#include "sim/kube/store.hpp"

namespace albc::sim::kube {

struct ApiServerOptions {
  std::string advertised_address = "127.0.0.1:6443";
  std::chrono::seconds watch_timeout_default{1800};
  std::size_t list_limit_max = 10'000;
};

// The fake kube-apiserver's HTTP face: discovery, OpenAPI, and REST verbs over the Store
// (get, list, watch, create, update, patch, delete, the status and scale subresources), with Status
// error bodies and server-side Tables for kubectl.
class ApiServer final : public http::Handler {
 public:
  ApiServer(Store& store, net::Clock& clock, ApiServerOptions options = {},
            net::Trace* trace = nullptr);

  net::Response handle(const net::Request& request) override;
  // 413 RequestEntityTooLarge, as the real server's limitedReadBody answers.
  net::Response refuse_body_too_large(std::size_t limit_bytes) override;
  std::size_t requests_handled() const { return requests_handled_; }
  // Where a request that throws inside the fake is reported before its 500 goes out
  // (net/bug_sink.hpp).
  void set_bug_sink(net::BugSink sink) { bug_sink_ = std::move(sink); }
  // The address /api advertises, once the server's socket is bound (port 0 picks it then).
  void advertise(std::string address) { options_.advertised_address = std::move(address); }

  struct Route;

 private:
  net::Response dispatch(const net::Request& request);
  net::Response handle_resource(const net::Request& request, const Route& route);
  net::Response handle_get(const net::Request& request, const Route& route,
                           const net::QueryForm& query);
  net::Response handle_scale(const net::Request& request, const Route& route, WriteOptions write);
  net::Response handle_watch(const net::Request& request, const Route& route,
                             const net::QueryForm& query);
  void trace_write(const net::Request& request, const Route& route, int status);

  Store& store_;
  net::Clock& clock_;
  ApiServerOptions options_;
  net::Trace* trace_;
  std::size_t requests_handled_ = 0;
  net::BugSink bug_sink_;
};

}  // namespace albc::sim::kube
