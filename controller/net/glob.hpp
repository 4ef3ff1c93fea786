#pragma once

#include <string_view>

namespace albc::net {

// Does `text` match `pattern`, where '*' stands for any run of characters and '?' for one (EC2's
// filter values, a scenario's call-name patterns)?
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace albc::net
