// Everything a run needs, as plain validated data: run length and seed, the graph recipe and the
// model parameters. Filled by the io layer from a scenario.
#pragma once
#include <cstdint>
#include <vector>

#include "dipsim/model/config.hpp"

namespace dipsim::sim {

enum class GraphGenerator : std::uint8_t {
  kRandomFollow,  ///< homophilous random follows (graph/random_follow.hpp)
  kComplete,      ///< every online citizen follows every other online citizen
};

struct GraphConfig {
  GraphGenerator generator = GraphGenerator::kRandomFollow;
  double mean_following = 30.0;  ///< expected citizens followed by an online citizen
  double home_share = 0.85;      ///< share of follows inside the own country
};

struct RunConfig {
  std::uint64_t seed = 1;
  std::uint32_t steps = 168;                  ///< steps of one hour
  std::vector<std::uint32_t> snapshot_steps;  ///< steps after which attitudes are saved
  std::uint32_t snapshot_every = 0;           ///< also every N steps (0 = off)
  bool save_edges = false;  ///< write the follow edges into the run file (graph/edge_*)
};

struct SimConfig {
  RunConfig run;
  GraphConfig graph;
  model::ModelConfig model;
};

}  // namespace dipsim::sim
