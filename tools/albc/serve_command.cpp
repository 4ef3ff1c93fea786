#include <sys/resource.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "controller/app/controller_app.hpp"
#include "controller/net/network_transport.hpp"
#include "controller/net/numbers.hpp"
#include "controller/net/real_clock.hpp"
#include "sim/aws/aws_server.hpp"
#include "sim/http/server.hpp"
#include "sim/kube/api_server.hpp"
#include "sim/scenario/runner.hpp"
#include "sim/world/account_setup.hpp"
#include "sim/world/cluster.hpp"
#include "tools/albc/commands.hpp"

namespace albc::tools {
namespace {

struct ServeOptions {
  std::string scenario_path;
  std::uint16_t kube_port = 18080;
  std::uint16_t aws_port = 18081;
  std::string kubeconfig = "albc.kubeconfig";
};

// Without a scenario: one VPC, two public and two private subnets tagged for subnet discovery,
// and the `alb` IngressClass.
sim::scenario::Scenario default_scenario() {
  sim::scenario::Scenario scenario;
  scenario.name = "playground";
  scenario.world.region = "us-east-1";
  scenario.world.vpc_cidr = "10.0.0.0/16";
  scenario.world.subnets = {
      {"albc-public-a", "us-east-1a", "10.0.0.0/24", {{"kubernetes.io/role/elb", "1"}}, 1},
      {"albc-public-b", "us-east-1b", "10.0.1.0/24", {{"kubernetes.io/role/elb", "1"}}, 1},
      {"albc-private-a",
       "us-east-1a",
       "10.0.10.0/24",
       {{"kubernetes.io/role/internal-elb", "1"}},
       0},
      {"albc-private-b",
       "us-east-1b",
       "10.0.11.0/24",
       {{"kubernetes.io/role/internal-elb", "1"}},
       0}};
  return scenario;
}

bool parse_port(const std::string& text, std::uint16_t& port) {
  const auto value = net::parse_integer<std::uint16_t>(text);
  if (!value) return false;
  port = *value;
  return true;
}

constexpr const char* kUsage =
    "usage: albc serve [SCENARIO.yaml] [--kube-port N] [--aws-port N] [--kubeconfig FILE]\n"
    "  Serves the fake Kubernetes API and the fake AWS (ELBv2, EC2) on loopback, with the\n"
    "  controller running against them, until interrupted. The scenario's world section sets\n"
    "  the region, VPC, subnets and security groups; its steps are not run.\n"
    "  --kube-port N      fake Kubernetes API port (default 18080; 0 picks a free one)\n"
    "  --aws-port N       fake AWS port (default 18081; 0 picks a free one)\n"
    "  --kubeconfig FILE  where to write a kubeconfig for kubectl (default ./albc.kubeconfig)\n";

// Empty: go on and serve; otherwise the exit code (after --help, or a bad flag).
std::optional<int> parse_options(const std::vector<std::string>& args, ServeOptions& options) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    if (arg == "--kube-port" || arg == "--aws-port") {
      auto text = value();
      if (!text ||
          !parse_port(*text, arg == "--kube-port" ? options.kube_port : options.aws_port)) {
        std::cerr << "albc serve: " << arg
                  << " needs a port number (0 to 65535; 0 picks a free one)\n";
        return 2;
      }
    } else if (arg == "--kubeconfig") {
      auto text = value();
      if (!text) {
        std::cerr << "albc serve: --kubeconfig needs a file name\n";
        return 2;
      }
      options.kubeconfig = *text;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg.starts_with("-")) {
      std::cerr << "albc serve: unknown flag " << arg << "\n" << kUsage;
      return 2;
    } else if (options.scenario_path.empty()) {
      options.scenario_path = arg;
    } else {
      std::cerr << "albc serve: one scenario at a time\n";
      return 2;
    }
  }
  return std::nullopt;
}

bool write_kubeconfig(const std::string& path, std::uint16_t port) {
  std::ofstream file(path);
  file << "apiVersion: v1\nkind: Config\nclusters:\n- name: albc\n  cluster:\n    server: "
          "http://127.0.0.1:"
       << port
       << "\n    insecure-skip-tls-verify: true\ncontexts:\n- name: albc\n  context:\n    cluster: "
          "albc\n    user: albc\n"
          "current-context: albc\nusers:\n- name: albc\n  user: {}\n";
  return static_cast<bool>(file);
}

net::Awaitable<void> start_controller(app::ControllerApp& controller, bool& failed,
                                      asio::io_context& io) {
  auto started = co_await controller.start();
  if (!started) {
    std::cerr << "albc serve: the controller failed to start: " << started.error().describe()
              << "\n";
    failed = true;
    io.stop();
  }
}

// As Go programs do since 1.19 (the Kubernetes API server among them): the soft limit on open
// files up to the hard one, so that many connections do not run the server out of descriptors.
// Returns the connections each of the two servers may hold: what the limit leaves after the
// controller's own sockets and files, shared between them, at most the servers' default.
std::size_t raise_open_files_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 512;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) (void)getrlimit(RLIMIT_NOFILE, &limit);
  }
  constexpr rlim_t kReserved = 512;
  const rlim_t share = limit.rlim_cur > 2 * kReserved ? (limit.rlim_cur - kReserved) / 2 : 256;
  return std::min<std::size_t>(sim::http::ServerOptions{}.connections_max, share);
}

// Runs the io_context until stopped. A handler that throws is a bug in albc; it is reported
// (spawn_checked has printed the task's name) and the servers go on serving.
void run_serving(asio::io_context& io) {
  while (true) {
    try {
      io.run();
      return;
    } catch (const std::exception& error) {
      std::cerr << "albc serve: internal error, still serving: " << error.what() << "\n";
    } catch (...) {
      std::cerr << "albc serve: internal error (not a std::exception), still serving\n";
    }
  }
}

}  // namespace

int serve_command(const std::vector<std::string>& args) {
  ServeOptions options;
  if (auto exit_code = parse_options(args, options)) return *exit_code;
  sim::scenario::Scenario scenario = default_scenario();
  if (!options.scenario_path.empty()) {
    auto loaded = sim::scenario::load_scenario(options.scenario_path);
    if (!loaded) {
      std::cerr << "albc serve: " << loaded.error().describe() << "\n";
      return 2;
    }
    scenario = *loaded;
  }
  const std::size_t connections_max = raise_open_files_limit();
  auto io_context = std::make_unique<asio::io_context>(1);
  asio::io_context& io = *io_context;
  net::RealClock clock(io.get_executor());
  net::Random random(scenario.seed);
  net::Trace trace(clock, &std::cout);
  const auto registry = sim::kube::ResourceRegistry::standard();
  sim::kube::Store store(registry, clock, random.fork("kube.store"));
  sim::kube::ApiServer kube_api(store, clock, {}, &trace);
  sim::aws::AwsServerOptions aws_options;
  aws_options.region = scenario.world.region;
  aws_options.account_id = scenario.world.account_id;
  sim::aws::AwsServer aws(clock, random.fork("aws"), aws_options);
  sim::world::Cluster cluster(store, clock, random.fork("world.cluster"), trace, io.get_executor());
  if (auto built = sim::world::build_account(aws, cluster, trace,
                                             sim::scenario::to_account_setup(scenario.world));
      !built) {
    std::cerr << "albc serve: " << built.error().describe() << "\n";
    return 2;
  }
  if (auto built = sim::world::build_cluster(store, scenario.world.ingress_classes); !built) {
    std::cerr << "albc serve: " << built.error().describe() << "\n";
    return 2;
  }
  // Objects bound to the io_context come in unique_ptrs: they go before it, the rest after it.
  sim::http::ServerOptions kube_server_options{"127.0.0.1", options.kube_port};
  kube_server_options.connections_max = connections_max;
  sim::http::ServerOptions aws_server_options{"127.0.0.1", options.aws_port};
  aws_server_options.connections_max = connections_max;
  auto kube_server =
      std::make_unique<sim::http::Server>(io.get_executor(), kube_api, kube_server_options);
  auto aws_server = std::make_unique<sim::http::Server>(io.get_executor(), aws, aws_server_options);
  auto kube_port = kube_server->listen();
  auto aws_port = kube_port ? aws_server->listen() : kube_port;
  if (!kube_port || !aws_port) {
    std::cerr << "albc serve: " << (!kube_port ? kube_port.error() : aws_port.error()).describe()
              << "\n";
    return 1;
  }
  kube_api.advertise("127.0.0.1:" + std::to_string(*kube_port));
  kube_server->start();
  aws_server->start();
  const std::string kubeconfig = std::filesystem::absolute(options.kubeconfig).string();
  if (!write_kubeconfig(kubeconfig, *kube_port)) {
    std::cerr << "albc serve: cannot write " << kubeconfig << "\n";
    return 1;
  }
  // The controller talks to both fakes over the network, as it would to a real cluster and AWS.
  auto kube_transport = std::make_unique<net::NetworkTransport>(
      io.get_executor(), net::NetworkOptions{"127.0.0.1", *kube_port});
  auto aws_transport = std::make_unique<net::NetworkTransport>(
      io.get_executor(), net::NetworkOptions{"127.0.0.1", *aws_port});
  const app::ControllerOptions controller_options = sim::scenario::controller_options(scenario);
  const std::string aws_host = "127.0.0.1:" + std::to_string(*aws_port);
  app::ControllerApp controller(
      io.get_executor(), clock, random.fork("controller"), trace, *kube_transport,
      k8s::ClientOptions{"127.0.0.1:" + std::to_string(*kube_port), "", "albc-controller/0.1"},
      aws::Endpoint{*aws_transport, aws_host}, aws::Endpoint{*aws_transport, aws_host},
      net::Credentials{"testing", "testing", ""}, aws::ClientOptions{scenario.world.region},
      controller_options);
  std::cerr
      << "albc serve: fake Kubernetes API on http://127.0.0.1:" << *kube_port
      << ", fake AWS (ELBv2, EC2) on http://127.0.0.1:" << *aws_port << "\n"
      << "  export KUBECONFIG=" << kubeconfig << "\n"
      << "  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION="
      << scenario.world.region << "\n"
      << "  kubectl get ingress -A\n"
      << "  aws elbv2 describe-load-balancers --endpoint-url http://127.0.0.1:" << *aws_port << "\n"
      << "Ctrl-C stops.\n";
  bool failed = false;
  net::spawn_checked(io.get_executor(), start_controller(controller, failed, io),
                     "serve.controller");
  auto signals = std::make_unique<asio::signal_set>(io, SIGINT, SIGTERM);
  signals->async_wait([&io](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    std::cerr << "albc serve: " << (signal == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping\n";
    io.stop();
  });
  run_serving(io);
  std::cerr << "albc serve: stopped\n";
  // Teardown: sockets and timers first, then the io_context (which unwinds the suspended
  // coroutines while the controller and fakes they use still exist), then everything else.
  signals.reset();
  kube_server.reset();
  aws_server.reset();
  kube_transport.reset();
  aws_transport.reset();
  io_context.reset();
  return failed ? 1 : 0;
}

}  // namespace albc::tools
