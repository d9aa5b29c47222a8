// The step pipeline (DESIGN.md section 3):
//   1. post    — events take effect; citizens' reshares, own posts and replies chosen in the
//                previous step are published (citizen order); scheduled accounts post
//                (ministries, embassies, outlets, paid influencers); bots post, flood and
//                coordinate; outlets republish their country's trending items; embassies rebut
//                negative trends; fact-checkers publish due corrections; the platform detects
//                and takes down bots. Single writer.
//   2. read    — every citizen may meet its country's outlets off the platform (broadcast);
//                every active online citizen receives due corrections, pulls the items its
//                followees created in earlier steps (inside the feed window, newer than its last
//                session), ranks them by the platform policy and reads up to its attention.
//                Reading updates attitudes and may lead to a reshare, a reply or (prebunking)
//                higher literacy. Parallel over fixed blocks of citizens; each citizen writes
//                only its own slots.
//   3. measure — per (country, state) metrics from fixed blocks summed in block order.
// Randomness is keyed by (seed, stream, agent, step) and every reduction runs over a fixed block
// partition, so results are bit-identical for any number of threads.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <tbb/enumerable_thread_specific.h>

#include "dipsim/core/rng.hpp"
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

/// Platform-wide counts of one step (written as the run file's platform/ group).
struct PlatformStep {
  std::uint32_t bots_active = 0;   ///< bots active and not taken down
  std::uint32_t bot_posts = 0;     ///< items bots posted or reshared
  std::uint32_t detections = 0;    ///< bots detected by moderation
  std::uint32_t takedowns = 0;     ///< bots removed
  std::uint32_t fact_checks = 0;   ///< corrections published
  std::uint32_t items_posted = 0;  ///< all items created in the step
};

/// One cascade (an original item and its reshares) as the run file's cascades/ table lists it.
struct CascadeRow {
  std::uint64_t root = 0;  ///< serial of the original item (ItemStore::serial)
  NodeId author = 0;
  std::uint8_t state = 0;
  std::uint32_t size = 0;   ///< distinct sharers including the author
  std::uint32_t depth = 0;  ///< deepest reshare
  Step start = 0;           ///< step the original was posted
  Step lifetime = 0;        ///< steps from the original to the cascade's latest item
  float quality = 0.0f;
};

/// Per-state sums over the original posts of official accounts and paid influencers that the
/// run file's scorecard/ group is made of (docs/output-format.md).
struct ScorecardTally {
  std::vector<std::uint64_t> posts;         ///< [state]
  std::vector<std::uint64_t> paid_posts;    ///< [state]
  std::vector<std::uint64_t> interactions;  ///< [state]: reshares (size - 1) + replies
  std::vector<std::uint64_t> theme_posts;   ///< [state * themes + theme]
};

/// The dynamic state of a simulation as named arrays (for checkpoints). Everything that is not
/// here is rebuilt identically from the configuration by build_world().
using StateArray =
    std::variant<std::vector<std::uint8_t>, std::vector<std::uint16_t>, std::vector<std::uint32_t>,
                 std::vector<std::uint64_t>, std::vector<float>, std::vector<double>>;
using StateArrays = std::vector<std::pair<std::string, StateArray>>;

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
  const std::vector<Real>& attitudes() const { return world_.citizens.attitude; }
  /// Work of the latest step's read phase.
  const StepStats& step_stats() const { return stats_; }
  /// Platform counts of every completed step.
  const std::vector<PlatformStep>& platform_history() const { return platform_; }
  /// Everything that changes while stepping, as named arrays; with the same configuration,
  /// restore_state() of a fresh Simulation continues bit-identically to this one.
  StateArrays save_state() const;
  /// Restores a state saved by save_state() into a Simulation built from the same configuration.
  /// Throws core::Error(kInput) when an array is missing or does not fit this world.
  void restore_state(const StateArrays& state);

  /// Checks the model's invariants: attitudes, literacy and trust bonuses finite and in range,
  /// pending reshares and replies naming existing items, items' stance, quality and appeal in
  /// range, per-step counts consistent. Throws core::Error(kInternal) naming the first violating
  /// citizen (or item) and the step. Debug builds call it after every step.
  void check_invariants() const;

  /// Cascades finished in the latest step: roots dropped by its item compaction, whose cascade
  /// can no longer grow, in serial order. Valid until the next step(); a run file writer takes
  /// them after each step, so that finished cascades need no memory.
  const std::vector<CascadeRow>& finished_cascades() const { return finished_; }
  /// Rows of the cascades still held (live roots), in serial order.
  std::vector<CascadeRow> live_cascades() const;
  /// The scorecard sums over every original posted so far: finished cascades and live ones.
  ScorecardTally scorecard_tally() const;
  /// Items are compacted after every step whose count is a multiple of `every` (by default
  /// feed.window_steps); 0 never compacts (for tests: a run without compaction must give the same
  /// results, only holding every item). Call before the first step.
  void set_compaction_interval(Step every) { compact_every_ = every; }
  Step compaction_interval() const { return compact_every_; }

  /// Steps from each crisis event's start to the first crisis-aid post of each state in the
  /// crisis country ([event][state]; kNever if it never responded). Non-crisis events: kNever.
  const std::vector<std::vector<Step>>& crisis_response() const { return crisis_response_; }

 private:
  // Per-block counters of the read phase, one slot per (country, state).
  struct BlockCounters {
    std::uint32_t read = 0, reshares = 0, replies = 0, negative = 0;
    std::uint32_t bot_read = 0, bot_reshares = 0, corrections = 0;
    double quality = 0.0, human_quality = 0.0;
    double shift = 0.0, bot_shift = 0.0;  ///< summed attitude changes
    /// Citizens reached for the first time this step: by any source, by a bot, by each class.
    std::uint32_t reach_new = 0, bot_reach_new = 0;
    std::array<std::uint32_t, model::kNumSourceClasses> class_reach_new{};
  };
  /// Parts of reach_total_ per (country, state): any source, bot, then one per source class.
  static constexpr std::size_t kReachParts = 2 + model::kNumSourceClasses;

  void apply_events(Step t);
  void post_phase(Step t);
  void publish_citizen_actions(Step t);
  void post_scheduled(Step t);
  void post_bots(Step t);
  void agenda_setting(Step t);
  void rebuttals(Step t);
  void fact_checks(Step t);
  void moderation(Step t);
  void read_phase(Step t);
  /// Per-thread buffers of the read phase (reused across blocks and steps).
  struct ReadScratch {
    std::vector<std::uint64_t> candidates;  ///< packed (score, item) of a session's feed
    std::vector<ItemId> newest;             ///< newest item of each followee of the reader
    std::vector<core::LaneRng> broadcast;   ///< per outlet of a country: audience draws
  };
  void read_block(std::size_t block, Step t, ReadScratch& scratch);
  /// Kept across steps so the buffers keep their capacity (no allocation in a step's reads).
  tbb::enumerable_thread_specific<ReadScratch> read_scratch_;
  void measure_phase();
  // Item compaction (compaction.cpp).
  void init_compaction();
  void compact_items();
  void finish_cascade(ItemId root, ScorecardTally* tally, std::vector<CascadeRow>* rows) const;

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
  std::vector<float> outlet_stance_;  ///< [outlet * S + state]
  // Event effects in the current step.
  std::vector<double> activity_mult_;      ///< per country
  std::vector<double> crisis_appeal_;      ///< per country: crisis-aid appeal multiplier
  std::vector<Step> crisis_start_;         ///< per country: start of the active crisis or kNever
  std::vector<std::size_t> crisis_event_;  ///< per country: index of the active crisis event
  std::vector<double> credibility_mult_;   ///< per state (scandals)
  std::vector<double> posting_mult_;       ///< per state (summits)
  std::vector<float> trust_penalty_;       ///< per state (hacked accounts)
  std::vector<std::int32_t> hacked_by_;    ///< per poster: active hacked-account event or -1
  // Bots.
  std::vector<ItemId> bot_items_prev_;  ///< items bots posted in the previous step
  std::vector<ItemId> bot_items_now_;
  // Fact-checking: roots waiting for a correction, with the step it is due.
  std::vector<std::uint8_t> check_queued_;  ///< per item: 1 once queued for a check
  std::vector<std::vector<std::pair<Step, ItemId>>> checker_queue_;  ///< per checker, FIFO
  std::vector<std::size_t> checker_head_;
  std::vector<double> checker_phase_;
  // Cumulative attitude shifts per (country, state), summed in block order.
  std::vector<double> shift_total_, bot_shift_total_;
  /// Citizens reached so far, [(country * S + state) * kReachParts + part] (reach bits are only
  /// ever set, so the read phase counts the new ones and the measure phase needs no scan).
  std::vector<std::uint64_t> reach_total_;
  std::uint32_t max_country_outlets_ = 0;  ///< most outlets any country has
  /// Recounts reach_total_ from the citizens' reach bits (at construction and after a restore).
  void recount_reach();
  std::vector<StepStats> block_stats_;  ///< [block]
  /// [block]: (sharer, root) pairs of shares read by someone who already knew the root
  std::vector<std::vector<std::pair<NodeId, ItemId>>> stifles_;
  /// [block]: in ascending order, the citizens the read phase left something to publish (a
  /// pending post, reshare or reply, or a session while advocating): the next post phase visits
  /// only these instead of scanning every citizen. Invalid (full scan) until the first read
  /// phase after construction or a restore.
  std::vector<std::vector<NodeId>> actors_;
  bool actors_valid_ = false;
  /// Measure phase: parts summed per (country, state), and the per-block sums (kept, so that a
  /// step allocates nothing).
  static constexpr std::size_t kMeasureParts = 6;
  std::vector<double> measure_partial_;
  template <std::size_t NS>
  void measure_block(double* p, NodeId begin, NodeId end, float threshold, float trust_state) const;
  StepStats stats_;
  std::vector<PlatformStep> platform_;
  std::vector<std::vector<Step>> crisis_response_;
  MetricFrame frame_;
  // Item compaction: schedule, finished cascades of the latest step, sums over finished
  // cascades, and scratch reused by every compaction.
  Step compact_every_ = 0;
  std::vector<CascadeRow> finished_;
  ScorecardTally finished_tally_;
  std::vector<std::uint8_t>
      official_state_;  ///< per node: state of an official account or kNoState
  std::vector<std::uint8_t> keep_;
  std::vector<ItemId> remap_;
};

}  // namespace dipsim::sim
