// Holme–Kim growth: preferential attachment with triad formation; see holme_kim.hpp.
#include "dipsim/graph/holme_kim.hpp"

#include "growth.hpp"
#include "spec_check.hpp"

namespace dipsim::graph {

void HolmeKimSpec::validate(std::string_view prefix) const {
  detail::check_range(prefix, "num_nodes", num_nodes, NodeId{0}, kNoNode - 1, "a node count");
  detail::check_range(prefix, "m", m, NodeId{1}, detail::kMaxGrowthLinks, "a link count");
  detail::check_range(prefix, "triad_probability", triad_probability, 0.0, 1.0, "a probability");
}

std::vector<Edge> holme_kim_edges(const HolmeKimSpec& spec) {
  spec.validate();
  const std::vector<NodeId> endpoints = detail::preferential_growth(
      spec.num_nodes, spec.m, spec.triad_probability, spec.seed, spec.stream);
  return detail::both_directions(endpoints);
}

}  // namespace dipsim::graph
