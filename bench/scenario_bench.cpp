// Scenario-level benchmark: the whole seed walkthrough (controller, fakes, cluster) in virtual
// time. Reports wall time per run and how much virtual time one wall second simulates.

#include <benchmark/benchmark.h>

#include <sstream>

#include "sim/scenario/runner.hpp"

namespace {

void BM_SeedWalkthroughScenario(benchmark::State& state) {
  auto scenario = albc::sim::scenario::load_scenario(std::string(ALBC_SOURCE_DIR) +
                                                     "/scenarios/seed-walkthrough.yaml");
  if (!scenario) {
    state.SkipWithError(scenario.error().describe().c_str());
    return;
  }
  std::size_t events = 0;
  for (auto _ : state) {
    std::ostringstream sink;
    albc::sim::scenario::RunOptions options;
    options.out = &sink;
    const auto result = albc::sim::scenario::run_scenario(*scenario, options);
    if (!result.passed) state.SkipWithError(result.failure.c_str());
    events += result.trace_events;
  }
  state.counters["trace_events_per_run"] =
      static_cast<double>(events) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_SeedWalkthroughScenario)->Unit(benchmark::kMillisecond);

}  // namespace
