// Citizen state in structure-of-arrays form: one array per attribute, indexed by citizen id
// (citizens are graph nodes 0..count-1, grouped by country). Per-state attributes are row-major
// [citizen * num_states + state].
#pragma once
#include <cstdint>
#include <vector>

#include "dipsim/core/types.hpp"

namespace dipsim::model {

inline constexpr std::uint8_t kNoState = 0xFF;
inline constexpr std::size_t kSeenSlots = 4;

/// Kinds of source a reader distinguishes (trust and reach are kept per class).
/// kUnknown: accounts the reader cannot place, which is how bots that pose as citizens appear.
enum class SourceClass : std::uint8_t {
  kOfficial = 0,
  kMedia = 1,
  kInfluencer = 2,
  kPeer = 3,
  kUnknown = 4,
};
inline constexpr std::size_t kNumSourceClasses = 5;

struct Citizens {
  NodeId count = 0;
  std::uint32_t num_states = 0;
  std::vector<std::uint16_t> country;
  std::vector<std::uint8_t> online;  ///< 1 if on the platform (digital divide)
  std::vector<Real> attitude;        ///< [citizen * num_states + state], in [-1, 1]
  std::vector<float> openness;       ///< bounded-confidence width
  std::vector<float> susceptibility;
  std::vector<float> literacy;         ///< media literacy in [0, 1]
  std::vector<std::uint8_t> language;  ///< language index
  std::vector<float> trust_bonus;  ///< [citizen * num_states + state]: trust gained by engagement
  /// Bit (class * 8 + s) set once the citizen read an item about state s from a source of that
  /// class (SourceClass order); bit (40 + s) once it read a bot's item about state s.
  std::vector<std::uint64_t> reached;
  std::vector<std::uint8_t> fixed;  ///< bit s set: a zealot whose attitude toward s never changes
  /// Initial attitudes [citizen * num_states + state]; kept only when stubbornness > 0.
  std::vector<Real> initial_attitude;
  /// Memory of kSeenSlots root items seen, [citizen * kSeenSlots + slot]. The count of
  /// exposures is in the low 6 bits; bit 6 is set once a correction of that root was delivered,
  /// bit 7 once the citizen reshared it (reshared roots are evicted last).
  std::vector<ItemId> seen_root;
  std::vector<std::uint8_t> seen_count;
  std::vector<Step> last_session;          ///< step of the latest session (feeds show newer items)
  std::vector<ItemId> pending_reshare;     ///< item chosen to reshare next step or kNoItem
  std::vector<ItemId> advocating;          ///< item re-shared every session (advocacy) or kNoItem
  std::vector<std::uint8_t> pending_post;  ///< state of an own post next step or kNoState
  std::vector<ItemId> pending_reply;       ///< item replied to (counted next step) or kNoItem

  void resize(NodeId n, std::uint32_t states);
  std::size_t bytes() const;
};

}  // namespace dipsim::model
