// Barabási–Albert growth on a repeated-endpoints array; see barabasi_albert.hpp.
#include "dipsim/graph/barabasi_albert.hpp"

#include <algorithm>

#include "growth.hpp"
#include "sampling.hpp"
#include "spec_check.hpp"

namespace dipsim::graph {

void BarabasiAlbertSpec::validate(std::string_view prefix) const {
  detail::check_range(prefix, "num_nodes", num_nodes, NodeId{0}, kNoNode - 1, "a node count");
  detail::check_range(prefix, "m", m, NodeId{1}, detail::kMaxGrowthLinks, "a link count");
}

std::vector<Edge> barabasi_albert_edges(const BarabasiAlbertSpec& spec) {
  spec.validate();
  const std::vector<NodeId> endpoints =
      detail::preferential_growth(spec.num_nodes, spec.m, 0.0, spec.seed, spec.stream);
  return detail::both_directions(endpoints);
}

}  // namespace dipsim::graph
