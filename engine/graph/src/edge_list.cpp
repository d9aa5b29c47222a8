// SNAP-style edge-list reader and writer; see graph_io.hpp.
//
// How: the file is read whole and scanned once with std::from_chars, line by line, keeping the
// line number and the column of each token for errors; ids are then mapped to dense ids (sorted,
// first appearance or identity) and the CSR is built in parallel.
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

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

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

LoadedGraph parse_edge_list(std::string_view text, std::string_view source_name,
                            const EdgeListOptions& options) {
  std::vector<NodeId> ids;  // raw ids, two per edge record
  std::uint32_t line_no = 0;
  std::size_t pos = 0;
  const std::size_t size = text.size();
  while (pos < size) {
    ++line_no;
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = size;
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
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
      NodeId max_id = 0;
      for (NodeId id : ids) max_id = std::max(max_id, id);
      num_nodes = ids.empty() ? 0 : max_id - base + 1;
      num_nodes = std::max(num_nodes, options.num_nodes);
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
  const std::string text = detail::read_whole_file(path);
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
