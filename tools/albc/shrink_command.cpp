#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "controller/net/json.hpp"
#include "controller/net/yaml.hpp"
#include "sim/scenario/runner.hpp"
#include "sim/scenario/source_file.hpp"
#include "tools/albc/commands.hpp"
#include "tools/albc/flags.hpp"

namespace albc::tools {
namespace {

using Json = nlohmann::json;

constexpr const char* kUsage =
    "usage: albc shrink SCENARIO.yaml [--seed N] [--crash-site N] [--out FILE.yaml]\n"
    "  Makes a failing scenario small: its manifests are inlined one object to a step, then\n"
    "  faults and steps are removed one at a time for as long as the run still fails the same\n"
    "  way (the same invariant broken by the same first object, or the same kind of step failing\n"
    "  with the same message). Writes the smallest scenario that still fails (default\n"
    "  SCENARIO.shrunk.yaml) and says what it removed. --seed and --crash-site replay a sweep's\n"
    "  failing run. Exit 0 when written, 1 when the scenario does not fail, 2 for bad input, 4\n"
    "  when the file cannot be written.\n";

// How a failure is recognised while the scenario shrinks (step numbers move as steps go): a
// broken invariant with its first offending object, else the failing step's action and its
// whole message.
std::string signature_of(const sim::scenario::RunResult& result) {
  const std::string& failure = result.failure;
  if (const auto at = failure.find("invariant "); at != std::string::npos) {
    if (failure.find(" broken: ", at) != std::string::npos)
      return failure.substr(at, failure.find(';', at) - at);
  }
  for (const sim::scenario::StepRecord& step : result.report.steps) {
    if (step.outcome == sim::scenario::StepRecord::Outcome::Failed)
      return step.action + ": " + step.failure;
  }
  return failure.substr(failure.find("): ") == std::string::npos ? 0 : failure.find("): ") + 3);
}

class Shrinker {
 public:
  Shrinker(std::string path, std::uint64_t seed, std::optional<std::uint64_t> crash_site)
      : path_(std::move(path)), seed_(seed), crash_site_(crash_site) {}

  // The failure of `document`, or nullopt when it passes or is not a valid scenario.
  std::optional<sim::scenario::RunResult> failure(const Json& document) const {
    auto scenario = sim::scenario::parse_scenario(document, path_);
    if (!scenario) return std::nullopt;
    scenario->seed = seed_;
    std::ostringstream sink;
    sim::scenario::RunOptions options;
    options.out = &sink;
    options.trace = false;
    options.crash_site = crash_site_;
    sim::scenario::RunResult result = sim::scenario::run_scenario(*scenario, options);
    if (result.passed || result.bad_input || result.interrupted_by != 0) return std::nullopt;
    return result;
  }

  bool fails_the_same(const Json& document, const std::string& signature) const {
    auto result = failure(document);
    return result && signature_of(*result) == signature;
  }

 private:
  std::string path_;
  std::uint64_t seed_;
  std::optional<std::uint64_t> crash_site_;
};

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string absolute(const std::string& file, const std::string& scenario_path) {
  if (file.starts_with("/")) return file;
  std::error_code ignored;
  const auto full = std::filesystem::absolute(directory_of(scenario_path) + "/" + file, ignored);
  return full.lexically_normal().string();
}

// apply: FILE becomes one step per object, so that objects can go one by one; delete: FILE
// stays whole (it deletes in reverse order and passes over what is gone already), with every
// path made absolute so that the shrunk file works wherever it is written.
net::Result<Json> inline_manifests(Json document, const std::string& path, bool split) {
  Json steps = Json::array();
  for (Json step : document["steps"]) {
    for (const char* action : {"apply", "delete"}) {
      if (step.contains(action) && step[action].is_string())
        step[action] = absolute(step[action].get<std::string>(), path);
    }
    if (!split || !step.contains("apply") || !step["apply"].is_string()) {
      steps.push_back(step);
      continue;
    }
    const std::string full = step["apply"].get<std::string>();
    auto text = sim::scenario::read_file(full);
    if (!text) return net::fail(text.error());
    auto objects = net::yaml_documents(*text, full);
    if (!objects) return net::fail(objects.error());
    for (const Json& object : *objects) {
      Json inlined = {{"apply", object}};
      if (step.contains("description")) inlined["description"] = step["description"];
      steps.push_back(inlined);
    }
  }
  document["steps"] = steps;
  return document;
}

}  // namespace

int shrink_command(const std::vector<std::string>& args) {
  std::string path;
  std::string out_path;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint64_t> crash_site;
  const auto bad = [](const std::string& message) {
    std::cerr << "albc shrink: " << message << "\n" << kUsage;
    return 2;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (auto seed_text = flag_value(args, i, "--seed")) {
      seed = flag_number(*seed_text);
      if (!seed) return bad("--seed must be a whole number, got \"" + *seed_text + "\"");
    } else if (auto site_text = flag_value(args, i, "--crash-site")) {
      crash_site = flag_number(*site_text);
      if (!crash_site || *crash_site == 0)
        return bad("--crash-site must be a whole number from 1, got \"" + *site_text + "\"");
    } else if (auto out = flag_value(args, i, "--out")) {
      if (out->empty()) return bad("--out needs a file name");
      out_path = *out;
    } else if (auto done = common_argument(arg, path, "shrink", kUsage)) {
      return *done;
    }
  }
  if (path.empty()) return bad("which scenario?");
  if (out_path.empty())
    out_path = (path.ends_with(".yaml") ? path.substr(0, path.size() - 5) : path) + ".shrunk.yaml";
  auto text = sim::scenario::read_file(path);
  if (!text) return bad(text.error().describe());
  auto document = net::yaml_to_json(*text, path);
  if (!document) return bad(document.error().describe());
  auto scenario = sim::scenario::parse_scenario(*document, path);
  if (!scenario) return bad(scenario.error().describe());
  const std::uint64_t run_seed = seed.value_or(scenario->seed);
  const Shrinker shrinker(path, run_seed, crash_site);
  const auto original = shrinker.failure(*document);
  if (!original) {
    std::cerr << "albc shrink: " << path << " does not fail with seed " << run_seed
              << ": nothing to shrink\n";
    return 1;
  }
  const std::string signature = signature_of(*original);
  std::cerr << "albc shrink: the failure to keep: " << signature << "\n";
  auto current = inline_manifests(*document, path, true);
  if (!current) return bad(current.error().describe());
  if (!shrinker.fails_the_same(*current, signature)) {
    std::cerr << "albc shrink: with its manifests inlined the scenario no longer fails the same "
                 "way; shrinking the original steps only\n";
    current = inline_manifests(*document, path, false);
    if (!current) return bad(current.error().describe());
  }
  Json& shrunk = *current;
  std::size_t removed_faults = 0;
  std::size_t removed_steps = 0;
  const std::size_t steps_before = shrunk["steps"].size();
  // Greedy passes until one removes nothing: faults first (cheap wins), then steps, last first.
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t i = shrunk.value("faults", Json::array()).size(); i-- > 0;) {
      Json candidate = shrunk;
      candidate["faults"].erase(i);
      if (candidate["faults"].empty()) candidate.erase("faults");
      if (!shrinker.fails_the_same(candidate, signature)) continue;
      shrunk = std::move(candidate);
      ++removed_faults;
      changed = true;
    }
    for (std::size_t i = shrunk["steps"].size(); i-- > 0 && shrunk["steps"].size() > 1;) {
      Json candidate = shrunk;
      candidate["steps"].erase(i);
      if (!shrinker.fails_the_same(candidate, signature)) continue;
      shrunk = std::move(candidate);
      ++removed_steps;
      changed = true;
    }
  }
  shrunk["seed"] = run_seed;
  shrunk["description"] = "Shrunk by albc shrink from " + path + " (seed " +
                          std::to_string(run_seed) + "); it still fails with: " + signature;
  std::ofstream out(out_path, std::ios::trunc);
  out << "# Shrunk by `albc shrink " << path << " --seed " << run_seed << "`: " << removed_faults
      << " fault(s) and " << removed_steps << " step(s) removed.\n"
      << (crash_site
              ? "# Replay: albc run THIS_FILE --crash-site " + std::to_string(*crash_site) + "\n"
              : std::string())
      << shrunk.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
  if (!out) {
    std::cerr << "albc shrink: " << out_path << ": cannot write the file\n";
    return 4;
  }
  std::cout << "albc shrink: wrote " << out_path << ": " << shrunk["steps"].size() << " of "
            << steps_before << " steps and " << shrunk.value("faults", Json::array()).size()
            << " fault(s) left; it fails with: " << signature << "\n";
  return 0;
}

}  // namespace albc::tools
