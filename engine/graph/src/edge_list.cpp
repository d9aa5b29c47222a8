// SNAP-style edge-list reader and writer; see graph_io.hpp.
//
// How: the file is read whole and scanned once with std::from_chars, line by line, keeping the
// line number and the column of each token for errors; ids are then mapped to dense ids (sorted,
// first appearance or identity) and the CSR is built in parallel.
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <ostream>
#include <unordered_map>

#include "dipsim/core/text.hpp"
#include "dipsim/graph/graph_io.hpp"
#include "io_common.hpp"

namespace dipsim::graph {

namespace {

constexpr std::uint64_t kMaxId = kNoNode - 1;  // 4294967294: ids must fit 32 bits

/// Longest line accepted: a `u v` pair, even with a few extra columns, is far shorter. A longer
/// line means the file is not an edge list (binary data, or text without line breaks); reading
/// stops there, so such a file costs at most this much memory, not its whole size.
constexpr std::size_t kMaxLineBytes = std::size_t{1} << 20;

[[noreturn]] void line_too_long(std::string_view source_name, std::uint32_t line_no) {
  detail::input_error(source_name, line_no, static_cast<std::uint32_t>(kMaxLineBytes + 1),
                      "line " + std::to_string(line_no) + " is longer than " +
                          std::to_string(kMaxLineBytes) +
                          " bytes; expected one 'follower followed' pair of node ids per line "
                          "(is this an edge list?)");
}

/// Bytes of memory on this machine (0 when unknown).
std::uint64_t physical_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0
             ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page)
             : 0;
}

/// Bytes per node of a graph read with the identity mapping: two CSR offsets (following and
/// followers), the original id and the node attributes (country, community, kind).
constexpr std::uint64_t kBytesPerIdentityNode = 2 * sizeof(EdgeId) + sizeof(std::int64_t) +
                                                sizeof(std::uint16_t) + sizeof(std::uint32_t) +
                                                sizeof(NodeKind);

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

LoadedGraph parse_edge_list(std::string_view text, std::string_view source_name,
                            const EdgeListOptions& options) {
  std::vector<NodeId> ids;  // raw ids, two per edge record
  struct {
    NodeId id = 0;
    std::uint32_t line = 0, column = 0;
  } max_id;  // the largest id and where it is (for the identity mapping's size check)
  std::uint32_t line_no = 0;
  std::size_t pos = 0;
  const std::size_t size = text.size();
  while (pos < size) {
    ++line_no;
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = size;
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.size() > kMaxLineBytes) line_too_long(source_name, line_no);
    std::size_t i = 0;
    while (i < line.size() && is_space(line[i])) ++i;
    if (i == line.size() || line[i] == '#' || line[i] == '%') continue;
    int tokens = 0;
    while (i < line.size()) {
      const std::size_t begin = i;
      while (i < line.size() && !is_space(line[i])) ++i;
      const std::string_view token = line.substr(begin, i - begin);
      const auto column = static_cast<std::uint32_t>(begin + 1);
      if (tokens == 2) {
        if (!options.ignore_extra_columns) {
          detail::input_error(source_name, line_no, column,
                              "expected two node ids per line, got a third token " +
                                  core::quote(token) +
                                  " (set ignore_extra_columns to skip weights or timestamps)");
        }
        break;
      }
      std::uint64_t id = 0;
      const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), id);
      if (ec == std::errc::result_out_of_range ||
          (ec == std::errc() && ptr == token.data() + token.size() && id > kMaxId)) {
        detail::input_error(
            source_name, line_no, column,
            "node id " + core::quote(token) +
                " does not fit 32 bits; expected an id <= " + std::to_string(kMaxId));
      }
      if (ec != std::errc() || ptr != token.data() + token.size()) {
        detail::input_error(source_name, line_no, column,
                            "expected a node id (an unsigned integer), got " + core::quote(token));
      }
      if (options.one_based && id == 0) {
        detail::input_error(source_name, line_no, column,
                            "node id 0 in a file read as one-based; expected ids >= 1 (or read "
                            "it as zero-based)");
      }
      if (ids.empty() || id > max_id.id) max_id = {static_cast<NodeId>(id), line_no, column};
      ids.push_back(static_cast<NodeId>(id));
      ++tokens;
      while (i < line.size() && is_space(line[i])) ++i;
    }
    if (tokens == 1) {
      detail::input_error(source_name, line_no, static_cast<std::uint32_t>(line.size() + 1),
                          "expected two node ids per line (follower followed), got one");
    }
  }

  LoadedGraph out;
  const std::size_t records = ids.size() / 2;
  out.edges_read = records;
  for (std::size_t e = 0; e < records; ++e) out.self_loops_read += ids[2 * e] == ids[2 * e + 1];

  // Dense ids.
  std::vector<NodeId> dense(ids.size());
  NodeId num_nodes = 0;
  const NodeId base = options.one_based ? 1 : 0;
  switch (options.mapping) {
    case IdMapping::kIdentity: {
      num_nodes = ids.empty() ? 0 : max_id.id - base + 1;
      num_nodes = std::max(num_nodes, options.num_nodes);
      // Identity keeps every id below the largest as a node, so one large id in a small file asks
      // for billions of nodes; refuse what this machine cannot hold before allocating it.
      const std::uint64_t need = std::uint64_t{num_nodes} * kBytesPerIdentityNode;
      const std::uint64_t have = physical_memory();
      if (have > 0 && need > have) {
        throw core::Error(
            core::ErrorKind::kResource,
            "with the identity mapping the largest node id " + std::to_string(max_id.id) +
                " makes " + std::to_string(num_nodes) + " nodes, which need about " +
                std::to_string(need >> 30) + " GiB, more than this machine's " +
                std::to_string(have >> 30) +
                " GiB of memory; read the file with the sorted mapping (ids renumbered densely)",
            core::InputLocation{std::string(source_name), max_id.line, max_id.column, ""});
      }
      for (std::size_t i = 0; i < ids.size(); ++i) dense[i] = ids[i] - base;
      out.original_ids.resize(num_nodes);
      for (NodeId v = 0; v < num_nodes; ++v)
        out.original_ids[v] = static_cast<std::int64_t>(v) + base;
      break;
    }
    case IdMapping::kSorted: {
      std::vector<NodeId> distinct(ids);
      tbb::parallel_sort(distinct.begin(), distinct.end());
      distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
      num_nodes = static_cast<NodeId>(distinct.size());
      tbb::parallel_for(std::size_t{0}, ids.size(), [&](std::size_t i) {
        dense[i] = static_cast<NodeId>(std::lower_bound(distinct.begin(), distinct.end(), ids[i]) -
                                       distinct.begin());
      });
      out.original_ids.assign(distinct.begin(), distinct.end());
      break;
    }
    case IdMapping::kFirstAppearance: {
      std::unordered_map<NodeId, NodeId> index;
      index.reserve(ids.size() / 4 + 16);
      for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto [it, inserted] = index.try_emplace(ids[i], static_cast<NodeId>(index.size()));
        if (inserted) out.original_ids.push_back(ids[i]);
        dense[i] = it->second;
      }
      num_nodes = static_cast<NodeId>(index.size());
      break;
    }
  }
  std::vector<NodeId>().swap(ids);

  std::vector<Edge> edges;
  edges.reserve(options.directed ? records : 2 * records);
  for (std::size_t e = 0; e < records; ++e) {
    edges.push_back(Edge{dense[2 * e], dense[2 * e + 1]});
    if (!options.directed) edges.push_back(Edge{dense[2 * e + 1], dense[2 * e]});
  }
  build_csr(out.graph, num_nodes, std::move(edges), options.build);
  return out;
}

LoadedGraph read_edge_list(const std::filesystem::path& path, const EdgeListOptions& options) {
  // Read in blocks, checking line lengths as they arrive: a file that is not an edge list (one
  // endless line) fails after kMaxLineBytes instead of being read whole first.
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw core::Error(core::ErrorKind::kIo, "cannot open graph file for reading",
                      core::InputLocation{path.string(), 0, 0, ""});
  }
  std::string text;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec) text.reserve(static_cast<std::size_t>(size));
  std::vector<char> block(std::size_t{1} << 20);
  std::size_t line_length = 0;
  std::uint32_t line_no = 1;
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    for (std::size_t i = 0; i < got; ++i) {
      if (block[i] == '\n') {
        line_length = 0;
        ++line_no;
      } else if (++line_length > kMaxLineBytes) {
        line_too_long(path.string(), line_no);
      }
    }
    text.append(block.data(), got);
  }
  if (in.bad()) {
    throw core::Error(core::ErrorKind::kIo, "read error",
                      core::InputLocation{path.string(), 0, 0, ""});
  }
  return parse_edge_list(text, path.string(), options);
}

void write_edge_list(const FollowGraph& graph, std::ostream& out) {
  out << "# dipsim follow graph: " << graph.following.num_nodes() << " nodes, "
      << graph.following.num_edges() << " edges\n"
      << "# one 'follower followed' pair per line (the follower reads the followed account); "
         "0-based ids\n";
  std::string buffer;
  buffer.reserve(1 << 20);
  char number[16];
  const NodeId n = graph.following.num_nodes();
  for (NodeId u = 0; u < n; ++u) {
    for (NodeId v : graph.following.row(u)) {
      auto r = std::to_chars(number, number + sizeof number, u);
      buffer.append(number, r.ptr);
      buffer.push_back(' ');
      r = std::to_chars(number, number + sizeof number, v);
      buffer.append(number, r.ptr);
      buffer.push_back('\n');
      if (buffer.size() > (1 << 20) - 32) {
        out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        buffer.clear();
      }
    }
  }
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
}

void write_edge_list(const FollowGraph& graph, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    throw core::Error(core::ErrorKind::kIo, "cannot open file for writing",
                      core::InputLocation{path.string(), 0, 0, ""});
  }
  write_edge_list(graph, out);
  out.flush();
  if (!out) {
    throw core::Error(core::ErrorKind::kIo, "write error",
                      core::InputLocation{path.string(), 0, 0, ""});
  }
}

}  // namespace dipsim::graph
