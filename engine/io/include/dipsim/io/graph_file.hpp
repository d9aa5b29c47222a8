// The dipsim graph file: a follow graph (CSR plus node attributes) in HDF5, written by
// `dipsim graph generate` and `dipsim graph convert` and read back by `describe` and `convert`.
//
// Layout (version 1; docs/cli.md, "The .h5 graph file"):
//   /                    attributes format = "dipsim-graph", version = 1, num_nodes, num_edges
//                        (uint64), dipsim_version, git_revision, source (free text: what made it)
//   /following/offsets   uint64 (offset)  CSR row offsets, num_nodes + 1 entries, offsets[0] = 0
//   /following/targets   uint32 (edge)    accounts followed, row by row, ascending in each row
//   /node/country        uint16 (node)    country index; 65535 = no country (e.g. a ministry)
//   /node/community      uint32 (node)    community index
//   /node/kind           uint8  (node)    account kind; attribute `legend`
//   /labels/country      string (country) optional: name of each country index (coordinate)
//   /labels/community    string (community) optional: name of each community index (coordinate)
// An edge u -> v ("u follows v") is v in row u. Dimensions are netCDF-4 style (named dimension
// scales, without coordinate variables for offset/edge/node), so
// `xarray.open_dataset(path, group="node", engine="h5netcdf")` gives the node attributes on a
// `node` dimension.
//
// Why HDF5 rather than a text format: the CSR arrays load with two reads, 12 bytes per edge
// instead of ~15 in text, and numpy/h5py/xarray read them directly.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "dipsim/graph/follow_graph.hpp"

namespace dipsim::io {

/// Value of the root attribute `format` of a graph file.
inline constexpr std::string_view kGraphFileFormat = "dipsim-graph";
/// The layout version this dipsim writes and reads.
inline constexpr std::int64_t kGraphFileVersion = 1;

/// What a graph file stores besides the graph.
struct GraphFileInfo {
  std::vector<std::string> country_names;    ///< name of each country index (optional)
  std::vector<std::string> community_names;  ///< name of each community index (optional)
  std::string source;                        ///< provenance text (root attribute `source`)
};

/// A graph file read back.
struct GraphFile {
  graph::FollowGraph graph;  ///< `following` and the node attributes (`followers` left empty)
  GraphFileInfo info;
};

/// How write_graph_file() stores the arrays.
struct GraphFileOptions {
  bool compress = false;  ///< shuffle + deflate the arrays (smaller, slower to write)
};

/// Writes `graph` (its `following` relation and node attributes; empty attribute arrays are
/// written as zeros / citizens) to `path`, replacing any file there. Callers that must not leave a
/// half-written file write a temporary name and rename it. Throws core::Error(kIo) on HDF5 or file
/// system failure, and core::Error(kInput) when a name list is shorter than the largest index.
void write_graph_file(const std::filesystem::path& path, const graph::FollowGraph& graph,
                      const GraphFileInfo& info = {}, const GraphFileOptions& options = {});

/// Reads a graph file and checks it completely: format and version attributes, array shapes,
/// offsets starting at 0, non-decreasing and ending at num_edges, targets < num_nodes, kinds < 6.
/// Rows that are not sorted are sorted. Anything wrong with the content (not HDF5, truncated,
/// another format, missing or inconsistent arrays) throws core::Error(kInput) whose location is the
/// file and whose key is the dataset or attribute at fault; a file that cannot be opened at all
/// throws kIo.
GraphFile read_graph_file(const std::filesystem::path& path);

}  // namespace dipsim::io
