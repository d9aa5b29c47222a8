#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "dipsim/core/error.hpp"
#include "dipsim/graph/follow_graph.hpp"

using namespace dipsim;
using namespace dipsim::graph;

TEST(BuildCsr, RowsSortedDuplicatesAndSelfLoopsDropped) {
  FollowGraph g;
  build_csr(g, 4, {{0, 2}, {0, 1}, {0, 2}, {1, 1}, {3, 0}, {2, 0}});
  ASSERT_EQ(g.following.num_nodes(), 4u);
  EXPECT_EQ(g.following.num_edges(), 4u);
  auto r0 = g.following.row(0);
  EXPECT_EQ(std::vector<NodeId>(r0.begin(), r0.end()), (std::vector<NodeId>{1, 2}));
  EXPECT_EQ(g.following.degree(1), 0u);
  auto f0 = g.followers.row(0);
  EXPECT_EQ(std::vector<NodeId>(f0.begin(), f0.end()), (std::vector<NodeId>{2, 3}));
}

TEST(BuildCsr, KeepOptionsKeepEverything) {
  FollowGraph g;
  BuildOptions keep;
  keep.keep_duplicates = keep.keep_self_loops = true;
  build_csr(g, 3, {{0, 1}, {0, 1}, {2, 2}}, keep);
  EXPECT_EQ(g.following.num_edges(), 3u);
  EXPECT_EQ(g.followers.num_edges(), 3u);
}

TEST(BuildCsr, IndependentOfEdgeOrder) {
  std::vector<Edge> edges;
  std::mt19937 gen(3);
  for (int i = 0; i < 5000; ++i) edges.push_back({NodeId(gen() % 300), NodeId(gen() % 300)});
  FollowGraph a, b;
  build_csr(a, 300, edges);
  std::shuffle(edges.begin(), edges.end(), gen);
  build_csr(b, 300, edges);
  EXPECT_EQ(a.following.offsets, b.following.offsets);
  EXPECT_EQ(a.following.targets, b.following.targets);
  EXPECT_EQ(a.followers.targets, b.followers.targets);
}

TEST(BuildCsr, RejectsNodeOutOfRange) {
  FollowGraph g;
  EXPECT_THROW(build_csr(g, 2, {{0, 5}}), core::Error);
}
