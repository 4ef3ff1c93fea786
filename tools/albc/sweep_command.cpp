#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "controller/net/json.hpp"
#include "sim/scenario/report.hpp"
#include "sim/scenario/scenario.hpp"
#include "tools/albc/commands.hpp"
#include "tools/albc/flags.hpp"

extern char** environ;

namespace albc::tools {
namespace {

using Json = nlohmann::json;

constexpr const char* kUsage =
    "usage: albc sweep SCENARIO.yaml --seeds A..B [--jobs N] [--shard K/M] [--report FILE.json]\n"
    "  Runs the scenario once per seed from A to B, in parallel local processes (albc run\n"
    "  --seed N). A scenario with a `crash: {at: every}` step is first run to count its crash\n"
    "  sites, then once per site. Prints every failing run with the command that replays it and\n"
    "  a summary; exit 0 when every run passed, 1 when one failed, 2 for bad input or when albc\n"
    "  run could not be started, 4 when --report could not be written.\n"
    "  --jobs N          processes at once (default: the machine's cores)\n"
    "  --shard K/M       only the seeds whose position in A..B is K modulo M (1-based K), to\n"
    "                    split a sweep over machines\n"
    "  --report FILE     write the merged JSON report: every run's outcome and replay command,\n"
    "                    and the Ingress latencies over all runs\n";

// The most seeds one sweep takes (every job is queued up front).
constexpr std::uint64_t kSeedsMax = 10'000'000;

struct Job {
  std::uint64_t seed = 0;
  std::optional<std::uint64_t> site;  // a crash site; none for a plain or a counting run
  bool counting = false;              // learns the crash sites
};

// What the merged report keeps of one run: a sweep holds tens of thousands.
struct Outcome {
  Job job;
  bool passed = false;
  std::string failure;
  double virtual_time = 0;
  std::uint64_t crash_sites = 0;
  std::vector<double> to_address;  // seconds, per Ingress that got there
  std::vector<double> to_healthy;
};

std::string replay_command(const std::string& scenario, const Job& job) {
  std::string command = "albc run " + scenario + " --seed " + std::to_string(job.seed);
  if (job.site) command += " --crash-site " + std::to_string(*job.site);
  return command;
}

class Sweep {
 public:
  Sweep(std::string scenario, std::filesystem::path work, std::size_t jobs)
      : scenario_(std::move(scenario)), work_(std::move(work)), jobs_(jobs) {}

  void add(Job job) { queue_.push_back(job); }
  // Runs every job, and the ones counting runs add; false when a process could not start.
  bool run();
  std::vector<Outcome>& outcomes() { return outcomes_; }

 private:
  bool start(const Job& job);
  void finish(pid_t pid, int status);
  std::string report_path(const Job& job) const {
    return (work_ / ("seed-" + std::to_string(job.seed) +
                     (job.site ? "-site-" + std::to_string(*job.site) : "") + ".json"))
        .string();
  }

  std::string scenario_;
  std::filesystem::path work_;
  std::size_t jobs_;
  std::deque<Job> queue_;
  std::map<pid_t, Job> running_;
  std::vector<Outcome> outcomes_;
  std::size_t done_ = 0;
};

bool Sweep::start(const Job& job) {
  std::vector<std::string> args = {"albc",     "run",           scenario_,
                                   "--quiet",  "--seed",        std::to_string(job.seed),
                                   "--report", report_path(job)};
  if (job.site) {
    args.push_back("--crash-site");
    args.push_back(std::to_string(*job.site));
  }
  std::vector<char*> argv;
  for (std::string& arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // The child's own output is its report file: its trace and summary go nowhere.
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    std::cerr << "albc sweep: cannot start albc run: " << std::strerror(spawned) << "\n";
    return false;
  }
  running_.emplace(pid, job);
  return true;
}

void Sweep::finish(pid_t pid, int status) {
  Job job = running_.at(pid);
  running_.erase(pid);
  ++done_;
  Outcome outcome{job, false, "", 0, 0, {}, {}};
  std::ifstream in(report_path(job), std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  in.close();
  std::error_code ignored;
  std::filesystem::remove(report_path(job), ignored);
  auto report = net::parse_json(text.str());
  const std::string how = WIFEXITED(status)
                              ? "albc run exited " + std::to_string(WEXITSTATUS(status))
                              : "albc run was killed by signal " + std::to_string(WTERMSIG(status));
  const bool exited_zero = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (report && report->is_object()) {
    const Json& measurements = report->value("measurements", Json::object());
    outcome.virtual_time = measurements.value("virtual_time", 0.0);
    outcome.crash_sites = report->value("crash_sites", std::uint64_t{0});
    for (const Json& ingress : measurements.value("ingresses", Json::array())) {
      if (ingress.value("to_address", Json()).is_number())
        outcome.to_address.push_back(ingress["to_address"].get<double>());
      if (ingress.value("to_healthy", Json()).is_number())
        outcome.to_healthy.push_back(ingress["to_healthy"].get<double>());
    }
    outcome.passed = exited_zero && report->value("passed", false);
    if (!outcome.passed) {
      const Json failure = report->value("failure", Json());
      outcome.failure = failure.is_string() ? failure.get<std::string>() : how;
    }
  } else {
    outcome.failure = how + " without a report";
  }
  if (job.counting && outcome.passed) {
    // One run per crash site the counting run passed.
    for (std::uint64_t site = 1; site <= outcome.crash_sites; ++site)
      queue_.push_back({job.seed, site, false});
  } else if (job.counting) {
    outcome.failure += " (its crash sites were not swept: the run that counts them failed)";
  }
  outcomes_.push_back(std::move(outcome));
}

bool Sweep::run() {
  const bool terminal = isatty(STDERR_FILENO) == 1;
  bool started_all = true;
  while (!running_.empty() || (started_all && !queue_.empty())) {
    while (started_all && !queue_.empty() && running_.size() < jobs_) {
      started_all = start(queue_.front());
      if (started_all) queue_.pop_front();
    }
    if (running_.empty()) break;
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      std::cerr << "albc sweep: waiting for albc run: " << std::strerror(errno) << "\n";
      return false;
    }
    if (running_.contains(pid)) finish(pid, status);
    if (terminal) {
      std::cerr << "\r  " << done_ << " runs done, " << running_.size() + queue_.size()
                << " to go\x1b[K" << std::flush;
    }
  }
  if (terminal) std::cerr << "\r\x1b[K" << std::flush;
  // A run that could not start stops the sweep once those running have ended.
  return started_all;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_range(const std::string& text) {
  const auto dots = text.find("..");
  if (dots == std::string::npos) return std::nullopt;
  auto from = flag_number(text.substr(0, dots));
  auto to = flag_number(text.substr(dots + 2));
  if (!from || !to || *from > *to) return std::nullopt;
  return std::make_pair(*from, *to);
}

// The merged report: every run in seed and site order, and the latencies over all of them.
Json merged_report(const std::string& scenario, const std::string& seeds, const std::string& shard,
                   std::vector<Outcome>& outcomes) {
  std::sort(outcomes.begin(), outcomes.end(), [](const Outcome& a, const Outcome& b) {
    return std::make_tuple(a.job.seed, a.job.site.value_or(0), !a.job.counting) <
           std::make_tuple(b.job.seed, b.job.site.value_or(0), !b.job.counting);
  });
  Json runs = Json::array();
  std::vector<net::Clock::duration> address;
  std::vector<net::Clock::duration> healthy;
  std::size_t failed = 0;
  for (const Outcome& outcome : outcomes) {
    Json run = {{"seed", outcome.job.seed}, {"passed", outcome.passed}};
    if (outcome.job.site) run["crash_site"] = *outcome.job.site;
    if (outcome.job.counting) run["counting"] = true;
    if (!outcome.passed) {
      ++failed;
      run["failure"] = outcome.failure;
      run["replay"] = replay_command(scenario, outcome.job);
    }
    for (double seconds : outcome.to_address)
      address.push_back(std::chrono::milliseconds(std::llround(seconds * 1000.0)));
    for (double seconds : outcome.to_healthy)
      healthy.push_back(std::chrono::milliseconds(std::llround(seconds * 1000.0)));
    run["virtual_time"] = outcome.virtual_time;
    runs.push_back(run);
  }
  const auto distribution = [](std::vector<net::Clock::duration> samples) {
    return sim::scenario::percentiles_json(sim::scenario::percentiles(std::move(samples)));
  };
  return {{"scenario", scenario},
          {"seeds", seeds},
          {"shard", shard},
          {"runs", outcomes.size()},
          {"passed", outcomes.size() - failed},
          {"failed", failed},
          {"time_to_address", distribution(std::move(address))},
          {"time_to_healthy", distribution(std::move(healthy))},
          {"by_run", runs}};
}

}  // namespace

int sweep_command(const std::vector<std::string>& args) {
  std::string path;
  std::string seeds_text;
  std::string shard_text = "1/1";
  std::string report_path;
  std::size_t jobs = static_cast<std::size_t>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  const auto bad = [](const std::string& message) {
    std::cerr << "albc sweep: " << message << "\n" << kUsage;
    return 2;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (auto seeds = flag_value(args, i, "--seeds")) {
      seeds_text = *seeds;
    } else if (auto shard = flag_value(args, i, "--shard")) {
      shard_text = *shard;
    } else if (auto report = flag_value(args, i, "--report")) {
      if (report->empty()) return bad("--report needs a file name");
      report_path = *report;
    } else if (auto jobs_text = flag_value(args, i, "--jobs")) {
      auto value = flag_number(*jobs_text);
      if (!value || *value == 0 || *value > 256)
        return bad("--jobs must be a whole number from 1 to 256, got \"" + *jobs_text + "\"");
      jobs = *value;
    } else if (auto done = common_argument(arg, path, "sweep", kUsage)) {
      return *done;
    }
  }
  if (path.empty()) return bad("which scenario?");
  const auto range = parse_range(seeds_text);
  if (!range) return bad("--seeds must be A..B with A <= B, got \"" + seeds_text + "\"");
  if (range->second - range->first >= kSeedsMax)
    return bad("--seeds spans more than " + std::to_string(kSeedsMax) +
               " seeds: split the sweep with --shard or smaller ranges");
  const auto slash = shard_text.find('/');
  const auto shard =
      slash == std::string::npos ? std::nullopt : flag_number(shard_text.substr(0, slash));
  const auto shards =
      slash == std::string::npos ? std::nullopt : flag_number(shard_text.substr(slash + 1));
  if (!shard || !shards || *shard == 0 || *shard > *shards)
    return bad("--shard must be K/M with 1 <= K <= M, got \"" + shard_text + "\"");
  auto scenario = sim::scenario::load_scenario(path);
  if (!scenario) {
    std::cerr << "albc sweep: " << scenario.error().describe() << "\n";
    return 2;
  }
  const bool every_point =
      std::any_of(scenario->steps.begin(), scenario->steps.end(), [](const auto& step) {
        return step.kind == sim::scenario::Step::Kind::Crash && step.crash.at == "every";
      });
  // An inherited SIGCHLD ignore (it survives exec) would reap the children before waitpid can.
  std::signal(SIGCHLD, SIG_DFL);
  char work_template[] = "/tmp/albc-sweep-XXXXXX";
  if (mkdtemp(work_template) == nullptr) {
    std::cerr << "albc sweep: cannot make a directory under /tmp\n";
    return 2;
  }
  const std::filesystem::path work = work_template;
  const auto started = std::chrono::steady_clock::now();
  Sweep sweep(path, work, jobs);
  for (std::uint64_t seed = range->first, position = 0; seed <= range->second; ++seed, ++position) {
    if (position % *shards == *shard - 1) sweep.add({seed, std::nullopt, every_point});
    if (seed == range->second) break;  // B may be the largest seed
  }
  const bool ran = sweep.run();
  std::error_code ignored;
  Json merged = merged_report(path, seeds_text, shard_text, sweep.outcomes());
  std::filesystem::remove_all(work, ignored);
  if (!ran) return 2;
  for (const Json& run : merged["by_run"]) {
    if (run["passed"] == true) continue;
    std::cout << "seed " << run["seed"].get<std::uint64_t>();
    if (run.contains("crash_site")) std::cout << " crash site " << run["crash_site"];
    std::cout << ": FAILED: " << run["failure"].get<std::string>()
              << "\n  replay: " << run["replay"].get<std::string>() << "\n";
  }
  std::cout << std::flush;
  std::cout << "albc sweep " << path << " --seeds " << seeds_text << " --shard " << shard_text
            << ": " << merged["runs"] << " runs, " << merged["passed"] << " passed, "
            << merged["failed"] << " failed" << std::endl;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cerr << "albc sweep: " << merged["runs"] << " runs in " << wall << " s of wall time\n";
  if (!report_path.empty()) {
    merged["wall_seconds"] = wall;
    std::ofstream out(report_path, std::ios::trunc);
    out << merged.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    if (!out) {
      std::cerr << "albc sweep: --report " << report_path << ": cannot write the file\n";
      return 4;
    }
  }
  return merged["failed"].get<std::size_t>() == 0 ? 0 : 1;
}

}  // namespace albc::tools
