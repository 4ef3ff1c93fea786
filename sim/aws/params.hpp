#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "controller/net/result.hpp"

namespace albc::sim::aws {

using Json = nlohmann::json;

// An error answer: HTTP status, AWS error code and message.
struct AwsError {
  int status = 400;
  std::string code;
  std::string message;
};

// The <OpResult> content of a successful call, or the error.
using Outcome = net::Result<Json, AwsError>;

AwsError validation_error(std::string message);

// Typed access to a request's parameters (the parsed Query tree), with the validation errors
// each protocol uses: ELBv2 answers ValidationError, EC2 answers MissingParameter and
// InvalidParameterValue.
class Params {
 public:
  enum class Style { Elbv2, Ec2 };
  Params(Json tree, Style style) : tree_(std::move(tree)), style_(style) {}

  net::Result<std::string, AwsError> required(const std::string& name) const;
  std::optional<std::string> optional(const std::string& name) const;
  std::string value_or(const std::string& name, std::string fallback) const;
  // An integer parameter within [minimum, maximum]; nullopt when absent.
  net::Result<std::optional<int>, AwsError> integer(const std::string& name, int minimum,
                                                    int maximum) const;
  net::Result<std::optional<bool>, AwsError> boolean(const std::string& name) const;
  std::vector<std::string> strings(const std::string& name) const;
  // A list of structures (empty when absent); elements that are not structures read as {}.
  Json list(const std::string& name) const;
  // A list that must be given (ELBv2: "Value null at 'tags' failed to satisfy constraint:
  // Member must not be null").
  net::Result<void, AwsError> required_list(const std::string& name) const;
  const Json& tree() const { return tree_; }

 private:
  Json tree_;
  Style style_;
};

// Reads of a request's structures that never throw: in the Query protocol any parameter may come
// as a value or as a structure, whatever the action expects, so a member of the wrong shape reads
// as absent and the action's own checks name what is missing.
std::string text_of(const Json& structure, std::string_view member);
const Json& structure_of(const Json& structure, std::string_view member);  // an object, or {}
const Json& list_of(const Json& structure, std::string_view member);       // an array, or []

// "loadBalancerArn" for "LoadBalancerArn": how ELBv2 validation messages name members.
std::string member_name(std::string_view name);

}  // namespace albc::sim::aws
