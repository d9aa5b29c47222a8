// dipsim graph files (layout in graph_file.hpp and docs/cli.md): written with the RAII HDF5 layer,
// read back with every array checked before it becomes a FollowGraph, so a damaged or foreign file
// is reported as bad input naming the file and the dataset, never as a crash later.
#include "dipsim/io/graph_file.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <span>

#include "dipsim/core/error.hpp"
#include "dipsim/core/text.hpp"
#include "dipsim/core/version.hpp"
#include "dipsim/io/hdf5.hpp"

namespace dipsim::io {
namespace fs = std::filesystem;

namespace {

constexpr const char* kKindLegend =
    "0=citizen 1=official 2=outlet 3=influencer 4=fact_checker 5=bot";

[[noreturn]] void bad_file(const fs::path& path, const std::string& key,
                           const std::string& message) {
  throw core::Error(core::ErrorKind::kInput, message,
                    core::InputLocation{path.string(), 0, 0, key});
}

/// A 1-D dataset in `group` attached to the dimension `scale`.
template <h5::Number T>
void write_column(const h5::Group& group, const std::string& name, std::span<const T> data,
                  const h5::Dataset& scale, const h5::DatasetOptions& options) {
  const h5::Dataset dataset = h5::write_array<T>(group, name, data, options);
  h5::attach_scale(dataset, scale, 0);
}

/// A string coordinate `labels/<name>` (dimension `name`), when there are names.
void write_labels(const h5::File& file, const std::string& name,
                  const std::vector<std::string>& labels) {
  if (labels.empty()) return;
  const h5::Group group = h5::require_group(file, "labels");
  const h5::Dataset dataset = h5::write_strings(group, name, labels);
  h5::make_scale(dataset, name);
}

/// Reads a 1-D numeric dataset of `expected` elements; `path` is its name in the file.
template <h5::Number T>
std::vector<T> read_column(const h5::File& file, const fs::path& source, const std::string& path,
                           std::uint64_t expected) {
  if (!h5::exists(file, path)) {
    bad_file(source, path, "not a complete dipsim graph file: dataset '" + path + "' is missing");
  }
  const h5::Dataset dataset = h5::open_dataset(file, path);
  const std::vector<hsize_t> shape = h5::dataset_shape(dataset);
  if (shape.size() != 1 || shape[0] != expected) {
    std::string got = "a scalar";
    if (!shape.empty()) {
      got.clear();
      for (std::size_t i = 0; i < shape.size(); ++i) {
        got += (i ? " x " : "") + std::to_string(shape[i]);
      }
    }
    bad_file(source, path,
             "expected a 1-D array of " + std::to_string(expected) + " values, got shape " + got);
  }
  return h5::read_array<T>(dataset);
}

std::vector<std::string> read_labels(const h5::File& file, const std::string& name) {
  const std::string path = "labels/" + name;
  if (!h5::exists(file, path)) return {};
  return h5::read_strings(h5::open_dataset(file, path));
}

GraphFile read_checked(const fs::path& path) {
  if (!h5::is_hdf5_file(path)) {
    bad_file(path, "",
             "not a dipsim graph file: not an HDF5 file (expected an .h5 file written by "
             "`dipsim graph generate` or `dipsim graph convert`)");
  }
  const h5::File file = h5::open_file(path, false);
  if (!h5::has_attribute(file, "format")) {
    bad_file(path, "format",
             "not a dipsim graph file: an HDF5 file without the root attribute format = \"" +
                 std::string(kGraphFileFormat) + "\"" +
                 (h5::has_attribute(file, "status") ? " (it looks like a run file; its graph is "
                                                      "in the group 'graph')"
                                                    : ""));
  }
  const std::string format = h5::read_string_attribute(file, "format");
  if (format != kGraphFileFormat) {
    bad_file(path, "format",
             "not a dipsim graph file: root attribute format is " + core::quote(format) +
                 ", expected \"" + std::string(kGraphFileFormat) + "\"");
  }
  if (!h5::has_attribute(file, "version")) {
    bad_file(path, "version", "the root attribute 'version' is missing");
  }
  const std::int64_t version = h5::read_int64_attribute(file, "version");
  if (version != kGraphFileVersion) {
    bad_file(path, "version",
             "graph file version " + std::to_string(version) +
                 " is not supported by this dipsim (it reads version " +
                 std::to_string(kGraphFileVersion) + ")");
  }
  for (const char* key : {"num_nodes", "num_edges"}) {
    if (!h5::has_attribute(file, key)) {
      bad_file(path, key, "the root attribute '" + std::string(key) + "' is missing");
    }
  }
  const std::uint64_t n = h5::read_uint64_attribute(file, "num_nodes");
  const std::uint64_t m = h5::read_uint64_attribute(file, "num_edges");
  if (n >= std::numeric_limits<NodeId>::max()) {
    bad_file(path, "num_nodes",
             "expected fewer than 2^32 - 1 nodes, got " + std::to_string(n) + " nodes");
  }

  GraphFile out;
  graph::Csr& csr = out.graph.following;
  csr.offsets = read_column<std::uint64_t>(file, path, "following/offsets", n + 1);
  csr.targets = read_column<std::uint32_t>(file, path, "following/targets", m);
  if (csr.offsets.front() != 0 || csr.offsets.back() != m) {
    bad_file(path, "following/offsets",
             "expected offsets from 0 to num_edges = " + std::to_string(m) + ", got " +
                 std::to_string(csr.offsets.front()) + " to " + std::to_string(csr.offsets.back()));
  }
  for (std::uint64_t v = 0; v < n; ++v) {
    if (csr.offsets[v + 1] < csr.offsets[v]) {
      bad_file(path, "following/offsets",
               "expected non-decreasing offsets, got " + std::to_string(csr.offsets[v]) + " then " +
                   std::to_string(csr.offsets[v + 1]) + " at node " + std::to_string(v));
    }
  }
  for (std::uint64_t e = 0; e < m; ++e) {
    if (csr.targets[e] >= n) {
      bad_file(path, "following/targets",
               "expected node ids below num_nodes = " + std::to_string(n) + ", got " +
                   std::to_string(csr.targets[e]) + " at edge " + std::to_string(e));
    }
  }
  for (NodeId v = 0; v < static_cast<NodeId>(n); ++v) {
    const auto begin = csr.targets.begin() + static_cast<std::ptrdiff_t>(csr.offsets[v]);
    const auto end = csr.targets.begin() + static_cast<std::ptrdiff_t>(csr.offsets[v + 1]);
    if (!std::is_sorted(begin, end)) std::sort(begin, end);
  }

  out.graph.country = read_column<std::uint16_t>(file, path, "node/country", n);
  out.graph.community = read_column<std::uint32_t>(file, path, "node/community", n);
  const std::vector<std::uint8_t> kinds = read_column<std::uint8_t>(file, path, "node/kind", n);
  out.graph.kind.resize(n);
  for (std::uint64_t v = 0; v < n; ++v) {
    if (kinds[v] >= graph::kNumNodeKinds) {
      bad_file(path, "node/kind",
               "expected a kind in [0, " + std::to_string(graph::kNumNodeKinds - 1) + "] (" +
                   kKindLegend + "), got " + std::to_string(kinds[v]) + " at node " +
                   std::to_string(v));
    }
    out.graph.kind[v] = static_cast<graph::NodeKind>(kinds[v]);
  }
  out.info.country_names = read_labels(file, "country");
  out.info.community_names = read_labels(file, "community");
  if (h5::has_attribute(file, "source")) {
    out.info.source = h5::read_string_attribute(file, "source");
  }
  return out;
}

}  // namespace

void write_graph_file(const fs::path& path, const graph::FollowGraph& graph,
                      const GraphFileInfo& info, const GraphFileOptions& options) {
  const NodeId n = graph.num_nodes();
  const graph::Csr& csr = graph.following;
  if (csr.num_nodes() != n || (!graph.country.empty() && graph.country.size() != n) ||
      (!graph.community.empty() && graph.community.size() != n)) {
    throw core::Error(core::ErrorKind::kInternal,
                      "cannot write graph file: the CSR and node attributes disagree on the "
                      "number of nodes",
                      core::InputLocation{path.string(), 0, 0, ""});
  }
  h5::DatasetOptions data_options;
  data_options.compress = options.compress;

  h5::File file = h5::create_file(path, h5::CreateMode::kTruncate);
  h5::write_attribute(file, "format", kGraphFileFormat);
  h5::write_attribute(file, "version", kGraphFileVersion);
  h5::write_attribute(file, "num_nodes", static_cast<std::uint64_t>(n));
  h5::write_attribute(file, "num_edges", static_cast<std::uint64_t>(csr.num_edges()));
  h5::write_attribute(file, "dipsim_version", core::version());
  h5::write_attribute(file, "git_revision", core::git_revision());
  h5::write_attribute(file, "source", info.source);
  {
    const h5::Group following = h5::create_group(file, "following");
    h5::write_attribute(following, "description",
                        std::string_view("CSR of the follow relation: node u follows "
                                         "targets[offsets[u]:offsets[u+1]]"));
    const h5::Dataset offset_dim = h5::create_dimension(following, "offset", n + hsize_t{1}, false);
    const h5::Dataset edge_dim = h5::create_dimension(following, "edge", csr.num_edges(), false);
    const std::vector<EdgeId> no_rows{0};  // an unbuilt CSR of an empty graph
    write_column<std::uint64_t>(following, "offsets", csr.offsets.empty() ? no_rows : csr.offsets,
                                offset_dim, data_options);
    write_column<std::uint32_t>(following, "targets", csr.targets, edge_dim, data_options);
  }
  {
    const h5::Group node = h5::create_group(file, "node");
    const h5::Dataset node_dim = h5::create_dimension(node, "node", n, false);
    const std::vector<std::uint16_t> zeros16(graph.country.empty() ? n : 0, 0);
    const std::vector<std::uint32_t> zeros32(graph.community.empty() ? n : 0, 0);
    write_column<std::uint16_t>(node, "country", graph.country.empty() ? zeros16 : graph.country,
                                node_dim, data_options);
    write_column<std::uint32_t>(node, "community",
                                graph.community.empty() ? zeros32 : graph.community, node_dim,
                                data_options);
    std::vector<std::uint8_t> kinds(n);
    for (NodeId v = 0; v < n; ++v) kinds[v] = static_cast<std::uint8_t>(graph.kind[v]);
    const h5::Dataset kind = h5::write_array<std::uint8_t>(node, "kind", kinds, data_options);
    h5::attach_scale(kind, node_dim, 0);
    h5::write_attribute(kind, "legend", std::string_view(kKindLegend));
  }
  write_labels(file, "country", info.country_names);
  write_labels(file, "community", info.community_names);
  h5::close_file(file);
}

GraphFile read_graph_file(const fs::path& path) {
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) {
      throw core::Error(core::ErrorKind::kIo, "cannot open graph file for reading",
                        core::InputLocation{path.string(), 0, 0, ""});
    }
  }
  try {
    return read_checked(path);
  } catch (const core::Error& e) {
    if (e.kind() != core::ErrorKind::kIo) throw;
    // The file opened, so an HDF5 failure means its content is damaged (e.g. truncated).
    bad_file(path, e.where().key,
             "not a readable dipsim graph file (truncated or damaged?): " + e.message());
  }
}

}  // namespace dipsim::io
