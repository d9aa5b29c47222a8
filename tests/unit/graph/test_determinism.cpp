// Determinism of every generator: the same (seed, stream) gives the same edge stream for 1, 2 and
// 4 TBB threads; a different seed or stream gives a different one (oneTBB's test_parallel_reduce
// pattern with tbb::global_control, FLAMEGPU2's same-seed/new-seed random tests).
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "dipsim/graph/barabasi_albert.hpp"
#include "dipsim/graph/chung_lu.hpp"
#include "dipsim/graph/erdos_renyi.hpp"
#include "dipsim/graph/holme_kim.hpp"
#include "dipsim/graph/multi_country.hpp"
#include "dipsim/graph/price.hpp"
#include "dipsim/graph/random_follow.hpp"
#include "dipsim/graph/vazquez.hpp"
#include "graph_test_util.hpp"

using namespace dipsim;
using namespace dipsim::graph;

namespace {

using Generator = std::function<std::vector<Edge>(std::uint64_t seed, std::uint32_t stream)>;

struct Named {
  std::string name;
  Generator make;
};

std::vector<Named> generators() {
  std::vector<Named> g;
  g.push_back({"erdos_renyi", [](std::uint64_t seed, std::uint32_t stream) {
                 ErdosRenyiSpec s;
                 s.num_nodes = 30000;
                 s.p = 8.0 / 30000;
                 s.seed = seed;
                 s.stream = stream;
                 return erdos_renyi_edges(s);
               }});
  g.push_back({"erdos_renyi_undirected", [](std::uint64_t seed, std::uint32_t stream) {
                 ErdosRenyiSpec s;
                 s.num_nodes = 20000;
                 s.p = 8.0 / 20000;
                 s.directed = false;
                 s.seed = seed;
                 s.stream = stream;
                 return erdos_renyi_edges(s);
               }});
  g.push_back({"barabasi_albert", [](std::uint64_t seed, std::uint32_t stream) {
                 BarabasiAlbertSpec s;
                 s.num_nodes = 20000;
                 s.m = 4;
                 s.seed = seed;
                 s.stream = stream;
                 return barabasi_albert_edges(s);
               }});
  g.push_back({"price", [](std::uint64_t seed, std::uint32_t stream) {
                 PriceSpec s;
                 s.num_nodes = 20000;
                 s.seed = seed;
                 s.stream = stream;
                 return price_edges(s);
               }});
  g.push_back({"holme_kim", [](std::uint64_t seed, std::uint32_t stream) {
                 HolmeKimSpec s;
                 s.num_nodes = 20000;
                 s.seed = seed;
                 s.stream = stream;
                 return holme_kim_edges(s);
               }});
  g.push_back({"vazquez", [](std::uint64_t seed, std::uint32_t stream) {
                 VazquezSpec s;
                 s.num_nodes = 20000;
                 s.seed = seed;
                 s.stream = stream;
                 return vazquez_edges(s);
               }});
  g.push_back({"chung_lu", [](std::uint64_t seed, std::uint32_t stream) {
                 PowerLawWeightSpec w;
                 w.num_nodes = 30000;
                 w.min_weight = 3;
                 w.max_weight = 300;
                 w.seed = seed;
                 w.stream = stream;
                 ChungLuSpec s;
                 s.weights = power_law_weights(w);
                 s.seed = seed;
                 s.stream = stream;
                 return chung_lu_edges(s);
               }});
  g.push_back({"multi_country", [](std::uint64_t seed, std::uint32_t stream) {
                 MultiCountrySpec s;
                 s.num_citizens = 30000;
                 s.countries.assign(3, CountrySpec{});
                 s.countries[1].internet_penetration = 0.7;
                 s.countries[2].community_shares = {0.5, 0.5};
                 s.triadic_closure = 0.3;
                 s.activity_exponent = 2.5;
                 s.mean_following = 12;
                 s.seed = seed;
                 s.stream = stream;
                 return multi_country_edges(s, make_population(s));
               }});
  g.push_back({"random_follow", [](std::uint64_t seed, std::uint32_t stream) {
                 RandomFollowSpec s;
                 s.members_by_country.resize(2);
                 for (NodeId v = 0; v < 20000; ++v) s.members_by_country[v % 2].push_back(v);
                 s.seed = seed;
                 s.stream = stream;
                 return random_follow_edges(s);
               }});
  return g;
}

}  // namespace

TEST(Determinism, EveryGeneratorIsIdenticalForOneTwoAndFourThreads) {
  for (const Named& gen : generators()) {
    const auto one = test::with_threads(1, [&] { return gen.make(42, 3); });
    ASSERT_FALSE(one.empty()) << gen.name;
    for (int threads : {2, 4}) {
      const auto other = test::with_threads(threads, [&] { return gen.make(42, 3); });
      EXPECT_TRUE(other == one) << gen.name << " differs at " << threads << " threads";
    }
  }
}

TEST(Determinism, SameSeedSameGraphNewSeedOrStreamNewGraph) {
  for (const Named& gen : generators()) {
    const auto a = gen.make(1, 0);
    EXPECT_TRUE(gen.make(1, 0) == a) << gen.name;
    EXPECT_FALSE(gen.make(2, 0) == a) << gen.name << ": a new seed must change the graph";
    EXPECT_FALSE(gen.make(1, 1) == a) << gen.name << ": a new stream must change the graph";
  }
}
