// Barabási–Albert preferential attachment (undirected, emitted in both directions): nodes arrive
// one at a time and link to m distinct existing nodes chosen with probability proportional to
// their degree. Degree distribution P(k) ~ k^-3 for large n; no clustering to speak of.
//
// How: the Batagelj–Brandes "repeated endpoints" array: every edge adds both endpoints to one
// array, so a uniform entry of the array is a node drawn proportionally to its degree. A new node
// draws only from entries written before it (no self-loops) and redraws a target it already chose
// (m distinct targets, as in networkx). Growth is inherently sequential: the generator is serial
// and deterministic (node v draws from CounterRng(seed, stream, v, 0)); it is memory-latency bound.
// The seed graph is a star on m + 1 nodes (node 0 linked to 1..m), as networkx 2.8 uses.
//
// References: A.-L. Barabási and R. Albert, "Emergence of scaling in random networks", Science
// 286, 509 (1999); V. Batagelj and U. Brandes, "Efficient generation of large random networks",
// Phys. Rev. E 71, 036113 (2005), algorithm BA; exponent 3: B. Bollobás, O. Riordan, J. Spencer
// and G. Tusnády, Random Struct. Algorithms 18, 279 (2001).
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "dipsim/core/types.hpp"
#include "dipsim/graph/follow_graph.hpp"

namespace dipsim::graph {

/// Parameters of the Barabási–Albert model.
struct BarabasiAlbertSpec {
  NodeId num_nodes = 0;  ///< n, in [0, 2^32 - 1)
  NodeId m = 5;          ///< links per new node, in [1, 1024]; mean degree -> 2m
  std::uint64_t seed = 1;
  std::uint32_t stream = 0;  ///< RNG stream reserved for this generator

  /// Throws core::Error (kInput) naming the field when a value is out of range.
  void validate(std::string_view prefix = "") const;
};

/// Edge stream of the BA graph: each undirected link as u->v and v->u; 2 m (n - m - 1) + 2 m
/// directed edges for n > m. Deterministic for (seed, stream); serial.
std::vector<Edge> barabasi_albert_edges(const BarabasiAlbertSpec& spec);

}  // namespace dipsim::graph
