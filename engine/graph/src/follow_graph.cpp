// CSR construction for the follow graph.
//
// How: (1) validate ids (parallel min-index reduction, so the reported edge is the first bad one);
// (2) place targets by row: a stream already grouped by row (every generator's output) only needs
// its row boundaries, found in one parallel pass; any other stream goes through a stable,
// atomic-free, two-level counting sort (bucket_csr below); (3) sort and de-duplicate each row in
// parallel; (4) compact with a prefix sum. The reverse relation is the same counting sort applied
// to the forward rows, which are visited in ascending order, so its rows come out sorted without
// a sort. No step depends on scheduling, so the arrays are identical for any thread count.
//
// Why: generators emit hundreds of millions of edges; a serial counting sort was the bottleneck
// of graph set-up, and a scatter with per-row atomic cursors spends its time on contended,
// cache-missing read-modify-writes. The two-level sort writes to ~2,000 sequential streams per
// pass instead (radix-partition style), then finishes each bucket in cache.
//
// Reference: the CSR build follows gapbs `src/builder.h` (S. Beamer, K. Asanović, D. Patterson,
// "The GAP Benchmark Suite", arXiv:1508.03619, 2015), with sorted, de-duplicated rows.
#include "dipsim/graph/follow_graph.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>

#include <algorithm>
#include <bit>
#include <memory>
#include <string>

#include "dipsim/core/error.hpp"

namespace dipsim::graph {

namespace {

constexpr std::size_t kEdgeGrain = 1 << 16;
constexpr NodeId kRowGrain = 2048;

/// Exclusive prefix sum of counts[0..n) into counts (size n + 1); counts[n] gets the total.
void exclusive_scan(std::vector<EdgeId>& counts) {
  EdgeId running = 0;
  for (auto& c : counts) {
    const EdgeId x = c;
    c = running;
    running += x;
  }
}

bool grouped_by_row(std::span<const Edge> edges, bool reverse) {
  if (edges.size() < 2) return true;
  return tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(1, edges.size(), kEdgeGrain), true,
      [&](const tbb::blocked_range<std::size_t>& r, bool ok) {
        if (!ok) return false;
        for (std::size_t i = r.begin(); i != r.end(); ++i) {
          const NodeId a = reverse ? edges[i - 1].to : edges[i - 1].from;
          const NodeId b = reverse ? edges[i].to : edges[i].from;
          if (b < a) return false;
        }
        return true;
      },
      [](bool a, bool b) { return a && b; });
}

/// Stable counting sort of (row, col) pairs into CSR rows without atomics. `each(c, emit)` calls
/// emit(row, col) for the pairs of chunk c in a fixed order; it is called twice per chunk (count,
/// then place). Pass 1 counts pairs per (chunk, bucket of rows); a bucket-major prefix sum gives
/// every chunk its own write cursor in every bucket; pass 2 scatters the pairs; pass 3 sorts each
/// bucket by row with a small local counting sort. Within a row, cols keep the pairs' order
/// (chunk order, then emit order). Chunks and buckets are fixed by the sizes only.
template <class Each>
Csr bucket_csr(NodeId num_nodes, std::size_t chunks, Each&& each) {
  const std::size_t n = num_nodes;
  Csr out;
  out.offsets.assign(n + 1, 0);
  if (n == 0) return out;
  const int width = static_cast<int>(std::bit_width(static_cast<std::uint64_t>(n - 1)));
  const int shift = std::max(0, width - 12);  // at most ~4,096 buckets of 2^shift rows
  const std::size_t buckets = ((n - 1) >> shift) + 1;
  std::vector<EdgeId> count(chunks * buckets, 0);  // count[c * buckets + b]
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks, 1),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t c = r.begin(); c != r.end(); ++c) {
                        EdgeId* mine = count.data() + c * buckets;
                        each(c, [&](NodeId row, NodeId) { ++mine[row >> shift]; });
                      }
                    });
  // Bucket-major exclusive prefix: cursor of chunk c in bucket b.
  std::vector<EdgeId> bucket_begin(buckets + 1, 0);
  EdgeId running = 0;
  for (std::size_t b = 0; b < buckets; ++b) {
    bucket_begin[b] = running;
    for (std::size_t c = 0; c < chunks; ++c) {
      const EdgeId k = count[c * buckets + b];
      count[c * buckets + b] = running;
      running += k;
    }
  }
  bucket_begin[buckets] = running;
  // Uninitialised staging (Edge is trivial): a std::vector would zero it serially first, which
  // at 10^8 edges costs more than the parallel scatter that overwrites it.
  std::unique_ptr<Edge[]> staged(new Edge[running]);
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, chunks, 1), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t c = r.begin(); c != r.end(); ++c) {
          EdgeId* cursor = count.data() + c * buckets;
          each(c, [&](NodeId row, NodeId col) { staged[cursor[row >> shift]++] = Edge{row, col}; });
        }
      });
  std::vector<EdgeId>().swap(count);
  out.targets.resize(running);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, buckets, 1),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      std::vector<EdgeId> local;
                      for (std::size_t b = r.begin(); b != r.end(); ++b) {
                        const std::size_t first_row = b << shift;
                        const std::size_t rows = std::min(n, (b + 1) << shift) - first_row;
                        local.assign(rows + 1, 0);
                        for (EdgeId i = bucket_begin[b]; i < bucket_begin[b + 1]; ++i) {
                          ++local[staged[i].from - first_row + 1];
                        }
                        for (std::size_t k = 0; k < rows; ++k) local[k + 1] += local[k];
                        for (std::size_t k = 0; k < rows; ++k)
                          out.offsets[first_row + k] = bucket_begin[b] + local[k];
                        for (EdgeId i = bucket_begin[b]; i < bucket_begin[b + 1]; ++i) {
                          const Edge e = staged[i];
                          out.targets[bucket_begin[b] + local[e.from - first_row]++] = e.to;
                        }
                      }
                    });
  out.offsets[n] = running;
  return out;
}

}  // namespace

std::string_view to_string(NodeKind kind) {
  switch (kind) {
    case NodeKind::kCitizen:
      return "citizen";
    case NodeKind::kOfficial:
      return "official";
    case NodeKind::kOutlet:
      return "outlet";
    case NodeKind::kInfluencer:
      return "influencer";
    case NodeKind::kFactChecker:
      return "fact_checker";
    case NodeKind::kBot:
      return "bot";
  }
  return "unknown";
}

std::size_t FollowGraph::bytes() const {
  return following.bytes() + followers.bytes() + country.size() * sizeof(std::uint16_t) +
         community.size() * sizeof(std::uint32_t) + kind.size() * sizeof(NodeKind);
}

Csr make_csr(NodeId num_nodes, std::span<const Edge> edges, bool reverse,
             const BuildOptions& options) {
  const std::size_t m = edges.size();
  // (1) The first edge naming a node outside [0, num_nodes), if any.
  const std::size_t bad = tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, m, kEdgeGrain), m,
      [&](const tbb::blocked_range<std::size_t>& r, std::size_t first) {
        for (std::size_t i = r.begin(); i != r.end() && i < first; ++i) {
          if (edges[i].from >= num_nodes || edges[i].to >= num_nodes) return i;
        }
        return first;
      },
      [](std::size_t a, std::size_t b) { return std::min(a, b); });
  if (bad != m) {
    throw core::Error(core::ErrorKind::kInput,
                      "edge #" + std::to_string(bad) + " " + std::to_string(edges[bad].from) +
                          " -> " + std::to_string(edges[bad].to) + " names a node outside [0, " +
                          std::to_string(num_nodes) + ")");
  }
  const bool drop_loops = !options.keep_self_loops;
  auto row_of = [&](const Edge& e) { return reverse ? e.to : e.from; };
  auto col_of = [&](const Edge& e) { return reverse ? e.from : e.to; };

  const std::size_t n = num_nodes;
  std::vector<EdgeId> offsets(n + 1, 0);
  std::vector<NodeId> targets;
  if (grouped_by_row(edges, reverse)) {
    // (2') Grouped stream: offsets[v] = index of the first edge with row >= v (before self-loop
    // removal); self-loops are dropped later together with duplicates.
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, m, kEdgeGrain),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t i = r.begin(); i != r.end(); ++i) {
                          const NodeId lo = i == 0 ? 0 : row_of(edges[i - 1]) + 1;
                          const NodeId hi = row_of(edges[i]);
                          if (i == 0 || hi != row_of(edges[i - 1])) {
                            for (NodeId v = lo; v <= hi; ++v) offsets[v] = i;
                          }
                        }
                      });
    const NodeId last_row = m == 0 ? 0 : row_of(edges[m - 1]) + 1;
    for (std::size_t v = m == 0 ? 0 : last_row; v <= n; ++v) offsets[v] = m;
    targets.resize(m);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, m, kEdgeGrain),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t i = r.begin(); i != r.end(); ++i) {
                          targets[i] = col_of(edges[i]);
                        }
                      });
  } else {
    // (2') Any other order: stable bucketed counting sort by row (self-loops dropped here).
    const std::size_t chunks = (m + kEdgeGrain - 1) / kEdgeGrain;
    Csr placed = bucket_csr(num_nodes, chunks, [&](std::size_t c, auto&& emit) {
      const std::size_t end = std::min(m, (c + 1) * kEdgeGrain);
      for (std::size_t i = c * kEdgeGrain; i < end; ++i) {
        const Edge e = edges[i];
        if (drop_loops && e.from == e.to) continue;
        emit(row_of(e), col_of(e));
      }
    });
    offsets = std::move(placed.offsets);
    targets = std::move(placed.targets);
  }

  // (3) Sort each row, drop self-loops (grouped path) and duplicates per options.
  std::vector<EdgeId> kept(n + 1, 0);
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, num_nodes, kRowGrain),
                    [&](const tbb::blocked_range<NodeId>& r) {
                      for (NodeId v = r.begin(); v != r.end(); ++v) {
                        NodeId* first = targets.data() + offsets[v];
                        NodeId* last = targets.data() + offsets[v + 1];
                        if (drop_loops) last = std::remove(first, last, v);
                        std::sort(first, last);
                        if (!options.keep_duplicates) last = std::unique(first, last);
                        kept[v] = static_cast<EdgeId>(last - first);
                      }
                    });
  // (4) Compact.
  exclusive_scan(kept);
  Csr csr;
  if (kept[n] == targets.size()) {
    csr.offsets = std::move(offsets);
    csr.targets = std::move(targets);
    return csr;
  }
  csr.targets.resize(kept[n]);
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, num_nodes, kRowGrain),
                    [&](const tbb::blocked_range<NodeId>& r) {
                      for (NodeId v = r.begin(); v != r.end(); ++v) {
                        std::copy_n(targets.data() + offsets[v], kept[v + 1] - kept[v],
                                    csr.targets.data() + kept[v]);
                      }
                    });
  csr.offsets = std::move(kept);
  return csr;
}

void build_csr(FollowGraph& graph, NodeId num_nodes, std::vector<Edge> edges,
               const BuildOptions& options) {
  auto fit = [&](auto& attribute, auto value, const char* name) {
    if (attribute.empty()) {
      attribute.assign(num_nodes, value);
    } else if (attribute.size() != num_nodes) {
      throw core::Error(core::ErrorKind::kInput,
                        std::string("node attribute '") + name + "' has " +
                            std::to_string(attribute.size()) + " entries, expected " +
                            std::to_string(num_nodes) + " (one per node) or none",
                        core::InputLocation{"", 0, 0, name});
    }
  };
  fit(graph.country, std::uint16_t{0}, "country");
  fit(graph.community, std::uint32_t{0}, "community");
  fit(graph.kind, NodeKind::kCitizen, "kind");
  graph.following = make_csr(num_nodes, edges, /*reverse=*/false, options);
  std::vector<Edge>().swap(edges);  // the stream is ours: free it before the reverse relation
  if (options.build_followers) {
    graph.followers = transpose(graph.following);
  } else {
    graph.followers = Csr{};
  }
}

FollowGraph make_follow_graph(NodeId num_nodes, std::vector<Edge> edges,
                              const BuildOptions& options) {
  FollowGraph graph;
  build_csr(graph, num_nodes, std::move(edges), options);
  return graph;
}

std::vector<Edge> edges_of(const Csr& csr, bool reverse) {
  std::vector<Edge> edges(csr.num_edges());
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, csr.num_nodes(), kRowGrain),
                    [&](const tbb::blocked_range<NodeId>& r) {
                      for (NodeId v = r.begin(); v != r.end(); ++v) {
                        EdgeId i = csr.offsets[v];
                        for (NodeId t : csr.row(v)) {
                          edges[i++] = reverse ? Edge{t, v} : Edge{v, t};
                        }
                      }
                    });
  return edges;
}

Csr transpose(const Csr& csr) {
  if (csr.empty()) return Csr{};
  // Forward rows are visited in ascending order and each row's targets ascending, so the
  // stable counting sort leaves every reverse row sorted.
  const NodeId n = csr.num_nodes();
  constexpr NodeId kRowsPerChunk = 8192;
  const std::size_t chunks = (static_cast<std::size_t>(n) + kRowsPerChunk - 1) / kRowsPerChunk;
  return bucket_csr(n, chunks, [&](std::size_t c, auto&& emit) {
    const NodeId first = static_cast<NodeId>(c * kRowsPerChunk);
    const NodeId last = static_cast<NodeId>(std::min<std::size_t>(n, (c + 1) * kRowsPerChunk));
    for (NodeId v = first; v < last; ++v) {
      for (NodeId t : csr.row(v)) emit(t, v);
    }
  });
}

void ensure_followers(FollowGraph& graph) {
  if (graph.followers.empty() && !graph.following.empty()) {
    graph.followers = transpose(graph.following);
  }
}

}  // namespace dipsim::graph
