#include "sim/aws/aws_server.hpp"

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
      state_{options_.account_id, options_.region, {}, {}, {}, {}, {}, {}, {}},
      elbv2_(state_, clock, random.fork("aws.elbv2"), options_.elbv2),
      ec2_(state_, random.fork("aws.ec2")) {}

net::Response AwsServer::answer(const std::string& service, const std::string& action,
                                Outcome outcome) {
  const std::string request_id = random_.uuid();
  net::Response response;
  response.headers.set("x-amzn-RequestId", request_id);
  const bool ec2 = service == "ec2";
  response.headers.set("Content-Type", ec2 ? "text/xml;charset=UTF-8" : "text/xml");
  AwsCall call{service, action, 200, ""};
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
  OperationCount& count = by_operation_[(service == "ec2" ? "ec2 " : "elbv2 ") + action];
  ++count.calls;
  if (call.status >= 300) ++count.errors;
  ++calls_total_;
  if (call.mutating()) ++mutating_total_;
  calls_.push_back(std::move(call));
  while (calls_.size() > options_.calls_kept_max)
    calls_.pop_front();
  return response;
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

net::Response AwsServer::handle(const net::Request& request) {
  std::string encoded(request.query());
  if (request.method == "POST" && !request.body.empty()) {
    if (!encoded.empty()) encoded += '&';
    encoded += request.body;
  }
  auto form = net::QueryForm::parse(encoded);
  const std::string authorization = request.headers.value_or("Authorization", "");
  std::string service = "elasticloadbalancing";
  if (form && form->value_or("Version", "") == "2016-11-15") service = "ec2";
  if (authorization.empty()) {
    return answer(service, form ? form->value_or("Action", "Unknown") : "Unknown",
                  net::fail(AwsError{403, "MissingAuthenticationToken",
                                     "Request is missing Authentication Token"}));
  }
  auto claim = net::parse_authorization(authorization);
  if (!claim) {
    return answer(service, "Unknown",
                  net::fail(AwsError{400, "IncompleteSignature", claim.error().message}));
  }
  service = claim->service;
  if (service != "elasticloadbalancing" && service != "ec2") {
    return answer("elasticloadbalancing", "Unknown",
                  net::fail(AwsError{
                      400, "InvalidAction",
                      "albc's fake AWS serves the elasticloadbalancing and ec2 services, not '" +
                          service + "'"}));
  }
  if (!form)
    return answer(service, "Unknown",
                  net::fail(AwsError{400, "MalformedQueryString", form.error().message}));
  const std::string action = form->value_or("Action", "");
  auto secret = options_.credentials.find(claim->access_key_id);
  if (secret == options_.credentials.end()) {
    return answer(service, action,
                  net::fail(AwsError{403, "InvalidClientTokenId",
                                     "The security token included in the request is invalid."}));
  }
  if (net::expected_signature(request, *claim, secret->second) != claim->signature) {
    return answer(
        service, action,
        net::fail(AwsError{403, "SignatureDoesNotMatch",
                           "The request signature we calculated does not match the signature you "
                           "provided. Check your AWS Secret Access Key and signing method. Consult "
                           "the service documentation for details."}));
  }
  if (claim->region != options_.region) {
    return answer(
        service, action,
        net::fail(AwsError{400, "SignatureDoesNotMatch",
                           "Credential should be scoped to a valid region, not '" + claim->region +
                               "'. This endpoint serves '" + options_.region + "'."}));
  }
  if (action.empty())
    return answer(service, "Unknown", net::fail(AwsError{400, "MissingAction", "Missing Action"}));
  auto tree = net::parse_query_tree(*form);
  if (!tree)
    return answer(service, action,
                  net::fail(AwsError{400, "MalformedQueryString", tree.error().message}));
  const std::string version = form->value_or("Version", "");
  try {
    if (service == "ec2") {
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
  } catch (const nlohmann::json::exception& error) {
    // A parameter with the wrong shape (a list where a value belongs): the caller's mistake.
    return answer(
        service, action,
        net::fail(validation_error(std::string("malformed parameters: ") + error.what())));
  } catch (const std::logic_error& error) {
    // std::out_of_range and the like: input the checks above missed, answered, never a crash.
    return answer(service, action,
                  net::fail(validation_error(std::string("malformed number: ") + error.what())));
  }
}

}  // namespace albc::sim::aws
