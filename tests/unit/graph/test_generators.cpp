// Tests of the single-population generators (Erdős–Rényi, Barabási–Albert, Price, Chung–Lu,
// Holme–Kim, Vázquez): structural invariants, validation errors, and theory checks.
//
// Tolerances: sample means and variances are checked to k = 5 standard errors (a false alarm rate
// below 1e-6 per check for near-normal statistics, so the suite stays deterministic in practice;
// the generators are seeded, so a failing check is a real change, not noise). Tail exponents use
// the discrete MLE of Clauset et al. (2009) with its standard error (alpha - 1)/sqrt(n_tail), plus
// a stated allowance for finite-size bias at the sizes used.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "dipsim/core/error.hpp"
#include "dipsim/graph/barabasi_albert.hpp"
#include "dipsim/graph/chung_lu.hpp"
#include "dipsim/graph/erdos_renyi.hpp"
#include "dipsim/graph/holme_kim.hpp"
#include "dipsim/graph/price.hpp"
#include "dipsim/graph/stats.hpp"
#include "dipsim/graph/vazquez.hpp"
#include "graph_test_util.hpp"

using namespace dipsim;
using namespace dipsim::graph;
using dipsim::graph::test::expect_near_report;

namespace {

constexpr double kSigmas = 5.0;  // see the file comment

std::vector<EdgeId> stream_out_degrees(const std::vector<Edge>& edges, NodeId n) {
  std::vector<EdgeId> d(n, 0);
  for (const Edge& e : edges) ++d[e.from];
  return d;
}
std::vector<EdgeId> stream_in_degrees(const std::vector<Edge>& edges, NodeId n) {
  std::vector<EdgeId> d(n, 0);
  for (const Edge& e : edges) ++d[e.to];
  return d;
}
double mean_of(const std::vector<EdgeId>& x) {
  return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}
double variance_of(const std::vector<EdgeId>& x) {
  const double m = mean_of(x);
  double s = 0.0;
  for (EdgeId v : x) s += (static_cast<double>(v) - m) * (static_cast<double>(v) - m);
  return s / static_cast<double>(x.size());
}
bool simple_stream(const std::vector<Edge>& edges, NodeId n) {
  std::vector<Edge> sorted(edges);
  std::sort(sorted.begin(), sorted.end(), [](const Edge& a, const Edge& b) {
    return a.from != b.from ? a.from < b.from : a.to < b.to;
  });
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (sorted[i].from == sorted[i].to || sorted[i].from >= n || sorted[i].to >= n) return false;
    if (i > 0 && sorted[i] == sorted[i - 1]) return false;
  }
  return true;
}
template <class Spec>
void expect_key(const Spec& spec, const std::string& prefix, const std::string& key) {
  try {
    spec.validate(prefix);
    FAIL() << "expected a validation error for " << key;
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::kInput);
    EXPECT_EQ(e.where().key, key) << e.what();
  }
}

}  // namespace

// ---------------------------------------------------------------- Erdős–Rényi

TEST(ErdosRenyi, DegreeMeanAndVarianceMatchTheBinomial) {
  // Out-degree ~ Binomial(n - 1, p): mean (n-1)p, variance (n-1)p(1-p). SE of the sample mean is
  // sqrt(var / n); SE of the sample variance is sqrt((mu4 - var^2) / n) with the binomial fourth
  // central moment mu4 = var (1 + 3 (n - 3) p (1 - p)) ~ var (1 + 3 var).
  ErdosRenyiSpec spec;
  spec.num_nodes = 20000;
  spec.p = ErdosRenyiSpec::p_for_mean_degree(spec.num_nodes, 10.0);
  spec.seed = 7;
  const auto edges = erdos_renyi_edges(spec);
  const double n = spec.num_nodes;
  const double mean = (n - 1) * spec.p;
  const double var = mean * (1 - spec.p);
  const double mu4 = var * (1 + 3 * var);
  const auto out = stream_out_degrees(edges, spec.num_nodes);
  const auto in = stream_in_degrees(edges, spec.num_nodes);
  expect_near_report("ER out-degree mean", mean, mean_of(out), kSigmas * std::sqrt(var / n),
                     "5 SE of the sample mean");
  expect_near_report("ER out-degree variance", var, variance_of(out),
                     kSigmas * std::sqrt((mu4 - var * var) / n), "5 SE of the sample variance");
  expect_near_report("ER in-degree variance", var, variance_of(in),
                     kSigmas * std::sqrt((mu4 - var * var) / n), "5 SE of the sample variance");
  EXPECT_TRUE(simple_stream(edges, spec.num_nodes));
  EXPECT_TRUE(std::is_sorted(edges.begin(), edges.end(),
                             [](const Edge& a, const Edge& b) { return a.from < b.from; }));
}

TEST(ErdosRenyi, UndirectedIsSymmetricWithTheSameDegreeLaw) {
  ErdosRenyiSpec spec;
  spec.num_nodes = 10000;
  spec.p = ErdosRenyiSpec::p_for_mean_degree(spec.num_nodes, 8.0);
  spec.directed = false;
  const auto edges = erdos_renyi_edges(spec);
  EXPECT_EQ(edges.size() % 2, 0u);
  const FollowGraph g = make_follow_graph(spec.num_nodes, edges);
  EXPECT_EQ(g.following.targets, g.followers.targets);  // symmetric
  EXPECT_EQ(g.num_edges(), edges.size());               // simple
  const double n = spec.num_nodes;
  const double var = (n - 1) * spec.p * (1 - spec.p);
  expect_near_report("undirected ER mean degree", 8.0,
                     static_cast<double>(g.following.num_edges()) / n,
                     kSigmas * std::sqrt(2.0 * 8.0 / n), "5 SE: links ~ Poisson(n k / 2)");
  (void)var;
}

TEST(ErdosRenyi, ExtremeProbabilities) {
  ErdosRenyiSpec spec;
  spec.num_nodes = 50;
  spec.p = 0.0;
  EXPECT_TRUE(erdos_renyi_edges(spec).empty());
  spec.p = 1.0;
  EXPECT_EQ(erdos_renyi_edges(spec).size(), 50u * 49u);
  spec.directed = false;
  EXPECT_EQ(erdos_renyi_edges(spec).size(), 50u * 49u);
  EXPECT_TRUE(simple_stream(erdos_renyi_edges(spec), 50));
}

TEST(ErdosRenyi, ValidationNamesTheField) {
  ErdosRenyiSpec spec;
  spec.num_nodes = 10;
  spec.p = 1.5;
  expect_key(spec, "", "p");
  expect_key(spec, "graph", "graph.p");
  spec.p = std::nan("");
  expect_key(spec, "", "p");
  try {
    spec.p = -0.1;
    spec.validate();
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected a probability in [0, 1], got -0.1"),
              std::string::npos)
        << e.what();
  }
}

// ---------------------------------------------------------------- Barabási–Albert

TEST(BarabasiAlbert, SizesSimpleGraphAndMeanDegree) {
  BarabasiAlbertSpec spec;
  spec.num_nodes = 5000;
  spec.m = 4;
  const auto edges = barabasi_albert_edges(spec);
  EXPECT_EQ(edges.size(), 2u * (4 + (5000 - 5) * 4));
  EXPECT_TRUE(simple_stream(edges, spec.num_nodes));
  const auto d = stream_out_degrees(edges, spec.num_nodes);
  EXPECT_GE(*std::min_element(d.begin(), d.end()), 1u);
  EXPECT_NEAR(mean_of(d), 2.0 * 4, 0.01);
  // Tiny graphs are the star seed.
  spec.num_nodes = 3;
  EXPECT_EQ(barabasi_albert_edges(spec).size(), 4u);
}

TEST(BarabasiAlbert, DegreeTailExponentNearThree) {
  // P(k) = 2m(m+1)/(k(k+1)(k+2)) ~ k^-3 (Bollobás et al. 2001). Discrete MLE above k_min = 10m;
  // tolerance 4 SE + 0.15: the exact law's k(k+1)(k+2) and the finite-size cut-off bias the
  // estimate upwards by ~0.1 at this size.
  BarabasiAlbertSpec spec;
  spec.num_nodes = 200000;
  spec.m = 3;
  spec.seed = 3;
  const auto d = stream_out_degrees(barabasi_albert_edges(spec), spec.num_nodes);
  const EdgeId kmin = 10 * spec.m;
  const auto tail =
      static_cast<double>(std::count_if(d.begin(), d.end(), [&](EdgeId k) { return k >= kmin; }));
  const double alpha = power_law_exponent_mle(d, kmin);
  expect_near_report(
      "BA degree exponent", 3.0, alpha, 4.0 * (alpha - 1) / std::sqrt(tail) + 0.15,
      "4 SE + 0.15 finite-size allowance; n_tail = " + std::to_string(static_cast<long>(tail)));
}

TEST(BarabasiAlbert, ValidationNamesTheField) {
  BarabasiAlbertSpec spec;
  spec.num_nodes = 10;
  spec.m = 0;
  expect_key(spec, "ba", "ba.m");
}

// ---------------------------------------------------------------- Price

TEST(Price, FollowsOlderNodesWithFixedOutDegree) {
  PriceSpec spec;
  spec.num_nodes = 3000;
  spec.m = 5;
  const auto edges = price_edges(spec);
  EXPECT_TRUE(simple_stream(edges, spec.num_nodes));
  const auto out = stream_out_degrees(edges, spec.num_nodes);
  for (NodeId v = 0; v < spec.num_nodes; ++v) ASSERT_EQ(out[v], std::min<EdgeId>(5, v));
  for (const Edge& e : edges) ASSERT_LT(e.to, e.from);
}

TEST(Price, InDegreeTailExponentIsTwoPlusAOverM) {
  // In-degree law of Price's model: P(k) ∝ B(k + a, 2 + a/m) ~ (k + a)^-(2 + a/m) (Newman 2018,
  // eq. 14.36). Fit the discrete MLE to k + a (integer a) above 10 m. Tolerance as for BA.
  struct Case {
    NodeId m;
    double a;
  };
  for (const Case c : {Case{3, 3.0}, Case{2, 1.0}}) {
    PriceSpec spec;
    spec.num_nodes = 200000;
    spec.m = c.m;
    spec.attractiveness = c.a;
    spec.seed = 11;
    auto in = stream_in_degrees(price_edges(spec), spec.num_nodes);
    for (auto& k : in) k += static_cast<EdgeId>(c.a);
    const EdgeId kmin = 10 * c.m;
    const auto tail = static_cast<double>(
        std::count_if(in.begin(), in.end(), [&](EdgeId k) { return k >= kmin; }));
    const double alpha = power_law_exponent_mle(in, kmin);
    const double expected = 2.0 + c.a / c.m;
    expect_near_report(
        "Price in-degree exponent (m=" + std::to_string(c.m) + ", a=" + std::to_string(c.a) + ")",
        expected, alpha, 4.0 * (alpha - 1) / std::sqrt(tail) + 0.15,
        "4 SE + 0.15 finite-size allowance; n_tail = " + std::to_string(static_cast<long>(tail)));
  }
}

TEST(Price, ValidationNamesTheField) {
  PriceSpec spec;
  spec.num_nodes = 10;
  spec.attractiveness = 0.0;
  expect_key(spec, "", "attractiveness");
}

// ---------------------------------------------------------------- Chung–Lu

TEST(ChungLu, ExpectedDegreesAreReproduced) {
  // E[out-degree of u] = w_u (1 - w_u / S) with self-loops excluded; the total edge count is a sum
  // of independent Bernoullis: SE = sqrt(Σ p (1 - p)) <= sqrt(S). Per weight bucket (weights in
  // [x, 2x)) the mean degree / mean weight ratio must be 1 within 5 SE of a Poisson count.
  PowerLawWeightSpec ws;
  ws.num_nodes = 50000;
  ws.exponent = 2.5;
  ws.min_weight = 4.0;
  ws.max_weight = 400.0;  // below sqrt(S) ~ sqrt(50000 * 11) = 740: no clipping
  ws.seed = 5;
  ChungLuSpec spec;
  spec.weights = power_law_weights(ws);
  spec.seed = 9;
  const auto edges = chung_lu_edges(spec);
  EXPECT_TRUE(simple_stream(edges, ws.num_nodes));
  double s = 0.0, s2 = 0.0;
  for (double w : spec.weights) {
    s += w;
    s2 += w * w;
  }
  expect_near_report("Chung-Lu edge count", s - s2 / s, static_cast<double>(edges.size()),
                     kSigmas * std::sqrt(s), "5 SE, Bernoulli sum");
  const auto out = stream_out_degrees(edges, ws.num_nodes);
  const auto in = stream_in_degrees(edges, ws.num_nodes);
  for (double lo = 4.0; lo < 400.0; lo *= 2) {
    double wsum = 0.0, dout = 0.0, din = 0.0;
    for (NodeId v = 0; v < ws.num_nodes; ++v) {
      if (spec.weights[v] < lo || spec.weights[v] >= 2 * lo) continue;
      wsum += spec.weights[v] * (1 - spec.weights[v] / s);
      dout += static_cast<double>(out[v]);
      din += static_cast<double>(in[v]);
    }
    if (wsum < 100) continue;
    const double tol = kSigmas * std::sqrt(wsum) / wsum;
    expect_near_report(
        "Chung-Lu out/expected in [" + std::to_string(lo) + ", " + std::to_string(2 * lo) + ")",
        1.0, dout / wsum, tol, "5 SE of a Poisson count");
    expect_near_report(
        "Chung-Lu in/expected in [" + std::to_string(lo) + ", " + std::to_string(2 * lo) + ")", 1.0,
        din / wsum, tol, "5 SE of a Poisson count");
  }
}

TEST(ChungLu, UndirectedAndZeroWeights) {
  ChungLuSpec spec;
  spec.directed = false;
  spec.weights.assign(2000, 6.0);
  for (NodeId v = 0; v < 100; ++v) spec.weights[v] = 0.0;
  const auto edges = chung_lu_edges(spec);
  const FollowGraph g = make_follow_graph(2000, edges);
  EXPECT_EQ(g.following.targets, g.followers.targets);
  EXPECT_EQ(g.num_edges(), edges.size());
  for (NodeId v = 0; v < 100; ++v) EXPECT_EQ(g.following.degree(v) + g.followers.degree(v), 0u);
  expect_near_report("undirected Chung-Lu mean degree (w = 6 on 1900 nodes)",
                     1900.0 * 6 * (1 - 6.0 / 11400) / 2000,
                     static_cast<double>(g.num_edges()) / 2000.0,
                     kSigmas * std::sqrt(1900.0 * 6) / 2000.0, "5 SE");
}

TEST(ChungLu, PowerLawWeightsHaveTheRequestedLaw) {
  PowerLawWeightSpec ws;
  ws.num_nodes = 100000;
  ws.exponent = 2.2;
  ws.min_weight = 2.0;
  const auto w = power_law_weights(ws);
  EXPECT_GE(*std::min_element(w.begin(), w.end()), 2.0);
  // Continuous MLE alpha = 1 + n / Σ ln(w / w_min), SE (alpha - 1) / sqrt(n).
  double s = 0.0;
  for (double x : w) s += std::log(x / 2.0);
  const double alpha = 1.0 + static_cast<double>(w.size()) / s;
  expect_near_report("power-law weight exponent", 2.2, alpha,
                     kSigmas * 1.2 / std::sqrt(static_cast<double>(w.size())), "5 SE of the MLE");
  ws.max_weight = 50.0;
  ws.mean = 7.5;
  const auto cut = power_law_weights(ws);
  EXPECT_NEAR(std::accumulate(cut.begin(), cut.end(), 0.0) / static_cast<double>(cut.size()), 7.5,
              1e-9);
  ChungLuSpec bad;
  bad.weights = {1.0, -2.0};
  expect_key(bad, "", "weights[1]");
  PowerLawWeightSpec bad_w;
  bad_w.exponent = 1.0;
  expect_key(bad_w, "degrees", "degrees.exponent");
}

// ---------------------------------------------------------------- Holme–Kim

TEST(HolmeKim, ClusteringRisesWithTriadProbability) {
  // Holme & Kim (2002, fig. 2): with m = 3 the average clustering grows roughly linearly in P_t,
  // from ~0 (BA) to ~0.5 at P_t ~ 0.9 for n = 10^4..10^5. We assert strict growth by clear margins.
  std::vector<double> clustering;
  for (double pt : {0.0, 0.3, 0.6, 0.9}) {
    HolmeKimSpec spec;
    spec.num_nodes = 20000;
    spec.m = 3;
    spec.triad_probability = pt;
    const auto edges = holme_kim_edges(spec);
    ASSERT_TRUE(simple_stream(edges, spec.num_nodes));
    ASSERT_EQ(edges.size(), 2u * (3 + (20000 - 4) * 3));
    DescribeOptions only;
    only.components = only.strong_components = only.diameter = false;
    const GraphStats s = describe(make_follow_graph(spec.num_nodes, edges), only);
    std::printf("  [theory] Holme-Kim m=3 P_t=%.1f: average clustering %.4f, transitivity %.4f\n",
                pt, s.average_clustering, s.transitivity);
    clustering.push_back(s.average_clustering);
  }
  EXPECT_LT(clustering[0], 0.02);
  for (std::size_t i = 1; i < clustering.size(); ++i) {
    EXPECT_GT(clustering[i], clustering[i - 1] + 0.05) << "P_t step " << i;
  }
  EXPECT_GT(clustering.back(), 0.35);
}

TEST(HolmeKim, ValidationNamesTheField) {
  HolmeKimSpec spec;
  spec.num_nodes = 10;
  spec.triad_probability = 2.0;
  expect_key(spec, "", "triad_probability");
}

// ---------------------------------------------------------------- Vázquez

TEST(Vazquez, FixedOutDegreeOlderTargetsAndWalkEffects) {
  auto run = [](double p) {
    VazquezSpec spec;
    spec.num_nodes = 20000;
    spec.k_out = 4;
    spec.p = p;
    return vazquez_edges(spec);
  };
  const auto uniform = run(0.0);
  const auto walk = run(0.8);
  for (const auto* edges : {&uniform, &walk}) {
    ASSERT_TRUE(simple_stream(*edges, 20000));
    const auto out = stream_out_degrees(*edges, 20000);
    for (NodeId v = 0; v < 20000; ++v) ASSERT_EQ(out[v], std::min<EdgeId>(4, v));
    for (const Edge& e : *edges) ASSERT_LT(e.to, e.from);
  }
  const auto in0 = stream_in_degrees(uniform, 20000);
  const auto in8 = stream_in_degrees(walk, 20000);
  const EdgeId max0 = *std::max_element(in0.begin(), in0.end());
  const EdgeId max8 = *std::max_element(in8.begin(), in8.end());
  DescribeOptions only;
  only.components = only.strong_components = only.diameter = false;
  const double c0 = describe(make_follow_graph(20000, uniform), only).average_clustering;
  const double c8 = describe(make_follow_graph(20000, walk), only).average_clustering;
  std::printf(
      "  [theory] Vazquez k_out=4: max in-degree %llu (p=0) vs %llu (p=0.8); clustering "
      "%.4f vs %.4f\n",
      static_cast<unsigned long long>(max0), static_cast<unsigned long long>(max8), c0, c8);
  // Uniform attachment: in-degree tail exponential (max ~ k ln n ~ 40); the walk is preferential.
  EXPECT_GT(max8, 5 * max0);
  EXPECT_GT(c8, c0 + 0.05);
}

TEST(Vazquez, ValidationNamesTheField) {
  VazquezSpec spec;
  spec.num_nodes = 10;
  spec.k_out = 0;
  expect_key(spec, "walk", "walk.k_out");
}
