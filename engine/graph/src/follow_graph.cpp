// CSR construction: counting sort of the edge stream by row, then a parallel per-row sort and
// de-duplication. Rows end sorted, so the graph is independent of edge order and thread count.
#include "dipsim/graph/follow_graph.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <string>

#include "dipsim/core/error.hpp"

namespace dipsim::graph {

std::string_view to_string(NodeKind kind) {
  switch (kind) {
    case NodeKind::kCitizen: return "citizen";
    case NodeKind::kOfficial: return "official";
    case NodeKind::kOutlet: return "outlet";
    case NodeKind::kInfluencer: return "influencer";
    case NodeKind::kFactChecker: return "fact_checker";
    case NodeKind::kBot: return "bot";
  }
  return "unknown";
}

std::size_t FollowGraph::bytes() const {
  return following.bytes() + followers.bytes() + country.size() * sizeof(std::uint16_t) +
         community.size() * sizeof(std::uint32_t) + kind.size() * sizeof(NodeKind);
}

Csr make_csr(NodeId num_nodes, std::span<const Edge> edges, bool reverse,
             const BuildOptions& options) {
  Csr csr;
  std::vector<EdgeId> counts(static_cast<std::size_t>(num_nodes) + 1, 0);
  for (const Edge& e : edges) {
    if (e.from >= num_nodes || e.to >= num_nodes) {
      throw core::Error(core::ErrorKind::kInput,
                        "edge " + std::to_string(e.from) + " -> " + std::to_string(e.to) +
                            " names a node outside [0, " + std::to_string(num_nodes) + ")");
    }
    if (!options.keep_self_loops && e.from == e.to) continue;
    ++counts[reverse ? e.to : e.from];
  }
  // Exclusive prefix sum into offsets.
  std::vector<EdgeId> offsets(counts.size(), 0);
  EdgeId running = 0;
  for (std::size_t v = 0; v < num_nodes; ++v) {
    offsets[v] = running;
    running += counts[v];
  }
  offsets[num_nodes] = running;
  std::vector<NodeId> targets(running);
  std::vector<EdgeId> cursor(offsets.begin(), offsets.end() - 1);
  for (const Edge& e : edges) {
    if (!options.keep_self_loops && e.from == e.to) continue;
    const NodeId row = reverse ? e.to : e.from;
    targets[cursor[row]++] = reverse ? e.from : e.to;
  }
  // Sort (and de-duplicate) each row in parallel; record the new row lengths.
  std::vector<EdgeId> kept(num_nodes, 0);
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, num_nodes, 4096),
                    [&](const tbb::blocked_range<NodeId>& r) {
                      for (NodeId v = r.begin(); v != r.end(); ++v) {
                        auto* first = targets.data() + offsets[v];
                        auto* last = targets.data() + offsets[v + 1];
                        std::sort(first, last);
                        if (!options.keep_duplicates) last = std::unique(first, last);
                        kept[v] = static_cast<EdgeId>(last - first);
                      }
                    });
  csr.offsets.assign(static_cast<std::size_t>(num_nodes) + 1, 0);
  EdgeId total = 0;
  for (NodeId v = 0; v < num_nodes; ++v) {
    csr.offsets[v] = total;
    total += kept[v];
  }
  csr.offsets[num_nodes] = total;
  if (total == targets.size()) {
    csr.targets = std::move(targets);
  } else {
    csr.targets.resize(total);
    tbb::parallel_for(tbb::blocked_range<NodeId>(0, num_nodes, 4096),
                      [&](const tbb::blocked_range<NodeId>& r) {
                        for (NodeId v = r.begin(); v != r.end(); ++v) {
                          std::copy_n(targets.data() + offsets[v], kept[v],
                                      csr.targets.data() + csr.offsets[v]);
                        }
                      });
  }
  return csr;
}

void build_csr(FollowGraph& graph, NodeId num_nodes, std::vector<Edge> edges,
               const BuildOptions& options) {
  graph.following = make_csr(num_nodes, edges, /*reverse=*/false, options);
  if (options.build_followers) {
    graph.followers = make_csr(num_nodes, edges, /*reverse=*/true, options);
  } else {
    graph.followers = Csr{};
  }
}

}  // namespace dipsim::graph
