#include "controller/net/result.hpp"

namespace albc::net {

std::string Error::describe() const {
  std::string text;
  for (const std::string& part : context) {
    text += part;
    text += ": ";
  }
  text += message;
  return text;
}

Error make_error(std::string code, std::string message, int http_status) {
  return Error{std::move(code), std::move(message), http_status, {}};
}

}  // namespace albc::net
