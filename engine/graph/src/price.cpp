// Price's model by the copy model; see price.hpp.
#include "dipsim/graph/price.hpp"

#include <algorithm>

#include "dipsim/core/rng.hpp"
#include "growth.hpp"
#include "sampling.hpp"
#include "spec_check.hpp"

namespace dipsim::graph {

void PriceSpec::validate(std::string_view prefix) const {
  detail::check_range(prefix, "num_nodes", num_nodes, NodeId{0}, kNoNode - 1, "a node count");
  detail::check_range(prefix, "m", m, NodeId{1}, detail::kMaxGrowthLinks, "a link count");
  detail::check_above(prefix, "attractiveness", attractiveness, 0.0);
}

std::vector<Edge> price_edges(const PriceSpec& spec) {
  spec.validate();
  const NodeId n = spec.num_nodes;
  const NodeId m = spec.m;
  if (n < 2) return {};
  std::vector<Edge> edges(detail::growth_offset(n, m));
  const double a = spec.attractiveness;
  const bool use_marks = m > 32;
  std::vector<NodeId> mark(use_marks ? n : 0, kNoNode);

  // One draw: copy the target of a uniform earlier edge (probability E / (E + a v)), else a
  // uniform earlier node. Encoded as edge index | kCopy, or node id.
  constexpr std::uint64_t kCopy = std::uint64_t{1} << 63;
  auto draw = [&](core::CounterRng& rng, NodeId v, std::uint64_t existing) -> std::uint64_t {
    const double p_copy = static_cast<double>(existing) /
                          (static_cast<double>(existing) + a * static_cast<double>(v));
    if (rng.uniform() < p_copy) return detail::below64(rng, existing) | kCopy;
    return rng.below(v);
  };
  auto resolve = [&](std::uint64_t c) {
    return (c & kCopy) != 0 ? edges[c & ~kCopy].to : static_cast<NodeId>(c);
  };
  // Software prefetching as in growth.cpp: a node's first min(m, v) draws depend only on its key
  // and on the edge count before it, so they are drawn kAhead nodes early and the edges they copy
  // from are prefetched; redraws after a duplicate continue the same RNG.
  constexpr NodeId kAhead = 16;
  std::vector<core::CounterRng> rngs(kAhead, core::CounterRng(0, 0, 0, 0));
  std::vector<std::uint64_t> candidates(static_cast<std::size_t>(kAhead) * m);
  auto prepare = [&](NodeId w) {
    core::CounterRng& rng = rngs[w % kAhead];
    rng = core::CounterRng(spec.seed, spec.stream, w, 0);
    const std::uint64_t existing = detail::growth_offset(w, m);
    std::uint64_t* cand = candidates.data() + static_cast<std::size_t>(w % kAhead) * m;
    for (NodeId i = 0; i < std::min(m, w); ++i) {
      cand[i] = draw(rng, w, existing);
      if ((cand[i] & kCopy) != 0) __builtin_prefetch(edges.data() + (cand[i] & ~kCopy));
    }
  };
  for (NodeId w = 1; w < n && w < 1 + kAhead; ++w) prepare(w);
  for (NodeId v = 1; v < n; ++v) {
    const std::uint64_t existing = detail::growth_offset(v, m);  // copying reads only these
    core::CounterRng& rng = rngs[v % kAhead];
    const std::uint64_t* cand = candidates.data() + static_cast<std::size_t>(v % kAhead) * m;
    const NodeId k = std::min(m, v);
    Edge* row = edges.data() + existing;
    for (NodeId i = 0; i < k; ++i) {
      auto taken = [&](NodeId t) {
        return use_marks ? mark[t] == v
                         : std::any_of(row, row + i, [t](const Edge& x) { return x.to == t; });
      };
      NodeId t = resolve(cand[i]);
      while (taken(t)) t = resolve(draw(rng, v, existing));
      row[i] = Edge{v, t};
      if (use_marks) mark[t] = v;
    }
    if (v + kAhead < n) prepare(v + kAhead);
  }
  return edges;
}

}  // namespace dipsim::graph
