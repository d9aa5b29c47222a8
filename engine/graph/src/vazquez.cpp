// Vázquez random-walk growth; see vazquez.hpp.
#include "dipsim/graph/vazquez.hpp"

#include <algorithm>

#include "dipsim/core/rng.hpp"
#include "growth.hpp"
#include "spec_check.hpp"

namespace dipsim::graph {

void VazquezSpec::validate(std::string_view prefix) const {
  detail::check_range(prefix, "num_nodes", num_nodes, NodeId{0}, kNoNode - 1, "a node count");
  detail::check_range(prefix, "k_out", k_out, NodeId{1}, detail::kMaxGrowthLinks, "a link count");
  detail::check_range(prefix, "p", p, 0.0, 1.0, "a probability");
}

std::vector<Edge> vazquez_edges(const VazquezSpec& spec) {
  spec.validate();
  const NodeId n = spec.num_nodes;
  const NodeId k_out = spec.k_out;
  if (n < 2) return {};
  std::vector<Edge> edges(detail::growth_offset(n, k_out));
  const bool use_marks = k_out > 32;
  std::vector<NodeId> mark(use_marks ? n : 0, kNoNode);
  for (NodeId v = 1; v < n; ++v) {
    core::CounterRng rng(spec.seed, spec.stream, v, 0);
    const NodeId k = std::min(k_out, v);
    Edge* row = edges.data() + detail::growth_offset(v, k_out);
    NodeId count = 0;
    auto taken = [&](NodeId t) {
      return use_marks ? mark[t] == v
                       : std::any_of(row, row + count, [t](const Edge& x) { return x.to == t; });
    };
    auto follow = [&](NodeId t) {
      row[count++] = Edge{v, t};
      if (use_marks) mark[t] = v;
    };
    NodeId head = 0;  // next followed account whose out-links the walk reads
    while (count < k) {
      if (head == count) {
        // The walk ran dry (or is starting): jump to a uniform account not yet followed.
        NodeId t = 0;
        do {
          t = rng.below(v);
        } while (taken(t));
        follow(t);
        continue;
      }
      const NodeId x = row[head++].to;
      const Edge* out = edges.data() + detail::growth_offset(x, k_out);
      const NodeId out_degree = std::min(k_out, x);
      for (NodeId j = 0; j < out_degree && count < k; ++j) {
        const NodeId y = out[j].to;
        if (rng.uniform() < spec.p && !taken(y)) follow(y);
      }
    }
  }
  return edges;
}

}  // namespace dipsim::graph
