// Chung–Lu random graphs with a given expected degree sequence: u -> v is an edge independently
// with probability min(1, w_out(u) w_in(v) / S), S = Σ w_in (directed), or u ~ v with probability
// min(1, w_u w_v / S), S = Σ w (undirected, emitted in both directions). Node u's expected degree
// is w_u as long as no probability is clipped at 1, i.e. as long as max w^2 <= S (the structural
// cut-off; power_law_weights' `max_weight` can enforce it). Self-loops are excluded, which lowers
// every expected degree by w_u^2 / S.
//
// How: Miller & Hagberg's algorithm: targets sorted by decreasing weight, so each row's edge
// probabilities are non-increasing; skip geometrically with the current probability p and accept
// the landing target with q / p. O(n log n + m). Rows are independent (row u draws from
// CounterRng(seed, stream, u, 0)) and generated in parallel fixed chunks: deterministic for any
// thread count.
//
// References: F. Chung and L. Lu, "Connected components in random graphs with given expected
// degree sequences", Ann. Combinatorics 6, 125 (2002); J. C. Miller and A. Hagberg, "Efficient
// generation of networks with given expected degrees", WAW 2011, LNCS 6732, 115.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "dipsim/core/types.hpp"
#include "dipsim/graph/follow_graph.hpp"

namespace dipsim::graph {

/// Parameters of the Chung–Lu model.
struct ChungLuSpec {
  /// Expected degree per node (undirected), or expected out-degree (directed); finite, >= 0.
  std::vector<double> weights;
  /// Directed only: expected in-degree per node (same size as weights); empty = use `weights`.
  /// Σ in_weights should equal Σ weights; otherwise expected in-degrees scale by their ratio.
  std::vector<double> in_weights;
  bool directed = true;
  std::uint64_t seed = 1;
  std::uint32_t stream = 0;  ///< RNG stream reserved for this generator

  /// Throws core::Error (kInput) naming the field (e.g. `weights[12]`) when a value is invalid.
  void validate(std::string_view prefix = "") const;
};

/// Edge stream of the Chung–Lu graph (directed: grouped by follower in ascending order).
std::vector<Edge> chung_lu_edges(const ChungLuSpec& spec);

/// Expected degrees drawn from a truncated continuous power law, density ∝ w^-exponent on
/// [min_weight, max_weight], optionally rescaled to a given mean.
struct PowerLawWeightSpec {
  NodeId num_nodes = 0;     ///< number of weights, in [0, 2^32 - 1)
  double exponent = 2.5;    ///< gamma > 1 (a finite mean without cut-off needs gamma > 2)
  double min_weight = 1.0;  ///< lower end of the support, > 0
  double max_weight = 0.0;  ///< cut-off (>= min_weight), or 0 for none
  double mean = 0.0;        ///< > 0: scale all weights so their sample mean is exactly this
  std::uint64_t seed = 1;
  std::uint32_t stream = 0;  ///< RNG stream reserved for this helper

  /// Throws core::Error (kInput) naming the field when a value is out of range.
  void validate(std::string_view prefix = "") const;
};

/// One weight per node (node i draws from CounterRng(seed, stream, i, 0)); deterministic, parallel.
std::vector<double> power_law_weights(const PowerLawWeightSpec& spec);

}  // namespace dipsim::graph
