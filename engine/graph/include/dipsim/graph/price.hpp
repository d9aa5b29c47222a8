// Price's model of directed preferential attachment ("cumulative advantage"): each new node follows
// m distinct existing nodes, node w with probability proportional to k_in(w) + a. The in-degree
// distribution has a power-law tail with exponent alpha = 2 + a / m (a = m gives 3, the BA value).
//
// How: the copy model (Newman, "Networks", 2nd ed., sec. 14.1): with probability E / (E + a v)
// (E edges and v nodes so far) copy the target of a uniformly chosen existing edge (which picks w
// proportionally to k_in(w)), otherwise pick a uniform existing node. This is exact, needs no
// per-node weights, and reads the edge array written so far. Growth is sequential: serial and
// deterministic (node v draws from CounterRng(seed, stream, v, 0)); node v follows min(m, v)
// nodes, so the stream is grouped by follower in ascending order.
//
// References: D. de S. Price, "A general theory of bibliometric and other cumulative advantage
// processes", J. Am. Soc. Inf. Sci. 27, 292 (1976); M. E. J. Newman, "Networks" (2nd ed., OUP
// 2018), sec. 14.1 and eq. (14.36) for alpha = 2 + a/c.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "dipsim/core/types.hpp"
#include "dipsim/graph/follow_graph.hpp"

namespace dipsim::graph {

/// Parameters of Price's model.
struct PriceSpec {
  NodeId num_nodes = 0;         ///< n, in [0, 2^32 - 1)
  NodeId m = 5;                 ///< accounts followed by each new node, in [1, 1024]
  double attractiveness = 1.0;  ///< a > 0: initial attractiveness; in-degree exponent 2 + a/m
  std::uint64_t seed = 1;
  std::uint32_t stream = 0;  ///< RNG stream reserved for this generator

  /// Throws core::Error (kInput) naming the field when a value is out of range.
  void validate(std::string_view prefix = "") const;
};

/// Edge stream (follower -> followed) of Price's model, grouped by follower.
std::vector<Edge> price_edges(const PriceSpec& spec);

}  // namespace dipsim::graph
