// Graph-layer benchmarks: generation throughput of every generator, CSR build throughput, and the
// memory of the built FollowGraph (bytes per edge and per node), at 1M nodes by default and also
// at 10M with `--dipsim_large` (a flag of this program, removed before Google Benchmark parses
// the rest).
//
// How: each generator benchmark times only the edge-stream generation (UseRealTime: the parallel
// generators use TBB threads); after the timed loop the stream is built into a FollowGraph once,
// untimed, to report `bytes_per_edge` and `bytes_per_node` (FollowGraph::bytes(): both CSR
// directions and the node attributes, divided by the built graph's edges / nodes) and
// `mean_out_degree` after de-duplication. `edges` counts the directed edges of the stream (an
// undirected link counts twice) as a rate. BM_BuildCsr times build_csr (both directions) on a
// prepared stream, BM_Graph times generation plus build_csr (the FollowGraph a peer library's
// generator returns is a graph object too, so peers.py compares with this), BM_Describe times
// describe() without SCC and diameter. Run:
//   build/graph/benchmarks/bench_graph --benchmark_counters_tabular=true
//   build/graph/benchmarks/bench_graph --dipsim_large --benchmark_filter='/10000000'
//   build/graph/benchmarks/bench_graph --dipsim_sizes=100000,1000000  (any node counts)
//   build/graph/benchmarks/bench_graph --dipsim_describe=100000  (prints describe() of every
//   generator's graph at that size, as quoted in docs/graphs.md, and exits)
// benchmarks/graph/peers.py runs the same models in networkx, igraph and graph-tool.
#include <benchmark/benchmark.h>
#include <tbb/info.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "dipsim/graph/attachment.hpp"
#include "dipsim/graph/barabasi_albert.hpp"
#include "dipsim/graph/chung_lu.hpp"
#include "dipsim/graph/erdos_renyi.hpp"
#include "dipsim/graph/holme_kim.hpp"
#include "dipsim/graph/multi_country.hpp"
#include "dipsim/graph/price.hpp"
#include "dipsim/graph/stats.hpp"
#include "dipsim/graph/vazquez.hpp"

namespace dg = dipsim::graph;
using dipsim::NodeId;

namespace {

using Stream = std::function<std::vector<dg::Edge>(NodeId n)>;

dg::MultiCountrySpec world_spec(NodeId n) {
  // Five countries of unequal size, two language communities each, 80% online on average.
  dg::MultiCountrySpec s;
  s.num_citizens = n;
  s.countries.assign(5, dg::CountrySpec{});
  const double shares[] = {0.35, 0.25, 0.2, 0.12, 0.08};
  const double online[] = {0.95, 0.9, 0.8, 0.6, 0.4};
  for (int c = 0; c < 5; ++c) {
    s.countries[c].population_share = shares[c];
    s.countries[c].internet_penetration = online[c];
    s.countries[c].community_shares = {0.8, 0.2};
  }
  s.mean_following = 10;
  s.cross_country_share = 0.1;
  s.homophily = 0.85;
  s.attractiveness_exponent = 2.5;
  s.triadic_closure = 0.2;
  return s;
}

/// The generators, each at ~10 directed edges per node unless noted in docs/graphs.md.
std::vector<std::pair<std::string, Stream>> generators() {
  return {
      {"ErdosRenyi",
       [](NodeId n) {
         dg::ErdosRenyiSpec s;
         s.num_nodes = n;
         s.p = dg::ErdosRenyiSpec::p_for_mean_degree(n, 10.0);
         return dg::erdos_renyi_edges(s);
       }},
      {"BarabasiAlbert",
       [](NodeId n) {
         dg::BarabasiAlbertSpec s;
         s.num_nodes = n;
         s.m = 5;
         return dg::barabasi_albert_edges(s);
       }},
      {"Price",
       [](NodeId n) {
         dg::PriceSpec s;
         s.num_nodes = n;
         s.m = 10;
         s.attractiveness = 1.0;
         return dg::price_edges(s);
       }},
      {"HolmeKim",
       [](NodeId n) {
         dg::HolmeKimSpec s;
         s.num_nodes = n;
         s.m = 5;
         s.triad_probability = 0.5;
         return dg::holme_kim_edges(s);
       }},
      {"Vazquez",
       [](NodeId n) {
         dg::VazquezSpec s;
         s.num_nodes = n;
         s.k_out = 10;
         s.p = 0.5;
         return dg::vazquez_edges(s);
       }},
      {"ChungLu",
       [](NodeId n) {
         dg::PowerLawWeightSpec w;
         w.num_nodes = n;
         w.exponent = 2.5;
         w.min_weight = 1.0;
         w.max_weight = std::sqrt(10.0 * n) / 3.0;  // 10 = mean after rescaling
         w.mean = 10.0;
         dg::ChungLuSpec s;
         s.weights = dg::power_law_weights(w);
         return dg::chung_lu_edges(s);
       }},
      {"MultiCountry",
       [](NodeId n) {
         const dg::MultiCountrySpec s = world_spec(n);
         return dg::multi_country_edges(s, dg::make_population(s));
       }},
  };
}

void report_graph(benchmark::State& state, const std::vector<dg::Edge>& edges, NodeId n) {
  state.counters["edges"] = benchmark::Counter(
      static_cast<double>(edges.size()) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
  state.counters["threads"] = tbb::info::default_concurrency();
  const dg::FollowGraph g = dg::make_follow_graph(n, edges);
  state.counters["bytes_per_edge"] =
      static_cast<double>(g.bytes()) / static_cast<double>(g.num_edges());
  state.counters["bytes_per_node"] = static_cast<double>(g.bytes()) / static_cast<double>(n);
  state.counters["mean_out_degree"] = static_cast<double>(g.num_edges()) / static_cast<double>(n);
}

void bench_generator(benchmark::State& state, const Stream& make) {
  const auto n = static_cast<NodeId>(state.range(0));
  std::vector<dg::Edge> edges;
  for (auto _ : state) {
    edges = make(n);
    benchmark::DoNotOptimize(edges.data());
  }
  report_graph(state, edges, n);
}

void bench_graph(benchmark::State& state, const Stream& make) {
  const auto n = static_cast<NodeId>(state.range(0));
  dg::FollowGraph g;
  for (auto _ : state) {
    g = dg::make_follow_graph(n, make(n));
    benchmark::DoNotOptimize(g.following.targets.data());
  }
  state.counters["edges"] = benchmark::Counter(
      static_cast<double>(g.num_edges()) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}

void bench_build(benchmark::State& state, const Stream& make) {
  const auto n = static_cast<NodeId>(state.range(0));
  const std::vector<dg::Edge> edges = make(n);  // untimed fixture
  dg::FollowGraph g;
  for (auto _ : state) {
    g = dg::FollowGraph{};
    dg::build_csr(g, n, edges);
    benchmark::DoNotOptimize(g.following.targets.data());
  }
  state.counters["edges"] = benchmark::Counter(
      static_cast<double>(edges.size()) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
  state.counters["bytes_per_edge"] =
      static_cast<double>(g.bytes()) / static_cast<double>(g.num_edges());
  state.counters["bytes_per_node"] = static_cast<double>(g.bytes()) / static_cast<double>(n);
}

void bench_attach(benchmark::State& state) {
  const auto n = static_cast<NodeId>(state.range(0));
  const dg::MultiCountryGraph citizens = dg::generate_multi_country(world_spec(n));
  dg::AttachmentSpec spec;
  dg::AttachmentRule officials;  // 50 official accounts, 1% of citizens each, 60% in country 1
  officials.num_accounts = 50;
  officials.followers = 0.01 * n;
  officials.target_country = 1;
  officials.target_share = 0.6;
  dg::AttachmentRule bots;  // 1000 bots infiltrating hubs
  bots.kind = dg::NodeKind::kBot;
  bots.num_accounts = 1000;
  bots.followers = 200;
  bots.count = dg::FollowerCount::kPoisson;
  bots.choice = dg::FollowerChoice::kPreferential;
  bots.follow_back = 0.5;
  spec.rules = {officials, bots};
  dg::FollowGraph g;
  for (auto _ : state) {
    g = dg::attach_accounts(citizens.graph, citizens.population.online, spec);
    benchmark::DoNotOptimize(g.following.targets.data());
  }
  state.counters["edges"] = benchmark::Counter(
      static_cast<double>(g.num_edges()) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
  state.counters["added_edges"] = static_cast<double>(g.num_edges() - citizens.graph.num_edges());
}

void bench_describe(benchmark::State& state) {
  const auto n = static_cast<NodeId>(state.range(0));
  const dg::FollowGraph g = dg::generate_multi_country(world_spec(n)).graph;
  dg::DescribeOptions options;
  options.strong_components = false;
  options.diameter = false;
  for (auto _ : state) {
    const dg::GraphStats s = dg::describe(g, options);
    benchmark::DoNotOptimize(s.average_clustering);
  }
  state.counters["edges"] = benchmark::Counter(
      static_cast<double>(g.num_edges()) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}

}  // namespace

/// Prints the statistics of every generator's graph at n nodes (the benchmark parameters).
int describe_all(NodeId n) {
  for (const auto& [name, make] : generators()) {
    // The multi-country graph keeps its country and community attributes for the mixing shares.
    const dg::GraphStats s =
        dg::describe(name == "MultiCountry" ? dg::generate_multi_country(world_spec(n)).graph
                                            : dg::make_follow_graph(n, make(n)));
    std::printf("== %s, n = %u\n%s", name.c_str(), n, dg::format_stats(s).c_str());
    std::vector<dipsim::EdgeId> values;
    for (std::size_t k = 0; k < s.in_degree.histogram.size(); ++k) {
      values.insert(values.end(), s.in_degree.histogram[k], k);
    }
    std::printf("in-degree tail exponent (MLE, k >= 20) %.3f\n\n",
                dg::power_law_exponent_mle(values, 20));
  }
  return 0;
}

int main(int argc, char** argv) {
  std::vector<std::int64_t> sizes{1'000'000};
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--dipsim_describe=", 18) == 0) {
      return describe_all(static_cast<NodeId>(std::strtoul(argv[i] + 18, nullptr, 10)));
    }
    if (std::strcmp(argv[i], "--dipsim_large") == 0) {
      sizes.push_back(10'000'000);
    } else if (std::strncmp(argv[i], "--dipsim_sizes=", 15) == 0) {
      sizes.clear();
      const char* p = argv[i] + 15;
      while (*p != '\0') {
        char* end = nullptr;
        const long long value = std::strtoll(p, &end, 10);
        if (end == p) break;
        sizes.push_back(value);
        p = *end == ',' ? end + 1 : end;
      }
    } else {
      args.push_back(argv[i]);
    }
  }
  for (const auto& [name, make] : generators()) {
    for (std::int64_t n : sizes) {
      benchmark::RegisterBenchmark(("BM_Generate/" + name).c_str(), bench_generator, make)
          ->Arg(n)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->MeasureProcessCPUTime();
    }
  }
  for (const auto& [name, make] : generators()) {
    for (std::int64_t n : sizes) {
      benchmark::RegisterBenchmark(("BM_Graph/" + name).c_str(), bench_graph, make)
          ->Arg(n)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->MeasureProcessCPUTime();
    }
  }
  for (const auto& [name, make] : generators()) {
    if (name != "ErdosRenyi" && name != "MultiCountry" && name != "BarabasiAlbert") continue;
    for (std::int64_t n : sizes) {
      benchmark::RegisterBenchmark(("BM_BuildCsr/" + name).c_str(), bench_build, make)
          ->Arg(n)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->MeasureProcessCPUTime();
    }
  }
  for (std::int64_t n : sizes) {
    benchmark::RegisterBenchmark("BM_AttachAccounts", bench_attach)
        ->Arg(n)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark("BM_Describe/MultiCountry", bench_describe)
        ->Arg(n)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
