#include <gtest/gtest.h>

#include "dipsim/core/error.hpp"
#include "dipsim/model/items.hpp"
#include "dipsim/model/rules.hpp"

using namespace dipsim;
using namespace dipsim::model;

TEST(BoundedConfidence, MovesTowardCloseItemsOnly) {
  EXPECT_FLOAT_EQ(bounded_confidence_update(0.0f, 0.5f, 0.6f, 0.2f), 0.1f);
  EXPECT_FLOAT_EQ(bounded_confidence_update(0.0f, -0.5f, 0.6f, 0.2f), -0.1f);
  // Outside the confidence width: no change (also exactly at the width: strict inequality).
  EXPECT_FLOAT_EQ(bounded_confidence_update(0.0f, 0.7f, 0.6f, 0.2f), 0.0f);
  EXPECT_FLOAT_EQ(bounded_confidence_update(0.0f, 0.5f, 0.5f, 0.2f), 0.0f);
  // Rate 1 jumps to the item; result stays in [-1, 1].
  EXPECT_FLOAT_EQ(bounded_confidence_update(0.3f, 0.9f, 2.0f, 1.0f), 0.9f);
  // Openness 2 (the whole range) is no bound: opposite ends (distance exactly 2) interact, as
  // the binary voter model needs; just below 2 the strict test still excludes them.
  EXPECT_FLOAT_EQ(bounded_confidence_update(-1.0f, 1.0f, 2.0f, 1.0f), 1.0f);
  EXPECT_FLOAT_EQ(bounded_confidence_update(1.0f, -1.0f, 2.0f, 0.5f), 0.0f);
  EXPECT_FLOAT_EQ(bounded_confidence_update(-1.0f, 1.0f, 1.99f, 1.0f), -1.0f);
  EXPECT_TRUE(within_confidence(2.0f, 2.0f));
  EXPECT_FALSE(within_confidence(1.99f, 1.99f));
  EXPECT_FALSE(within_confidence(std::nanf(""), 2.0f));
  EXPECT_LE(bounded_confidence_update(0.99f, 1.0f, 2.0f, 1.0f), 1.0f);
}

TEST(InfluenceRate, IsTheProductOfItsFactors) {
  EXPECT_FLOAT_EQ(influence_rate(0.2f, 0.5f, 0.8f, 0.5f), 0.04f);
  EXPECT_FLOAT_EQ(influence_rate(0.2f, 0.0f, 0.8f, 0.5f), 0.0f);
}

TEST(ReshareProbability, FallsWithDisagreementAndScalesWithAppeal) {
  EXPECT_FLOAT_EQ(reshare_probability(0.5f, 0.8f, 0.0f), 0.4f);
  EXPECT_FLOAT_EQ(reshare_probability(0.5f, 0.8f, 1.0f), 0.2f);
  EXPECT_FLOAT_EQ(reshare_probability(0.5f, 0.8f, 2.0f), 0.0f);
  EXPECT_GT(reshare_probability(0.5f, 0.9f, 0.5f), reshare_probability(0.5f, 0.3f, 0.5f));
}

TEST(EngagementScore, HalvesPerHalfLifeAndGrowsWithReshares) {
  EXPECT_FLOAT_EQ(engagement_score(0, 0, 6.0f), 1.0f);
  EXPECT_FLOAT_EQ(engagement_score(0, 6, 6.0f), 0.5f);
  EXPECT_FLOAT_EQ(engagement_score(3, 6, 6.0f), 2.0f);
}

TEST(ScheduledPosts, TotalMatchesRateWithinOne) {
  for (double rate : {0.0, 0.1, 1.0 / 6.0, 0.5, 1.0, 2.5}) {
    for (double phase : {0.0, 0.3, 0.99}) {
      std::uint32_t total = 0;
      for (std::uint32_t t = 0; t < 240; ++t) total += scheduled_posts(t, rate, phase);
      EXPECT_NEAR(total, 240 * rate, 1.0) << "rate " << rate << " phase " << phase;
    }
  }
}

TEST(ItemStore, ResharesBuildCascades) {
  ItemStore store(4);
  const ItemId root = store.add({0, kNoItem, 1, 0.8f, 0.9f, 0.5f, graph::NodeKind::kOfficial}, 3);
  const ItemId r1 = store.add({1, root, 1, 0.8f, 0.9f, 0.5f, graph::NodeKind::kCitizen}, 4);
  const ItemId r2 = store.add({2, r1, 1, 0.8f, 0.9f, 0.5f, graph::NodeKind::kCitizen}, 6);
  const ItemId other = store.add({1, kNoItem, 0, -0.2f, 0.5f, 0.3f, graph::NodeKind::kCitizen}, 6);
  EXPECT_EQ(store.root[r2], root);
  EXPECT_EQ(store.depth[r2], 2);
  EXPECT_EQ(store.cascade_size[root], 3u);
  EXPECT_EQ(store.cascade_depth[root], 2);
  EXPECT_EQ(store.cascade_last[root], 6u);
  EXPECT_EQ(store.reshares[root], 1u);
  EXPECT_EQ(store.reshares[r1], 1u);
  // Author lists are newest first.
  EXPECT_EQ(store.last_of[1], other);
  EXPECT_EQ(store.prev_by_author[other], r1);
  EXPECT_EQ(store.prev_by_author[r1], kNoItem);
  EXPECT_EQ(store.last_of[3], kNoItem);
  // Step index: the first item created at step s or later (items at steps 3, 4, 6, 6).
  EXPECT_EQ(store.first_at(0), 0u);
  EXPECT_EQ(store.first_at(3), 0u);
  EXPECT_EQ(store.first_at(4), 1u);
  EXPECT_EQ(store.first_at(5), 2u);
  EXPECT_EQ(store.first_at(6), 2u);
  EXPECT_EQ(store.first_at(7), 4u);
  EXPECT_EQ(store.first_at(1000), 4u);
  const auto index = store.step_first;
  store.rebuild_step_index();
  EXPECT_EQ(store.step_first, index);
  // Items must come in step order.
  EXPECT_THROW(store.add({0, kNoItem, 0, 0.0f, 0.5f, 0.3f, graph::NodeKind::kCitizen}, 5),
               core::Error);
}
