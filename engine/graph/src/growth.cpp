// Preferential growth kernel (Barabási–Albert and Holme–Kim) on a repeated-endpoints array.
//
// How: endpoints[2e] is the node that made link e and endpoints[2e + 1] its target, so a uniform
// index below 2E is a node drawn proportionally to its degree (Batagelj & Brandes 2005). New node
// v draws from CounterRng(seed, stream, v, 0) only; the process is serial by nature (each step
// reads the previous ones), so it is deterministic whatever the thread count.
//
// Why serial: parallel preferential attachment needs either approximation or a copy-model
// dependency resolution (Sanders & Schulz 2016); a serial kernel at ~10^7 links/s builds a
// 10^7-node graph in seconds, which the simulator's set-up can afford.
#include "growth.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>

#include "dipsim/core/rng.hpp"
#include "sampling.hpp"

namespace dipsim::graph::detail {

namespace {

/// A uniform neighbour of `nbrs` that is not among v's targets so far (targets[0..count) with
/// stride 2), or kNoNode when there is none. Rejection first, enumeration when it keeps failing,
/// so the result is uniform over the eligible neighbours.
NodeId triad_pick(const std::vector<NodeId>& nbrs, const NodeId* targets, std::size_t count,
                  core::CounterRng& rng) {
  if (nbrs.empty()) return kNoNode;
  const auto size = static_cast<std::uint32_t>(nbrs.size());
  for (int attempt = 0; attempt < 4; ++attempt) {
    const NodeId w = nbrs[rng.below(size)];
    if (!contains_strided(targets, count, 2, w)) return w;
  }
  std::uint32_t eligible = 0;
  for (NodeId w : nbrs) eligible += contains_strided(targets, count, 2, w) ? 0u : 1u;
  if (eligible == 0) return kNoNode;
  std::uint32_t k = rng.below(eligible);
  for (NodeId w : nbrs) {
    if (contains_strided(targets, count, 2, w)) continue;
    if (k-- == 0) return w;
  }
  return kNoNode;
}

/// Barabási–Albert growth with software prefetching. A node's first m draws depend only on its
/// RNG key and on the number of links before it, not on the array's content, so they are drawn
/// kAhead nodes early and the entries they will read are prefetched; redraws after a duplicate
/// continue the same RNG. The distribution is unchanged (every draw is an independent uniform
/// index); the point is to overlap the cache misses of the random reads.
void ba_growth(std::vector<NodeId>& ep, NodeId n, NodeId m, NodeId seed_nodes, std::uint64_t star,
               std::uint64_t seed, std::uint32_t stream) {
  constexpr NodeId kAhead = 16;
  struct Slot {
    core::CounterRng rng{0, 0, 0, 0};
    std::uint64_t range = 0;
  };
  std::vector<Slot> slots(kAhead);
  std::vector<std::uint64_t> candidates(static_cast<std::size_t>(kAhead) * m);
  const bool use_marks = m > 32;
  std::vector<NodeId> mark(use_marks ? n : 0, kNoNode);
  auto links_before = [&](NodeId v) {
    return star + static_cast<std::uint64_t>(v - seed_nodes) * m;
  };
  auto prepare = [&](NodeId w) {
    Slot& slot = slots[w % kAhead];
    slot.rng = core::CounterRng(seed, stream, w, 0);
    slot.range = 2 * links_before(w);
    std::uint64_t* cand = candidates.data() + static_cast<std::size_t>(w % kAhead) * m;
    for (NodeId i = 0; i < m; ++i) {
      cand[i] = below64(slot.rng, slot.range);
      __builtin_prefetch(ep.data() + cand[i]);
    }
  };
  for (NodeId w = seed_nodes; w < n && w < seed_nodes + kAhead; ++w) prepare(w);
  for (NodeId v = seed_nodes; v < n; ++v) {
    Slot& slot = slots[v % kAhead];
    const std::uint64_t* cand = candidates.data() + static_cast<std::size_t>(v % kAhead) * m;
    NodeId* pair = ep.data() + 2 * links_before(v);
    const NodeId* targets = pair + 1;
    for (std::size_t i = 0; i < m; ++i) {
      NodeId t = ep[cand[i]];
      auto taken = [&](NodeId x) {
        return use_marks ? mark[x] == v : contains_strided(targets, i, 2, x);
      };
      while (taken(t)) t = ep[below64(slot.rng, slot.range)];
      pair[2 * i] = v;
      pair[2 * i + 1] = t;
      if (use_marks) mark[t] = v;
    }
    if (v + kAhead < n) prepare(v + kAhead);
  }
}

}  // namespace

std::vector<NodeId> preferential_growth(NodeId n, NodeId m, double triad_p, std::uint64_t seed,
                                        std::uint32_t stream) {
  if (n < 2) return {};
  const NodeId seed_nodes = std::min<NodeId>(n, m + 1);
  const std::uint64_t star = seed_nodes - 1;
  const std::uint64_t grown = n > m + 1 ? static_cast<std::uint64_t>(n - m - 1) * m : 0;
  std::vector<NodeId> ep(2 * (star + grown));
  const bool triads = triad_p > 0.0;
  std::vector<std::vector<NodeId>> adj(triads ? n : 0);
  for (NodeId i = 1; i < seed_nodes; ++i) {
    ep[2 * (i - 1)] = 0;
    ep[2 * (i - 1) + 1] = i;
    if (triads) {
      adj[0].push_back(i);
      adj[i].push_back(0);
    }
  }
  if (!triads) {
    ba_growth(ep, n, m, seed_nodes, star, seed, stream);
    return ep;
  }
  // Large m: a per-node mark array replaces the O(m) duplicate scan.
  const bool use_marks = m > 32;
  std::vector<NodeId> mark(use_marks ? n : 0, kNoNode);
  std::uint64_t e = star;
  for (NodeId v = seed_nodes; v < n; ++v) {
    core::CounterRng rng(seed, stream, v, 0);
    const std::uint64_t range = 2 * e;  // entries written before v: no self-loops
    NodeId* pair = ep.data() + 2 * e;   // pair[2i] = v, pair[2i + 1] = i-th target
    const NodeId* targets = pair + 1;
    auto taken = [&](NodeId t, std::size_t count) {
      return use_marks ? mark[t] == v : contains_strided(targets, count, 2, t);
    };
    NodeId last_pa = kNoNode;
    for (std::size_t i = 0; i < m; ++i) {
      NodeId t = kNoNode;
      if (triads && i > 0 && rng.uniform() < triad_p) {
        t = triad_pick(adj[last_pa], targets, i, rng);
      }
      if (t == kNoNode) {
        do {
          t = ep[below64(rng, range)];
        } while (taken(t, i));
        last_pa = t;
      }
      pair[2 * i] = v;
      pair[2 * i + 1] = t;
      if (use_marks) mark[t] = v;
    }
    if (triads) {
      for (std::size_t i = 0; i < m; ++i) {
        adj[v].push_back(targets[2 * i]);
        adj[targets[2 * i]].push_back(v);
      }
    }
    e += m;
  }
  return ep;
}

std::vector<Edge> both_directions(const std::vector<NodeId>& endpoints) {
  const std::size_t links = endpoints.size() / 2;
  std::vector<Edge> edges(2 * links);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, links, 1 << 16),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t e = r.begin(); e != r.end(); ++e) {
                        const NodeId a = endpoints[2 * e];
                        const NodeId b = endpoints[2 * e + 1];
                        edges[2 * e] = Edge{a, b};
                        edges[2 * e + 1] = Edge{b, a};
                      }
                    });
  return edges;
}

}  // namespace dipsim::graph::detail
