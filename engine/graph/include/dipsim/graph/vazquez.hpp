// Vázquez random-walk growth (directed): a new account follows a uniformly chosen existing
// account, then, with probability p each, the accounts that the accounts it already follows
// follow (a breadth-first walk over out-links), until it follows k_out accounts; when the walk
// runs dry it jumps to another uniform account. Following a followed account's out-link reaches
// accounts in proportion to their in-degree, so the in-degree tail is a power law for p > 0, and
// the walk closes triangles (clustering, hierarchical clustering and degree correlations).
//
// How: out-lists are fixed once a node is added (node x follows min(k_out, x) accounts, stored in
// the output stream at a closed-form offset), so the walk reads the stream written so far. Serial
// and deterministic: node v draws from CounterRng(seed, stream, v, 0).
//
// Reference: A. Vázquez, "Growing network with local rules: Preferential attachment, clustering
// hierarchy, and degree correlations", Phys. Rev. E 67, 056104 (2003) (the random-walk / "edge
// copying by walking" variant, here with directed follow links as specified by dipsim).
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "dipsim/core/types.hpp"
#include "dipsim/graph/follow_graph.hpp"

namespace dipsim::graph {

/// Parameters of the Vázquez random-walk growth model.
struct VazquezSpec {
  NodeId num_nodes = 0;  ///< n, in [0, 2^32 - 1)
  NodeId k_out = 5;      ///< accounts followed by each new node, in [1, 1024]
  double p = 0.5;        ///< probability of following each out-neighbour met by the walk, [0, 1]
  std::uint64_t seed = 1;
  std::uint32_t stream = 0;  ///< RNG stream reserved for this generator

  /// Throws core::Error (kInput) naming the field when a value is out of range.
  void validate(std::string_view prefix = "") const;
};

/// Edge stream (follower -> followed), grouped by follower; node v follows min(k_out, v) accounts.
std::vector<Edge> vazquez_edges(const VazquezSpec& spec);

}  // namespace dipsim::graph
