// The world at step 0: citizens in countries, the accounts that post on a schedule (state
// ministries and embassies, paid influencer partnerships, media outlets), the follow graph and an
// empty item store. Built deterministically from a SimConfig, for any thread count.
//
// Node layout: citizens [0, C) grouped by country (influencers are citizens with NodeKind
// kInfluencer), then official accounts, outlets, fact-checkers, and last the bots.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dipsim/graph/follow_graph.hpp"
#include "dipsim/model/citizens.hpp"
#include "dipsim/model/items.hpp"
#include "dipsim/sim/config.hpp"

namespace dipsim::sim {

inline constexpr std::uint16_t kNoCountry = 0xFFFF;
inline constexpr std::uint16_t kNoOutlet = 0xFFFF;

enum class PosterKind : std::uint8_t {
  kMinistry,        ///< a state's ministry (audience in every country)
  kEmbassy,         ///< a state's embassy in one country
  kPaidInfluencer,  ///< an influencer paid by a state to post its messages
  kOutlet,          ///< a media outlet's own reporting
};

/// An account that posts on a regular schedule.
struct Poster {
  NodeId node;
  PosterKind kind;
  std::uint8_t state;     ///< the state whose message it posts (model::kNoState for outlets)
  std::uint16_t country;  ///< audience country (kNoCountry for ministries)
  std::uint16_t outlet;   ///< outlet index (kNoOutlet unless kind == kOutlet)
  double posts_per_step;
  double phase;  ///< schedule phase in [0, 1)
  std::string name;
};

inline constexpr Step kNever = 0xFFFFFFFF;

/// Bots of all networks, contiguous node ids from `first_node` (structure of arrays, by bot).
struct BotAccounts {
  NodeId first_node = 0;
  std::vector<std::uint16_t> network;
  std::vector<std::uint16_t> target_country;
  std::vector<float> detectability;
  std::vector<double> phase;
  std::vector<Step> detected_at;  ///< kNever until the platform detects it
  std::size_t size() const { return network.size(); }
};

struct World {
  SimConfig config;
  graph::FollowGraph graph;
  model::Citizens citizens;         ///< nodes [0, citizens.count)
  std::vector<Poster> posters;      ///< ministries and embassies first, then paid, then outlets
  std::vector<NodeId> outlet_node;  ///< node of each outlet
  std::vector<NodeId> fact_checker_node;  ///< node of each fact-checker
  BotAccounts bots;
  std::vector<std::uint8_t> removed;  ///< per node: taken down by moderation (its items vanish)
  std::vector<std::vector<std::uint16_t>> country_outlets;  ///< outlets of each country
  std::vector<std::uint8_t> country_language;               ///< main language of each country
  std::vector<float> state_credibility;                     ///< after the cost of paid partnerships
  model::ItemStore items;
  std::vector<std::uint32_t> country_population;   ///< citizens per country
  std::vector<std::uint32_t> country_online;       ///< online citizens per country
  std::vector<std::uint32_t> country_influencers;  ///< influencers per country

  /// Accounts of a state (ministry, embassies) in `posters`.
  std::size_t official_count(std::uint8_t state) const;
};

/// Citizens per country by the largest-remainder method, so counts sum to `total` exactly.
std::vector<std::uint32_t> apportion(std::uint32_t total, const std::vector<double>& shares);

/// Fills the per-state, per-theme and per-language vectors that a configuration built in code
/// left empty with the parameter table's defaults (baseline attitude 0, cultural proximity 0.5,
/// one language per country, equal weights on the five campaign themes, appeal 0.5); throws
/// core::Error(kInput) on vectors of the wrong size. Scenarios loaded by the io layer are
/// complete already.
void complete_config(SimConfig& config);

/// Builds the world for a validated configuration (completed by complete_config).
World build_world(const SimConfig& config);

}  // namespace dipsim::sim
