#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "sim/scenario/runner.hpp"
#include "tools/albc/commands.hpp"
#include "tools/albc/flags.hpp"

namespace albc::tools {
namespace {

constexpr const char* kUsage =
    "usage: albc run SCENARIO.yaml [--quiet] [--report FILE.json] [--junit FILE.xml] [--seed N]\n"
    "                [--crash-site N]\n"
    "  Runs the scenario: the controller against the embedded fakes, in virtual time. Prints the\n"
    "  trace (one line per event), the steps' output and a report. Exit 0 when every step passes,\n"
    "  1 when one fails, 2 when the scenario or a manifest is wrong, 3 when albc itself failed\n"
    "  (a bug: the report names the error), 4 when --report or --junit could not be written,\n"
    "  128+N when signal N (SIGINT, SIGTERM) stopped it.\n"
    "  --quiet             print the steps' output and the report, not the trace\n"
    "  --report FILE.json  also write the report as JSON: steps, invariants, faults, measurements\n"
    "                      (latency percentiles, reconciles per group) and calls\n"
    "  --junit FILE.xml    also write a JUnit report: a test case per step and per invariant\n"
    "  --seed N            run with this seed instead of the scenario's (what albc sweep replays)\n"
    "  --crash-site N      a `crash: {at: every}` step crashes at the Nth crash site after it\n"
    "  On a terminal, stderr shows a progress line while a run takes longer than a second.\n";

// --report or --junit could not be written: the run's own outcome is on stderr.
constexpr int kReportNotWritten = 4;

// Writes next to the file and renames, so that a reader never sees half a report.
bool write_file(const std::string& path, const std::string& content) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << content;
    out.flush();
    if (!out) return false;
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return false;
  }
  return true;
}

// The report of a scenario that could not be loaded: one failed step, so that CI shows why.
sim::scenario::Report load_failure_report(const std::string& path, const std::string& failure) {
  sim::scenario::Report report;
  report.scenario = path;
  report.path = path;
  report.failure = failure;
  report.steps.push_back(
      {0, "load", path, "", sim::scenario::StepRecord::Outcome::Failed, failure, {}, {}});
  return report;
}

// Writes --report and --junit; false (with a message) when one cannot be written.
bool write_reports(const sim::scenario::Report& report, const std::string& json_path,
                   const std::string& junit_path) {
  bool written = true;
  if (!json_path.empty() &&
      !write_file(json_path, sim::scenario::report_json(report).dump(
                                 2, ' ', false, nlohmann::json::error_handler_t::replace) +
                                 "\n")) {
    std::cerr << "albc run: --report " << json_path << ": cannot write the file\n";
    written = false;
  }
  if (!junit_path.empty() && !write_file(junit_path, sim::scenario::junit_xml(report))) {
    std::cerr << "albc run: --junit " << junit_path << ": cannot write the file\n";
    written = false;
  }
  return written;
}

// A line on stderr, redrawn at most five times a second once a run has taken a second of wall
// time, and wiped at the end.
class ProgressLine {
 public:
  void operator()(const sim::scenario::Progress& progress) {
    const auto now = std::chrono::steady_clock::now();
    if (progress.finished) {
      if (shown_) std::cerr << "\r\x1b[K" << std::flush;
      return;
    }
    if (now - started_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(200))
      return;
    last_ = now;
    shown_ = true;
    char line[256];
    std::snprintf(line, sizeof line, "\r  %s of %zu · virtual %s · %zu reconciles · %.1fs\x1b[K",
                  progress.step.c_str(), progress.steps,
                  net::format_elapsed(progress.virtual_time).c_str(), progress.reconciles,
                  std::chrono::duration<double>(now - started_).count());
    std::cerr << line << std::flush;
  }

 private:
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
  bool shown_ = false;
};

}  // namespace

int run_command(const std::vector<std::string>& args) {
  std::string path;
  bool quiet = false;
  std::string json_path;
  std::string junit_path;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint64_t> crash_site;
  const auto bad_flag = [](const std::string& message) {
    std::cerr << "albc run: " << message << "\n";
    return 2;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--quiet") {
      quiet = true;
    } else if (auto report = flag_value(args, i, "--report")) {
      if (report->empty()) return bad_flag("--report needs a file name");
      json_path = *report;
    } else if (auto junit = flag_value(args, i, "--junit")) {
      if (junit->empty()) return bad_flag("--junit needs a file name");
      junit_path = *junit;
    } else if (auto seed_text = flag_value(args, i, "--seed")) {
      seed = flag_number(*seed_text);
      if (!seed) return bad_flag("--seed must be a whole number, got \"" + *seed_text + "\"");
    } else if (auto site_text = flag_value(args, i, "--crash-site")) {
      crash_site = flag_number(*site_text);
      if (!crash_site || *crash_site == 0)
        return bad_flag("--crash-site must be a whole number from 1, got \"" + *site_text + "\"");
    } else if (auto done = common_argument(arg, path, "run", kUsage)) {
      return *done;
    }
  }
  if (path.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  auto scenario = sim::scenario::load_scenario(path);
  if (!scenario) {
    std::cerr << "albc run: " << scenario.error().describe() << "\n";
    write_reports(load_failure_report(path, scenario.error().describe()), json_path, junit_path);
    return 2;
  }
  if (seed) scenario->seed = *seed;
  const bool every_point =
      std::any_of(scenario->steps.begin(), scenario->steps.end(), [](const auto& step) {
        return step.kind == sim::scenario::Step::Kind::Crash && step.crash.at == "every";
      });
  if (crash_site && !every_point) {
    std::cerr << "albc run: --crash-site needs a `crash: {at: every}` step in " << path << "\n";
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  sim::scenario::RunOptions options;
  options.crash_site = crash_site;
  options.out = &std::cout;
  options.trace = !quiet;
  options.handle_signals = true;
  if (isatty(STDERR_FILENO) == 1) options.progress = ProgressLine();
  sim::scenario::RunResult result = sim::scenario::run_scenario(*scenario, options);
  const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  result.report.wall_seconds = static_cast<double>(wall.count()) / 1000.0;
  const bool written = write_reports(result.report, json_path, junit_path);
  // Wall time goes to stderr: stdout is the deterministic part.
  std::cerr << "albc run: " << (result.passed ? "passed" : "failed") << " in " << wall.count()
            << " ms of wall time\n";
  if (!result.passed) std::cerr << "albc run: " << result.failure << "\n";
  if (!written) return kReportNotWritten;
  if (!result.passed) {
    if (result.interrupted_by != 0) return 128 + result.interrupted_by;
    if (result.internal_error) return 3;
    return result.bad_input ? 2 : 1;
  }
  return 0;
}

}  // namespace albc::tools
