// Tests of describe(): a hand-computed graph, thread-count determinism, and an independent check
// against networkx 2.8 on both shared data sets. The networkx side runs when the test runs
// (tests/validation/graph/nx_stats.py under /usr/bin/python3, both data sets in parallel
// processes, ~8 s wall on 2 cores); nothing is precomputed. Floating-point statistics must agree
// to 1e-9 (both sides compute exact sums of integers or doubles over a few thousand nodes; 1e-9
// leaves room for summation order only); counts must agree exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "dipsim/graph/graph_io.hpp"
#include "dipsim/graph/multi_country.hpp"
#include "dipsim/graph/stats.hpp"
#include "graph_test_util.hpp"

using namespace dipsim;
using namespace dipsim::graph;

namespace {

const std::filesystem::path kShared = DIPSIM_SHARED_DIR;
const std::filesystem::path kSource = DIPSIM_SOURCE_DIR;
constexpr const char* kPython = "/usr/bin/python3";

/// A running reference computation: popen'ed at construction, read on demand.
class NetworkxRun {
 public:
  explicit NetworkxRun(const std::string& args) {
    const std::string cmd = std::string(kPython) + " " +
                            (kSource / "tests/validation/graph/nx_stats.py").string() + " " + args +
                            " 2>&1";
    pipe_ = ::popen(cmd.c_str(), "r");
  }
  ~NetworkxRun() {
    if (pipe_ != nullptr) ::pclose(pipe_);
  }
  NetworkxRun(const NetworkxRun&) = delete;
  NetworkxRun& operator=(const NetworkxRun&) = delete;

  /// Reads all output; returns false (with the output in `error`) when the script failed.
  bool finish(std::map<std::string, double>& values, std::string& error) {
    if (pipe_ == nullptr) {
      error = "popen failed";
      return false;
    }
    std::string out;
    char buf[4096];
    std::size_t got = 0;
    while ((got = std::fread(buf, 1, sizeof buf, pipe_)) > 0) out.append(buf, got);
    const int status = ::pclose(pipe_);
    pipe_ = nullptr;
    std::istringstream lines(out);
    std::string key;
    double value = 0;
    while (lines >> key >> value) values[key] = value;
    if (status != 0 || values.empty()) {
      error = out;
      return false;
    }
    return true;
  }

 private:
  FILE* pipe_ = nullptr;
};

bool python_with_networkx() {
  if (!std::filesystem::exists(kPython)) return false;
  const std::string cmd = std::string(kPython) + " -c 'import networkx, numpy' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

void compare(const std::string& name, const GraphStats& s, const std::map<std::string, double>& nx,
             bool with_community) {
  auto value = [&](const std::string& key) {
    const auto it = nx.find(key);
    EXPECT_NE(it, nx.end()) << name << ": networkx printed no " << key;
    return it == nx.end() ? std::nan("") : it->second;
  };
  auto exact = [&](const std::string& key, double ours) {
    std::printf("  [networkx] %s %-26s dipsim %-14.10g networkx %.10g\n", name.c_str(), key.c_str(),
                ours, value(key));
    EXPECT_EQ(ours, value(key)) << name << " " << key;
  };
  auto close = [&](const std::string& key, double ours) {
    std::printf("  [networkx] %s %-26s dipsim %-14.10g networkx %.10g\n", name.c_str(), key.c_str(),
                ours, value(key));
    EXPECT_NEAR(ours, value(key), 1e-9) << name << " " << key;
  };
  exact("nodes", s.num_nodes);
  exact("edges", static_cast<double>(s.num_edges));
  exact("out_degree_max", static_cast<double>(s.out_degree.max));
  exact("in_degree_max", static_cast<double>(s.in_degree.max));
  close("out_degree_mean", s.out_degree.mean);
  EXPECT_NEAR(s.out_degree.variance, value("out_degree_variance"), 1e-9 * s.out_degree.variance);
  EXPECT_NEAR(s.in_degree.variance, value("in_degree_variance"), 1e-9 * s.in_degree.variance);
  close("reciprocity", s.reciprocity);
  close("assortativity", s.assortativity);
  exact("undirected_edges", static_cast<double>(s.undirected_edges));
  exact("triangles", static_cast<double>(s.triangles));
  close("transitivity", s.transitivity);
  close("average_clustering", s.average_clustering);
  close("undirected_assortativity", s.undirected_assortativity);
  exact("weak_components", s.weak_components);
  exact("largest_weak_component", s.largest_weak_component);
  exact("strong_components", s.strong_components);
  exact("largest_strong_component", s.largest_strong_component);
  if (with_community) close("cross_community_share", s.cross_community_share);
  // The sweep bound is a lower bound of the exact diameter (networkx, bounding algorithm).
  const double diameter = value("diameter");
  std::printf("  [networkx] %s diameter: sweep lower bound %u, exact %.0f\n", name.c_str(),
              s.diameter_lower_bound, diameter);
  EXPECT_LE(s.diameter_lower_bound, diameter);
  EXPECT_GE(s.diameter_lower_bound + 1.0, diameter) << "bound should be tight on real graphs";
}

}  // namespace

TEST(Describe, HandComputedSmallGraph) {
  // 0 <-> 1, 1 -> 2, 2 -> 0, 2 -> 3, 3 -> 4, node 5 isolated. Projection: triangle {0,1,2} plus
  // the path 2-3-4. Degrees 2,2,3,2,1,0: local clustering 1, 1, 1/3, 0, 0, 0 (mean 7/18);
  // triads 1+1+3+1 = 6, transitivity 3/6. Reciprocated edges 0->1, 1->0: 2/6.
  FollowGraph g = make_follow_graph(6, {{0, 1}, {1, 0}, {1, 2}, {2, 0}, {2, 3}, {3, 4}});
  g.country = {0, 0, 1, 1, 1, 0};
  g.community = {0, 1, 1, 1, 1, 0};
  const GraphStats s = describe(g);
  EXPECT_EQ(s.num_nodes, 6u);
  EXPECT_EQ(s.num_edges, 6u);
  EXPECT_EQ(s.isolated_nodes, 1u);
  EXPECT_EQ(s.undirected_edges, 5u);
  EXPECT_EQ(s.triangles, 1u);
  EXPECT_NEAR(s.average_clustering, 7.0 / 18.0, 1e-12);
  EXPECT_NEAR(s.transitivity, 0.5, 1e-12);
  EXPECT_NEAR(s.reciprocity, 2.0 / 6.0, 1e-12);
  EXPECT_EQ(s.weak_components, 2u);
  EXPECT_EQ(s.largest_weak_component, 5u);
  EXPECT_EQ(s.strong_components, 4u);
  EXPECT_EQ(s.largest_strong_component, 3u);
  EXPECT_EQ(s.diameter_lower_bound, 3u);
  EXPECT_EQ(s.out_degree.max, 2u);
  EXPECT_EQ(s.out_degree.histogram, (std::vector<NodeId>{2, 2, 2}));  // out-degrees 1,2,2,1,0,0
  EXPECT_NEAR(s.cross_country_share, 2.0 / 6.0, 1e-12);               // 1->2, 2->0
  EXPECT_NEAR(s.cross_community_share, 3.0 / 6.0, 1e-12);             // 0->1, 1->0, 2->0
  EXPECT_EQ(s.num_countries, 2u);
  EXPECT_EQ(s.country_mixing, (std::vector<EdgeId>{2, 1, 1, 2}));
  EXPECT_FALSE(format_stats(s).empty());
  BuildOptions loops;
  loops.keep_self_loops = true;
  EXPECT_EQ(describe(make_follow_graph(3, {{0, 0}, {0, 1}}, loops)).self_loops, 1u);
}

TEST(Describe, PowerLawMleOnAnExactSample) {
  // Values x = floor(0.5 + (1-u)^(-1/(alpha-1)) (xmin - 0.5)) on a quantile grid are a discrete
  // power law to the approximation's accuracy; the MLE must recover alpha = 2.5 within 0.05.
  std::vector<EdgeId> x;
  for (int i = 0; i < 200000; ++i) {
    const double u = (i + 0.5) / 200000.0;
    x.push_back(static_cast<EdgeId>(0.5 + std::pow(1 - u, -1.0 / 1.5) * 9.5));
  }
  EXPECT_NEAR(power_law_exponent_mle(x, 10), 2.5, 0.05);
  EXPECT_EQ(power_law_exponent_mle(std::vector<EdgeId>{1, 2}, 10), 0.0);
}

TEST(Describe, IdenticalForOneTwoAndFourThreads) {
  MultiCountrySpec spec;
  spec.num_citizens = 30000;
  spec.countries.assign(3, CountrySpec{});
  spec.triadic_closure = 0.4;
  const FollowGraph g = generate_multi_country(spec).graph;
  const GraphStats one = test::with_threads(1, [&] { return describe(g); });
  for (int threads : {2, 4}) {
    const GraphStats s = test::with_threads(threads, [&] { return describe(g); });
    EXPECT_EQ(s.average_clustering, one.average_clustering) << threads;  // bit-identical
    EXPECT_EQ(s.assortativity, one.assortativity) << threads;
    EXPECT_EQ(s.undirected_assortativity, one.undirected_assortativity) << threads;
    EXPECT_EQ(s.out_degree.variance, one.out_degree.variance) << threads;
    EXPECT_EQ(s.triangles, one.triangles) << threads;
    EXPECT_EQ(s.weak_components, one.weak_components) << threads;
    EXPECT_EQ(s.diameter_lower_bound, one.diameter_lower_bound) << threads;
    EXPECT_EQ(s.in_degree.histogram, one.in_degree.histogram) << threads;
    EXPECT_EQ(s.country_mixing, one.country_mixing) << threads;
  }
}

TEST(Describe, MatchesNetworkxOnBothSharedDatasets) {
  if (!python_with_networkx()) GTEST_SKIP() << "/usr/bin/python3 with networkx and numpy not found";
  const auto polblogs = kShared / "datasets" / "polblogs.gml";
  const auto facebook = kShared / "datasets" / "facebook_combined.txt";
  // Start both reference computations at once; compute ours while they run.
  NetworkxRun nx_polblogs("--gml '" + polblogs.string() + "' --community value");
  NetworkxRun nx_facebook("--edgelist '" + facebook.string() + "' --undirected");

  GmlOptions gml;
  gml.community_attribute = "value";
  const GraphStats ours_polblogs = describe(read_gml(polblogs, gml).graph);
  EdgeListOptions undirected;
  undirected.directed = false;
  const GraphStats ours_facebook = describe(read_edge_list(facebook, undirected).graph);

  std::map<std::string, double> values;
  std::string error;
  ASSERT_TRUE(nx_polblogs.finish(values, error)) << error;
  compare("polblogs", ours_polblogs, values, true);
  values.clear();
  ASSERT_TRUE(nx_facebook.finish(values, error)) << error;
  compare("facebook", ours_facebook, values, false);
}
