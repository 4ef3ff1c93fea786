#pragma once

// Model building without AWS: a NetworkResolver answering from fixed data, and a helper that runs
// one build to completion on its own io_context. Used by the ingress tests and the benchmarks
// (no Catch2 here).

#include <boost/asio/io_context.hpp>
#include <optional>

#include "controller/ingress/model_builder.hpp"
#include "controller/net/awaitable.hpp"

namespace albc::test_support {

// Subnets and security groups by ID or by Name (a name `x` resolves to `subnet-x` / `sg-x`);
// discovered subnets are named after the scheme; nothing of the stack exists yet.
class FixedResolver final : public ingress::NetworkResolver {
 public:
  net::Awaitable<net::Result<std::vector<std::string>>> resolve_subnets(
      std::vector<std::string> entries) override {
    co_return with_prefix(std::move(entries), "subnet-");
  }
  net::Awaitable<net::Result<std::vector<std::string>>> discover_subnets(
      std::string scheme) override {
    ++discoveries;
    co_return std::vector<std::string>{"subnet-" + scheme + "-a", "subnet-" + scheme + "-b"};
  }
  net::Awaitable<net::Result<std::vector<std::string>>> resolve_security_groups(
      std::vector<std::string> entries) override {
    co_return with_prefix(std::move(entries), "sg-");
  }
  net::Awaitable<net::Result<std::optional<aws::LoadBalancer>>> stack_load_balancer(
      deploy::StackIdentity) override {
    co_return std::optional<aws::LoadBalancer>();
  }
  net::Awaitable<net::Result<std::string>> backend_security_group() override {
    co_return std::string("sg-backend");
  }
  net::Awaitable<net::Result<void>> release_backend_security_group() override {
    co_return net::Result<void>();
  }

  int discoveries = 0;

 private:
  static std::vector<std::string> with_prefix(std::vector<std::string> entries,
                                              const std::string& prefix) {
    for (std::string& entry : entries) {
      if (!entry.starts_with(prefix)) entry = prefix + entry;
    }
    return entries;
  }
};

inline net::Awaitable<void> build_into(ingress::ModelBuilder& builder, ingress::Group group,
                                       std::optional<net::Result<ingress::BuiltModel>>& out) {
  out.emplace(co_await builder.build(std::move(group)));
}

// Runs one build on `io` (restarted first, so that one io_context serves many builds).
inline net::Result<ingress::BuiltModel> run_build(asio::io_context& io,
                                                  ingress::ModelBuilder& builder,
                                                  ingress::Group group) {
  std::optional<net::Result<ingress::BuiltModel>> result;
  net::spawn_checked(io.get_executor(), build_into(builder, std::move(group), result), "build");
  io.restart();
  io.run();
  if (!result) return net::fail("BuildUnfinished", "the model build did not finish");
  return std::move(*result);
}

}  // namespace albc::test_support
