// The step pipeline (DESIGN.md section 3):
//   1. post   — official accounts post on schedule; citizens' reshares and own posts chosen in the
//               previous step are published (single writer, citizen order).
//   2. read   — every active online citizen pulls items its followees created in earlier steps
//               (inside the feed window, newer than its last session), ranks them by the platform
//               policy, reads up to its attention, updates its attitudes and may choose a reshare.
//               Parallel over fixed blocks of citizens; each citizen writes only its own slots.
//   3. measure — per (country, state) metrics from fixed blocks summed in block order.
// Randomness is keyed by (seed, stream, citizen, step) and every reduction runs over a fixed block
// partition, so results are bit-identical for any number of threads.
#pragma once
#include <cstdint>
#include <vector>

#include "dipsim/sim/metrics.hpp"
#include "dipsim/sim/world.hpp"

namespace dipsim::sim {

class Simulation {
 public:
  /// Citizens per block of the read and measure phases. Fixed, so sums do not depend on threads.
  static constexpr NodeId kBlock = 2048;

  explicit Simulation(World world);

  /// Runs one step (post, read, measure) and advances current_step().
  void step();
  /// Number of steps completed.
  Step steps_done() const { return steps_done_; }
  /// Metrics of the latest completed step.
  const MetricFrame& metrics() const { return frame_; }
  const World& world() const { return world_; }
  /// Attitudes of all citizens, row-major citizen x state.
  const std::vector<float>& attitudes() const { return world_.citizens.attitude; }

 private:
  void post_phase(Step t);
  void read_phase(Step t);
  void measure_phase();
  void read_block(std::size_t block, Step t, std::vector<std::uint64_t>& candidates);

  World world_;
  Step steps_done_ = 0;
  std::size_t num_blocks_ = 0;
  std::size_t cs_ = 0;  ///< countries * states
  // Per-block counters of the read phase, [block][country * states + state].
  std::vector<std::uint32_t> block_read_;
  std::vector<std::uint32_t> block_reshares_;
  // Per-state values cached for the hot loop.
  std::vector<float> state_credibility_;
  MetricFrame frame_;
};

}  // namespace dipsim::sim
