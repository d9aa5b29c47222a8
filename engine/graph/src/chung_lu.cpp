// Chung–Lu by Miller–Hagberg skipping; see chung_lu.hpp.
#include "dipsim/graph/chung_lu.hpp"

#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "sampling.hpp"
#include "spec_check.hpp"

namespace dipsim::graph {

void ChungLuSpec::validate(std::string_view prefix) const {
  if (weights.size() >= kNoNode) {
    detail::spec_error(prefix, "weights",
                       "expected at most " + std::to_string(kNoNode - 1) + " weights, got " +
                           std::to_string(weights.size()));
  }
  auto check = [&](const std::vector<double>& w, const char* name) {
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (!(w[i] >= 0.0) || std::isinf(w[i])) {
        detail::spec_error(prefix, std::string(name) + "[" + std::to_string(i) + "]",
                           "expected a finite expected degree >= 0, got " + detail::show(w[i]));
      }
    }
  };
  check(weights, "weights");
  if (!in_weights.empty()) {
    if (!directed) {
      detail::spec_error(prefix, "in_weights", "in_weights apply to directed graphs only");
    }
    if (in_weights.size() != weights.size()) {
      detail::spec_error(prefix, "in_weights",
                         "expected " + std::to_string(weights.size()) +
                             " entries (one per node, like weights), got " +
                             std::to_string(in_weights.size()));
    }
    check(in_weights, "in_weights");
  }
}

std::vector<Edge> chung_lu_edges(const ChungLuSpec& spec) {
  spec.validate();
  const auto n = static_cast<NodeId>(spec.weights.size());
  if (n < 2) return {};
  const std::vector<double>& w_out = spec.weights;
  const std::vector<double>& w_in = spec.in_weights.empty() ? spec.weights : spec.in_weights;
  // Targets by decreasing (in-)weight, ties by id: a total order, so the sort is deterministic.
  std::vector<NodeId> order(n);
  std::iota(order.begin(), order.end(), NodeId{0});
  tbb::parallel_sort(order.begin(), order.end(), [&](NodeId a, NodeId b) {
    return w_in[a] > w_in[b] || (w_in[a] == w_in[b] && a < b);
  });
  // Weight and id side by side in 8 bytes: each proposal of the skipping loop touches one cache
  // line of an array half the size of a double-based one (proposals jump across the whole array,
  // so this loop is bound by cache misses). Target weights are rounded to float (relative error
  // 6e-8, far below the sampling noise of any degree).
  struct Target {
    float weight;
    NodeId id;
  };
  std::vector<Target> sorted(n);
  tbb::parallel_for(NodeId{0}, n, [&](NodeId i) {
    sorted[i] = Target{static_cast<float>(w_in[order[i]]), order[i]};
  });
  std::vector<NodeId>().swap(order);
  const double total = detail::deterministic_sum(n, [&](std::size_t i) { return w_in[i]; });
  if (!(total > 0.0)) return {};
  const double inv_total = 1.0 / total;

  constexpr std::size_t kGrain = 1024;
  return detail::generate_chunked(
      n, kGrain, [&](std::size_t begin, std::size_t end, std::vector<Edge>& out) {
        for (std::size_t row = begin; row < end; ++row) {
          // Directed: row = follower id, candidates = all sorted positions. Undirected: row =
          // sorted position i, candidates = positions after i (each pair once).
          const NodeId u = spec.directed ? static_cast<NodeId>(row) : sorted[row].id;
          const double wu = w_out[u];
          if (!(wu > 0.0)) continue;
          core::CounterRng rng(spec.seed, spec.stream, u, 0);
          std::size_t j = spec.directed ? 0 : row + 1;
          if (j >= n) continue;
          double p = std::min(1.0, wu * static_cast<double>(sorted[j].weight) * inv_total);
          while (j < n && p > 0.0) {
            if (p < 1.0) {
              const double skip = detail::geometric_skip(rng, std::log1p(-p));
              if (skip >= static_cast<double>(n - j)) break;
              j += static_cast<std::size_t>(skip);
            }
            const Target& target = sorted[j];
            const double q = std::min(1.0, wu * static_cast<double>(target.weight) * inv_total);
            if (rng.uniform() * p < q) {
              const NodeId v = target.id;
              if (v != u) {
                out.push_back(Edge{u, v});
                if (!spec.directed) out.push_back(Edge{v, u});
              }
            }
            p = q;
            ++j;
          }
        }
      });
}

void PowerLawWeightSpec::validate(std::string_view prefix) const {
  detail::check_range(prefix, "num_nodes", num_nodes, NodeId{0}, kNoNode - 1, "a node count");
  detail::check_above(prefix, "exponent", exponent, 1.0, "a power-law exponent");
  detail::check_above(prefix, "min_weight", min_weight, 0.0, "a weight");
  if (max_weight != 0.0) {
    detail::check_at_least(prefix, "max_weight", max_weight, min_weight,
                           "a cut-off (or 0 for none)");
  }
  detail::check_at_least(prefix, "mean", mean, 0.0, "a mean (or 0 to keep the raw scale)");
}

std::vector<double> power_law_weights(const PowerLawWeightSpec& spec) {
  spec.validate();
  const NodeId n = spec.num_nodes;
  std::vector<double> w(n);
  const double hi =
      spec.max_weight > 0.0 ? spec.max_weight : std::numeric_limits<double>::infinity();
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 8192),
                    [&](const tbb::blocked_range<NodeId>& r) {
                      for (NodeId i = r.begin(); i != r.end(); ++i) {
                        core::CounterRng rng(spec.seed, spec.stream, i, 0);
                        w[i] = detail::truncated_pareto(rng, spec.exponent, spec.min_weight, hi);
                      }
                    });
  if (spec.mean > 0.0 && n > 0) {
    const double sum = detail::deterministic_sum(n, [&](std::size_t i) { return w[i]; });
    const double scale = spec.mean * static_cast<double>(n) / sum;
    tbb::parallel_for(NodeId{0}, n, [&](NodeId i) { w[i] *= scale; });
  }
  return w;
}

}  // namespace dipsim::graph
