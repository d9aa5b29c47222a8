// Test worlds with every mechanism switched on, shared by the adversary, checkpoint and
// compaction tests.
#pragma once
#include "dipsim/sim/simulation.hpp"
#include "paired.hpp"

namespace dipsim::sim::testing {

// One country, one state campaigning, and a bot network attacking it.
inline SimConfig attacked() {
  SimConfig c;
  c.run.steps = kSteps;
  c.graph.mean_following = 15;
  c.model.citizens.count = 3000;
  c.model.citizens.activity_per_hour = 0.3;
  c.model.citizens.reshare_propensity = 0.3;
  model::CountryConfig a;
  a.name = "A";
  a.baseline_attitude = {0.1};
  c.model.countries = {a};
  model::StateConfig s;
  s.name = "S";
  s.posts_per_day = 8;
  s.embassy_reach = 0.3;
  s.language = 0;
  c.model.states = {s};
  model::BotNetworkConfig b;
  b.name = "net";
  b.count = 60;
  b.stance = {-0.6};
  b.follow_requests = 100;
  b.follow_back = 0.2;
  b.posts_per_day = 12;
  b.quality_mean = 0.15;
  b.language = 0;
  c.model.bots = {b};
  return c;
}

// Everything on: outlets, influencers and partnerships, bots with coordination and flooding,
// moderation, fact-checkers, all event kinds, backfire, stubbornness, zealots.
inline SimConfig everything() {
  SimConfig c = attacked();
  c.model.citizens.backfire = true;
  c.model.citizens.stubbornness = 0.01;
  c.model.countries[0].influencers = 20;
  c.model.countries[0].zealots_for = {0.02};
  c.model.countries[0].zealots_against = {0.02};
  c.model.states[0].partnership.influencers = 5;
  c.model.states[0].engagement.reply_share = 0.5;
  c.model.states[0].counter.prebunk_share = 0.2;
  c.model.states[0].counter.rebuttal_trigger = 5;
  c.model.states[0].crisis_response = 0.5;
  c.model.bots[0].coordination = 0.2;
  c.model.bots[0].flood_copies = 2;
  c.model.moderation.enabled = true;
  model::OutletConfig o;
  o.name = "o";
  o.stance = {0.2};
  c.model.outlets = {o};
  model::FactCheckerConfig fc;
  fc.name = "f";
  fc.virality = 5;
  c.model.fact_checkers = {fc};
  model::EventConfig e;
  for (auto kind :
       {model::EventKind::kCrisis, model::EventKind::kHackedAccount, model::EventKind::kScandal,
        model::EventKind::kSummit, model::EventKind::kSeedPosts}) {
    e.kind = kind;
    e.start = 5 + 10 * static_cast<std::uint32_t>(kind);
    e.duration = 8;
    e.state = 0;
    e.country = 0;
    c.model.events.push_back(e);
  }
  c.run.steps = 60;
  return c;
}

}  // namespace dipsim::sim::testing
