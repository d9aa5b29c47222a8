// Step throughput of the campaign model on a four-country world: the world is built once
// (untimed), feeds are warmed up for a day, then steps are timed. Counters: steps/s, items read
// per second, follow edges scanned per second (edges of the citizens that had a session), feed
// candidates gathered per second, and bytes per citizen and per follow edge of the world.
//
// BM_PullGather is the limit the step is compared with: on the same follow graph (same CSR, same
// blocks of citizens, same TBB partitioning), every citizen sums one float per followee, i.e. a
// random gather over every follow edge. Its edges/s is the memory-bound ceiling of the step's
// pull; benchmarks/sim/tables.py prints the ratio of the two from one run.
//
// Run: build/release/benchmarks/bench_sim --benchmark_counters_tabular=true
// (1M citizens by default; `--benchmark_filter=/10000000/` for 10M where memory allows).
// GCC 12 reports a false -Wrestrict inside std::string assignment at -O3 (GCC bug 105329).
#pragma GCC diagnostic ignored "-Wrestrict"
#include <benchmark/benchmark.h>
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

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
    country.influencers = 50;
    c.model.countries.push_back(country);
  }
  model::StateConfig a, b;
  a.name = "A";
  a.partnership.influencers = 10;
  a.localisation = 0.5;
  b.name = "B";
  c.model.states = {a, b};
  model::OutletConfig o;
  o.name = "news";
  o.country = 0;
  c.model.outlets = {o};
  // An adversary: 0.1% of citizens are bots infiltrating country 0, with moderation on.
  model::BotNetworkConfig bots;
  bots.name = "bots";
  bots.count = citizens / 1000;
  bots.target_countries = {0};
  bots.stance = {-0.6, std::numeric_limits<double>::quiet_NaN()};
  bots.coordination = 0.01;
  c.model.bots = {bots};
  c.model.moderation.enabled = true;
  model::FactCheckerConfig fc;
  fc.name = "checks";
  c.model.fact_checkers = {fc};
  return c;
}

void BM_Step(benchmark::State& state) {
  const auto citizens = static_cast<std::uint32_t>(state.range(0));
  const auto threads = static_cast<std::size_t>(state.range(1));
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  sim::Simulation simulation(sim::build_world(bench_config(citizens)));
  for (int t = 0; t < 24; ++t) simulation.step();  // warm up: fill feeds
  double read = 0, edges = 0, candidates = 0;
  for (auto _ : state) {
    simulation.step();
    const auto& s = simulation.step_stats();
    read += static_cast<double>(s.items_read);
    edges += static_cast<double>(s.edges_scanned);
    candidates += static_cast<double>(s.candidates);
  }
  const auto& w = simulation.world();
  state.counters["items_read/s"] = benchmark::Counter(read, benchmark::Counter::kIsRate);
  state.counters["edges/s"] = benchmark::Counter(edges, benchmark::Counter::kIsRate);
  state.counters["candidates/s"] = benchmark::Counter(candidates, benchmark::Counter::kIsRate);
  state.counters["steps/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["edges"] = static_cast<double>(w.graph.num_edges());
  state.counters["B/citizen"] =
      static_cast<double>(w.citizens.bytes()) / static_cast<double>(w.citizens.count);
  state.counters["B/edge"] =
      static_cast<double>(w.graph.bytes()) / static_cast<double>(w.graph.num_edges());
}

void BM_PullGather(benchmark::State& state) {
  const auto citizens = static_cast<std::uint32_t>(state.range(0));
  const auto threads = static_cast<std::size_t>(state.range(1));
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  const sim::World world = sim::build_world(bench_config(citizens));
  const auto& following = world.graph.following;
  const NodeId n = world.graph.num_nodes();
  std::vector<float> value(n), out(n);
  for (NodeId v = 0; v < n; ++v) value[v] = static_cast<float>(v % 1024) * (1.0f / 1024.0f);
  const std::size_t blocks = (n + sim::Simulation::kBlock - 1) / sim::Simulation::kBlock;
  for (auto _ : state) {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t b = r.begin(); b != r.end(); ++b) {
                          const auto begin = static_cast<NodeId>(b * sim::Simulation::kBlock);
                          const NodeId end = std::min<NodeId>(n, begin + sim::Simulation::kBlock);
                          for (NodeId v = begin; v < end; ++v) {
                            float sum = 0.0f;
                            for (const NodeId u : following.row(v)) sum += value[u];
                            out[v] = sum;
                          }
                        }
                      });
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  const auto edges = static_cast<double>(world.graph.num_edges());
  state.counters["edges/s"] = benchmark::Counter(edges * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
  state.counters["edges"] = edges;
}

}  // namespace

// Sizes and thread counts: DIPSIM_BENCH_CITIZENS (default 1000000) and DIPSIM_BENCH_THREADS
// (default "1,2"), comma-separated, e.g. DIPSIM_BENCH_THREADS=1,2,4,8,16 on a larger machine.
std::vector<std::int64_t> env_list(const char* name, const char* fallback) {
  const char* text = std::getenv(name);
  std::string s = text != nullptr && *text != '\0' ? text : fallback;
  std::vector<std::int64_t> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const std::size_t comma = s.find(',', pos);
    out.push_back(std::stoll(s.substr(pos, comma - pos)));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

int main(int argc, char** argv) {
  benchmark::RegisterBenchmark("BM_Step", BM_Step)
      ->ArgsProduct(
          {env_list("DIPSIM_BENCH_CITIZENS", "1000000"), env_list("DIPSIM_BENCH_THREADS", "1,2")})
      ->ArgNames({"citizens", "threads"})
      ->UseRealTime()
      ->MinTime(2.0)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_PullGather", BM_PullGather)
      ->ArgsProduct(
          {env_list("DIPSIM_BENCH_CITIZENS", "1000000"), env_list("DIPSIM_BENCH_THREADS", "1,2")})
      ->ArgNames({"citizens", "threads"})
      ->UseRealTime()
      ->MinTime(1.0)
      ->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
