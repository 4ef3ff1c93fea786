#include <boost/asio/io_context.hpp>
#include <iostream>

#include "controller/net/real_clock.hpp"
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
  io.run();
}
