// Descriptive statistics of a follow graph: degree distributions, clustering, assortativity,
// reciprocity, mixing across countries and communities, connected components and a diameter
// estimate. Definitions match networkx 2.8 so that validation can compare them one to one:
//
//   - out/in degree: row lengths of `following` / `followers` (mean, variance, max, histogram).
//   - reciprocity: share of edges u->v whose reverse v->u is also an edge (self-loops count as not
//     reciprocated) = networkx overall_reciprocity.
//   - clustering, on the undirected projection (u ~ v when u->v or v->u, self-loops dropped):
//     local c_v = triangles(v) / (d_v (d_v - 1) / 2), 0 when d_v < 2; `average_clustering` is the
//     mean over all nodes (networkx average_clustering); `transitivity` = 3 triangles / connected
//     triples (networkx transitivity).
//   - assortativity: Pearson correlation over directed edges u->v of (out-degree of u, in-degree of
//     v) (networkx degree_assortativity_coefficient on a DiGraph, x="out", y="in");
//     `undirected_assortativity`: over both orientations of each projection edge, projection
//     degrees (networkx on the undirected graph).
//   - accounts with country 0xFFFF (no country, e.g. a state's ministry) are left out of the
//     country count, the cross-country share and the country mixing matrix;
//   - cross_country_share / cross_community_share: share of edges whose endpoints differ in
//     country / community.
//   - components: weakly connected (= components of the projection) and strongly connected.
//   - diameter_lower_bound: the largest eccentricity found by repeated sweeps (BFS from a node,
//     then from the farthest node found, ...; Magnien, Latapy and Habib 2009) on the projection's
//     largest component. It is a lower bound on the diameter and is exact on most real graphs.
//
// How: all passes are parallel (TBB) except strongly connected components (iterative Tarjan,
// serial, linear time). Floating-point sums use fixed-grain deterministic reductions and counts
// are integers, so the result does not depend on the thread count. Triangles: the forward
// algorithm on the degree-ordered orientation (Schank and Wagner 2005), O(m^1.5).
//
// References: M. E. J. Newman, "Mixing patterns in networks", Phys. Rev. E 67, 026126 (2003)
// (assortativity); D. J. Watts and S. H. Strogatz, Nature 393, 440 (1998) (clustering);
// T. Schank and D. Wagner, "Finding, counting and listing all triangles in large graphs", WEA 2005;
// R. E. Tarjan, SIAM J. Comput. 1, 146 (1972) (SCC); C. Magnien, M. Latapy and M. Habib, "Fast
// computation of empirically tight bounds for the diameter of massive graphs", ACM JEA 13 (2009);
// A. Clauset, C. R. Shalizi and M. E. J. Newman, "Power-law distributions in empirical data",
// SIAM Review 51, 661 (2009) (exponent MLE).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dipsim/core/types.hpp"
#include "dipsim/graph/follow_graph.hpp"

namespace dipsim::graph {

/// Summary of one degree sequence.
struct DegreeStats {
  double mean = 0.0;
  double variance = 0.0;  ///< population variance (divides by n)
  EdgeId max = 0;
  std::vector<NodeId> histogram;  ///< histogram[k] = number of nodes with degree k (size max + 1)
};

/// What describe() computes; see the file comment for definitions.
struct GraphStats {
  NodeId num_nodes = 0;
  EdgeId num_edges = 0;
  EdgeId self_loops = 0;
  NodeId isolated_nodes = 0;  ///< nodes with no in- or out-edges
  DegreeStats out_degree;
  DegreeStats in_degree;
  double reciprocity = 0.0;
  EdgeId undirected_edges = 0;  ///< edges of the undirected projection
  std::uint64_t triangles = 0;  ///< triangles of the projection
  double average_clustering = 0.0;
  double transitivity = 0.0;
  double assortativity = 0.0;             ///< out-degree of source vs in-degree of target
  double undirected_assortativity = 0.0;  ///< on the projection
  double cross_country_share = 0.0;
  double cross_community_share = 0.0;
  std::uint32_t num_countries = 0;  ///< 1 + largest country index
  /// Edge counts by (country of follower, country of followed), row-major K x K; empty if K > 256.
  std::vector<EdgeId> country_mixing;
  NodeId weak_components = 0;
  NodeId largest_weak_component = 0;
  NodeId strong_components = 0;
  NodeId largest_strong_component = 0;
  std::uint32_t diameter_lower_bound = 0;
  std::uint32_t diameter_sweeps = 0;  ///< BFS sweeps behind the bound
};

/// Which of the costlier parts describe() computes.
struct DescribeOptions {
  bool clustering = true;             ///< triangles, clustering, transitivity
  bool components = true;             ///< weakly connected components
  bool strong_components = true;      ///< strongly connected components (serial Tarjan)
  bool diameter = true;               ///< sweep lower bound (needs components)
  std::uint32_t diameter_sweeps = 4;  ///< BFS runs (2 = the classic double sweep)
};

/// Statistics of `graph` (builds the reverse relation internally when it is missing).
GraphStats describe(const FollowGraph& graph, const DescribeOptions& options = {});

/// The undirected projection: u ~ v when u->v or v->u, u != v; rows sorted, no duplicates.
Csr undirected_projection(const FollowGraph& graph);

/// Per-node triangle counts of an undirected CSR (symmetric, no self-loops, sorted rows).
std::vector<std::uint64_t> triangles_per_node(const Csr& undirected);

/// Discrete power-law exponent by maximum likelihood over the values >= xmin (xmin >= 1), with
/// Clauset et al.'s approximation alpha = 1 + n / Σ ln(x / (xmin - 1/2)) (eq. 3.7); its standard
/// error is (alpha - 1) / sqrt(n). Returns 0 when no value reaches xmin.
double power_law_exponent_mle(std::span<const EdgeId> values, EdgeId xmin);

/// Degree sequences (convenience for tests and tools).
std::vector<EdgeId> out_degrees(const FollowGraph& graph);
std::vector<EdgeId> in_degrees(const FollowGraph& graph);

/// A human-readable multi-line summary (for `dipsim graph describe`).
std::string format_stats(const GraphStats& stats);

}  // namespace dipsim::graph
