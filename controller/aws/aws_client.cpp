#include "controller/aws/aws_client.hpp"

#include "controller/net/numbers.hpp"
#include "controller/net/query_tree.hpp"
#include "controller/net/xml.hpp"

namespace albc::aws {

const Json& as_list(const Json& node) {
  static const Json kEmpty = Json::array();
  return node.is_array() ? node : kEmpty;
}

const Json& list_at(const Json& node, std::string_view field) {
  static const Json kEmpty = Json::array();
  if (!node.is_object()) return kEmpty;
  const auto found = node.find(field);
  return found == node.end() ? kEmpty : as_list(*found);
}

net::Result<void> done(const net::Result<Json>& result) {
  if (!result) return net::fail(result.error());
  return {};
}

Json key_value_list(const std::map<std::string, std::string>& entries) {
  Json list = Json::array();
  for (const auto& [key, value] : entries)
    list.push_back({{"Key", key}, {"Value", value}});
  return list;
}

std::map<std::string, std::string> key_value_map(const Json& list, const char* key_field,
                                                 const char* value_field) {
  std::map<std::string, std::string> entries;
  for (const Json& entry : as_list(list))
    entries[text(entry, key_field)] = text(entry, value_field);
  return entries;
}

const Json& member(const Json& node, std::string_view field) {
  static const Json kNull;
  if (!node.is_object()) return kNull;
  const auto found = node.find(field);
  return found == node.end() ? kNull : *found;
}

std::string text(const Json& node, const char* field) {
  if (!node.is_object() || !node.contains(field) || !node[field].is_string()) return "";
  return node[field].get<std::string>();
}

int integer(const Json& node, const char* field, int fallback) {
  return net::parse_integer<int>(text(node, field)).value_or(fallback);
}

Client::Client(Endpoint elbv2, Endpoint ec2, net::Credentials credentials, net::Clock& clock,
               net::Random random, net::Trace& trace, ClientOptions options)
    : elbv2_(std::move(elbv2)),
      ec2_(std::move(ec2)),
      credentials_(std::move(credentials)),
      clock_(clock),
      random_(std::move(random)),
      trace_(trace),
      options_(std::move(options)) {}

net::Awaitable<net::Result<Json>> Client::elbv2(std::string action, Json params) {
  co_return co_await call(elbv2_, "elasticloadbalancing", "2015-12-01", std::move(action),
                          std::move(params));
}

net::Awaitable<net::Result<Json>> Client::ec2(std::string action, Json params) {
  co_return co_await call(ec2_, "ec2", "2016-11-15", std::move(action), std::move(params));
}

namespace {

bool retryable(const net::Error& error) {
  if (error.http_status >= 500) return true;
  return error.code == "Throttling" || error.code == "ThrottlingException" ||
         error.code == "RequestLimitExceeded" || error.code == "TooManyRequestsException" ||
         error.code == "RequestThrottled" || error.code == "PriorRequestNotComplete";
}

// ELBv2: <ErrorResponse><Error><Code/><Message/></Error></ErrorResponse>;
// EC2: <Response><Errors><Error><Code/><Message/></Error></Errors></Response>.
net::Error error_of(int status, const std::string& body) {
  auto tree = net::xml_to_json(body);
  if (tree) {
    const Json& elbv2_error = member(member(*tree, "ErrorResponse"), "Error");
    const Json& ec2_error = member(member(member(*tree, "Response"), "Errors"), "Error");
    const Json& error = elbv2_error.is_object() ? elbv2_error : ec2_error;
    if (error.is_object()) {
      return net::make_error(text(error, "Code"), text(error, "Message"), status);
    }
  }
  return net::make_error("HTTP" + std::to_string(status),
                         "AWS answered " + std::to_string(status) + ": " + body.substr(0, 200),
                         status);
}

}  // namespace

net::Awaitable<net::Result<Json>> Client::call(const Endpoint& endpoint, std::string signing_name,
                                               std::string version, std::string action,
                                               Json params) {
  params["Action"] = action;
  params["Version"] = version;
  const net::QueryForm form = net::flatten_query(
      params, signing_name == "ec2" ? net::QueryStyle::Ec2 : net::QueryStyle::Query);
  const std::string body = form.encode();
  const bool mutating = net::is_mutating_action(action);
  if (mutating) trace_.event("aws.request", {{"service", signing_name}, {"action", action}});
  net::Error last_error;
  for (int attempt = 0; attempt < options_.attempts_max; ++attempt) {
    if (attempt > 0) {
      const auto cap = std::min<net::Clock::duration>(
          options_.backoff_max, options_.backoff_unit * (1LL << std::min(attempt, 20)));
      const auto delay =
          std::chrono::nanoseconds(random_.uniform(0, static_cast<std::uint64_t>(cap.count())));
      co_await clock_.sleep_for(delay);
    }
    net::Request request;
    request.method = "POST";
    request.target = "/";
    request.headers.set("Host", endpoint.host);
    request.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    request.headers.set("User-Agent", options_.user_agent);
    request.headers.set("amz-sdk-request", "attempt=" + std::to_string(attempt + 1) +
                                               "; max=" + std::to_string(options_.attempts_max));
    request.body = body;
    net::sign_request(request, credentials_, net::SigningScope{options_.region, signing_name},
                      clock_.wall_now(), &signing_keys_);
    auto response = co_await endpoint.transport.send(std::move(request));
    if (!response) {
      last_error = net::to_error(response.error());
      continue;
    }
    if (response->status >= 300) {
      last_error = error_of(response->status, response->body);
      if (retryable(last_error)) continue;
      break;
    }
    auto tree = net::xml_to_json(response->body);
    if (!tree || !tree->is_object() || tree->empty()) {
      last_error = tree ? net::make_error("MalformedXml", "empty answer") : tree.error();
      break;
    }
    const Json& root = tree->begin().value();
    Json result = Json::object();
    if (signing_name == "ec2") {
      if (root.is_object()) result = root;
    } else if (root.is_object() && root.contains(action + "Result") &&
               root[action + "Result"].is_object()) {
      result = root[action + "Result"];
    }
    if (mutating)
      trace_.event("aws.response",
                   {{"action", action}, {"status", std::to_string(response->status)}});
    co_return result;
  }
  if (mutating) {
    trace_.event("aws.response", {{"action", action},
                                  {"status", std::to_string(last_error.http_status)},
                                  {"error", last_error.code}});
  }
  co_return net::fail(net::with_context(last_error, action));
}

}  // namespace albc::aws
