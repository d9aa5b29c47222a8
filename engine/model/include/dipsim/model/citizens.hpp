// Citizen state in structure-of-arrays form: one array per attribute, indexed by citizen id
// (citizens are graph nodes 0..count-1, grouped by country). Per-state attributes are row-major
// [citizen * num_states + state].
#pragma once
#include <cstdint>
#include <vector>

#include "dipsim/core/types.hpp"

namespace dipsim::model {

inline constexpr std::uint8_t kNoState = 0xFF;

struct Citizens {
  NodeId count = 0;
  std::uint32_t num_states = 0;
  std::vector<std::uint16_t> country;
  std::vector<std::uint8_t> online;  ///< 1 if on the platform (digital divide)
  std::vector<float> attitude;       ///< [citizen * num_states + state], in [-1, 1]
  std::vector<float> openness;       ///< bounded-confidence width
  std::vector<float> susceptibility;
  std::vector<std::uint8_t> reached;    ///< bit s set once the citizen read an item about state s
  std::vector<Step> last_session;       ///< step of the latest session (feeds show newer items)
  std::vector<ItemId> pending_reshare;  ///< item chosen to reshare next step or kNoItem
  std::vector<std::uint8_t> pending_post;  ///< state of an own post next step or kNoState

  void resize(NodeId n, std::uint32_t states);
  std::size_t bytes() const;
};

}  // namespace dipsim::model
