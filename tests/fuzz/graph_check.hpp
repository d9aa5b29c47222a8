// Structural check of a graph returned by a reader, used by the graph fuzz targets: a reader that
// returns (instead of throwing) must return a well-formed graph, or the simulator would read out of
// bounds later. Checked: CSR offsets start at 0, never decrease and end at the edge count; every
// target is a node; rows are sorted; the followers relation (when built) has as many edges; node
// attribute arrays have one entry per node; kinds are valid.
#pragma once
#include <string>

#include "dipsim/graph/graph_io.hpp"
#include "fuzz_common.hpp"

namespace dipsim::fuzz {

inline void check_csr(const graph::Csr& csr, NodeId n, const char* name) {
  if (csr.offsets.size() != static_cast<std::size_t>(n) + 1 || csr.offsets.front() != 0 ||
      csr.offsets.back() != csr.targets.size()) {
    contract_broken("malformed CSR offsets", name);
  }
  for (NodeId v = 0; v < n; ++v) {
    if (csr.offsets[v] > csr.offsets[v + 1]) contract_broken("decreasing CSR offsets", name);
    const auto row = csr.row(v);
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (row[i] >= n) contract_broken("CSR target is not a node", name);
      if (i > 0 && row[i - 1] > row[i]) contract_broken("CSR row not sorted", name);
    }
  }
}

inline void check_graph(const graph::LoadedGraph& loaded) {
  const graph::FollowGraph& g = loaded.graph;
  const NodeId n = g.num_nodes();
  if (g.country.size() != n || g.community.size() != n) {
    contract_broken("node attributes do not match the node count", std::to_string(n));
  }
  for (const graph::NodeKind k : g.kind) {
    if (static_cast<int>(k) >= graph::kNumNodeKinds) contract_broken("invalid node kind", "");
  }
  check_csr(g.following, n, "following");
  if (!g.followers.empty()) {
    check_csr(g.followers, n, "followers");
    if (g.followers.num_edges() != g.following.num_edges()) {
      contract_broken("followers and following differ in edge count", "");
    }
  }
}

}  // namespace dipsim::fuzz
