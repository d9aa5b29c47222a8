// The world at step 0: citizens in countries, state actors' official accounts, the follow graph
// and an empty item store. Built deterministically from a SimConfig (any thread count).
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

/// A state's ministry (country == kNoCountry) or embassy account.
struct OfficialAccount {
  NodeId node;
  std::uint8_t state;
  std::uint16_t country;
  double posts_per_step;
  double phase;  ///< schedule phase in [0, 1)
  std::string name;
};

struct World {
  SimConfig config;
  graph::FollowGraph graph;
  model::Citizens citizens;  ///< nodes [0, citizens.count)
  std::vector<OfficialAccount> officials;
  model::ItemStore items;
  std::vector<std::uint32_t> country_population;  ///< citizens per country
  std::vector<std::uint32_t> country_online;      ///< online citizens per country
};

/// Citizens per country by the largest-remainder method, so counts sum to `total` exactly.
std::vector<std::uint32_t> apportion(std::uint32_t total, const std::vector<double>& shares);

/// Builds the world for a validated configuration.
World build_world(const SimConfig& config);

}  // namespace dipsim::sim
