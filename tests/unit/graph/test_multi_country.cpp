// Tests of the multi-country DC-SBM, the digital divide and account attachment: layout, validation
// keys, and theory checks on the raw edge stream (each follow is an independent draw given its
// follower, so block counts are binomial/Poisson; tolerances are k = 5 standard errors, see
// test_generators.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "dipsim/core/error.hpp"
#include "dipsim/graph/attachment.hpp"
#include "dipsim/graph/multi_country.hpp"
#include "dipsim/graph/stats.hpp"
#include "graph_test_util.hpp"

using namespace dipsim;
using namespace dipsim::graph;
using dipsim::graph::test::expect_near_report;

namespace {

constexpr double kSigmas = 5.0;

MultiCountrySpec four_countries() {
  MultiCountrySpec spec;
  spec.num_citizens = 40000;
  spec.countries.assign(4, CountrySpec{});
  spec.countries[0].population_share = 4;
  spec.countries[1].population_share = 3;
  spec.countries[2].population_share = 2;
  spec.countries[3].population_share = 1;
  spec.countries[0].community_shares = {0.7, 0.3};
  spec.mean_following = 10;
  spec.cross_country_share = 0.2;
  spec.homophily = 0.9;
  spec.seed = 21;
  return spec;
}

void expect_key(const MultiCountrySpec& spec, const std::string& key) {
  try {
    spec.validate("world");
    FAIL() << "expected a validation error for " << key;
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::kInput);
    EXPECT_EQ(e.where().key, key) << e.what();
  }
}

}  // namespace

TEST(MultiCountry, ValidationNamesTheField) {
  MultiCountrySpec spec = four_countries();
  spec.countries[1].internet_penetration = 1.2;
  expect_key(spec, "world.countries[1].internet_penetration");
  spec = four_countries();
  spec.countries[2].community_shares = {0.5, -1};
  expect_key(spec, "world.countries[2].community_shares[1]");
  spec = four_countries();
  spec.homophily = -0.5;
  expect_key(spec, "world.homophily");
  spec = four_countries();
  spec.cross_country_matrix = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0.5, 0.4, 0, 0}};
  expect_key(spec, "world.cross_country_matrix[3]");
  spec.cross_country_matrix = {{1, 0, 0, 0}};
  expect_key(spec, "world.cross_country_matrix");
  spec = four_countries();
  spec.attractiveness_exponent = 0.5;
  expect_key(spec, "world.attractiveness_exponent");
  spec = four_countries();
  spec.countries.clear();
  expect_key(spec, "world.countries");
  try {
    spec = four_countries();
    spec.triadic_closure = 3;
    spec.validate();
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("triadic_closure: expected a share in [0, 1], got 3"),
              std::string::npos)
        << e.what();
  }
}

TEST(MultiCountry, PopulationLayoutIsContiguousAndApportioned) {
  MultiCountrySpec spec = four_countries();
  spec.num_citizens = 1003;
  const Population pop = make_population(spec);
  // 1003 * (0.4, 0.3, 0.2, 0.1) = 401.2, 300.9, 200.6, 100.3 -> largest remainders to 1 and 2.
  EXPECT_EQ(pop.country_begin, (std::vector<NodeId>{0, 401, 702, 903, 1003}));
  // Country 0: 401 * (0.7, 0.3) = 280.7, 120.3 -> 281, 120.
  EXPECT_EQ(pop.community_begin, (std::vector<NodeId>{0, 281, 401, 702, 903, 1003}));
  EXPECT_EQ(pop.community_country, (std::vector<std::uint16_t>{0, 0, 1, 2, 3}));
  EXPECT_EQ(pop.country_first_community, (std::vector<std::uint32_t>{0, 2, 3, 4, 5}));
  for (NodeId v = 0; v < 1003; ++v) {
    ASSERT_EQ(pop.community[v] < 2 ? 0 : pop.community[v] - 1, pop.country[v]);
    ASSERT_GE(pop.attractiveness[v], pop.online[v] ? 1.0f : 0.0f);
  }
  EXPECT_EQ(pop.num_online(), 1003u);
}

TEST(MultiCountry, WithinCountryShareMatchesTheRequest) {
  // Without closure every follow leaves the home country with probability 0.2 exactly (all
  // countries have online citizens): the within-country count is Binomial(E, 0.8).
  const MultiCountrySpec spec = four_countries();
  const Population pop = make_population(spec);
  const auto edges = multi_country_edges(spec, pop);
  double within = 0, within_country_same_community = 0;
  for (const Edge& e : edges) {
    if (pop.country[e.from] == pop.country[e.to]) {
      ++within;
      if (pop.country[e.from] == 0) {
        within_country_same_community += pop.community[e.from] == pop.community[e.to] ? 1 : 0;
      }
    }
  }
  const double m = static_cast<double>(edges.size());
  expect_near_report("within-country share", 0.8, within / m, kSigmas * std::sqrt(0.16 / m),
                     "5 SE, binomial");
  double home0 = 0;
  for (const Edge& e : edges) home0 += pop.country[e.from] == 0 && pop.country[e.to] == 0 ? 1 : 0;
  expect_near_report("country 0 homophily (own-community share of home follows)", 0.9,
                     within_country_same_community / home0, kSigmas * std::sqrt(0.09 / home0),
                     "5 SE, binomial");
  expect_near_report("mean follows per online citizen", 10.0, m / spec.num_citizens, 1e-3,
                     "integer mean: stochastic rounding is exact");
  // After de-duplication the built graph keeps almost everything (draws collide rarely).
  const FollowGraph g = generate_multi_country(spec).graph;
  const GraphStats s = describe(g, {false, false, false, false, 0});
  std::printf(
      "  [measured] 4 countries, 40k citizens: mean out-degree %.3f after de-duplication, "
      "cross-country share %.4f, max in-degree %llu\n",
      s.out_degree.mean, s.cross_country_share, static_cast<unsigned long long>(s.in_degree.max));
  EXPECT_GT(s.out_degree.mean, 9.9);
}

TEST(MultiCountry, CrossCountryMatrixAndBlockDensities) {
  // Uniform attractiveness: the follows from community a to block b are Poisson-binomial with mean
  // E_a P(b | a); the density E_ab / (n_a n_b) then equals mean_following P(b|a) / n_b.
  MultiCountrySpec spec;
  spec.num_citizens = 30000;
  spec.countries.assign(3, CountrySpec{});
  spec.countries[0].population_share = 0.5;
  spec.countries[1].population_share = 0.3;
  spec.countries[2].population_share = 0.2;
  spec.cross_country_matrix = {{0.7, 0.2, 0.1}, {0.1, 0.8, 0.1}, {0.25, 0.25, 0.5}};
  spec.attractiveness_exponent = 0.0;
  spec.mean_following = 12;
  const Population pop = make_population(spec);
  const auto edges = multi_country_edges(spec, pop);
  std::vector<double> count(9, 0), from(3, 0);
  for (const Edge& e : edges) {
    ++count[pop.country[e.from] * 3 + pop.country[e.to]];
    ++from[pop.country[e.from]];
  }
  for (int c = 0; c < 3; ++c) {
    const double nc = pop.country_begin[c + 1] - pop.country_begin[c];
    for (int d = 0; d < 3; ++d) {
      const double p = spec.cross_country_matrix[c][d];
      const double nd = pop.country_begin[d + 1] - pop.country_begin[d];
      expect_near_report(
          "share of country " + std::to_string(c) + " follows into " + std::to_string(d), p,
          count[c * 3 + d] / from[c], kSigmas * std::sqrt(p * (1 - p) / from[c]), "5 SE, binomial");
      const double density = count[c * 3 + d] / (nc * nd);
      const double expected = spec.mean_following * p / nd;
      EXPECT_NEAR(density, expected, kSigmas * std::sqrt(expected / (nc * nd)) + 1e-12)
          << "block density " << c << "->" << d;
    }
  }
}

TEST(MultiCountry, DigitalDivideLeavesOfflineCitizensWithoutEdges) {
  MultiCountrySpec spec = four_countries();
  spec.countries[1].internet_penetration = 0.5;
  spec.countries[3].internet_penetration = 0.0;
  const MultiCountryGraph world = generate_multi_country(spec);
  const Population& pop = world.population;
  const FollowGraph& g = world.graph;
  double online1 = 0;
  const double n1 = pop.country_begin[2] - pop.country_begin[1];
  for (NodeId v = pop.country_begin[1]; v < pop.country_begin[2]; ++v) online1 += pop.online[v];
  expect_near_report("online share at penetration 0.5", 0.5, online1 / n1,
                     kSigmas * std::sqrt(0.25 / n1), "5 SE, binomial");
  for (NodeId v = 0; v < g.num_nodes(); ++v) {
    if (!pop.online[v]) {
      ASSERT_EQ(g.following.degree(v), 0u) << v;
      ASSERT_EQ(g.followers.degree(v), 0u) << v;
    }
  }
  for (NodeId v = pop.country_begin[3]; v < pop.country_begin[4]; ++v) ASSERT_FALSE(pop.online[v]);
  // Follows meant for the offline country are renormalised over the others: still 0.2 abroad.
  const GraphStats s = describe(g, {false, false, false, false, 0});
  EXPECT_NEAR(s.cross_country_share, 0.2, 0.01);
  EXPECT_EQ(s.country_mixing[0 * 4 + 3] + s.country_mixing[1 * 4 + 3] + s.country_mixing[2 * 4 + 3],
            0u);
}

TEST(MultiCountry, AttractivenessGivesTheRequestedInDegreeTail) {
  // In-degree of v ~ Poisson(λ θ_v) with θ ~ Pareto(2.5): the tail of the in-degree follows θ's
  // exponent. Discrete MLE above k_min = 60 (where Poisson noise is small against the spread);
  // tolerance 4 SE + 0.15 for the Poisson smoothing near k_min.
  MultiCountrySpec spec;
  spec.num_citizens = 100000;
  spec.mean_following = 20;
  spec.attractiveness_exponent = 2.5;
  spec.seed = 4;
  const Population pop = make_population(spec);
  const auto edges = multi_country_edges(spec, pop);
  std::vector<EdgeId> in(spec.num_citizens, 0);
  for (const Edge& e : edges) ++in[e.to];
  const EdgeId kmin = 60;
  const auto tail =
      static_cast<double>(std::count_if(in.begin(), in.end(), [&](EdgeId k) { return k >= kmin; }));
  const double alpha = power_law_exponent_mle(in, kmin);
  expect_near_report("multi-country in-degree exponent", 2.5, alpha,
                     4.0 * (alpha - 1) / std::sqrt(tail) + 0.15,
                     "4 SE + 0.15; n_tail = " + std::to_string(static_cast<long>(tail)));
}

TEST(MultiCountry, TriadicClosureRaisesClusteringAndKeepsTheMeanDegree) {
  MultiCountrySpec spec = four_countries();
  spec.num_citizens = 20000;
  DescribeOptions only;
  only.components = only.strong_components = only.diameter = false;
  std::vector<double> clustering;
  for (double q : {0.0, 0.3, 0.6}) {
    spec.triadic_closure = q;
    const Population pop = make_population(spec);
    const auto edges = multi_country_edges(spec, pop);
    EXPECT_NEAR(static_cast<double>(edges.size()) / spec.num_citizens, 10.0, 1e-3);
    const GraphStats s = describe(generate_multi_country(spec).graph, only);
    std::printf(
        "  [measured] triadic_closure %.1f: average clustering %.4f, transitivity %.4f, "
        "reciprocity %.4f, cross-country %.4f\n",
        q, s.average_clustering, s.transitivity, s.reciprocity, s.cross_country_share);
    clustering.push_back(s.average_clustering);
    // Closure draws the target block first, so the country mixing is unchanged.
    EXPECT_NEAR(s.cross_country_share, 0.2, 0.01) << "closure " << q;
    EXPECT_GT(s.out_degree.mean, 9.95) << "closure avoids repeats";
  }
  EXPECT_GT(clustering[1], clustering[0] + 0.03);
  EXPECT_GT(clustering[2], clustering[1] + 0.03);
}

// ---------------------------------------------------------------- attachment

TEST(Attachment, RulesGiveTheRequestedFollowers) {
  MultiCountrySpec citizens = four_countries();
  citizens.num_citizens = 20000;
  citizens.countries[2].internet_penetration = 0.6;
  const MultiCountryGraph base = generate_multi_country(citizens);
  AttachmentSpec spec;
  AttachmentRule ministry;  // fixed count, targeted at country 2 with probability 0.7
  ministry.kind = NodeKind::kOfficial;
  ministry.num_accounts = 2;
  ministry.country = 1;
  ministry.followers = 1500;
  ministry.target_country = 2;
  ministry.target_share = 0.7;
  AttachmentRule bots;  // Poisson count, hub infiltration, follow back 0.5
  bots.kind = NodeKind::kBot;
  bots.num_accounts = 20;
  bots.followers = 100;
  bots.count = FollowerCount::kPoisson;
  bots.choice = FollowerChoice::kPreferential;
  bots.follow_back = 0.5;
  AttachmentRule outlet;  // everyone
  outlet.kind = NodeKind::kOutlet;
  outlet.followers = 1e9;
  spec.rules = {ministry, bots, outlet};
  const FollowGraph g = attach_accounts(base.graph, base.population.online, spec);
  const NodeId n0 = base.graph.num_nodes();
  ASSERT_EQ(g.num_nodes(), n0 + 23);
  EXPECT_EQ(g.kind[n0], NodeKind::kOfficial);
  EXPECT_EQ(g.country[n0], 1u);
  EXPECT_EQ(g.kind[n0 + 2], NodeKind::kBot);
  EXPECT_EQ(g.kind[n0 + 22], NodeKind::kOutlet);
  // Citizens' own edges are kept.
  for (NodeId v = 0; v < 1000; ++v) {
    const auto a = base.graph.following.row(v);
    const auto b = g.following.row(v);
    ASSERT_TRUE(std::includes(b.begin(), b.end(), a.begin(), a.end()));
  }
  // Ministry: exactly 1500 followers, all online citizens; share in country 2 is
  // 0.7 + 0.3 * (online share of country 2) in expectation (binomial, 5 SE).
  const Population& pop = base.population;
  double online2 = 0;
  for (NodeId v = pop.country_begin[2]; v < pop.country_begin[3]; ++v) online2 += pop.online[v];
  const double p2 = 0.7 + 0.3 * online2 / pop.num_online();
  for (NodeId a = n0; a < n0 + 2; ++a) {
    ASSERT_EQ(g.followers.degree(a), 1500u);
    double in2 = 0;
    for (NodeId f : g.followers.row(a)) {
      ASSERT_TRUE(pop.online[f]);
      in2 += pop.country[f] == 2 ? 1 : 0;
    }
    expect_near_report("targeted followers in country 2", p2, in2 / 1500,
                       kSigmas * std::sqrt(p2 * (1 - p2) / 1500),
                       "5 SE, binomial (draws without "
                       "replacement only narrow it)");
  }
  // Bots: Poisson(100) followers; followers are hubs (mean in-degree well above the average);
  // about half are followed back.
  double followers = 0, hub_degree = 0, back = 0;
  for (NodeId a = n0 + 2; a < n0 + 22; ++a) {
    followers += static_cast<double>(g.followers.degree(a));
    for (NodeId f : g.followers.row(a))
      hub_degree += static_cast<double>(base.graph.followers.degree(f));
    back += static_cast<double>(g.following.degree(a));
  }
  expect_near_report("bot followers (Poisson mean 100, 20 bots)", 100.0, followers / 20,
                     kSigmas * std::sqrt(100.0 / 20), "5 SE, Poisson");
  const double mean_in = static_cast<double>(base.graph.num_edges()) / pop.num_online();
  std::printf("  [measured] bots' followers: mean in-degree %.2f vs population %.2f\n",
              hub_degree / followers, mean_in);
  EXPECT_GT(hub_degree / followers, 1.5 * mean_in);
  expect_near_report("follow-back share", 0.5, back / followers,
                     kSigmas * std::sqrt(0.25 / followers), "5 SE, binomial");
  // Outlet: every online citizen.
  EXPECT_EQ(g.followers.degree(n0 + 22), pop.num_online());
}

TEST(Attachment, ValidationAndEmptyTargets) {
  AttachmentRule rule;
  rule.target_share = 0.5;
  try {
    rule.validate("accounts[3]");
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.where().key, "accounts[3].target_share");
  }
  rule.target_country = 7;
  try {
    rule.validate("r", 4, 5);
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.where().key, "r.target_country");
  }
  rule = AttachmentRule{};
  rule.kind = NodeKind::kCitizen;
  try {
    rule.validate();
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.where().key, "kind");
  }
  MultiCountrySpec citizens = four_countries();
  citizens.num_citizens = 2000;
  citizens.countries[3].internet_penetration = 0.0;
  WorldSpec world;
  world.citizens = citizens;
  AttachmentRule targeted;
  targeted.target_country = 3;
  targeted.target_share = 1.0;
  world.accounts.rules = {targeted};
  try {
    (void)generate_world(world);
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.where().key, "rules[0].target_share");
    EXPECT_NE(std::string(e.what()).find("no online citizens"), std::string::npos);
  }
  world.accounts.rules[0].target_country = 9;
  try {
    world.validate("scenario");
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.where().key, "scenario.accounts.rules[0].target_country");
  }
}

TEST(Attachment, GenerateWorldIsDeterministicAcrossThreads) {
  WorldSpec world;
  world.citizens = four_countries();
  world.citizens.num_citizens = 30000;
  world.citizens.triadic_closure = 0.2;
  world.citizens.activity_exponent = 2.5;
  AttachmentRule officials;
  officials.num_accounts = 10;
  officials.followers = 800;
  officials.choice = FollowerChoice::kActive;
  officials.target_community = 1;
  officials.target_share = 0.5;
  world.accounts.rules = {officials};
  const World one = test::with_threads(1, [&] { return generate_world(world); });
  for (int threads : {2, 4}) {
    const World other = test::with_threads(threads, [&] { return generate_world(world); });
    EXPECT_EQ(other.graph.following.offsets, one.graph.following.offsets) << threads;
    EXPECT_EQ(other.graph.following.targets, one.graph.following.targets) << threads;
    EXPECT_EQ(other.graph.followers.targets, one.graph.followers.targets) << threads;
    EXPECT_EQ(other.population.online, one.population.online) << threads;
    EXPECT_EQ(other.population.attractiveness, one.population.attractiveness) << threads;
  }
}
