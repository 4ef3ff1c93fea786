#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "controller/net/clock.hpp"
#include "controller/net/random.hpp"
#include "controller/net/sigv4.hpp"
#include "controller/net/trace.hpp"
#include "controller/net/transport.hpp"

namespace albc::aws {

using Json = nlohmann::json;

// Where one AWS service is reached.
struct Endpoint {
  net::Transport& transport;
  std::string host;  // "elasticloadbalancing.us-east-1.amazonaws.com", or "127.0.0.1:8081"
};

struct ClientOptions {
  std::string region;
  // The SDK's standard retryer: this many attempts in all for throttling, 5xx and transport
  // errors, with full-jitter exponential backoff capped at backoff_max.
  int attempts_max = 10;
  std::chrono::milliseconds backoff_unit{1000};
  std::chrono::seconds backoff_max{20};
  std::string user_agent = "albc/0.1";
};

// The AWS Query protocol over a Transport: builds the form, signs it (SigV4), retries what the
// SDK retries, and turns the XML answer into JSON (the <Action>Result for ELBv2, the response
// body for EC2) or an Error whose code is the AWS error code.
class Client {
 public:
  Client(Endpoint elbv2, Endpoint ec2, net::Credentials credentials, net::Clock& clock,
         net::Random random, net::Trace& trace, ClientOptions options);

  net::Awaitable<net::Result<Json>> elbv2(std::string action, Json params);
  net::Awaitable<net::Result<Json>> ec2(std::string action, Json params);

 private:
  net::Awaitable<net::Result<Json>> call(const Endpoint& endpoint, std::string signing_name,
                                         std::string version, std::string action, Json params);

  Endpoint elbv2_;
  Endpoint ec2_;
  net::Credentials credentials_;
  net::SigningKeyCache signing_keys_;
  net::Clock& clock_;
  net::Random random_;
  net::Trace& trace_;
  ClientOptions options_;
};

// The array at node[field] (or the node itself), or an empty array when it is absent or not an
// array: an answer's empty list may come back as an empty element.
const Json& list_at(const Json& node, std::string_view field);
const Json& as_list(const Json& node);
// For calls whose answer carries nothing the caller needs: success, or the error.
net::Result<void> done(const net::Result<Json>& result);
// A map as the Query protocol's list of {Key, Value} members (tags, attributes), and back from a
// list whose members name their fields `key_field` and `value_field`.
Json key_value_list(const std::map<std::string, std::string>& entries);
std::map<std::string, std::string> key_value_map(const Json& list, const char* key_field,
                                                 const char* value_field);
// node[field], or null when node is not an object or has no such field: answers are read
// without trusting their shape.
const Json& member(const Json& node, std::string_view field);
std::string text(const Json& node, const char* field);
int integer(const Json& node, const char* field, int fallback = 0);

}  // namespace albc::aws
