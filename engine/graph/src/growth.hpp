// Private kernels shared by the growth generators (Barabási–Albert, Holme–Kim, Price, Vázquez).
#pragma once
#include <cstdint>
#include <vector>

#include "dipsim/core/types.hpp"
#include "dipsim/graph/follow_graph.hpp"

namespace dipsim::graph::detail {

/// Largest m (links per new node) the growth generators accept: their per-node duplicate checks
/// are O(m) scans.
inline constexpr NodeId kMaxGrowthLinks = 1024;

/// Σ_{u < v} min(m, u): edges written before node v when node u makes min(m, u) links.
inline std::uint64_t growth_offset(std::uint64_t v, std::uint64_t m) {
  if (v <= m + 1) return v * (v - (v > 0 ? 1 : 0)) / 2;
  return m * (m + 1) / 2 + (v - 1 - m) * m;
}

/// Undirected preferential growth on a star seed of m + 1 nodes; returns the repeated-endpoints
/// array (pairs: new node, target). triad_p = 0 gives Barabási–Albert, > 0 Holme–Kim.
std::vector<NodeId> preferential_growth(NodeId n, NodeId m, double triad_p, std::uint64_t seed,
                                        std::uint32_t stream);

/// Directed edge stream with both directions of every endpoint pair (parallel).
std::vector<Edge> both_directions(const std::vector<NodeId>& endpoints);

/// True when `value` is among the first `count` entries of `values` (stride `stride`).
inline bool contains_strided(const NodeId* values, std::size_t count, std::size_t stride,
                             NodeId value) {
  for (std::size_t i = 0; i < count; ++i) {
    if (values[i * stride] == value) return true;
  }
  return false;
}

}  // namespace dipsim::graph::detail
