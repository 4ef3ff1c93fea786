// SigV4 as the fake AWS checks it: the input is the Authorization header, then (after a NUL)
// the X-Amz-Date header, of a request verified against the fake's key.
#include <cstddef>
#include <cstdint>
#include <string>

#include "controller/net/sigv4.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace albc::net;
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find('\0');
  Request request;
  request.method = "POST";
  request.headers.set("Host", "elasticloadbalancing.us-east-1.amazonaws.com");
  request.headers.set("Authorization", input.substr(0, split));
  if (split != std::string::npos) request.headers.set("X-Amz-Date", input.substr(split + 1));
  request.body = "Action=DescribeLoadBalancers&Version=2015-12-01";
  const auto secret_of = [](std::string_view key) -> std::optional<std::string> {
    if (key == "testing") return std::string("testing");
    return std::nullopt;
  };
  (void)parse_authorization(request.headers.value_or("Authorization", ""));
  (void)verify_signature(request, secret_of,
                         Clock::wall_time_point{} + std::chrono::seconds(1'767'225'600),
                         "us-east-1", "elasticloadbalancing");
  return 0;
}
