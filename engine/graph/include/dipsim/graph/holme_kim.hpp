// Holme–Kim model: Barabási–Albert growth with triad formation, giving a power-law degree
// distribution (exponent 3) with tunable clustering. Each new node makes one preferential link,
// then m - 1 further links, each of which is, with probability `triad_probability`, a link to a
// random neighbour of the node reached by the last preferential step (closing a triangle), and
// otherwise another preferential link. Undirected, emitted in both directions.
//
// How: preferential draws use the repeated-endpoints array (as barabasi_albert.hpp); triad steps
// need the growing adjacency lists, kept per node. A triad candidate that is the new node's
// existing target is redrawn up to four times, then the eligible neighbours are enumerated, so the
// choice is uniform over eligible neighbours as in networkx's powerlaw_cluster_graph; with none
// eligible the step falls back to preferential attachment. Serial and deterministic (node v draws
// from CounterRng(seed, stream, v, 0)); the seed graph is a star on m + 1 nodes.
//
// Reference: P. Holme and B. J. Kim, "Growing scale-free networks with tunable clustering",
// Phys. Rev. E 65, 026107 (2002).
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "dipsim/core/types.hpp"
#include "dipsim/graph/follow_graph.hpp"

namespace dipsim::graph {

/// Parameters of the Holme–Kim model.
struct HolmeKimSpec {
  NodeId num_nodes = 0;            ///< n, in [0, 2^32 - 1)
  NodeId m = 5;                    ///< links per new node, in [1, 1024]
  double triad_probability = 0.5;  ///< P_t in [0, 1]: chance that a further link closes a triad
  std::uint64_t seed = 1;
  std::uint32_t stream = 0;  ///< RNG stream reserved for this generator

  /// Throws core::Error (kInput) naming the field when a value is out of range.
  void validate(std::string_view prefix = "") const;
};

/// Edge stream of the Holme–Kim graph: each undirected link as u->v and v->u.
std::vector<Edge> holme_kim_edges(const HolmeKimSpec& spec);

}  // namespace dipsim::graph
