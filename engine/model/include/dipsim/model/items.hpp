// Items (posts and reshares) in structure-of-arrays form. Items are immutable once created
// except for their engagement counter, which only the posting phase (single writer) changes.
// Each account's items form a newest-first linked list (`last_of` -> `prev_by_author`), so a feed
// pull walks exactly the items of the accounts a reader follows inside the recent window. Items
// are appended in step order, so "created at step s or later" is "id >= first_at(s)": a pull
// compares ids instead of loading each item's creation step.
//
// The store holds the live items only: compact() drops the items that can no longer matter and
// renumbers the rest densely in their old order (so step order and first_at() still hold), which
// keeps memory flat over a long run. An ItemId is therefore an index among live items; `serial`
// names each item by its place among all items posted in the run (what the run file shows).
#pragma once
#include <cstdint>
#include <vector>

#include "dipsim/core/types.hpp"
#include "dipsim/graph/follow_graph.hpp"

namespace dipsim::model {

/// Labels a platform attaches to an item (bits of ItemStore::labels).
namespace label {
inline constexpr std::uint8_t kStateAffiliated = 1;  ///< posted by a state or state media account
inline constexpr std::uint8_t kPaid = 2;             ///< disclosed paid partnership
inline constexpr std::uint8_t kFactChecked = 4;      ///< a fact-checker flagged it
}  // namespace label

struct NewItem {
  NodeId author;
  ItemId parent;  ///< item reshared, or kNoItem for an original post
  std::uint8_t state;
  Real stance;
  float quality;
  float appeal;
  graph::NodeKind source_kind;
  std::uint8_t theme = 0;
  std::uint8_t language = 0;
  std::uint8_t labels = 0;
  float credibility = 1.0f;  ///< credibility of the source (weights influence)
  bool from_bot = false;     ///< posted or reshared by a bot (not visible to readers)
  /// A sharer sharing its own share (or own story) again (advocacy): engagement of the parent
  /// counts it, the cascade size (distinct sharers) and depth do not.
  bool repeat = false;
};

/// Stands, in a citizen's memory of seen roots, for a root that compaction dropped: it is never
/// the id of a live item, and unlike kNoItem the memory slot stays taken.
inline constexpr ItemId kRetiredItem = kNoItem - 1;
/// Most items the store holds at once: ids stay below kRetiredItem.
inline constexpr std::size_t kMaxLiveItems = kRetiredItem;

class ItemStore {
 public:
  explicit ItemStore(NodeId num_accounts = 0) { reset(num_accounts); }
  void reset(NodeId num_accounts);

  /// Appends an item created at `step`; updates the author's list and, for reshares, the parent's
  /// engagement and the cascade statistics of the root. Single-threaded by design.
  ItemId add(const NewItem& item, Step step);
  /// Counts a reply to an item (posting phase only).
  void add_reply(ItemId item) { ++replies[item]; }

  /// Items held (live items).
  std::size_t size() const { return author.size(); }
  /// Items posted in the run so far, dropped ones included (the next item's serial).
  std::uint64_t posted() const { return next_serial; }
  std::size_t bytes() const;

  /// Keeps the items i with keep[i] != 0 and drops the others, renumbering the kept ones densely
  /// in their old order; remap[i] receives the new id of item i or kNoItem (keep.size() ==
  /// size()). The caller keeps the root of every kept item. Links to dropped items
  /// (prev_by_author, correction, last_of) become kNoItem; the step index is rebuilt. Buffers
  /// keep their capacity, so compacting allocates nothing once the store reached its peak.
  void compact(const std::vector<std::uint8_t>& keep, std::vector<ItemId>& remap);

  // Per item.
  std::vector<std::uint64_t> serial;  ///< place among all items posted in the run (0, 1, ...)
  std::vector<NodeId> author;
  std::vector<ItemId> root;            ///< original item of the cascade (itself for originals)
  std::vector<ItemId> prev_by_author;  ///< previous item of the same author or kNoItem
  std::vector<Step> created;
  std::vector<std::uint8_t> state;
  std::vector<graph::NodeKind> source_kind;
  std::vector<std::uint16_t> depth;  ///< reshare depth (0 for originals)
  std::vector<Real> stance;
  std::vector<float> quality, appeal, credibility;
  std::vector<std::uint8_t> theme, language, labels;
  std::vector<std::uint8_t> from_bot;   ///< 1 if a bot posted or reshared it
  std::vector<ItemId> correction;       ///< per root: a fact-checker's correction or kNoItem
  std::vector<std::uint32_t> reshares;  ///< direct reshares of this item
  std::vector<std::uint32_t> replies;   ///< replies to this item
  // Per root item (meaningful where root[i] == i).
  std::vector<std::uint32_t> cascade_size;   ///< items in the cascade including the root
  std::vector<std::uint16_t> cascade_depth;  ///< deepest reshare
  std::vector<Step> cascade_last;            ///< step of the latest item of the cascade
  // Per account.
  std::vector<ItemId> last_of;  ///< newest item of each account or kNoItem
  /// step_first[s]: id of the first item created at step s or later (for the steps seen so far).
  std::vector<ItemId> step_first;
  /// Serial of the next item posted (items posted so far, dropped ones included).
  std::uint64_t next_serial = 0;

  /// Id of the first item created at step `s` or later (size() if there is none yet).
  ItemId first_at(Step s) const {
    return s < step_first.size() ? step_first[s] : static_cast<ItemId>(author.size());
  }
  /// Rebuilds step_first from `created` (after restoring a checkpoint); throws core::Error if the
  /// items are not in step order.
  void rebuild_step_index();

 private:
  std::vector<ItemId> kept_;  ///< compact(): ids of the kept items (scratch, reused)
};

}  // namespace dipsim::model
