#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <cstring>

#include "dipsim/sim/simulation.hpp"

using namespace dipsim;
using namespace dipsim::sim;

namespace {

SimConfig small_world(std::uint32_t citizens = 3000) {
  SimConfig c;
  c.run.seed = 99;
  c.run.steps = 48;
  c.graph.mean_following = 15;
  c.model.citizens.count = citizens;
  c.model.citizens.activity_per_hour = 0.3;
  model::CountryConfig a, b;
  a.name = "A";
  a.population_share = 2;
  a.baseline_attitude = {0.0, -0.2};
  b.name = "B";
  b.population_share = 1;
  b.internet_penetration = 0.5;
  b.baseline_attitude = {0.1, 0.0};
  c.model.countries = {a, b};
  model::StateConfig s1, s2;
  s1.name = "S1";
  s2.name = "S2";
  s2.target_countries = {1};
  s1.posts_per_day = 8;
  c.model.states = {s1, s2};
  return c;
}

std::vector<double> run_all(const SimConfig& c, int threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  Simulation sim(build_world(c));
  std::vector<double> out = sim.metrics().values;
  for (std::uint32_t t = 0; t < c.run.steps; ++t) {
    sim.step();
    out.insert(out.end(), sim.metrics().values.begin(), sim.metrics().values.end());
  }
  for (float a : sim.attitudes()) out.push_back(a);
  return out;
}

}  // namespace

TEST(Apportion, LargestRemainderSumsExactly) {
  EXPECT_EQ(apportion(10, {1, 1, 1}), (std::vector<std::uint32_t>{4, 3, 3}));
  EXPECT_EQ(apportion(7, {0.5, 0.5}), (std::vector<std::uint32_t>{4, 3}));
  EXPECT_EQ(apportion(100, {3, 1}), (std::vector<std::uint32_t>{75, 25}));
}

TEST(World, CitizensOfficialsAndGraph) {
  const World w = build_world(small_world());
  EXPECT_EQ(w.citizens.count, 3000u);
  EXPECT_EQ(w.country_population, (std::vector<std::uint32_t>{2000, 1000}));
  // S1: ministry + embassies in A and B; S2: ministry + embassy in B.
  ASSERT_EQ(w.posters.size(), 5u);
  EXPECT_EQ(w.posters[0].name, "S1/ministry");
  EXPECT_EQ(w.posters[4].name, "S2/embassy/B");
  EXPECT_EQ(w.graph.num_nodes(), 3005u);
  // Offline citizens have no platform edges; online shares near penetration (binomial, 5 sd).
  for (NodeId v = 0; v < w.citizens.count; ++v) {
    if (!w.citizens.online[v]) {
      ASSERT_EQ(w.graph.following.degree(v), 0u);
    }
  }
  EXPECT_NEAR(w.country_online[1], 500.0, 5 * std::sqrt(1000 * 0.25));
  // Nobody follows an embassy outside its country.
  const NodeId embassy_b_of_s2 = w.posters[4].node;
  for (NodeId v = 0; v < 2000; ++v) {
    for (NodeId u : w.graph.following.row(v)) {
      ASSERT_NE(u, embassy_b_of_s2);
    }
  }
}

TEST(Simulation, BitIdenticalForAnyThreadCount) {
  const SimConfig c = small_world();
  const auto one = run_all(c, 1);
  for (int threads : {2, 4}) {
    const auto many = run_all(c, threads);
    ASSERT_EQ(one.size(), many.size());
    EXPECT_EQ(0, std::memcmp(one.data(), many.data(), one.size() * sizeof(double)))
        << "threads " << threads;
  }
}

TEST(Simulation, SeedChangesTheRun) {
  SimConfig c = small_world();
  const auto a = run_all(c, 2);
  c.run.seed = 100;
  EXPECT_NE(a, run_all(c, 2));
}

TEST(Simulation, CampaignRaisesAttitudeTowardTheState) {
  // With posting on, S1's favourable posts (stance 0.8) move country A toward S1; without
  // posts (and without citizen posts, which only average) the mean stays where it started.
  SimConfig on = small_world();
  on.model.citizens.post_probability = 0;
  SimConfig off = on;
  off.model.states[0].posts_per_day = 0;
  Simulation with(build_world(on)), without(build_world(off));
  const double start = with.metrics().at(Metric::kMeanAttitude, 0, 0);
  for (int t = 0; t < 48; ++t) {
    with.step();
    without.step();
  }
  const double gain_on = with.metrics().at(Metric::kMeanAttitude, 0, 0) - start;
  const double gain_off = without.metrics().at(Metric::kMeanAttitude, 0, 0) - start;
  std::printf("attitude gain toward S1 in A: campaign %.4f, no campaign %.4f\n", gain_on, gain_off);
  EXPECT_GT(gain_on, 0.0);
  EXPECT_EQ(gain_off, 0.0);
  EXPECT_GT(with.metrics().at(Metric::kReach, 0, 0), without.metrics().at(Metric::kReach, 0, 0));
}

TEST(Simulation, ReadsAndResharesAreCounted) {
  SimConfig c = small_world();
  c.model.citizens.reshare_propensity = 1.0;
  Simulation sim(build_world(c));
  double read = 0, reshares = 0;
  for (int t = 0; t < 24; ++t) {
    sim.step();
    for (std::size_t k = 0; k < 2; ++k) {
      for (std::size_t s = 0; s < 2; ++s) {
        read += sim.metrics().at(Metric::kItemsRead, k, s);
        reshares += sim.metrics().at(Metric::kReshares, k, s);
      }
    }
  }
  EXPECT_GT(read, 0);
  EXPECT_GT(reshares, 0);
  EXPECT_LE(reshares, read);
  // Reshares become items: more items than officials' posts alone.
  std::size_t officials_posts = 0;
  for (std::size_t i = 0; i < sim.world().items.size(); ++i) {
    officials_posts += sim.world().items.source_kind[i] == graph::NodeKind::kOfficial;
  }
  EXPECT_GT(sim.world().items.size(), officials_posts);
}

TEST(Simulation, OfflineCitizensKeepTheirAttitudes) {
  SimConfig c = small_world();
  const World w0 = build_world(c);
  Simulation sim(build_world(c));
  for (int t = 0; t < 24; ++t) sim.step();
  const auto& z = sim.world().citizens;
  for (NodeId v = 0; v < z.count; ++v) {
    if (z.online[v]) continue;
    for (std::size_t s = 0; s < 2; ++s) {
      ASSERT_EQ(z.attitude[v * 2 + s], w0.citizens.attitude[v * 2 + s]);
    }
  }
}
