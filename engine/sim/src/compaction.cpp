// Item compaction: keeps the item store to the items that can still matter, so memory stays flat
// over a long run (docs/reliability.md, "Steps do not grow memory").
//
// After every `compact_every_` steps (feed.window_steps by default; a schedule that depends on the
// step number only, so a resumed run compacts at the same points) the store keeps
//   - every item created inside the feed window of the next step (and at least the latest step:
//     moderation asks whether a bot posted in the previous step), which feeds and broadcasts can
//     still show;
//   - every item a citizen or the simulation still holds: pending reshares and replies, advocated
//     shares, last step's bot posts (coordination reshares them), roots queued for a fact-check;
//   - every root a citizen remembers with a published correction it has not received yet (its
//     next session delivers the correction);
//   - the root of every kept item (its cascade statistics, quality, labels and correction), and
//     the corrections of kept roots;
// and drops the rest. A dropped root's cascade cannot grow any more: every future reshare has a
// kept or a future item as parent, whose root is kept. Its replies are final too (replies go to
// items read later, or pending ones). So a dropped root is a finished cascade: its row and its
// contribution to the scorecard are taken here, and the results are those of a run that keeps
// every item (tests/unit/sim/test_compaction.cpp checks it). Remembered roots that were dropped
// become kRetiredItem: no item read later has such a root, so the memory slot still counts as
// taken (as the old id did) and never matches. Kept items are renumbered in their old order,
// which keeps ties in feed ranking and every id comparison as they were; random streams keyed by
// an item use its serial.
//
// Cost: O(items + citizens) per compaction, the citizens' part in parallel over fixed blocks
// (each citizen writes its own slots, so the result does not depend on threads). Buffers are
// members and keep their capacity.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>

#include "dipsim/model/config.hpp"
#include "dipsim/sim/simulation.hpp"

namespace dipsim::sim {

namespace {

// Bit 6 of a citizen's seen_count: the correction of that root was delivered (citizens.hpp).
constexpr std::uint8_t kSeenCorrected = 0x40;

}  // namespace

void Simulation::init_compaction() {
  const auto& m = world_.config.model;
  const std::size_t states = m.states.size();
  compact_every_ = m.feed.window_steps;
  official_state_.assign(world_.graph.num_nodes(), model::kNoState);
  for (const Poster& p : world_.posters) {
    if (p.kind == PosterKind::kMinistry || p.kind == PosterKind::kEmbassy) {
      official_state_[p.node] = p.state;
    }
  }
  finished_tally_ =
      ScorecardTally{std::vector<std::uint64_t>(states, 0), std::vector<std::uint64_t>(states, 0),
                     std::vector<std::uint64_t>(states, 0),
                     std::vector<std::uint64_t>(states * m.themes.size(), 0)};
}

void Simulation::finish_cascade(ItemId r, ScorecardTally* tally,
                                std::vector<CascadeRow>* rows) const {
  const auto& items = world_.items;
  if (rows != nullptr) {
    rows->push_back(CascadeRow{items.serial[r], items.author[r], items.state[r],
                               items.cascade_size[r], items.cascade_depth[r], items.created[r],
                               items.cascade_last[r] - items.created[r], items.quality[r]});
  }
  // Scorecard: original posts of official accounts and (not as opinions) of paid influencers.
  const bool official = official_state_[items.author[r]] != model::kNoState;
  const bool paid = items.source_kind[r] == graph::NodeKind::kInfluencer &&
                    items.theme[r] != model::theme::kOpinion;
  if (tally == nullptr || (!official && !paid)) return;
  const std::uint8_t s = items.state[r];
  const std::size_t themes = world_.config.model.themes.size();
  ++tally->posts[s];
  if (paid) ++tally->paid_posts[s];
  tally->interactions[s] += (items.cascade_size[r] - 1) + std::uint64_t{items.replies[r]};
  tally->theme_posts[s * themes + items.theme[r]] += 1;
}

std::vector<CascadeRow> Simulation::live_cascades() const {
  const auto& items = world_.items;
  std::vector<CascadeRow> rows;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items.root[i] == i) finish_cascade(static_cast<ItemId>(i), nullptr, &rows);
  }
  return rows;
}

ScorecardTally Simulation::scorecard_tally() const {
  const auto& items = world_.items;
  ScorecardTally tally = finished_tally_;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items.root[i] == i) finish_cascade(static_cast<ItemId>(i), &tally, nullptr);
  }
  return tally;
}

void Simulation::compact_items() {
  auto& items = world_.items;
  auto& z = world_.citizens;
  const std::size_t n = items.size();
  const Step next = steps_done_;  // the next step to run
  const Step window = std::max<Step>(world_.config.model.feed.window_steps, 1);
  const ItemId recent = items.first_at(next > window ? next - window : 0);

  keep_.assign(n, 0);
  std::fill(keep_.begin() + recent, keep_.end(), std::uint8_t{1});
  auto hold = [&](ItemId i) {
    if (i < n) keep_[i] = 1;  // kNoItem and kRetiredItem are never below n
  };
  for (NodeId v = 0; v < z.count; ++v) {
    hold(z.pending_reshare[v]);
    hold(z.pending_reply[v]);
    hold(z.advocating[v]);
  }
  for (std::size_t slot = 0; slot < z.seen_root.size(); ++slot) {
    const ItemId r = z.seen_root[slot];
    if (r < n && !(z.seen_count[slot] & kSeenCorrected) && items.correction[r] != kNoItem) {
      keep_[r] = 1;
    }
  }
  for (const ItemId i : bot_items_now_) hold(i);
  for (std::size_t f = 0; f < checker_queue_.size(); ++f) {
    for (std::size_t k = checker_head_[f]; k < checker_queue_[f].size(); ++k) {
      hold(checker_queue_[f][k].second);
    }
  }
  // Closure: roots of kept items, and the corrections of kept roots (a correction is an original
  // and may itself be corrected, hence the chain). Roots and corrections met behind i are
  // complete as marked here; those ahead are reached by the loop.
  for (std::size_t i = 0; i < n; ++i) {
    if (!keep_[i]) continue;
    const ItemId r = items.root[i];
    keep_[r] = 1;
    for (ItemId c = items.correction[r]; c != kNoItem && !keep_[c]; c = items.correction[c]) {
      keep_[c] = 1;
    }
  }

  for (std::size_t i = 0; i < n; ++i) {
    if (!keep_[i] && items.root[i] == i) {
      finish_cascade(static_cast<ItemId>(i), &finished_tally_, &finished_);
    }
  }

  // check_queued_ grows lazily with the items: it covers a prefix of them.
  std::size_t queued = 0;
  for (std::size_t i = 0; i < check_queued_.size(); ++i) {
    if (keep_[i]) check_queued_[queued++] = check_queued_[i];
  }
  check_queued_.resize(queued);

  items.compact(keep_, remap_);

  const auto relink = [&](ItemId i) { return i < n ? remap_[i] : i; };
  const std::size_t blocks = num_blocks_;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      for (std::size_t b = range.begin(); b != range.end(); ++b) {
                        const NodeId begin = static_cast<NodeId>(b * kBlock);
                        const NodeId end = std::min<NodeId>(z.count, begin + kBlock);
                        for (NodeId v = begin; v < end; ++v) {
                          z.pending_reshare[v] = relink(z.pending_reshare[v]);
                          z.pending_reply[v] = relink(z.pending_reply[v]);
                          z.advocating[v] = relink(z.advocating[v]);
                          for (std::size_t slot = std::size_t{v} * model::kSeenSlots;
                               slot < std::size_t{v + 1} * model::kSeenSlots; ++slot) {
                            const ItemId r = z.seen_root[slot];
                            if (r < n)
                              z.seen_root[slot] =
                                  remap_[r] == kNoItem ? model::kRetiredItem : remap_[r];
                          }
                        }
                      }
                    });
  // Outlets compare their last pick with this step's trending roots, which are live: a dropped
  // pick matches none, as kNoItem does not.
  for (ItemId& i : outlet_last_pick_) i = relink(i);
  for (ItemId& i : bot_items_now_) i = relink(i);
  bot_items_prev_.clear();  // replaced by bot_items_now_ at the next step's posting
  for (std::size_t f = 0; f < checker_queue_.size(); ++f) {
    auto& queue = checker_queue_[f];
    queue.erase(queue.begin(),
                queue.begin() + static_cast<std::ptrdiff_t>(checker_head_[f]));  // done ones
    checker_head_[f] = 0;
    for (auto& entry : queue) entry.second = relink(entry.second);
  }
  trending_.clear();  // rebuilt at the next step's posting
}

}  // namespace dipsim::sim
