// Reading and writing follow graphs: SNAP-style edge lists, GML and GraphML readers and writers.
//
// Id mapping (documented, deterministic): node ids in a file become dense ids 0..n-1.
//   - Edge lists: IdMapping::kSorted (default) numbers the distinct ids in ascending order, so a
//     0-based file with ids 0..n-1 keeps its ids (and a 1-based file 1..n becomes 0..n-1);
//     kFirstAppearance numbers them in order of first appearance (row by row, source before
//     target); kIdentity uses id - base (base 1 when `one_based`), keeping isolated ids as nodes.
//   - GML and GraphML: nodes are numbered in order of declaration in the file.
// The original ids are kept in LoadedGraph (`original_ids` for integer ids, `node_names` for
// GraphML string ids and GML labels).
//
// Errors: malformed input throws core::Error (kInput) whose location names the file, the 1-based
// line and column, and whose message says what was found and what was expected; an unreadable file
// throws kIo.
//
// References: SNAP edge lists: J. Leskovec and A. Krevl, "SNAP Datasets", 2014
// (https://snap.stanford.edu/data); GML: M. Himsolt, "GML: A portable graph file format",
// Universität Passau, 1997; GraphML: U. Brandes et al., "GraphML progress report", Graph Drawing
// 2001, LNCS 2265, and the GraphML primer (graphml.graphdrawing.org).
#pragma once
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dipsim/core/types.hpp"
#include "dipsim/graph/follow_graph.hpp"

namespace dipsim::graph {

/// How integer node ids in an edge list become dense node ids.
enum class IdMapping : std::uint8_t {
  kSorted = 0,           ///< distinct ids in ascending order
  kFirstAppearance = 1,  ///< distinct ids in order of first appearance
  kIdentity = 2,         ///< node = id - base (base 1 when one_based)
};

/// Options of the edge-list reader.
struct EdgeListOptions {
  bool directed = true;    ///< false: each line u v is a link, added as u->v and v->u
  bool one_based = false;  ///< ids start at 1: id 0 is an error; kIdentity subtracts 1
  IdMapping mapping = IdMapping::kSorted;
  bool ignore_extra_columns = false;  ///< accept (and ignore) tokens after the second, e.g. weights
  NodeId num_nodes = 0;  ///< kIdentity: at least this many nodes (isolated nodes after the last id)
  BuildOptions build;    ///< self-loops, duplicates, reverse relation
};

/// Options of the GML and GraphML readers: which node attributes fill the graph's attributes.
/// Integer values are used as they are; string values are coded 0, 1, ... in order of first
/// appearance (the code table is returned); a node without the attribute gets 0. The kind
/// attribute accepts the names of to_string(NodeKind) or integers 0..5.
struct NodeAttributeOptions {
  std::string country_attribute;    ///< e.g. "country"; empty: every node in country 0
  std::string community_attribute;  ///< e.g. "value" (polblogs' camp); empty: community 0
  std::string kind_attribute;       ///< e.g. "kind"; empty: every node a citizen
  BuildOptions build;
};
using GmlOptions = NodeAttributeOptions;
using GraphmlOptions = NodeAttributeOptions;

/// A graph read from a file, with the information needed to map it back.
struct LoadedGraph {
  FollowGraph graph;
  std::vector<std::int64_t> original_ids;    ///< node -> integer id in the file (edge list, GML)
  std::vector<std::string> node_names;       ///< node -> id string (GraphML) or label (GML)
  std::vector<std::string> country_names;    ///< country code -> string value, if strings
  std::vector<std::string> community_names;  ///< community code -> string value, if strings
  EdgeId edges_read = 0;                     ///< edge records in the file
  EdgeId self_loops_read = 0;                ///< of which self-loops
};

/// Reads a SNAP-style edge list: one `u v` pair per line, separated by spaces or tabs; lines that
/// are empty or start with `#` or `%` are comments. Ids are unsigned integers below 2^32 - 1.
LoadedGraph read_edge_list(const std::filesystem::path& path, const EdgeListOptions& options = {});
/// Same, from text in memory; `source_name` names it in error messages.
LoadedGraph parse_edge_list(std::string_view text, std::string_view source_name,
                            const EdgeListOptions& options = {});

/// Reads GML: `graph [ directed 0|1 node [ id N ... ] edge [ source N target M ... ] ]` (the
/// default `directed` is 0: each edge is added in both directions). Other keys are skipped.
LoadedGraph read_gml(const std::filesystem::path& path, const GmlOptions& options = {});
LoadedGraph parse_gml(std::string_view text, std::string_view source_name,
                      const GmlOptions& options = {});

/// Reads GraphML (one `<graph>`; `<key>` declarations with optional `<default>`, `<node>`s with
/// `<data>`, `<edge source target [directed]>`; edgedefault decides direction). Nested graphs,
/// hyperedges and ports are rejected.
LoadedGraph read_graphml(const std::filesystem::path& path, const GraphmlOptions& options = {});
LoadedGraph parse_graphml(std::string_view text, std::string_view source_name,
                          const GraphmlOptions& options = {});

/// Writes `# ...` header lines, then one `follower followed` line per edge of `graph.following`
/// (0-based node ids, rows ascending). Read it back with kIdentity and num_nodes to keep isolated
/// nodes.
void write_edge_list(const FollowGraph& graph, std::ostream& out);
void write_edge_list(const FollowGraph& graph, const std::filesystem::path& path);

/// Writes directed GraphML with node ids n0..n{N-1} and node data keys `country` (int),
/// `community` (long) and `kind` (string); read it back with country/community/kind attributes.
void write_graphml(const FollowGraph& graph, std::ostream& out);
void write_graphml(const FollowGraph& graph, const std::filesystem::path& path);

/// Writes directed GML (`graph [ directed 1 node [ id 0 label "n0" country 0 community 0 kind
/// "citizen" ] ... edge [ source 0 target 1 ] ... ]`), one node or edge per line, node ids 0..N-1;
/// read it back with country/community/kind attributes (networkx: `read_gml(path)`).
void write_gml(const FollowGraph& graph, std::ostream& out);
void write_gml(const FollowGraph& graph, const std::filesystem::path& path);

/// Parses a node kind name ("citizen", "official", "outlet", "influencer", "fact_checker", "bot").
std::optional<NodeKind> parse_node_kind(std::string_view name);

}  // namespace dipsim::graph
