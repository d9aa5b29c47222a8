// ItemStore::compact: kept items renumbered densely in their old order, links to dropped items
// cleared, serials and the step index kept right.
#include <gtest/gtest.h>

#include "dipsim/core/error.hpp"
#include "dipsim/model/items.hpp"

using namespace dipsim;
using namespace dipsim::model;

namespace {

NewItem original(NodeId author) {
  return NewItem{author, kNoItem, 0, 0.5f, 0.5f, 0.5f, graph::NodeKind::kCitizen};
}

NewItem reshare(NodeId author, ItemId parent) {
  NewItem item = original(author);
  item.parent = parent;
  return item;
}

}  // namespace

TEST(ItemStore, CompactRenumbersKeptItemsInOrder) {
  ItemStore s(3);
  const ItemId a = s.add(original(0), 0);    // 0: dropped root
  const ItemId b = s.add(original(1), 0);    // 1: kept root (its reshare is kept)
  const ItemId c = s.add(reshare(2, b), 1);  // 2: dropped reshare
  const ItemId d = s.add(reshare(0, c), 2);  // 3: kept, deeper reshare of b
  const ItemId e = s.add(original(1), 3);    // 4: kept
  s.correction[b] = e;
  std::vector<std::uint8_t> keep{0, 1, 0, 1, 1};
  std::vector<ItemId> remap;
  s.compact(keep, remap);
  EXPECT_EQ(remap, (std::vector<ItemId>{kNoItem, 0, kNoItem, 1, 2}));
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.posted(), 5u);
  EXPECT_EQ(s.serial, (std::vector<std::uint64_t>{1, 3, 4}));
  EXPECT_EQ(s.root, (std::vector<ItemId>{0, 0, 2}));
  EXPECT_EQ(s.author, (std::vector<NodeId>{1, 0, 1}));
  EXPECT_EQ(s.depth, (std::vector<std::uint16_t>{0, 2, 0}));
  // d's previous item of author 0 (a) and e's (b, kept) after renumbering.
  EXPECT_EQ(s.prev_by_author, (std::vector<ItemId>{kNoItem, kNoItem, 0}));
  EXPECT_EQ(s.correction[0], 2u);
  EXPECT_EQ(s.cascade_size[0], 3u);
  EXPECT_EQ(s.cascade_depth[0], 2u);
  EXPECT_EQ(s.cascade_last[0], 2u);
  // last_of: author 0 -> d (1), author 1 -> e (2), author 2 -> c (dropped).
  EXPECT_EQ(s.last_of, (std::vector<ItemId>{1, 2, kNoItem}));
  // Step index: first items at or after steps 0..3 are b (0), d (1), d (1), e (2).
  EXPECT_EQ(s.first_at(0), 0u);
  EXPECT_EQ(s.first_at(1), 1u);
  EXPECT_EQ(s.first_at(2), 1u);
  EXPECT_EQ(s.first_at(3), 2u);
  EXPECT_EQ(s.first_at(4), 3u);
  // New items continue the serials and link to the kept items.
  const ItemId f = s.add(reshare(2, 2), 4);
  EXPECT_EQ(f, 3u);
  EXPECT_EQ(s.serial[f], 5u);
  EXPECT_EQ(s.root[f], 2u);
  EXPECT_EQ(s.prev_by_author[f], kNoItem);
  (void)a;
  (void)d;
}

TEST(ItemStore, CompactRefusesToDropTheRootOfAKeptItem) {
  ItemStore s(2);
  const ItemId r = s.add(original(0), 0);
  s.add(reshare(1, r), 1);
  std::vector<ItemId> remap;
  try {
    s.compact({0, 1}, remap);
    FAIL() << "expected an error";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::kInternal);
    EXPECT_NE(std::string(e.what()).find("drops its root 0"), std::string::npos) << e.what();
  }
}
