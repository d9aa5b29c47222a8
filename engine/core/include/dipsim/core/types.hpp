// Fixed-width identifiers shared by every layer.
#pragma once
#include <cstdint>
#include <limits>

namespace dipsim {
/// Node (account) id in the follow graph: 32 bits, so up to ~4.29e9 accounts.
using NodeId = std::uint32_t;
/// Edge index into CSR arrays: 64 bits, so graphs may exceed 2^32 edges.
using EdgeId = std::uint64_t;
/// Simulation step (default: one hour).
using Step = std::uint32_t;
/// Index of an item (post) in the item store.
using ItemId = std::uint32_t;

/// Attitudes and item stances: float32 by default (memory and bandwidth: the step reads them for
/// every item), float64 in a build configured with -DDIPSIM_DOUBLE_ATTITUDES=ON (the `precise`
/// preset), e.g. to check results against theory to 1e-9 or to measure rounding effects.
#ifdef DIPSIM_DOUBLE_ATTITUDES
using Real = double;
inline constexpr const char* kRealName = "float64";
#else
using Real = float;
inline constexpr const char* kRealName = "float32";
#endif

inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();
inline constexpr ItemId kNoItem = std::numeric_limits<ItemId>::max();
}  // namespace dipsim
