// Tests of the CSR builder: sorted rows, duplicate and self-loop handling, independence of edge
// order and thread count, agreement with a serial reference, attribute sizing, transpose.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "dipsim/core/error.hpp"
#include "dipsim/graph/follow_graph.hpp"
#include "graph_test_util.hpp"

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

// ---- parallel make_csr ----

namespace {

std::vector<Edge> random_edges(std::size_t m, NodeId n, unsigned seed) {
  std::mt19937 gen(seed);
  std::vector<Edge> edges;
  edges.reserve(m);
  for (std::size_t i = 0; i < m; ++i) edges.push_back({NodeId(gen() % n), NodeId(gen() % n)});
  return edges;
}

/// Straightforward serial reference: rows as sorted multisets.
Csr reference_csr(NodeId n, const std::vector<Edge>& edges, bool reverse, const BuildOptions& o) {
  std::vector<std::vector<NodeId>> rows(n);
  for (const Edge& e : edges) {
    if (!o.keep_self_loops && e.from == e.to) continue;
    rows[reverse ? e.to : e.from].push_back(reverse ? e.from : e.to);
  }
  Csr csr;
  csr.offsets.push_back(0);
  for (auto& r : rows) {
    std::sort(r.begin(), r.end());
    if (!o.keep_duplicates) r.erase(std::unique(r.begin(), r.end()), r.end());
    csr.targets.insert(csr.targets.end(), r.begin(), r.end());
    csr.offsets.push_back(csr.targets.size());
  }
  return csr;
}

}  // namespace

TEST(MakeCsr, MatchesSerialReferenceForEveryOptionAndDirection) {
  const auto edges = random_edges(200000, 5000, 11);
  for (int mask = 0; mask < 4; ++mask) {
    BuildOptions o;
    o.keep_self_loops = (mask & 1) != 0;
    o.keep_duplicates = (mask & 2) != 0;
    for (bool reverse : {false, true}) {
      const Csr got = make_csr(5000, edges, reverse, o);
      const Csr want = reference_csr(5000, edges, reverse, o);
      EXPECT_EQ(got.offsets, want.offsets) << "mask " << mask << " reverse " << reverse;
      EXPECT_EQ(got.targets, want.targets) << "mask " << mask << " reverse " << reverse;
    }
  }
}

TEST(MakeCsr, GroupedStreamFastPathEqualsScatterPath) {
  auto edges = random_edges(100000, 3000, 5);
  std::sort(edges.begin(), edges.end(),
            [](const Edge& a, const Edge& b) { return a.from < b.from; });
  BuildOptions o;
  const Csr grouped = make_csr(3000, edges, false, o);  // fast path
  std::reverse(edges.begin(), edges.end());             // no longer grouped ascending
  const Csr scattered = make_csr(3000, edges, false, o);
  EXPECT_EQ(grouped.offsets, scattered.offsets);
  EXPECT_EQ(grouped.targets, scattered.targets);
  // Trailing rows without edges and a leading empty range.
  const std::vector<Edge> tail{{3, 1}, {3, 2}, {7, 0}};
  const Csr t = make_csr(10, tail, false, o);
  EXPECT_EQ(t.offsets, (std::vector<EdgeId>{0, 0, 0, 0, 2, 2, 2, 2, 3, 3, 3}));
}

TEST(MakeCsr, IdenticalForOneTwoAndFourThreads) {
  const auto edges = random_edges(300000, 20000, 17);
  const FollowGraph one = test::with_threads(1, [&] { return make_follow_graph(20000, edges); });
  for (int threads : {2, 4}) {
    const FollowGraph g =
        test::with_threads(threads, [&] { return make_follow_graph(20000, edges); });
    EXPECT_EQ(g.following.offsets, one.following.offsets) << threads << " threads";
    EXPECT_EQ(g.following.targets, one.following.targets) << threads << " threads";
    EXPECT_EQ(g.followers.targets, one.followers.targets) << threads << " threads";
  }
}

TEST(MakeCsr, ReportsTheFirstOffendingEdge) {
  std::vector<Edge> edges(1000, Edge{0, 1});
  edges[700] = {0, 9};
  edges[900] = {12, 0};
  try {
    (void)make_csr(5, edges, false, {});
    FAIL() << "expected an error";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find("edge #700 0 -> 9"), std::string::npos) << e.what();
  }
}

TEST(BuildCsr, FillsMissingAttributesAndRejectsWrongSizes) {
  FollowGraph g;
  build_csr(g, 3, {{0, 1}});
  EXPECT_EQ(g.num_nodes(), 3u);
  EXPECT_EQ(g.country, (std::vector<std::uint16_t>{0, 0, 0}));
  EXPECT_EQ(g.kind[2], NodeKind::kCitizen);
  FollowGraph bad;
  bad.country = {1, 2};
  try {
    build_csr(bad, 3, {{0, 1}});
    FAIL() << "expected an error";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.where().key, "country");
  }
}

TEST(BuildCsr, TransposeAndEdgesOfRoundTrip) {
  const auto edges = random_edges(50000, 2000, 23);
  const FollowGraph g = make_follow_graph(2000, edges);
  const Csr t = transpose(g.following);
  EXPECT_EQ(t.offsets, g.followers.offsets);
  EXPECT_EQ(t.targets, g.followers.targets);
  const FollowGraph again = make_follow_graph(2000, edges_of(g.following));
  EXPECT_EQ(again.following.targets, g.following.targets);
  const auto reversed = edges_of(g.followers, /*reverse=*/true);
  const FollowGraph from_followers = make_follow_graph(2000, reversed);
  EXPECT_EQ(from_followers.following.targets, g.following.targets);
  FollowGraph lazy;
  BuildOptions no_followers;
  no_followers.build_followers = false;
  build_csr(lazy, 2000, edges, no_followers);
  EXPECT_TRUE(lazy.followers.empty());
  ensure_followers(lazy);
  EXPECT_EQ(lazy.followers.targets, g.followers.targets);
}
