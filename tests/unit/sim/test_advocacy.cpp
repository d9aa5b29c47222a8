// Advocacy with stifling (citizens.advocacy): the rumour mechanism of Maki & Thompson (1973).
// Sharers keep sharing a story, one share per session, until a reader who already knew it reads
// their share; the cascade size counts distinct sharers. The classic-model check against the MT
// final ignorant fraction is in tests/validation (v_cascade.py).
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <set>
#include <vector>

#include "dipsim/sim/simulation.hpp"

using namespace dipsim;
using namespace dipsim::sim;

namespace {

SimConfig rumour_world(bool advocacy) {
  SimConfig c;
  c.run.seed = 5;
  c.run.steps = 400;
  c.graph.generator = GraphGenerator::kComplete;
  auto& cc = c.model.citizens;
  cc.count = 300;
  cc.advocacy = advocacy;
  cc.convergence = 0.0;
  cc.literacy_sd = 0.0;
  cc.activity_per_hour = 0.2;
  cc.activity_profile.fill(1.0);
  cc.attention = 1;
  cc.post_probability = 1.0;
  cc.post_quality = 1.0;
  cc.post_appeal = 0.0;  // only the story is ever shared
  cc.reshare_propensity = 1.0;
  cc.reply_probability = 0.0;
  c.model.feed.ranking = model::FeedRanking::kRandom;
  c.model.feed.window_steps = 1;
  model::CountryConfig a;
  a.name = "A";
  a.media_literacy = 0.0;
  a.attitude_spread = 0.0;
  a.baseline_attitude = {0.0};
  c.model.countries = {a};
  model::StateConfig s;
  s.name = "S";
  s.posts_per_day = 0;
  s.ministry_reach = 0;
  s.embassy_reach = 0;
  c.model.states = {s};
  model::EventConfig seed;
  seed.kind = model::EventKind::kSeedPosts;
  seed.start = 1;
  seed.count = 1;
  seed.state = 0;
  seed.stance = 0.0;
  seed.quality = 1.0;
  seed.appeal = 1.0;
  c.model.events = {seed};
  return c;
}

struct StoryCount {
  ItemId root = kNoItem;
  std::size_t shares = 0;  ///< share items of the story
  std::set<NodeId> sharers;
  std::size_t max_per_sharer = 0;
};

StoryCount count_story(const World& w) {
  StoryCount out;
  const auto& it = w.items;
  for (ItemId i = 0; i < it.size(); ++i) {
    if (it.appeal[i] == 1.0f && it.root[i] == i) out.root = i;  // the seed post
  }
  std::vector<std::size_t> per(w.citizens.count, 0);
  for (ItemId i = 0; i < it.size(); ++i) {
    if (it.root[i] != out.root || i == out.root) continue;
    ++out.shares;
    out.sharers.insert(it.author[i]);
    out.max_per_sharer = std::max(out.max_per_sharer, ++per[it.author[i]]);
  }
  return out;
}

}  // namespace

TEST(Advocacy, SharersRepeatUntilStifledAndTheRumourDies) {
  Simulation sim(build_world(rumour_world(true)));
  sim.set_compaction_interval(0);  // the story's shares are counted over every item of the run
  for (int t = 0; t < 400; ++t) sim.step();
  const World& w = sim.world();
  const StoryCount s = count_story(w);
  ASSERT_NE(s.root, kNoItem);
  // Repeats: advocates share the story many times, more than once each on average.
  EXPECT_GT(s.max_per_sharer, 1u);
  EXPECT_GT(s.shares, s.sharers.size());
  // The cascade counts the originator and each citizen who took the story up, once.
  const NodeId originator = w.items.author[s.root];
  const std::size_t distinct = s.sharers.size() - (s.sharers.count(originator) ? 1 : 0);
  EXPECT_EQ(w.items.cascade_size[s.root], 1 + distinct);
  // A rumour on the complete graph reaches most but not all (Maki-Thompson: ~80%).
  EXPECT_GT(distinct, 150u);
  EXPECT_LT(distinct, 299u);
  // Every advocate has been stifled by now: nobody is still sharing it.
  for (NodeId v = 0; v < w.citizens.count; ++v) {
    EXPECT_EQ(w.citizens.advocating[v], kNoItem) << "citizen " << v << " still advocates";
  }
}

TEST(Advocacy, OffMeansEachStoryIsSharedAtMostOnce) {
  Simulation sim(build_world(rumour_world(false)));
  sim.set_compaction_interval(0);  // the story's shares are counted over every item of the run
  for (int t = 0; t < 200; ++t) sim.step();
  const World& w = sim.world();
  const StoryCount s = count_story(w);
  ASSERT_NE(s.root, kNoItem);
  EXPECT_LE(s.max_per_sharer, 1u);
  EXPECT_EQ(s.shares, s.sharers.size());
  for (NodeId v = 0; v < w.citizens.count; ++v) EXPECT_EQ(w.citizens.advocating[v], kNoItem);
}

TEST(Advocacy, BitIdenticalForAnyThreadCountAndAcrossACheckpoint) {
  auto run = [](int threads, bool checkpoint) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(threads));
    const SimConfig c = rumour_world(true);
    Simulation sim(build_world(c));
    for (int t = 0; t < 60; ++t) sim.step();
    if (checkpoint) {
      const auto state = sim.save_state();
      Simulation resumed(build_world(c));
      resumed.restore_state(state);
      for (int t = 0; t < 60; ++t) resumed.step();
      return std::make_pair(resumed.world().citizens.advocating, resumed.world().items.author);
    }
    for (int t = 0; t < 60; ++t) sim.step();
    return std::make_pair(sim.world().citizens.advocating, sim.world().items.author);
  };
  const auto one = run(1, false);
  EXPECT_EQ(run(4, false), one);
  EXPECT_EQ(run(2, true), one);
}
