#pragma once

#include <string>
#include <vector>

#include "controller/net/result.hpp"
#include "sim/kube/resource_type.hpp"
#include "sim/kube/status_error.hpp"

namespace albc::sim::kube {

// kubectl's --validate: what the server does with fields its types do not have.
enum class FieldValidation { Ignore, Warn, Strict };

// Decodes a written object into its kind, as the real API server does before defaulting and
// validation: the body's apiVersion and kind must be the URL's (missing ones are filled in);
// a value of the wrong type is a 400 BadRequest for built-in kinds ("Deployment in version "v1"
// cannot be handled as a Deployment: json: cannot unmarshal ...") and a 422 Invalid for custom
// resources; unknown fields are dropped, and refused under Strict or returned as warnings under
// Warn; Secret stringData is folded into data, and data must be base64.
net::Result<std::vector<std::string>, StatusError> decode_object(const ResourceType& type,
                                                                 const ResourceRegistry& registry,
                                                                 Json& object,
                                                                 FieldValidation validation);

// Warning header values for the unknown fields Warn mode reports: `299 - "unknown field \"x\""`.
std::string warning_header_value(const std::string& warning);

}  // namespace albc::sim::kube
