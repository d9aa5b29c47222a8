// Step throughput of the campaign model: builds a world once (untimed), then times steps.
// Reports steps/s, items read/s and follow edges scanned/s (edges of active citizens).
// Run: build/release/benchmarks/bench_sim --benchmark_counters_tabular=true
// GCC 12 reports a false -Wrestrict inside std::string assignment at -O3 (GCC bug 105329).
#pragma GCC diagnostic ignored "-Wrestrict"
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include "dipsim/sim/simulation.hpp"

using namespace dipsim;

namespace {

sim::SimConfig bench_config(std::uint32_t citizens) {
  sim::SimConfig c;
  c.run.seed = 1;
  c.model.citizens.count = citizens;
  c.model.citizens.activity_per_hour = 0.1;
  c.graph.mean_following = 30;
  for (int k = 0; k < 4; ++k) {
    model::CountryConfig country;
    country.name = "C";
    country.name += std::to_string(k);
    country.baseline_attitude = {0.0, 0.1};
    c.model.countries.push_back(country);
  }
  model::StateConfig a, b;
  a.name = "A";
  b.name = "B";
  c.model.states = {a, b};
  return c;
}

void BM_Step(benchmark::State& state) {
  const auto citizens = static_cast<std::uint32_t>(state.range(0));
  const auto threads = static_cast<std::size_t>(state.range(1));
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  sim::Simulation simulation(sim::build_world(bench_config(citizens)));
  for (int t = 0; t < 24; ++t) simulation.step();  // warm up: fill feeds
  double read = 0;
  for (auto _ : state) {
    simulation.step();
    const auto& f = simulation.metrics();
    for (std::size_t c = 0; c < f.countries; ++c) {
      for (std::size_t s = 0; s < f.states; ++s) read += f.at(sim::Metric::kItemsRead, c, s);
    }
  }
  state.counters["items_read"] = benchmark::Counter(read, benchmark::Counter::kIsRate);
  state.counters["steps"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["edges"] = static_cast<double>(simulation.world().graph.num_edges());
}

}  // namespace

BENCHMARK(BM_Step)
    ->ArgsProduct({{100'000, 1'000'000}, {1, 2}})
    ->ArgNames({"citizens", "threads"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
