// The step pipeline (DESIGN.md section 3):
//   1. post    — citizens' reshares, own posts and replies chosen in the previous step are
//                published (in citizen order); scheduled accounts post (ministries, embassies,
//                paid influencers, outlets); outlets republish their country's trending items
//                (agenda setting); embassies rebut negative trends. Single writer.
//   2. read    — every active online citizen pulls the items its followees created in earlier
//                steps (inside the feed window, newer than its last session), ranks them by the
//                platform policy and reads up to its attention; every citizen may also meet its
//                country's outlets off the platform (broadcast). Reading updates attitudes and
//                may lead to a reshare, a reply or (for prebunking) higher literacy.
//                Parallel over fixed blocks of citizens; each citizen writes only its own slots.
//   3. measure — per (country, state) metrics from fixed blocks summed in block order.
// Randomness is keyed by (seed, stream, agent, step) and every reduction runs over a fixed block
// partition, so results are bit-identical for any number of threads.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "dipsim/sim/metrics.hpp"
#include "dipsim/sim/world.hpp"

namespace dipsim::sim {

/// Work done by the read phase of one step (for benchmarks and performance reports).
struct StepStats {
  std::uint64_t sessions = 0;       ///< platform sessions
  std::uint64_t edges_scanned = 0;  ///< follow edges walked by those sessions
  std::uint64_t candidates = 0;     ///< items gathered into feeds
  std::uint64_t items_read = 0;     ///< items read (platform and broadcast)
};

class Simulation {
 public:
  /// Citizens per block of the read and measure phases. Fixed, so sums do not depend on threads.
  static constexpr NodeId kBlock = 2048;

  explicit Simulation(World world);

  /// Runs one step (post, read, measure) and advances steps_done().
  void step();
  /// Number of steps completed.
  Step steps_done() const { return steps_done_; }
  /// Metrics of the latest completed step (of the initial state before the first step).
  const MetricFrame& metrics() const { return frame_; }
  const World& world() const { return world_; }
  /// Attitudes of all citizens, row-major citizen x state.
  const std::vector<float>& attitudes() const { return world_.citizens.attitude; }
  /// Work of the latest step's read phase.
  const StepStats& step_stats() const { return stats_; }

 private:
  // Per-block counters of the read phase, one slot per (country, state).
  struct BlockCounters {
    std::uint32_t read = 0, reshares = 0, replies = 0, negative = 0;
    double quality = 0.0;
  };

  void post_phase(Step t);
  void publish_citizen_actions(Step t);
  void post_scheduled(Step t);
  void agenda_setting(Step t);
  void rebuttals(Step t);
  void read_phase(Step t);
  void read_block(std::size_t block, Step t, std::vector<std::uint64_t>& candidates);
  void measure_phase();

  World world_;
  Step steps_done_ = 0;
  std::size_t num_blocks_ = 0;
  std::size_t cs_ = 0;                   ///< countries * states
  std::vector<BlockCounters> counters_;  ///< [block * cs_ + country * S + state]
  std::vector<std::uint32_t>
      negative_prev_;  ///< negative items read per (country, state), last step
  std::vector<std::pair<std::uint16_t, ItemId>>
      trending_;                          ///< (country, root) of this step's reshares
  std::vector<ItemId> outlet_last_pick_;  ///< last root each outlet republished
  std::vector<double> outlet_pick_phase_;
  std::vector<float> outlet_stance_;    ///< [outlet * S + state]
  std::vector<StepStats> block_stats_;  ///< [block]
  StepStats stats_;
  MetricFrame frame_;
};

}  // namespace dipsim::sim
