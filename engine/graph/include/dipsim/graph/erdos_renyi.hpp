// Erdős–Rényi random graph G(n, p): every ordered pair (u, v), u != v, is an edge independently
// with probability p (directed), or every unordered pair is, emitted in both directions
// (undirected). The null model of the graph layer: no degree heterogeneity, no clustering.
//
// How: geometric skipping (Batagelj & Brandes 2005): the gap to the next edge in a row is a
// geometric deviate, so the cost is O(n + m) instead of O(n^2). Rows are independent, each drawn
// from a CounterRng keyed (seed, stream, row, 0), and generated in fixed chunks in parallel.
//
// Reference: V. Batagelj and U. Brandes, "Efficient generation of large random networks",
// Phys. Rev. E 71, 036113 (2005), algorithm G(n,p) with skipping; P. Erdős and A. Rényi, "On
// random graphs I", Publ. Math. Debrecen 6 (1959); E. N. Gilbert, "Random graphs", Ann. Math.
// Stat. 30 (1959).
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "dipsim/core/types.hpp"
#include "dipsim/graph/follow_graph.hpp"

namespace dipsim::graph {

/// Parameters of G(n, p). Plain data: fill from a config, then call validate().
struct ErdosRenyiSpec {
  NodeId num_nodes = 0;  ///< n, in [0, 2^32 - 1)
  double p = 0.0;        ///< edge probability per pair, in [0, 1]
  bool directed = true;  ///< false: each unordered pair once, emitted as u->v and v->u
  std::uint64_t seed = 1;
  std::uint32_t stream = 0;  ///< RNG stream reserved for this generator

  /// p giving expected out-degree `mean_degree` ((n - 1) p), clamped to [0, 1].
  static double p_for_mean_degree(NodeId num_nodes, double mean_degree);
  /// Throws core::Error (kInput) naming the field (key `prefix.field`) when a value is out of
  /// range.
  void validate(std::string_view prefix = "") const;
};

/// Edge stream of G(n, p) (directed: grouped by source row in ascending order). Expected size
/// n (n - 1) p (directed) or the same count of directed pairs (undirected, both directions).
/// Deterministic for (seed, stream) and independent of the thread count.
std::vector<Edge> erdos_renyi_edges(const ErdosRenyiSpec& spec);

}  // namespace dipsim::graph
