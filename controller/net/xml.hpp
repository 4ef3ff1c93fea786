#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "controller/net/result.hpp"

namespace albc::net {

// Reads an AWS XML answer into JSON: an element becomes a key; an element whose children are
// all <member> (ELBv2) or <item> (EC2) becomes an array; text becomes a string; an empty
// element becomes "". Attributes and namespaces are dropped. AWS answers nest about ten
// elements deep; anything deeper than depth_max is refused as MalformedXml.
Result<nlohmann::json> xml_to_json(std::string_view xml, std::size_t depth_max = 64);

// Writes JSON as AWS XML: keys become elements, arrays become repeated `list_element`s,
// scalars become escaped text.
std::string json_to_xml(const nlohmann::json& node, std::string_view list_element);

std::string xml_escape(std::string_view text);

}  // namespace albc::net
