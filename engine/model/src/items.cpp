#include "dipsim/model/items.hpp"

#include <algorithm>
#include <string>

#include "dipsim/core/error.hpp"

namespace dipsim::model {

void ItemStore::reset(NodeId num_accounts) {
  serial.clear();
  next_serial = 0;
  for (auto* v :
       {&author, &root, &prev_by_author, &created, &reshares, &cascade_size, &cascade_last}) {
    v->clear();
  }
  state.clear();
  source_kind.clear();
  depth.clear();
  cascade_depth.clear();
  stance.clear();
  quality.clear();
  appeal.clear();
  credibility.clear();
  theme.clear();
  language.clear();
  labels.clear();
  from_bot.clear();
  correction.clear();
  replies.clear();
  last_of.assign(num_accounts, kNoItem);
  step_first.clear();
}

void ItemStore::rebuild_step_index() {
  step_first.clear();
  for (std::size_t i = 0; i < created.size(); ++i) {
    if (created[i] + std::size_t{1} < step_first.size()) {
      throw core::Error(core::ErrorKind::kInput,
                        "item " + std::to_string(i) + " was created at step " +
                            std::to_string(created[i]) + ", before the item listed ahead of it");
    }
    while (step_first.size() <= created[i]) step_first.push_back(static_cast<ItemId>(i));
  }
}

ItemId ItemStore::add(const NewItem& item, Step step) {
  if (author.size() >= kMaxLiveItems) {
    throw core::Error(core::ErrorKind::kResource,
                      "item store full: more than 2^32 - 2 items alive at once (posted inside the "
                      "feed window or still referenced); lower posting rates or "
                      "feed.window_steps");
  }
  const auto id = static_cast<ItemId>(author.size());
  if (step + std::size_t{1} < step_first.size()) {
    throw core::Error(core::ErrorKind::kInternal, "item added for step " + std::to_string(step) +
                                                      " after items of step " +
                                                      std::to_string(step_first.size() - 1) +
                                                      " (items must come in step order)");
  }
  while (step_first.size() <= step) step_first.push_back(id);
  const bool reshare = item.parent != kNoItem;
  const ItemId r = reshare ? root[item.parent] : id;
  // A repeat (a sharer sharing its own share again) stays at its parent's depth.
  const std::uint16_t d =
      reshare ? static_cast<std::uint16_t>(depth[item.parent] + (item.repeat ? 0 : 1)) : 0;
  serial.push_back(next_serial++);
  author.push_back(item.author);
  root.push_back(r);
  prev_by_author.push_back(last_of[item.author]);
  created.push_back(step);
  state.push_back(item.state);
  source_kind.push_back(item.source_kind);
  depth.push_back(d);
  stance.push_back(item.stance);
  quality.push_back(item.quality);
  appeal.push_back(item.appeal);
  credibility.push_back(item.credibility);
  theme.push_back(item.theme);
  language.push_back(item.language);
  labels.push_back(item.labels);
  from_bot.push_back(item.from_bot ? 1 : 0);
  correction.push_back(kNoItem);
  reshares.push_back(0);
  replies.push_back(0);
  cascade_size.push_back(1);
  cascade_depth.push_back(0);
  cascade_last.push_back(step);
  last_of[item.author] = id;
  if (reshare) {
    ++reshares[item.parent];
    if (!item.repeat) ++cascade_size[r];
    cascade_depth[r] = std::max(cascade_depth[r], d);
    cascade_last[r] = step;
  }
  return id;
}

namespace {

// Moves v[kept[k]] to v[k] (kept ascending, so k <= kept[k]: in place) and drops the rest.
template <class T>
void squeeze(std::vector<T>& v, const std::vector<ItemId>& kept) {
  for (std::size_t k = 0; k < kept.size(); ++k) v[k] = v[kept[k]];
  v.resize(kept.size());
}

}  // namespace

void ItemStore::compact(const std::vector<std::uint8_t>& keep, std::vector<ItemId>& remap) {
  const std::size_t n = size();
  if (keep.size() != n) {
    throw core::Error(core::ErrorKind::kInternal, "item compaction got " +
                                                      std::to_string(keep.size()) + " flags for " +
                                                      std::to_string(n) + " items");
  }
  remap.resize(n);
  kept_.clear();
  for (std::size_t i = 0; i < n; ++i) {
    remap[i] = keep[i] ? static_cast<ItemId>(kept_.size()) : kNoItem;
    if (keep[i]) kept_.push_back(static_cast<ItemId>(i));
  }
  auto relink = [&](ItemId i) { return i == kNoItem ? kNoItem : remap[i]; };
  for (const ItemId i : kept_) {
    if (remap[root[i]] == kNoItem) {
      throw core::Error(core::ErrorKind::kInternal,
                        "item compaction keeps item " + std::to_string(serial[i]) +
                            " but drops its root " + std::to_string(serial[root[i]]));
    }
  }
  squeeze(serial, kept_);
  squeeze(author, kept_);
  squeeze(root, kept_);
  squeeze(prev_by_author, kept_);
  squeeze(created, kept_);
  squeeze(state, kept_);
  squeeze(source_kind, kept_);
  squeeze(depth, kept_);
  squeeze(stance, kept_);
  squeeze(quality, kept_);
  squeeze(appeal, kept_);
  squeeze(credibility, kept_);
  squeeze(theme, kept_);
  squeeze(language, kept_);
  squeeze(labels, kept_);
  squeeze(from_bot, kept_);
  squeeze(correction, kept_);
  squeeze(reshares, kept_);
  squeeze(replies, kept_);
  squeeze(cascade_size, kept_);
  squeeze(cascade_depth, kept_);
  squeeze(cascade_last, kept_);
  for (std::size_t k = 0; k < kept_.size(); ++k) {
    root[k] = remap[root[k]];
    prev_by_author[k] = relink(prev_by_author[k]);
    correction[k] = relink(correction[k]);
  }
  for (ItemId& i : last_of) i = relink(i);
  rebuild_step_index();
}

std::size_t ItemStore::bytes() const {
  const std::size_t per_item = sizeof(std::uint64_t) + sizeof(NodeId) + 2 * sizeof(ItemId) +
                               sizeof(Step) + 1 + 1 + 2 + sizeof(Real) + 3 * sizeof(float) + 4 +
                               3 * sizeof(std::uint32_t) + sizeof(std::uint32_t) +
                               sizeof(std::uint16_t) + sizeof(Step);
  return author.size() * per_item +
         (last_of.size() + step_first.size() + kept_.size()) * sizeof(ItemId);
}

}  // namespace dipsim::model
