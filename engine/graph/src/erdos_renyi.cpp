// G(n, p) by geometric skipping, parallel over fixed chunks of rows; see erdos_renyi.hpp.
#include "dipsim/graph/erdos_renyi.hpp"

#include <algorithm>
#include <cmath>

#include "sampling.hpp"
#include "spec_check.hpp"

namespace dipsim::graph {

double ErdosRenyiSpec::p_for_mean_degree(NodeId num_nodes, double mean_degree) {
  if (num_nodes < 2) return 0.0;
  return std::clamp(mean_degree / static_cast<double>(num_nodes - 1), 0.0, 1.0);
}

void ErdosRenyiSpec::validate(std::string_view prefix) const {
  detail::check_range(prefix, "num_nodes", num_nodes, NodeId{0}, kNoNode - 1, "a node count");
  detail::check_range(prefix, "p", p, 0.0, 1.0, "a probability");
}

std::vector<Edge> erdos_renyi_edges(const ErdosRenyiSpec& spec) {
  spec.validate();
  const NodeId n = spec.num_nodes;
  if (n < 2 || spec.p <= 0.0) return {};
  const double log1m_p = std::log1p(-spec.p);  // -inf when p == 1: every skip is 0
  const double expected_row = spec.p * static_cast<double>(n - 1);
  constexpr std::size_t kGrain = 1024;
  return detail::generate_chunked(
      n, kGrain, [&](std::size_t begin, std::size_t end, std::vector<Edge>& out) {
        double expected = 0.0;  // edges this chunk emits on average
        if (spec.directed) {
          expected = expected_row * static_cast<double>(end - begin);
        } else {
          const double first = static_cast<double>(n - 1 - begin);
          const double last = static_cast<double>(n - end);
          expected =
              spec.p * (first + last) * static_cast<double>(end - begin);  // 2 p * sum(n-1-u)
        }
        out.reserve(static_cast<std::size_t>(expected + 4.0 * std::sqrt(expected) + 16.0));
        for (std::size_t row = begin; row < end; ++row) {
          const auto u = static_cast<NodeId>(row);
          core::CounterRng rng(spec.seed, spec.stream, u, 0);
          // Candidates of row u: directed: the n - 1 nodes other than u (index j maps to j or j +
          // 1); undirected: the nodes above u (index j maps to u + 1 + j).
          const double range =
              spec.directed ? static_cast<double>(n - 1) : static_cast<double>(n - 1 - u);
          double j = -1.0;
          for (;;) {
            j += 1.0 + (spec.p >= 1.0 ? 0.0 : detail::geometric_skip(rng, log1m_p));
            if (!(j < range)) break;
            const auto k = static_cast<NodeId>(j);
            if (spec.directed) {
              out.push_back(Edge{u, k < u ? k : k + 1});
            } else {
              const NodeId v = u + 1 + k;
              out.push_back(Edge{u, v});
              out.push_back(Edge{v, u});
            }
          }
        }
      });
}

}  // namespace dipsim::graph
