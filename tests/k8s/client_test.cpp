#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <deque>

#include "controller/k8s/client.hpp"

using namespace albc;
using Json = nlohmann::json;

namespace {

// Answers each request with the next canned response, and records the targets asked for.
class ScriptedTransport final : public net::Transport {
 public:
  net::Awaitable<net::Result<net::Response, net::TransportError>> send(
      net::Request request) override {
    targets.push_back(request.target);
    if (answers.empty()) co_return net::fail(net::TransportError{});
    net::Response response = std::move(answers.front());
    if (answers.size() > 1 || !repeat_last) answers.pop_front();
    co_return response;
  }
  net::Awaitable<net::Result<net::Response, net::TransportError>> open(
      net::Request request) override {
    co_return co_await send(std::move(request));
  }

  std::deque<net::Response> answers;
  bool repeat_last = false;
  std::vector<std::string> targets;
};

// A body that never ends: a server that keeps writing.
class EndlessStream final : public net::BodyStream {
 public:
  net::Awaitable<net::Result<std::optional<std::string>>> next() override {
    ++pieces;
    co_return std::optional<std::string>(std::string(4096, 'x'));
  }
  int pieces = 0;
};

net::Response answer(int status, const Json& body) {
  net::Response response;
  response.status = status;
  response.body = body.dump();
  return response;
}

template <class T>
T run(net::Awaitable<T> awaitable) {
  asio::io_context io{1};
  std::optional<T> result;
  net::spawn_checked(
      io.get_executor(),
      [&]() -> net::Awaitable<void> { result.emplace(co_await std::move(awaitable)); }(), "test");
  io.run();
  return std::move(*result);
}

}  // namespace

TEST_CASE("client: a list whose continue tokens repeat ends with an error", "[k8s]") {
  ScriptedTransport transport;
  transport.answers.push_back(
      answer(200, {{"items", Json::array({{{"metadata", {{"name", "a"}}}}})},
                   {"metadata", {{"continue", "t1"}}}}));
  transport.answers.push_back(
      answer(200, {{"items", Json::array()}, {"metadata", {{"continue", "t1"}}}}));
  transport.repeat_last = true;
  k8s::Client client(transport, {});
  auto listed = run(client.list(k8s::resources::pods, "", {}));
  REQUIRE_FALSE(listed.has_value());
  CHECK(listed.error().code == "InvalidResponse");
  CHECK(listed.error().message.find("continue tokens do not come to an end") != std::string::npos);
  CHECK(transport.targets.size() == 2);
}

TEST_CASE("client: pages are joined and items that are not objects dropped", "[k8s]") {
  ScriptedTransport transport;
  transport.answers.push_back(
      answer(200, {{"items", Json::array({{{"metadata", {{"name", "a"}}}}, "stray", 5})},
                   {"metadata", {{"continue", "t1"}}}}));
  transport.answers.push_back(
      answer(200, {{"items", Json::array({{{"metadata", {{"name", "b"}}}}})},
                   {"metadata", {{"resourceVersion", "7"}}}}));
  k8s::Client client(transport, {});
  auto listed = run(client.list(k8s::resources::pods, "", {}));
  REQUIRE(listed.has_value());
  CHECK((*listed)["items"].size() == 2);
  CHECK((*listed)["metadata"]["resourceVersion"] == "7");
  CHECK(transport.targets.at(1).find("continue=t1") != std::string::npos);
}

TEST_CASE("client: a refused watch's endless body is read only so far", "[k8s]") {
  ScriptedTransport transport;
  net::Response refused;
  refused.status = 500;
  auto endless = std::make_shared<EndlessStream>();
  refused.stream = endless;
  transport.answers.push_back(std::move(refused));
  k8s::Client client(transport, {});
  auto watched = run(client.watch(k8s::resources::pods, "", {}));
  REQUIRE_FALSE(watched.has_value());
  CHECK(watched.error().http_status == 500);
  CHECK(endless->pieces == 16);  // 64 KiB in 4 KiB pieces
}
