// Direction tests for the adversary, the defences and the event timeline (paired arms over
// several seeds, see paired.hpp), plus thread-count determinism with everything switched on.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cstring>

#include "dipsim/core/error.hpp"
#include "dipsim/sim/simulation.hpp"
#include "full_model.hpp"
#include "paired.hpp"

using namespace dipsim;
using namespace dipsim::sim;
using namespace dipsim::sim::testing;

namespace {

double total(const Simulation& s, Metric m) {
  return s.metrics().at(m, 0, 0);
}

}  // namespace

TEST(Adversaries, MoreInfiltrationLowersQualityRead) {
  SimConfig a = attacked();
  a.model.bots[0].follow_back = 0.05;
  SimConfig b = a;
  b.model.bots[0].follow_back = 0.5;
  // Outcome: minus the mean quality read, summed over steps (higher = worse diet).
  expect_positive("more infiltration -> lower mean quality read",
                  paired(a, b, nullptr,
                         [](const Simulation& s) { return -total(s, Metric::kMeanQualityRead); }));
  expect_positive("more infiltration -> bot reach",
                  paired(a, b, [](const Simulation& s) { return total(s, Metric::kBotReach); }));
}

TEST(Adversaries, TakedownsReduceBotReach) {
  SimConfig a = attacked();
  a.model.moderation.enabled = true;
  a.model.moderation.detection_rate = 0.2;
  a.model.moderation.takedown_delay = 2;
  SimConfig b = a;
  b.model.moderation.enabled = false;
  expect_positive("no moderation -> bot items read", paired(a, b, nullptr, [](const Simulation& s) {
                    return total(s, Metric::kBotItemsRead);
                  }));
  Simulation sim(build_world(a));
  for (std::uint32_t t = 0; t < kSteps; ++t) sim.step();
  std::uint32_t takedowns = 0;
  for (const auto& p : sim.platform_history()) takedowns += p.takedowns;
  EXPECT_GT(takedowns, 30u);  // of 60 bots: expected ~60 x (1 - (1 - 0.2 x 0.5)^70)
}

TEST(Adversaries, FactChecksReduceResharingOfTheCheckedItem) {
  SimConfig a = attacked();
  a.model.bots.clear();
  a.model.citizens.reshare_propensity = 0.8;
  a.model.feed.label_reshare_factor = 0.2;
  // A low-quality story breaks at step 2 and goes viral.
  model::EventConfig story;
  story.kind = model::EventKind::kSeedPosts;
  story.start = 2;
  story.count = 1;
  story.state = 0;
  story.stance = 0.1;  // close to the public's view: widely reshared
  story.quality = 0.2;
  story.appeal = 1.0;
  a.model.events = {story};
  SimConfig b = a;
  model::FactCheckerConfig fc;
  fc.name = "checker";
  fc.virality = 10;
  fc.delay = 2;
  fc.quality_threshold = 0.5;
  fc.language = 0;
  b.model.fact_checkers = {fc};
  // Outcome: reshares of the story's cascade (its root is the first item created at step 2).
  auto cascade = [](const Simulation& s) {
    const auto& items = s.world().items;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (items.created[i] == 2 && items.theme[i] == model::theme::kNews && items.root[i] == i &&
          items.source_kind[i] != graph::NodeKind::kOfficial) {
        return -static_cast<double>(items.cascade_size[i]);
      }
    }
    return 0.0;
  };
  expect_positive("fact-check -> smaller cascade of the checked story",
                  paired(a, b, cascade, nullptr, /*keep_items=*/true));
  Simulation sim(build_world(b));
  double corrections = 0;
  for (std::uint32_t t = 0; t < kSteps; ++t) {
    sim.step();
    corrections += total(sim, Metric::kCorrectionsRead);
  }
  EXPECT_GT(corrections, 100);  // the correction reached the story's readers
}

TEST(Adversaries, HackedAccountLowersTrustInItsState) {
  SimConfig a = attacked();
  a.model.bots.clear();
  SimConfig b = a;
  model::EventConfig hack;
  hack.kind = model::EventKind::kHackedAccount;
  hack.start = 10;
  hack.duration = 12;
  hack.state = 0;
  hack.country = 0;  // the embassy in A
  hack.trust_drop = 0.3;
  b.model.events = {hack};
  expect_positive("no hack -> official trust", paired(b, a, [](const Simulation& s) {
                    return total(s, Metric::kOfficialTrust);
                  }));
  expect_positive("no hack -> attitude toward the state", paired(b, a, [](const Simulation& s) {
                    return total(s, Metric::kMeanAttitude);
                  }));
}

TEST(Adversaries, CrisisRaisesActivityAndStatesRespondAfterTheirLag) {
  SimConfig a = attacked();
  a.model.bots.clear();
  a.model.states[0].crisis_response = 0.8;
  a.model.states[0].response_lag = 5;
  SimConfig b = a;
  model::EventConfig crisis;
  crisis.kind = model::EventKind::kCrisis;
  crisis.start = 20;
  crisis.duration = 30;
  crisis.country = 0;
  crisis.magnitude = 1.0;
  b.model.events = {crisis};
  expect_positive("crisis -> items read", paired(a, b, nullptr, [](const Simulation& s) {
                    return total(s, Metric::kItemsRead);
                  }));
  Simulation sim(build_world(b));
  for (std::uint32_t t = 0; t < kSteps; ++t) sim.step();
  const Step lag = sim.crisis_response()[0][0];
  EXPECT_GE(lag, 5u);
  EXPECT_LE(lag, 8u);  // 8 embassy posts a day: one due within ~3 steps after the lag
}

TEST(Adversaries, ScandalLowersTheCampaignsGain) {
  SimConfig a = attacked();
  a.model.bots.clear();
  SimConfig b = a;
  model::EventConfig scandal;
  scandal.kind = model::EventKind::kScandal;
  scandal.start = 0;
  scandal.duration = kSteps;
  scandal.state = 0;
  scandal.magnitude = 0.8;
  b.model.events = {scandal};
  expect_positive("no scandal -> attitude toward the state", paired(b, a, [](const Simulation& s) {
                    return total(s, Metric::kMeanAttitude);
                  }));
}

TEST(Adversaries, BotContentShiftsAttitudesAndIsAttributed) {
  SimConfig c = attacked();
  c.model.citizens.openness_mean = 1.0;
  c.run.seed = 3;
  Simulation sim(build_world(c));
  for (std::uint32_t t = 0; t < kSteps; ++t) sim.step();
  const double bot_shift = total(sim, Metric::kBotAttitudeShift);
  const double all_shift = total(sim, Metric::kAttitudeShift);
  const double start = build_world(c).citizens.attitude.size() > 0 ? 0.0 : 0.0;
  (void)start;
  std::printf("attitude shift: all items %.4f, bot items %.4f\n", all_shift, bot_shift);
  EXPECT_LT(bot_shift, 0.0);  // bots push toward -0.6
  // The cumulative shift equals the change of the mean attitude (nothing else moves it).
  Simulation fresh(build_world(c));
  const double mean0 = fresh.metrics().at(Metric::kMeanAttitude, 0, 0);
  EXPECT_NEAR(total(sim, Metric::kMeanAttitude) - mean0, all_shift, 1e-4);
}

namespace {

std::vector<double> run_all(const SimConfig& c, int threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  Simulation sim(build_world(c));
  std::vector<double> out = sim.metrics().values;
  for (std::uint32_t t = 0; t < c.run.steps; ++t) {
    sim.step();
    out.insert(out.end(), sim.metrics().values.begin(), sim.metrics().values.end());
  }
  for (float a : sim.attitudes()) out.push_back(a);
  out.push_back(static_cast<double>(sim.world().items.size()));
  return out;
}

}  // namespace

TEST(Adversaries, FullModelIsBitIdenticalForAnyThreadCount) {
  const SimConfig c = everything();
  const auto one = run_all(c, 1);
  for (int threads : {2, 4}) {
    const auto many = run_all(c, threads);
    ASSERT_EQ(one.size(), many.size());
    EXPECT_EQ(0, std::memcmp(one.data(), many.data(), one.size() * sizeof(double)))
        << "threads " << threads;
  }
}

TEST(Checkpoint, SaveAndRestoreContinuesBitIdentically) {
  const SimConfig c = everything();
  Simulation whole(build_world(c));
  std::vector<double> expected;
  for (std::uint32_t t = 0; t < c.run.steps; ++t) {
    whole.step();
    if (t >= 30)
      expected.insert(expected.end(), whole.metrics().values.begin(), whole.metrics().values.end());
  }
  Simulation first(build_world(c));
  for (std::uint32_t t = 0; t < 31; ++t) first.step();
  const StateArrays saved = first.save_state();
  Simulation resumed(build_world(c));
  resumed.restore_state(saved);
  EXPECT_EQ(resumed.steps_done(), 31u);
  std::vector<double> got(resumed.metrics().values.begin(), resumed.metrics().values.end());
  for (std::uint32_t t = 31; t < c.run.steps; ++t) {
    resumed.step();
    got.insert(got.end(), resumed.metrics().values.begin(), resumed.metrics().values.end());
  }
  ASSERT_EQ(expected.size(), got.size());
  EXPECT_EQ(0, std::memcmp(expected.data(), got.data(), got.size() * sizeof(double)));
  EXPECT_EQ(whole.attitudes(), resumed.attitudes());
  EXPECT_EQ(whole.world().items.size(), resumed.world().items.size());
}

TEST(Checkpoint, RestoreRejectsAStateOfAnotherWorld) {
  SimConfig c = everything();
  Simulation a(build_world(c));
  a.step();
  const StateArrays saved = a.save_state();
  c.model.citizens.count = 1000;
  Simulation b(build_world(c));
  EXPECT_THROW(b.restore_state(saved), core::Error);
}

TEST(Adversaries, CommunityInfiltrationReachesOnlyThatLanguageAndShareSetsTheSize) {
  SimConfig c = attacked();
  c.model.languages = {"la", "lb"};
  c.model.countries[0].languages = {{0, 0.5}, {1, 0.5}};
  c.model.bots[0].count = 0;
  c.model.bots[0].share = 0.01;  // 30 of 3000 citizens
  c.model.bots[0].infiltration = model::Infiltration::kCommunity;
  c.model.bots[0].target_language = 1;
  const World w = build_world(c);
  ASSERT_EQ(w.bots.size(), 30u);
  std::size_t followers = 0;
  for (NodeId v = 0; v < w.citizens.count; ++v) {
    for (NodeId u : w.graph.following.row(v)) {
      if (u >= w.bots.first_node) {
        ++followers;
        ASSERT_EQ(w.citizens.language[v], 1) << "citizen " << v << " outside the community";
      }
    }
  }
  EXPECT_GT(followers, 300u);  // 30 bots x 100 requests x 0.2 follow-back = 600 expected
}

TEST(Invariants, HoldForTheFullModelAndNameTheFirstViolation) {
  SimConfig c = everything();
  c.run.steps = 20;
  Simulation sim(build_world(c));
  for (std::uint32_t t = 0; t < c.run.steps; ++t) {
    sim.step();
    ASSERT_NO_THROW(sim.check_invariants()) << "step " << t;
  }
  // Break one citizen's attitude through a checkpoint and expect the check to name it.
  StateArrays state = sim.save_state();
  for (auto& [name, array] : state) {
    if (name == "citizens/attitude") std::get<std::vector<float>>(array)[17] = 1.5f;
  }
  Simulation broken(build_world(c));
  broken.restore_state(state);
  try {
    broken.check_invariants();
    FAIL() << "expected an invariant violation";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::kInternal);
    EXPECT_NE(std::string(e.what()).find("citizen 17 has attitude 1.5"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("after step 20"), std::string::npos) << e.what();
  }
}
