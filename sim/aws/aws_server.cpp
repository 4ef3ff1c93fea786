#include "sim/aws/aws_server.hpp"

#include "controller/net/json.hpp"
#include "controller/net/query_tree.hpp"
#include "controller/net/sigv4.hpp"
#include "controller/net/url.hpp"
#include "controller/net/xml.hpp"

namespace albc::sim::aws {
namespace {
constexpr std::string_view kElbv2Namespace =
    "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";
constexpr std::string_view kEc2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";
}  // namespace

bool AwsCall::mutating() const {
  return net::is_mutating_action(action);
}

AwsServer::AwsServer(net::Clock& clock, net::Random random, AwsServerOptions options)
    : clock_(clock),
      random_(random.fork("aws.request-id")),
      options_(std::move(options)),
      elbv2_(state_, clock, random.fork("aws.elbv2"), options_.elbv2),
      ec2_(state_, random.fork("aws.ec2")) {
  state_.account_id = options_.account_id;
  state_.region = options_.region;
}

net::Response AwsServer::answer(const std::string& service, const std::string& action,
                                Outcome outcome) {
  const std::string request_id = random_.uuid();
  net::Response response;
  response.headers.set("x-amzn-RequestId", request_id);
  const bool ec2 = service == "ec2";
  response.headers.set("Content-Type", ec2 ? "text/xml;charset=UTF-8" : "text/xml");
  AwsCall call{
      service,
      ec2 ? (ec2_.knows(action) ? action : "Unknown") : (elbv2_.knows(action) ? action : "Unknown"),
      200, ""};
  if (!outcome) {
    const AwsError& error = outcome.error();
    call.status = error.status;
    call.error_code = error.code;
    response.status = error.status;
    if (ec2) {
      response.body =
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" +
          net::xml_escape(error.code) + "</Code><Message>" + net::xml_escape(error.message) +
          "</Message></Error></Errors><RequestID>" + request_id + "</RequestID></Response>";
    } else {
      response.body = "<ErrorResponse xmlns=\"" + std::string(kElbv2Namespace) +
                      "\"><Error><Type>" + (error.status >= 500 ? "Receiver" : "Sender") +
                      "</Type><Code>" + net::xml_escape(error.code) + "</Code><Message>" +
                      net::xml_escape(error.message) + "</Message></Error><RequestId>" +
                      request_id + "</RequestId></ErrorResponse>";
    }
  } else if (ec2) {
    response.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + action + "Response xmlns=\"" +
                    std::string(kEc2Namespace) + "\"><requestId>" + request_id + "</requestId>" +
                    net::json_to_xml(*outcome, "item") + "</" + action + "Response>";
  } else {
    response.body = "<" + action + "Response xmlns=\"" + std::string(kElbv2Namespace) + "\"><" +
                    action + "Result>" + net::json_to_xml(*outcome, "member") + "</" + action +
                    "Result><ResponseMetadata><RequestId>" + request_id +
                    "</RequestId></ResponseMetadata></" + action + "Response>";
  }
  // Only actions the service has are counted by name: a name from an unchecked request would
  // grow the table without bound.
  const bool known = ec2 ? ec2_.knows(action) : elbv2_.knows(action);
  OperationCount& count = by_operation_[(ec2 ? "ec2 " : "elbv2 ") + (known ? action : "Unknown")];
  ++count.calls;
  if (call.status >= 300) ++count.errors;
  ++calls_total_;
  if (call.mutating()) ++mutating_total_;
  calls_.push_back(std::move(call));
  while (calls_.size() > options_.calls_kept_max)
    calls_.pop_front();
  return response;
}

net::Response AwsServer::refuse(const net::Request& request, const AwsError& error) {
  const std::string host(request.headers.get("Host").value_or(""));
  const std::string service = host.starts_with("ec2.") ? "ec2" : "elasticloadbalancing";
  auto form = net::QueryForm::parse(request.body);
  return answer(service, form ? form->value_or("Action", "Unknown") : "Unknown", net::fail(error));
}

net::Response AwsServer::refuse_body_too_large(std::size_t limit_bytes) {
  net::Response response;
  response.status = 413;
  response.headers.set("Content-Type", "text/xml");
  response.body = "<ErrorResponse xmlns=\"" + std::string(kElbv2Namespace) +
                  "\"><Error><Type>Sender</Type><Code>RequestEntityTooLarge</Code><Message>The "
                  "request body is larger than the limit of " +
                  std::to_string(limit_bytes) + " bytes</Message></Error><RequestId>" +
                  random_.uuid() + "</RequestId></ErrorResponse>";
  return response;
}

namespace {

// The status and code each service answers a refused signature with.
AwsError signature_error(const net::SignatureRejection& rejection, bool ec2) {
  using Kind = net::SignatureRejection::Kind;
  switch (rejection.kind) {
    case Kind::Incomplete:
      return AwsError{400, "IncompleteSignature", rejection.message};
    case Kind::DoesNotMatch:
      return AwsError{403, "SignatureDoesNotMatch", rejection.message};
    case Kind::Expired:
      if (ec2) return AwsError{400, "RequestExpired", "Request has expired."};
      return AwsError{403, "SignatureDoesNotMatch", rejection.message};
    case Kind::UnknownKey:
      if (ec2) {
        return AwsError{401, "AuthFailure",
                        "AWS was not able to validate the provided access credentials"};
      }
      return AwsError{403, "InvalidClientTokenId", rejection.message};
  }
  return AwsError{403, "SignatureDoesNotMatch", rejection.message};
}

// XML 1.0 cannot carry most control characters, even escaped: a value holding one could never
// be given back to the aws CLI or boto3.
bool xml_safe(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return text.find("\xef\xbf\xbe") == std::string_view::npos &&
         text.find("\xef\xbf\xbf") == std::string_view::npos;
}

// Every parameter's name and value is text that can go back into an XML answer; checked before
// any action sees the request.
net::Result<void, AwsError> check_parameters(const net::QueryForm& form) {
  for (const auto& [name, value] : form.entries()) {
    const bool name_ok = net::is_valid_utf8(name) && xml_safe(name);
    if (!name_ok || !net::is_valid_utf8(value) || !xml_safe(value)) {
      const std::string shown = name_ok ? name : "(a name that is not valid UTF-8)";
      return net::fail(AwsError{400, "MalformedQueryString",
                                "The value of parameter " + shown +
                                    " is not valid UTF-8 text or holds a control character"});
    }
  }
  return {};
}

// The service a request is for: its signing scope's, else its API version's.
std::string service_of(const net::Request& request) {
  if (auto claim = net::parse_authorization(request.headers.value_or("Authorization", ""))) {
    return claim->service;
  }
  const std::string_view body = request.body;
  return body.find("Version=2016-11-15") != std::string_view::npos ? "ec2" : "elasticloadbalancing";
}

// The Action parameter of a Query request, from its body or its URL, for a report.
std::string action_of(const net::Request& request) {
  for (const std::string_view text : {std::string_view(request.body), request.query()}) {
    const auto at = text.find("Action=");
    if (at == std::string_view::npos) continue;
    const std::string_view rest = text.substr(at + 7);
    return std::string(rest.substr(0, rest.find('&')));
  }
  return "a request without an Action";
}

}  // namespace

net::Response AwsServer::handle(const net::Request& request) {
  // Anything that throws past the checks in dispatch is a bug in the fake; AWS answers its own
  // failures with a 500 (ELBv2 InternalFailure, EC2 InternalError), and so does this.
  try {
    return dispatch(request);
  } catch (const std::exception& error) {
    if (bug_sink_) bug_sink_("the fake AWS, answering " + action_of(request), error.what());
    const std::string message = std::string("albc's fake AWS failed: ") + error.what();
    if (service_of(request) == "ec2") {
      return answer("ec2", "Unknown", net::fail(AwsError{500, "InternalError", message}));
    }
    return answer("elasticloadbalancing", "Unknown",
                  net::fail(AwsError{500, "InternalFailure", message}));
  }
}

net::Response AwsServer::dispatch(const net::Request& request) {
  std::string encoded(request.query());
  if (request.method == "POST" && !request.body.empty()) {
    if (!encoded.empty()) encoded += '&';
    encoded += request.body;
  }
  auto form = net::QueryForm::parse(encoded);
  const std::string authorization = request.headers.value_or("Authorization", "");
  std::string service =
      form && form->value_or("Version", "") == "2016-11-15" ? "ec2" : "elasticloadbalancing";
  const std::string named_action = form ? form->value_or("Action", "Unknown") : "Unknown";
  if (authorization.empty()) {
    return answer(service, named_action,
                  net::fail(AwsError{403, "MissingAuthenticationToken",
                                     "Request is missing Authentication Token"}));
  }
  // The signing scope names the service; a header too broken to say is judged as ELBv2's.
  if (auto claim = net::parse_authorization(authorization)) service = claim->service;
  if (service != "elasticloadbalancing" && service != "ec2") {
    return answer("elasticloadbalancing", "Unknown",
                  net::fail(AwsError{
                      400, "InvalidAction",
                      "albc's fake AWS serves the elasticloadbalancing and ec2 services, not '" +
                          service + "'"}));
  }
  const bool ec2 = service == "ec2";
  const auto secret_of = [this](std::string_view key) -> std::optional<std::string> {
    auto found = options_.credentials.find(std::string(key));
    if (found == options_.credentials.end()) return std::nullopt;
    return found->second;
  };
  auto verified = net::verify_signature(request, secret_of, clock_.wall_now(), options_.region,
                                        service, &signing_keys_);
  if (!verified)
    return answer(service, named_action, net::fail(signature_error(verified.error(), ec2)));
  if (!form) {
    return answer(service, "Unknown",
                  net::fail(AwsError{400, "MalformedQueryString", form.error().message}));
  }
  if (auto checked = check_parameters(*form); !checked) {
    return answer(service, "Unknown", net::fail(checked.error()));
  }
  const std::string action = form->value_or("Action", "");
  if (action.empty())
    return answer(service, "Unknown", net::fail(AwsError{400, "MissingAction", "Missing Action"}));
  auto tree = net::parse_query_tree(*form);
  if (!tree)
    return answer(service, action,
                  net::fail(AwsError{400, "MalformedQueryString", tree.error().message}));
  const std::string version = form->value_or("Version", "");
  if (ec2) {
    if (!ec2_.knows(action)) {
      return answer(
          service, action,
          net::fail(AwsError{400, "InvalidAction",
                             "The action " + action + " is not valid for this web service."}));
    }
    return answer(service, action, ec2_.handle(action, Params(*tree, Params::Style::Ec2)));
  }
  if (version != "2015-12-01") {
    return answer(
        service, action,
        net::fail(AwsError{
            400, "InvalidAction",
            "albc's fake Elastic Load Balancing serves API version 2015-12-01 (ELBv2), not '" +
                version + "'"}));
  }
  if (!elbv2_.knows(action)) {
    return answer(
        service, action,
        net::fail(AwsError{400, "InvalidAction",
                           "Could not find operation " + action + " for version 2015-12-01"}));
  }
  return answer(service, action, elbv2_.handle(action, Params(*tree, Params::Style::Elbv2)));
}

}  // namespace albc::sim::aws
