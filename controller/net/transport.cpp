#include "controller/net/transport.hpp"

namespace albc::net {

std::string_view kind_name(TransportError::Kind kind) {
  switch (kind) {
    case TransportError::Kind::ConnectFailed:
      return "ConnectFailed";
    case TransportError::Kind::Timeout:
      return "Timeout";
    case TransportError::Kind::Reset:
      return "Reset";
    case TransportError::Kind::Closed:
      return "Closed";
    case TransportError::Kind::Protocol:
      return "Protocol";
    case TransportError::Kind::BodyTooLarge:
      return "BodyTooLarge";
  }
  return "Unknown";
}

Error to_error(const TransportError& error) {
  return make_error("Transport" + std::string(kind_name(error.kind)), error.message);
}

}  // namespace albc::net
