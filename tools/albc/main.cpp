#include <boost/asio/io_context.hpp>
#include <iostream>

#include "controller/net/real_clock.hpp"
#include "sim/aws/aws_server.hpp"
#include "sim/http/server.hpp"
#include "sim/kube/api_server.hpp"
#include "sim/kube/store.hpp"

using namespace albc;

int main(int argc, char** argv) {
  asio::io_context io;
  net::RealClock clock(io.get_executor());
  auto registry = sim::kube::ResourceRegistry::standard();
  sim::kube::Store store(registry, clock, net::Random(1));
  auto& ns_type = *registry.find("", "v1", "namespaces");
  (void)store.create(ns_type, "", {{"metadata", {{"name", "default"}}}});
  (void)store.create(ns_type, "", {{"metadata", {{"name", "test"}}}});
  sim::kube::ApiServer api(store, clock);
  sim::http::ServerOptions options;
  options.port = argc > 1 ? static_cast<std::uint16_t>(std::stoi(argv[1])) : 0;
  sim::http::Server server(io.get_executor(), api, options);
  auto port = server.listen();
  if (!port) {
    std::cerr << port.error().describe() << "\n";
    return 1;
  }
  std::cout << "listening on " << *port << std::endl;
  server.start();
  sim::aws::AwsServerOptions aws_options;
  aws_options.region = "ap-northeast-2";
  sim::aws::AwsServer aws(clock, net::Random(2), aws_options);
  sim::http::ServerOptions aws_server_options;
  aws_server_options.port = static_cast<std::uint16_t>(options.port + 1);
  sim::http::Server aws_http(io.get_executor(), aws, aws_server_options);
  auto aws_port = aws_http.listen();
  std::cout << "aws on " << *aws_port << std::endl;
  aws_http.start();
  io.run();
}
