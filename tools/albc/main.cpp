#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "tools/albc/commands.hpp"

namespace {

void usage(std::ostream& out) {
  out << "usage: albc <command> [options]\n"
         "\n"
         "commands:\n"
         "  run SCENARIO.yaml [--quiet] [--report F.json] [--junit F.xml] [--seed N] [--crash-site "
         "N]\n"
         "                                simulate: the controller against embedded fakes, in "
         "virtual time,\n"
         "                                driven by the scenario's steps; prints the trace and a "
         "report\n"
         "  serve [SCENARIO.yaml] [--kube-port N] [--aws-port N] [--kubeconfig FILE]\n"
         "                                playground: the fake API server and fake AWS on loopback "
         "with the\n"
         "                                controller running against them; kubectl and the aws CLI "
         "work\n"
         "  sweep SCENARIO.yaml --seeds A..B [--jobs N] [--shard K/M] [--report FILE.json]\n"
         "                                runs the scenario once per seed (and per crash site) in "
         "parallel\n"
         "                                processes; prints each failing run and how to replay it\n"
         "  shrink SCENARIO.yaml [--seed N] [--crash-site N] [--out FILE.yaml]\n"
         "                                writes the smallest scenario that still fails the same "
         "way\n"
         "  help                          this text\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    usage(args.empty() ? std::cerr : std::cout);
    return args.empty() ? 2 : 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "run") return albc::tools::run_command(args);
    if (command == "serve") return albc::tools::serve_command(args);
    if (command == "sweep") return albc::tools::sweep_command(args);
    if (command == "shrink") return albc::tools::shrink_command(args);
  } catch (const std::exception& error) {
    std::cerr << "albc " << command << ": " << error.what() << "\n";
    return 1;
  }
  std::cerr << "albc: unknown command \"" << command << "\"\n\n";
  usage(std::cerr);
  return 2;
}
