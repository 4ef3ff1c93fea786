#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "controller/net/bug_sink.hpp"
#include "controller/net/clock.hpp"
#include "controller/net/random.hpp"
#include "controller/net/sigv4.hpp"
#include "sim/aws/aws_state.hpp"
#include "sim/aws/ec2_api.hpp"
#include "sim/aws/elbv2_api.hpp"
#include "sim/http/handler.hpp"

namespace albc::sim::aws {

struct AwsServerOptions {
  std::string account_id = "123456789012";
  std::string region = "us-east-1";
  // Access key → secret. Requests are SigV4-verified against these, so a client that signs
  // wrongly is caught here; an unknown key is InvalidClientTokenId.
  std::map<std::string, std::string> credentials = {{"testing", "testing"}};
  Elbv2Options elbv2;
  std::size_t calls_kept_max = 10'000;
};

// One call as the fake saw it.
struct AwsCall {
  std::string service;  // "elasticloadbalancing" or "ec2"
  std::string action;
  int status = 200;
  std::string error_code;
  bool mutating() const;
};

// The fake AWS endpoint: one handler for ELBv2 and EC2, routed by the SigV4 scope's service
// and the API Version, answering in the Query protocol's XML as real AWS does.
class AwsServer final : public http::Handler {
 public:
  AwsServer(net::Clock& clock, net::Random random, AwsServerOptions options);

  net::Response handle(const net::Request& request) override;
  net::Response refuse_body_too_large(std::size_t limit_bytes) override;
  // Answers `request` with `error` in its service's shape, counted as a call of its action: how
  // the world's faults (throttling, 5xx) answer in the fake's place.
  net::Response refuse(const net::Request& request, const AwsError& error);
  // Where a request that throws inside the fake is reported before its 500 goes out
  // (net/bug_sink.hpp).
  void set_bug_sink(net::BugSink sink) { bug_sink_ = std::move(sink); }

  AwsState& state() { return state_; }
  const AwsState& state() const { return state_; }
  Elbv2Api& elbv2() { return elbv2_; }
  const Elbv2Api& elbv2() const { return elbv2_; }
  Ec2Api& ec2() { return ec2_; }
  const Ec2Api& ec2() const { return ec2_; }
  // The most recent calls (at most calls_kept_max) and the count of every call by operation.
  const std::deque<AwsCall>& recent_calls() const { return calls_; }
  struct OperationCount {
    std::size_t calls = 0;
    std::size_t errors = 0;
  };
  const std::map<std::string, OperationCount>& calls_by_operation() const { return by_operation_; }
  std::size_t calls_total() const { return calls_total_; }
  std::size_t mutating_calls_total() const { return mutating_total_; }
  const AwsServerOptions& options() const { return options_; }

 private:
  net::Response dispatch(const net::Request& request);
  net::Response answer(const std::string& service, const std::string& action, Outcome outcome);

  net::Clock& clock_;
  net::Random random_;
  AwsServerOptions options_;
  AwsState state_;
  net::SigningKeyCache signing_keys_;
  Elbv2Api elbv2_;
  net::BugSink bug_sink_;
  Ec2Api ec2_;
  std::deque<AwsCall> calls_;
  std::map<std::string, OperationCount> by_operation_;  // "elbv2 CreateRule"
  std::size_t calls_total_ = 0;
  std::size_t mutating_total_ = 0;
};

}  // namespace albc::sim::aws
