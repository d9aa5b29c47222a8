// Cross-check of the graph layer's component statistics by another method: Boost.Graph's
// connected_components (on the undirected projection) and strong_components (on the directed
// graph), on a real graph and on generated ones.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/strong_components.hpp>
#include <vector>

#include "dipsim/graph/erdos_renyi.hpp"
#include "dipsim/graph/graph_io.hpp"
#include "dipsim/graph/stats.hpp"

using namespace dipsim;
using namespace dipsim::graph;

namespace {

struct BoostCounts {
  NodeId weak = 0, largest_weak = 0, strong = 0, largest_strong = 0;
};

BoostCounts boost_components(const FollowGraph& g) {
  using Directed = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  using Undirected = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  const NodeId n = g.num_nodes();
  Directed d(n);
  Undirected u(n);
  for (NodeId v = 0; v < n; ++v) {
    for (NodeId w : g.following.row(v)) {
      boost::add_edge(v, w, d);
      boost::add_edge(v, w, u);
    }
  }
  auto largest = [](const std::vector<int>& label, int count) {
    std::vector<NodeId> size(static_cast<std::size_t>(count), 0);
    for (int c : label) ++size[static_cast<std::size_t>(c)];
    return *std::max_element(size.begin(), size.end());
  };
  BoostCounts out;
  std::vector<int> weak(n), strong(n);
  const int nw = boost::connected_components(u, weak.data());
  const int ns = boost::strong_components(
      d, boost::make_iterator_property_map(strong.begin(), boost::get(boost::vertex_index, d)));
  out.weak = static_cast<NodeId>(nw);
  out.largest_weak = largest(weak, nw);
  out.strong = static_cast<NodeId>(ns);
  out.largest_strong = largest(strong, ns);
  return out;
}

void expect_same(const FollowGraph& g) {
  const GraphStats s = describe(g);
  const BoostCounts b = boost_components(g);
  EXPECT_EQ(s.weak_components, b.weak);
  EXPECT_EQ(s.largest_weak_component, b.largest_weak);
  EXPECT_EQ(s.strong_components, b.strong);
  EXPECT_EQ(s.largest_strong_component, b.largest_strong);
}

}  // namespace

TEST(BoostCrossCheck, ComponentsOfPolblogs) {
  NodeAttributeOptions options;
  const LoadedGraph g = read_gml(DIPSIM_SHARED_DIR "/datasets/polblogs.gml", options);
  expect_same(g.graph);
}

TEST(BoostCrossCheck, ComponentsOfSparseErdosRenyiGraphs) {
  // Mean degree 0.5 to 2: many components of all sizes, around the giant-component threshold.
  for (double mean : {0.5, 1.0, 2.0}) {
    ErdosRenyiSpec spec{5000, ErdosRenyiSpec::p_for_mean_degree(5000, mean), true, 7, 0};
    FollowGraph g = make_follow_graph(5000, erdos_renyi_edges(spec), {});
    expect_same(g);
  }
}
