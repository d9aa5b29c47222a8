// Direction tests: each mechanism of the campaign model moves its outcome the way theory expects
// (paired arms over several seeds, see paired.hpp).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <numeric>

#include "dipsim/sim/simulation.hpp"
#include "paired.hpp"

using namespace dipsim;
using namespace dipsim::sim;
using namespace dipsim::sim::testing;

namespace {

SimConfig base() {
  SimConfig c;
  c.run.steps = kSteps;
  c.graph.mean_following = 15;
  c.model.citizens.count = 3000;
  c.model.citizens.activity_per_hour = 0.3;
  c.model.citizens.post_probability = 0.02;
  c.model.languages = {"la", "lb", "lc"};
  model::CountryConfig a, b;
  a.name = "A";
  a.baseline_attitude = {0.0, 0.0};
  a.languages = {{0, 1.0}};
  b.name = "B";
  b.baseline_attitude = {0.0, 0.0};
  b.languages = {{1, 1.0}};
  c.model.countries = {a, b};
  model::StateConfig s1, s2;
  s1.name = "S1";
  s1.language = 2;  // a language nobody speaks unless localised
  s1.posts_per_day = 12;
  s1.embassy_reach = 0.3;
  s2.name = "S2";
  s2.language = 2;
  s2.posts_per_day = 0;
  c.model.states = {s1, s2};
  return c;
}

}  // namespace

TEST(Mechanisms, LocalisationRaisesAttitudeGainInTarget) {
  SimConfig a = base();
  SimConfig b = a;
  b.model.states[0].localisation = 1.0;
  expect_positive("localisation -> attitude toward S1 in B", paired(a, b, [](const Simulation& s) {
                    return metric_sum(s, Metric::kMeanAttitude, 1, 0);
                  }));
}

TEST(Mechanisms, PaidPartnershipRaisesReach) {
  SimConfig a = base();
  a.model.countries[0].influencers = 20;
  a.model.countries[1].influencers = 20;
  a.model.states[0].posts_per_day = 2;
  a.model.citizens.influencer_post_probability = 0.0;  // influencers post only when paid
  a.run.steps = 12;                                    // before reach saturates
  SimConfig b = a;
  b.model.states[0].partnership.influencers = 10;
  b.model.states[0].partnership.posts_per_day = 4;
  expect_positive("paid partnership -> reach of S1 in A", paired(a, b, [](const Simulation& s) {
                    return metric_sum(s, Metric::kReach, 0, 0);
                  }));
  expect_positive("paid partnership -> influencer reach of S1 in A",
                  paired(a, b, [](const Simulation& s) {
                    return metric_sum(s, Metric::kReachInfluencer, 0, 0);
                  }));
}

TEST(Mechanisms, BackfirePolarisesASplitPublic) {
  SimConfig a = base();
  for (auto& c : a.model.countries) c.attitude_spread = 0.6;
  a.model.states[0].localisation = 1.0;
  a.model.citizens.openness_mean = 0.5;
  a.model.citizens.backfire_threshold = 0.9;
  a.model.citizens.backfire_strength = 1.0;
  SimConfig b = a;
  b.model.citizens.backfire = true;
  expect_positive("backfire -> attitude variance toward S1 in A",
                  paired(a, b, [](const Simulation& s) {
                    return metric_sum(s, Metric::kAttitudeVariance, 0, 0);
                  }));
}

TEST(Mechanisms, AnsweringRepliesRaisesTrustAndAttitude) {
  SimConfig a = base();
  a.model.states[0].localisation = 1.0;
  a.model.citizens.reply_probability = 0.5;
  a.model.citizens.trust_state = 0.3;
  SimConfig b = a;
  b.model.states[0].engagement.reply_share = 1.0;
  b.model.states[0].engagement.trust_gain = 0.3;
  expect_positive(
      "answered replies -> attitude toward S1 in A",
      paired(a, b, [](const Simulation& s) { return metric_sum(s, Metric::kMeanAttitude, 0, 0); }));
}

TEST(Mechanisms, PrebunkingRaisesLiteracy) {
  SimConfig a = base();
  SimConfig b = a;
  b.model.states[0].counter.prebunk_share = 0.5;
  expect_positive("prebunking -> mean media literacy", paired(a, b, [](const Simulation& s) {
                    const auto& l = s.world().citizens.literacy;
                    return std::accumulate(l.begin(), l.end(), 0.0) / static_cast<double>(l.size());
                  }));
}

TEST(Mechanisms, LabelsLowerResharing) {
  SimConfig a = base();
  a.model.citizens.reshare_propensity = 0.5;
  a.model.feed.label_reshare_factor = 0.2;
  SimConfig b = a;
  b.model.feed.label_state_media = false;  // no labels: full reshare probability
  expect_positive("no state-affiliated label -> reshares of S1 items",
                  paired(a, b, nullptr, [](const Simulation& s) {
                    return metric_sum(s, Metric::kReshares, 0, 0) +
                           metric_sum(s, Metric::kReshares, 1, 0);
                  }));
}

TEST(Mechanisms, CulturalProximityRaisesResharing) {
  SimConfig a = base();
  a.model.citizens.reshare_propensity = 0.5;
  for (auto& c : a.model.countries) c.cultural_proximity = {0.1, 0.5};
  SimConfig b = a;
  for (auto& c : b.model.countries) c.cultural_proximity = {1.0, 0.5};
  expect_positive(
      "cultural proximity -> reshares of S1 items", paired(a, b, nullptr, [](const Simulation& s) {
        return metric_sum(s, Metric::kReshares, 0, 0) + metric_sum(s, Metric::kReshares, 1, 0);
      }));
}

TEST(Mechanisms, CredibilityRaisesAttitudeGain) {
  SimConfig a = base();
  a.model.states[0].localisation = 1.0;
  a.model.states[0].credibility = 0.2;
  SimConfig b = a;
  b.model.states[0].credibility = 0.9;
  expect_positive("credibility -> attitude toward S1 in A", paired(a, b, [](const Simulation& s) {
                    return metric_sum(s, Metric::kMeanAttitude, 0, 0);
                  }));
}

TEST(Mechanisms, RepetitionDecayLowersAttitudeGain) {
  SimConfig a = base();
  a.model.states[0].localisation = 1.0;
  // Many exposures to the same roots: everyone reshares what they agree with, and reads all.
  a.model.citizens.reshare_propensity = 1.0;
  a.model.citizens.attention = 200;
  a.model.citizens.convergence = 0.5;
  a.model.feed.ranking = model::FeedRanking::kChronological;
  a.model.citizens.repetition_decay = 0.0;
  a.run.steps = 24;  // before attitudes saturate near the message
  SimConfig b = a;
  b.model.citizens.repetition_decay = 1.0;
  expect_positive(
      "no repetition decay -> attitude toward S1 in A",
      paired(a, b, [](const Simulation& s) { return metric_sum(s, Metric::kMeanAttitude, 0, 0); }));
}

TEST(Mechanisms, InternetPenetrationRaisesReach) {
  SimConfig a = base();
  a.model.countries[0].internet_penetration = 0.3;
  SimConfig b = a;
  b.model.countries[0].internet_penetration = 0.9;
  expect_positive("internet penetration -> reach of S1 in A", paired(a, b, [](const Simulation& s) {
                    return metric_sum(s, Metric::kReach, 0, 0);
                  }));
}

TEST(Mechanisms, BroadcastReachesOfflineCitizens) {
  SimConfig c = base();
  c.model.countries[0].internet_penetration = 0.2;
  model::OutletConfig o;
  o.name = "tv";
  o.country = 0;
  o.language = 0;
  o.stance = {0.4, 0.0};  // within most citizens' confidence width (openness ~ 0.6)
  o.broadcast_reach = 1.0;
  o.posts_per_day = 24;
  c.model.outlets = {o};
  c.model.states.resize(1);  // the outlet then reports on S1 only
  for (auto& country : c.model.countries) country.baseline_attitude = {0.0};
  o.stance = {0.4};
  c.model.outlets = {o};
  c.run.seed = 5;
  const World start = build_world(c);
  Simulation sim(build_world(c));
  for (std::uint32_t t = 0; t < kSteps; ++t) sim.step();
  const auto& z = sim.world().citizens;
  double before = 0, after = 0, n = 0;
  for (NodeId v = 0; v < z.count; ++v) {
    if (z.online[v] || z.country[v] != 0) continue;
    before += start.citizens.attitude[v];
    after += z.attitude[v];
    ++n;
  }
  std::printf("offline citizens of A: mean attitude toward S1 %.4f -> %.4f (n = %.0f)\n",
              before / n, after / n, n);
  EXPECT_GT(n, 1000);
  // About 3 broadcast items per citizen in 72 steps, each moving it by rate x distance =
  // (0.2 x 0.5 x 0.5 x 0.7 x ~0.9) x 0.4 ~ 0.013 toward 0.4 when within its confidence width:
  // ~0.03 expected; we require half of that.
  EXPECT_GT(after / n, before / n + 0.015);
  EXPECT_GT(sim.metrics().at(Metric::kReachMedia, 0, 0), n * 0.9);
}

TEST(Mechanisms, OutletsRepublishTrendingItemsAndEmbassiesRebut) {
  SimConfig c = base();
  c.model.citizens.reshare_propensity = 0.6;
  model::OutletConfig o;
  o.name = "daily";
  o.country = 0;
  o.language = 0;
  o.stance = {-0.8, 0.0};
  o.platform_reach = 0.6;
  o.posts_per_day = 24;
  o.gatekeeping = 0.0;
  o.pickups_per_day = 12;
  c.model.outlets = {o};
  c.model.states[0].counter.rebuttal_trigger = 5;
  SimConfig quiet = c;
  quiet.model.outlets[0].pickups_per_day = 0;
  quiet.model.states[0].counter.rebuttal_trigger = 0;
  auto count = [](const SimConfig& cfg) {
    Simulation sim(build_world(cfg));
    for (std::uint32_t t = 0; t < kSteps; ++t) sim.step();
    const auto& items = sim.world().items;
    const NodeId outlet = sim.world().outlet_node[0];
    std::pair<int, int> n{0, 0};  // (republished by the outlet, rebuttals)
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (items.author[i] == outlet && items.root[i] != i) ++n.first;
      if (items.theme[i] == model::theme::kRebuttal) ++n.second;
    }
    return n;
  };
  const auto on = count(c), off = count(quiet);
  std::printf("republished: %d (off: %d); rebuttals: %d (off: %d)\n", on.first, off.first,
              on.second, off.second);
  EXPECT_GT(on.first, 10);
  EXPECT_EQ(off.first, 0);
  EXPECT_GT(on.second, 0);
  EXPECT_EQ(off.second, 0);
}
