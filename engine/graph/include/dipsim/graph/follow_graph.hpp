// The follow graph: who reads whose posts. Compressed sparse rows (CSR) with 32-bit node ids and
// 64-bit offsets; node attributes are separate arrays (structure of arrays).
//
// An edge u -> v means "u follows v": u's feed pulls v's posts. `following` stores, for every u,
// the accounts u reads from (the pull direction the step uses); `followers` is the reverse
// relation, built only where a phase needs it.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "dipsim/core/types.hpp"

namespace dipsim::graph {

/// What an account is. Stored as one byte per node.
enum class NodeKind : std::uint8_t {
  kCitizen = 0,
  kOfficial = 1,    ///< a state's ministry or embassy account
  kOutlet = 2,      ///< news outlet
  kInfluencer = 3,  ///< high-audience account open to partnerships
  kFactChecker = 4,
  kBot = 5,
};
inline constexpr int kNumNodeKinds = 6;
std::string_view to_string(NodeKind kind);

/// Compressed sparse rows: the neighbours of v are targets[offsets[v] .. offsets[v+1]).
struct Csr {
  std::vector<EdgeId> offsets;  ///< size num_nodes + 1 (empty for an unbuilt relation)
  std::vector<NodeId> targets;  ///< size num_edges, sorted ascending within each row

  bool empty() const { return offsets.empty(); }
  NodeId num_nodes() const { return offsets.empty() ? 0 : static_cast<NodeId>(offsets.size() - 1); }
  EdgeId num_edges() const { return targets.size(); }
  std::span<const NodeId> row(NodeId v) const {
    return {targets.data() + offsets[v], static_cast<std::size_t>(offsets[v + 1] - offsets[v])};
  }
  EdgeId degree(NodeId v) const { return offsets[v + 1] - offsets[v]; }
  std::size_t bytes() const {
    return offsets.size() * sizeof(EdgeId) + targets.size() * sizeof(NodeId);
  }
};

/// Directed follow relation plus node attributes.
struct FollowGraph {
  Csr following;                         ///< u -> accounts u reads from
  Csr followers;                         ///< v -> accounts that read v (empty unless built)
  std::vector<std::uint16_t> country;    ///< country index per node
  std::vector<std::uint32_t> community;  ///< community (language group, block) per node
  std::vector<NodeKind> kind;            ///< account kind per node

  NodeId num_nodes() const { return static_cast<NodeId>(kind.size()); }
  EdgeId num_edges() const { return following.num_edges(); }
  /// Bytes held by the structures (CSR arrays and node attributes).
  std::size_t bytes() const;
};

struct Edge {
  NodeId from;  ///< the follower
  NodeId to;    ///< the account followed
  friend bool operator==(const Edge&, const Edge&) = default;
};

/// How the builder treats self-loops and repeated edges.
struct BuildOptions {
  bool keep_self_loops = false;
  bool keep_duplicates = false;
  bool build_followers = true;  ///< also build the reverse CSR
};

/// Builds the CSR relations from an edge list over `num_nodes` nodes. The result does not depend
/// on the order of `edges` (rows are sorted), so any deterministic edge stream gives one graph.
/// Node attributes that are empty are sized to `num_nodes` with defaults (country 0, community 0,
/// kind citizen); attributes already present must have `num_nodes` entries.
/// Throws core::Error (kInput) when an edge names a node >= num_nodes or an attribute array has
/// the wrong size.
void build_csr(FollowGraph& graph, NodeId num_nodes, std::vector<Edge> edges,
               const BuildOptions& options = {});

/// Builds a CSR from edges (from -> row, to -> target); rows sorted, duplicates/self-loops per
/// options. Exposed for readers and tests.
///
/// Fully parallel (TBB) and deterministic: counts are integer atomics, rows are filled in any
/// order and then sorted, so the result is identical for any thread count and any edge order.
/// A stream already grouped by row (every generator's output) skips the scatter: its row
/// boundaries are found in one parallel pass and targets are copied in place.
Csr make_csr(NodeId num_nodes, std::span<const Edge> edges, bool reverse,
             const BuildOptions& options);

/// Convenience: a FollowGraph over `num_nodes` citizens (country 0, community 0) built from
/// `edges` with `options`.
FollowGraph make_follow_graph(NodeId num_nodes, std::vector<Edge> edges,
                              const BuildOptions& options = {});

/// The edges of a CSR as a stream in row order: (v, target) for each row v (or (target, v) when
/// `reverse`, i.e. when the CSR is a followers relation and the stream should stay follower ->
/// followed).
std::vector<Edge> edges_of(const Csr& csr, bool reverse = false);

/// The reverse relation of a CSR (rows sorted, same multiset of pairs); parallel, deterministic.
Csr transpose(const Csr& csr);

/// Builds `graph.followers` from `graph.following` when it is empty.
void ensure_followers(FollowGraph& graph);

}  // namespace dipsim::graph
