// Homophilous random follow graph: each online citizen follows about `mean_following` accounts,
// a share `home_share` of them drawn uniformly from its own country and the rest uniformly from
// all countries. It is a directed Erdős–Rényi-like graph with country blocks (a two-level
// stochastic block model with uniform blocks); the graph layer's richer generators build on the
// same edge-stream interface.
#pragma once
#include <cstdint>
#include <vector>

#include "dipsim/core/types.hpp"
#include "dipsim/graph/follow_graph.hpp"

namespace dipsim::graph {

struct RandomFollowSpec {
  /// Node ids of the online citizens of each country (the candidates to follow and the followers).
  std::vector<std::vector<NodeId>> members_by_country;
  double mean_following = 20.0;  ///< expected out-degree of an online citizen
  double home_share = 0.8;       ///< probability that a follow stays inside the own country
  std::uint64_t seed = 1;
  std::uint32_t stream = 0;  ///< RNG stream id reserved for graph generation
};

/// Edge stream (follower -> followed) of the homophilous random follow graph. The out-degree of
/// each citizen is floor(m) or floor(m)+1 with mean m; targets are drawn with replacement, so the
/// builder's duplicate and self-loop removal lowers the mean slightly (by about m/n).
/// Deterministic for a seed, for any thread count.
std::vector<Edge> random_follow_edges(const RandomFollowSpec& spec);

}  // namespace dipsim::graph
