#include "dipsim/sim/simulation.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <string>

#include "dipsim/core/error.hpp"
#include "dipsim/core/rng.hpp"
#include "dipsim/model/rules.hpp"
#include "dipsim/model/streams.hpp"

namespace dipsim::sim {

namespace {

using model::SourceClass;

constexpr std::uint8_t kSeenCountMask = 0x3F;
constexpr std::uint8_t kSeenCorrected = 0x40;
constexpr std::uint8_t kSeenReshared = 0x80;
constexpr unsigned kBotReachBit = 40;
/// Bit 0 of each source class's byte of Citizens::reached: shifted by a state, the bits that say
/// "reached by any source about that state".
constexpr std::uint64_t kAnyClassBits = 0x0101010101ull;
static_assert(model::kNumSourceClasses == 5, "kAnyClassBits has one bit per source class");

// Candidate = (score, item) packed in 64 bits so that sorting descending orders by score, then
// by newer item: the bits of a non-negative float are monotone in its value.
std::uint64_t pack(float score, ItemId item) {
  return (static_cast<std::uint64_t>(std::bit_cast<std::uint32_t>(score)) << 32) | item;
}
ItemId unpack_item(std::uint64_t c) {
  return static_cast<ItemId>(c & 0xFFFFFFFFu);
}

SourceClass source_class(graph::NodeKind kind) {
  switch (kind) {
    case graph::NodeKind::kOfficial:
      return SourceClass::kOfficial;
    case graph::NodeKind::kOutlet:
    case graph::NodeKind::kFactChecker:
      return SourceClass::kMedia;
    case graph::NodeKind::kInfluencer:
      return SourceClass::kInfluencer;
    case graph::NodeKind::kBot:
      return SourceClass::kUnknown;
    case graph::NodeKind::kCitizen:
    default:
      return SourceClass::kPeer;
  }
}

// Draws an index from weights (which sum to > 0) with one uniform.
std::size_t draw_weighted(const std::vector<double>& w, double u) {
  double total = 0.0;
  for (double x : w) total += x;
  double acc = 0.0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    acc += w[i] / total;
    if (u < acc) return i;
  }
  return w.size() - 1;
}

bool in_window(const model::EventConfig& e, Step t) {
  return t >= e.start && t - e.start < e.duration;
}

}  // namespace

Simulation::Simulation(World world) : world_(std::move(world)) {
  const auto& m = world_.config.model;
  const std::size_t num_states = m.states.size();
  num_blocks_ = (world_.citizens.count + kBlock - 1) / kBlock;
  cs_ = m.countries.size() * num_states;
  counters_.assign(num_blocks_ * cs_, BlockCounters{});
  block_stats_.assign(num_blocks_, StepStats{});
  stifles_.assign(num_blocks_, {});
  actors_.assign(num_blocks_, {});
  negative_prev_.assign(cs_, 0);
  shift_total_.assign(cs_, 0.0);
  bot_shift_total_.assign(cs_, 0.0);
  outlet_last_pick_.assign(m.outlets.size(), kNoItem);
  for (std::size_t o = 0; o < m.outlets.size(); ++o) {
    outlet_pick_phase_.push_back(core::CounterRng(world_.config.run.seed, model::stream::kSchedule,
                                                  world_.outlet_node[o], 99)
                                     .uniform());
    for (double x : m.outlets[o].stance) outlet_stance_.push_back(static_cast<float>(x));
  }
  checker_queue_.assign(m.fact_checkers.size(), {});
  checker_head_.assign(m.fact_checkers.size(), 0);
  for (std::size_t f = 0; f < m.fact_checkers.size(); ++f) {
    checker_phase_.push_back(core::CounterRng(world_.config.run.seed, model::stream::kSchedule,
                                              world_.fact_checker_node[f], 0)
                                 .uniform());
  }
  crisis_response_.assign(m.events.size(), std::vector<Step>(num_states, kNever));
  activity_mult_.assign(m.countries.size(), 1.0);
  crisis_appeal_.assign(m.countries.size(), 1.0);
  crisis_start_.assign(m.countries.size(), kNever);
  crisis_event_.assign(m.countries.size(), 0);
  credibility_mult_.assign(num_states, 1.0);
  posting_mult_.assign(num_states, 1.0);
  trust_penalty_.assign(num_states, 0.0f);
  hacked_by_.assign(world_.posters.size(), -1);
  frame_.resize(m.countries.size(), num_states);
  for (const auto& outlets : world_.country_outlets) {
    max_country_outlets_ =
        std::max(max_country_outlets_, static_cast<std::uint32_t>(outlets.size()));
  }
  recount_reach();
  measure_phase();  // metrics of the initial state until the first step completes
  init_compaction();
}

void Simulation::step() {
  const Step t = steps_done_;
  platform_.push_back(PlatformStep{});
  const std::size_t items_before = world_.items.size();
  apply_events(t);
  post_phase(t);
  platform_.back().items_posted = static_cast<std::uint32_t>(world_.items.size() - items_before);
  read_phase(t);
  measure_phase();
  ++steps_done_;
  finished_.clear();
  if (compact_every_ > 0 && steps_done_ % compact_every_ == 0) compact_items();
#ifndef NDEBUG
  check_invariants();
#endif
}

void Simulation::check_invariants() const {
  const auto& z = world_.citizens;
  const auto& items = world_.items;
  const std::size_t num_states = z.num_states;
  auto fail = [&](const std::string& what) {
    throw core::Error(core::ErrorKind::kInternal, "model invariant broken after step " +
                                                      std::to_string(steps_done_) + ": " + what);
  };
  for (NodeId v = 0; v < z.count; ++v) {
    for (std::size_t s = 0; s < num_states; ++s) {
      const Real a = z.attitude[v * num_states + s];
      if (!std::isfinite(a) || a < -1.0f || a > 1.0f) {
        fail("citizen " + std::to_string(v) + " has attitude " + std::to_string(a) +
             " toward state " + std::to_string(s) + " (expected a finite value in [-1, 1])");
      }
      const float b = z.trust_bonus[v * num_states + s];
      if (!std::isfinite(b) || b < 0.0f || b > 1.0f) {
        fail("citizen " + std::to_string(v) + " has trust bonus " + std::to_string(b));
      }
    }
    const float l = z.literacy[v];
    if (!std::isfinite(l) || l < 0.0f || l > 1.0f) {
      fail("citizen " + std::to_string(v) + " has literacy " + std::to_string(l));
    }
    for (ItemId i : {z.pending_reshare[v], z.pending_reply[v], z.advocating[v]}) {
      if (i != kNoItem && i >= items.size()) {
        fail("citizen " + std::to_string(v) + " holds a pending item " + std::to_string(i) +
             " that does not exist (" + std::to_string(items.size()) + " items)");
      }
    }
    if (z.pending_post[v] != model::kNoState && z.pending_post[v] >= num_states) {
      fail("citizen " + std::to_string(v) + " plans a post about state " +
           std::to_string(z.pending_post[v]));
    }
    if (!z.online[v] && world_.graph.following.degree(v) != 0) {
      fail("offline citizen " + std::to_string(v) + " follows accounts");
    }
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!(std::fabs(items.stance[i]) <= 1.0f) || !(items.quality[i] >= 0.0f) ||
        !(items.quality[i] <= 1.0f) || !(items.appeal[i] >= 0.0f) || !(items.appeal[i] <= 1.0f) ||
        items.root[i] > i || items.state[i] >= num_states) {
      fail("item " + std::to_string(i) + " has stance " + std::to_string(items.stance[i]) +
           ", quality " + std::to_string(items.quality[i]) + ", appeal " +
           std::to_string(items.appeal[i]) + ", state " + std::to_string(items.state[i]) +
           " (expected stance in [-1, 1], quality and appeal in [0, 1], an existing state)");
    }
  }
  const auto& f = frame_;
  for (std::size_t c = 0; c < f.countries; ++c) {
    for (std::size_t s = 0; s < f.states; ++s) {
      const double read = f.at(Metric::kItemsRead, c, s);
      if (f.at(Metric::kReshares, c, s) > read || f.at(Metric::kBotItemsRead, c, s) > read ||
          f.at(Metric::kReach, c, s) > world_.country_population[c]) {
        fail("counts of country " + std::to_string(c) + " and state " + std::to_string(s) +
             " are inconsistent (reshares or bot items above items read, or reach above "
             "population)");
      }
    }
  }
}

// Event effects for step t (DESIGN.md section 2, "Events on a timeline").
void Simulation::apply_events(Step t) {
  const auto& m = world_.config.model;
  std::fill(activity_mult_.begin(), activity_mult_.end(), 1.0);
  std::fill(crisis_appeal_.begin(), crisis_appeal_.end(), 1.0);
  std::fill(crisis_start_.begin(), crisis_start_.end(), kNever);
  std::fill(credibility_mult_.begin(), credibility_mult_.end(), 1.0);
  std::fill(posting_mult_.begin(), posting_mult_.end(), 1.0);
  std::fill(trust_penalty_.begin(), trust_penalty_.end(), 0.0f);
  std::fill(hacked_by_.begin(), hacked_by_.end(), -1);
  for (std::size_t e = 0; e < m.events.size(); ++e) {
    const auto& ev = m.events[e];
    const bool active = in_window(ev, t);
    switch (ev.kind) {
      case model::EventKind::kCrisis:
        if (active) {
          // Attention and activity surge, and crisis-aid messages appeal more.
          activity_mult_[ev.country] *= 1.0 + ev.magnitude;
          crisis_appeal_[ev.country] *= 1.0 + ev.magnitude;
          crisis_start_[ev.country] = ev.start;
          crisis_event_[ev.country] = e;
        }
        break;
      case model::EventKind::kScandal:
        if (active) credibility_mult_[ev.state] *= std::max(0.0, 1.0 - ev.magnitude);
        break;
      case model::EventKind::kSummit:
        if (active) posting_mult_[ev.state] *= 1.0 + ev.magnitude;
        break;
      case model::EventKind::kHackedAccount: {
        const Step end = ev.start + ev.duration;
        if (active) {
          for (std::size_t p = 0; p < world_.posters.size(); ++p) {
            const Poster& acc = world_.posters[p];
            const bool ministry = ev.country == kNoCountry && acc.kind == PosterKind::kMinistry;
            const bool embassy = ev.country != kNoCountry && acc.kind == PosterKind::kEmbassy &&
                                 acc.country == ev.country;
            if (acc.state == ev.state && (ministry || embassy)) {
              hacked_by_[p] = static_cast<std::int32_t>(e);
            }
          }
        } else if (t >= end) {
          // After recovery, trust in the state's accounts is lower and recovers slowly.
          const double since = static_cast<double>(t - end);
          trust_penalty_[ev.state] += static_cast<float>(
              ev.trust_drop * std::exp(-since / std::max(1e-9, ev.recovery_steps)));
        }
        break;
      }
      case model::EventKind::kSeedPosts:
        if (t == ev.start) {
          // A story breaks: `count` online citizens (of the country, or anywhere) post it.
          auto& z = world_.citizens;
          std::vector<NodeId> pool;
          for (NodeId v = 0; v < z.count; ++v) {
            if (z.online[v] && (ev.country == kNoCountry || z.country[v] == ev.country)) {
              pool.push_back(v);
            }
          }
          core::CounterRng rng(world_.config.run.seed, model::stream::kEvents,
                               static_cast<std::uint32_t>(e), t);
          const std::size_t n = std::min<std::size_t>(ev.count, pool.size());
          for (std::size_t k = 0; k < n; ++k) {  // partial Fisher-Yates: n distinct posters
            const std::size_t j = k + rng.below(static_cast<std::uint32_t>(pool.size() - k));
            std::swap(pool[k], pool[j]);
            const NodeId v = pool[k];
            model::NewItem item{v,
                                kNoItem,
                                ev.state,
                                static_cast<float>(ev.stance),
                                static_cast<float>(ev.quality),
                                static_cast<float>(ev.appeal),
                                world_.graph.kind[v]};
            item.theme = model::theme::kNews;
            item.language = z.language[v];
            const ItemId id = world_.items.add(item, t);
            if (world_.config.model.citizens.advocacy) {
              // The originator advocates its story from the start and knows it (it will not
              // take it up again when it reads it, and tells sharers that it knew).
              z.advocating[v] = id;
              // It shares at once if it had a session last step: the post phase of this step
              // must visit every citizen, not only those the last read phase recorded.
              actors_valid_ = false;
              const std::size_t slot = std::size_t{v} * model::kSeenSlots;
              z.seen_root[slot] = id;
              z.seen_count[slot] = static_cast<std::uint8_t>(1u | kSeenReshared);
            }
          }
        }
        break;
    }
  }
}

void Simulation::post_phase(Step t) {
  publish_citizen_actions(t);
  post_scheduled(t);
  post_bots(t);
  agenda_setting(t);
  rebuttals(t);
  fact_checks(t);
  moderation(t);
}

void Simulation::publish_citizen_actions(Step t) {
  auto& items = world_.items;
  auto& z = world_.citizens;
  const auto& m = world_.config.model;
  const auto& cc = m.citizens;
  const bool advocacy = cc.advocacy;
  trending_.clear();
  // Citizen order: item ids do not depend on how the read phase was scheduled.
  auto act = [&](NodeId v) {
    const graph::NodeKind kind = world_.graph.kind[v];
    if (const ItemId replied = z.pending_reply[v]; replied != kNoItem) {
      items.add_reply(replied);
      z.pending_reply[v] = kNoItem;
    }
    ItemId parent = z.pending_reshare[v];
    bool repeat = false;
    if (advocacy) {
      // Advocacy: a citizen who took up a story (last step) shares it from its next session on,
      // once per session in place of its own post, until stifled (read_phase).
      if (parent != kNoItem) {
        z.advocating[v] = parent;
        z.pending_reshare[v] = parent = kNoItem;
      } else if (z.advocating[v] != kNoItem && z.last_session[v] + 1 == t) {
        parent = z.advocating[v];
        repeat = items.author[parent] == v;  // sharing its own share (or own story) again
      }
    }
    const bool shares = parent != kNoItem;
    if (shares) {
      model::NewItem r{v,
                       parent,
                       items.state[parent],
                       items.stance[parent],
                       items.quality[parent],
                       items.appeal[parent],
                       kind};
      r.theme = items.theme[parent];
      r.language = items.language[parent];
      r.labels = items.labels[parent];
      r.credibility = items.credibility[parent];
      r.repeat = repeat;
      const ItemId id = items.add(r, t);
      if (advocacy) z.advocating[v] = id;  // later shares repeat this one
      const ItemId root = items.root[parent];
      trending_.emplace_back(z.country[v], root);
      // Viral low-quality items go to the fact-checkers of the resharer's country.
      for (std::size_t f = 0; f < m.fact_checkers.size(); ++f) {
        const auto& fc = m.fact_checkers[f];
        if (fc.country != z.country[v] || items.cascade_size[root] < fc.virality ||
            !(items.quality[root] < fc.quality_threshold)) {
          continue;
        }
        if (check_queued_.size() < items.size()) check_queued_.resize(items.size(), 0);
        if (check_queued_[root]) continue;
        check_queued_[root] = 1;
        checker_queue_[f].emplace_back(t + fc.delay, root);
      }
      z.pending_reshare[v] = kNoItem;
    }
    if (const std::uint8_t s = z.pending_post[v]; s != model::kNoState) {
      z.pending_post[v] = model::kNoState;
      if (advocacy && shares) return;  // an advocate's share takes the place of its own post
      model::NewItem p{v,
                       kNoItem,
                       s,
                       z.attitude[std::size_t{v} * z.num_states + s],
                       static_cast<float>(cc.post_quality),
                       static_cast<float>(cc.post_appeal),
                       kind};
      p.theme = model::theme::kOpinion;
      p.language = z.language[v];
      items.add(p, t);
    }
  };
  if (actors_valid_) {
    for (const auto& block : actors_) {
      for (const NodeId v : block) act(v);
    }
  } else {
    for (NodeId v = 0; v < z.count; ++v) act(v);
  }
}

void Simulation::post_scheduled(Step t) {
  auto& items = world_.items;
  const auto& m = world_.config.model;
  const bool label_state = m.feed.label_state_media;
  std::vector<double> outlet_weights(m.states.size(), 1.0);
  for (std::size_t s = 0; s < m.states.size(); ++s) outlet_weights[s] = posting_mult_[s];
  for (std::size_t pi = 0; pi < world_.posters.size(); ++pi) {
    const Poster& p = world_.posters[pi];
    const bool official = p.kind == PosterKind::kMinistry || p.kind == PosterKind::kEmbassy;
    const double rate =
        p.posts_per_step * (p.state != model::kNoState && official ? posting_mult_[p.state] : 1.0);
    const std::uint32_t n = model::scheduled_posts(t, rate, p.phase);
    if (n == 0) continue;
    core::CounterRng rng(world_.config.run.seed, model::stream::kContent, p.node, t);
    for (std::uint32_t k = 0; k < n; ++k) {
      if (p.kind == PosterKind::kOutlet) {
        const auto& out = m.outlets[p.outlet];
        // Summits draw media attention: a state's weight is 1 + the summit's magnitude.
        const auto s = static_cast<std::uint8_t>(draw_weighted(outlet_weights, rng.uniform()));
        model::NewItem item{p.node,
                            kNoItem,
                            s,
                            outlet_stance_[p.outlet * m.states.size() + s],
                            static_cast<float>(out.quality),
                            static_cast<float>(out.appeal),
                            graph::NodeKind::kOutlet};
        item.theme = model::theme::kNews;
        item.language = out.language;
        item.credibility = static_cast<float>(out.credibility);
        if (label_state && out.kind == model::OutletKind::kStateBroadcaster) {
          item.labels = model::label::kStateAffiliated;
        }
        items.add(item, t);
        continue;
      }
      const auto& st = m.states[p.state];
      const float credibility =
          static_cast<float>(world_.state_credibility[p.state] * credibility_mult_[p.state]);
      if (hacked_by_[pi] >= 0) {
        // A hacked official account posts the attacker's content under the state's name.
        const auto& ev = m.events[static_cast<std::size_t>(hacked_by_[pi])];
        model::NewItem item{p.node,
                            kNoItem,
                            p.state,
                            static_cast<float>(ev.stance),
                            static_cast<float>(ev.quality),
                            static_cast<float>(ev.appeal),
                            graph::NodeKind::kOfficial};
        item.theme = model::theme::kPolicy;
        item.language = p.country == kNoCountry ? st.language : world_.country_language[p.country];
        item.credibility = credibility;
        if (label_state) item.labels = model::label::kStateAffiliated;
        items.add(item, t);
        continue;
      }
      const bool prebunk = rng.uniform() < st.counter.prebunk_share;
      auto theme = prebunk ? model::theme::kPrebunk
                           : static_cast<std::uint8_t>(draw_weighted(st.theme_mix, rng.uniform()));
      // Adaptability: after its response lag, an embassy in a crisis country switches a share of
      // its posts to crisis aid; the first switched post is the state's response.
      const bool crisis_here = p.country != kNoCountry && crisis_start_[p.country] != kNever;
      if (crisis_here && p.kind == PosterKind::kEmbassy &&
          t >= crisis_start_[p.country] + st.response_lag && rng.uniform() < st.crisis_response) {
        theme = model::theme::kCrisisAid;
        auto& first = crisis_response_[crisis_event_[p.country]][p.state];
        first = std::min(first, t - crisis_start_[p.country]);
      }
      // Cultural proximity 0.5 is neutral: appeal x 2 x proximity, capped at 1; crisis-aid
      // messages appeal more during a crisis.
      const double proximity =
          p.country == kNoCountry ? 0.5 : m.countries[p.country].cultural_proximity[p.state];
      double appeal = st.theme_appeal[theme] * 2.0 * proximity;
      if (crisis_here && theme == model::theme::kCrisisAid) appeal *= crisis_appeal_[p.country];
      model::NewItem item{p.node,
                          kNoItem,
                          p.state,
                          static_cast<float>(st.message_stance),
                          static_cast<float>(st.message_quality),
                          static_cast<float>(std::min(1.0, appeal)),
                          graph::NodeKind::kOfficial};
      item.theme = theme;
      item.credibility = credibility;
      if (p.kind == PosterKind::kPaidInfluencer) {
        // Influencers post in their own language, from their own account.
        item.source_kind = graph::NodeKind::kInfluencer;
        item.language = world_.citizens.language[p.node];
        if (st.partnership.disclosure) item.labels = model::label::kPaid;
      } else {
        const bool localised = p.kind == PosterKind::kEmbassy && rng.uniform() < st.localisation;
        item.language = localised ? world_.country_language[p.country] : st.language;
        if (label_state) item.labels = model::label::kStateAffiliated;
      }
      items.add(item, t);
    }
  }
}

// Bots post on their schedule (each post flooded as several copies) and, coordinated, reshare
// their network's posts of the previous step at once to fake popularity.
void Simulation::post_bots(Step t) {
  const auto& m = world_.config.model;
  auto& bots = world_.bots;
  if (bots.size() == 0) return;
  auto& items = world_.items;
  std::swap(bot_items_prev_, bot_items_now_);
  bot_items_now_.clear();
  PlatformStep& ps = platform_.back();
  const std::size_t num_states = m.states.size();
  auto active = [&](std::size_t k) {
    const auto& net = m.bots[bots.network[k]];
    return t >= net.active_from && t < net.active_until &&
           !world_.removed[bots.first_node + static_cast<NodeId>(k)];
  };
  std::vector<std::uint8_t> targets;
  for (std::size_t k = 0; k < bots.size(); ++k) {
    if (!active(k)) continue;
    ++ps.bots_active;
    const auto& net = m.bots[bots.network[k]];
    const NodeId node = bots.first_node + static_cast<NodeId>(k);
    const std::uint32_t n = model::scheduled_posts(t, net.posts_per_day / 24.0, bots.phase[k]);
    if (n == 0) continue;
    targets.clear();
    for (std::size_t s = 0; s < num_states; ++s) {
      if (!std::isnan(net.stance[s])) targets.push_back(static_cast<std::uint8_t>(s));
    }
    if (targets.empty()) continue;
    core::CounterRng rng(world_.config.run.seed, model::stream::kBots, node, t + 2);
    for (std::uint32_t j = 0; j < n; ++j) {
      const std::uint8_t s = targets[rng.below(static_cast<std::uint32_t>(targets.size()))];
      model::NewItem item{
          node,
          kNoItem,
          s,
          static_cast<float>(net.stance[s]),
          static_cast<float>(rng.clamped_normal(net.quality_mean, net.quality_sd, 0, 1)),
          static_cast<float>(rng.clamped_normal(net.appeal_mean, net.appeal_sd, 0, 1)),
          net.impersonate_media ? graph::NodeKind::kOutlet : graph::NodeKind::kBot};
      item.theme = model::theme::kNews;
      item.language =
          net.language == 0xFF ? world_.country_language[bots.target_country[k]] : net.language;
      item.credibility = net.impersonate_media ? 0.7f : 1.0f;
      item.from_bot = true;
      for (std::uint32_t c = 0; c < std::max(1u, net.flood_copies); ++c) {
        bot_items_now_.push_back(items.add(item, t));
        ++ps.bot_posts;
      }
    }
  }
  // Coordination: each of last step's bot posts is reshared by about coordination x (bots - 1)
  // other active bots of the same network.
  for (const ItemId i : bot_items_prev_) {
    const std::size_t k0 = items.author[i] - bots.first_node;
    const std::uint16_t net_index = bots.network[k0];
    const auto& net = m.bots[net_index];
    if (!(net.coordination > 0.0) || items.root[i] != i) continue;
    std::size_t first = k0, last = k0;  // the network's bots are contiguous
    while (first > 0 && bots.network[first - 1] == net_index) --first;
    while (last + 1 < bots.size() && bots.network[last + 1] == net_index) ++last;
    const auto size = static_cast<std::uint32_t>(last - first + 1);
    const auto want = static_cast<std::uint32_t>(std::lround(net.coordination * (size - 1)));
    core::CounterRng rng(world_.config.run.seed, model::stream::kBots,
                         static_cast<std::uint32_t>(items.serial[i]), t + 3);
    for (std::uint32_t r = 0; r < want; ++r) {
      const std::size_t k = first + rng.below(size);
      if (k == k0 || !active(k)) continue;
      const NodeId node = bots.first_node + static_cast<NodeId>(k);
      model::NewItem item{node,
                          i,
                          items.state[i],
                          items.stance[i],
                          items.quality[i],
                          items.appeal[i],
                          items.source_kind[i]};
      item.theme = items.theme[i];
      item.language = items.language[i];
      item.credibility = items.credibility[i];
      item.from_bot = true;
      items.add(item, t);
      ++ps.bot_posts;
    }
  }
}

// Agenda setting ("trading up the chain", Marwick & Lewis 2017, Media Manipulation and
// Disinformation Online): each outlet republishes, on its own schedule, the root item most
// reshared by its country's citizens in this step that passes its gatekeeping (quality).
void Simulation::agenda_setting(Step t) {
  const auto& m = world_.config.model;
  if (m.outlets.empty() || trending_.empty()) return;
  auto& items = world_.items;
  std::sort(trending_.begin(), trending_.end());
  // Runs of (country, root) give counts; for each country keep roots by count (desc), root (asc).
  std::vector<std::vector<std::pair<std::uint32_t, ItemId>>> ranked(m.countries.size());
  for (std::size_t i = 0; i < trending_.size();) {
    std::size_t j = i;
    while (j < trending_.size() && trending_[j] == trending_[i]) ++j;
    ranked[trending_[i].first].emplace_back(static_cast<std::uint32_t>(j - i), trending_[i].second);
    i = j;
  }
  for (auto& r : ranked) {
    std::sort(r.begin(), r.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
  }
  for (std::size_t o = 0; o < m.outlets.size(); ++o) {
    const auto& out = m.outlets[o];
    std::uint32_t n = model::scheduled_posts(t, out.pickups_per_day / 24.0, outlet_pick_phase_[o]);
    for (const auto& [count, root] : ranked[out.country]) {
      if (n == 0) break;
      if (items.quality[root] < out.gatekeeping || root == outlet_last_pick_[o]) continue;
      model::NewItem item{world_.outlet_node[o],   root,
                          items.state[root],       items.stance[root],
                          items.quality[root],     items.appeal[root],
                          graph::NodeKind::kOutlet};
      item.theme = items.theme[root];
      item.language = out.language;
      item.credibility = static_cast<float>(out.credibility);
      if (m.feed.label_state_media && out.kind == model::OutletKind::kStateBroadcaster) {
        item.labels = model::label::kStateAffiliated;
      }
      items.add(item, t);
      outlet_last_pick_[o] = root;
      --n;
    }
  }
}

// Counter-messaging: an embassy answers a negative trend about its state in its country (at least
// `rebuttal_trigger` negative items read there in the previous step) with one rebuttal item.
void Simulation::rebuttals(Step t) {
  const auto& m = world_.config.model;
  const std::size_t num_states = m.states.size();
  for (const Poster& p : world_.posters) {
    if (p.kind != PosterKind::kEmbassy) continue;
    const auto& c = m.states[p.state].counter;
    if (!(c.rebuttal_trigger > 0.0) ||
        negative_prev_[p.country * num_states + p.state] < c.rebuttal_trigger) {
      continue;
    }
    const auto& st = m.states[p.state];
    model::NewItem item{p.node,
                        kNoItem,
                        p.state,
                        static_cast<float>(c.rebuttal_stance),
                        static_cast<float>(st.message_quality),
                        static_cast<float>(st.theme_appeal[model::theme::kRebuttal]),
                        graph::NodeKind::kOfficial};
    item.theme = model::theme::kRebuttal;
    item.language = world_.country_language[p.country];
    item.credibility =
        static_cast<float>(world_.state_credibility[p.state] * credibility_mult_[p.state]);
    if (m.feed.label_state_media) item.labels = model::label::kStateAffiliated;
    world_.items.add(item, t);
  }
}

// Fact-checkers publish corrections of viral low-quality items once the delay has passed, up to
// their daily capacity; the checked root is labelled (lower resharing) and readers who saw it
// receive the correction at their next session.
void Simulation::fact_checks(Step t) {
  const auto& m = world_.config.model;
  auto& items = world_.items;
  for (std::size_t f = 0; f < m.fact_checkers.size(); ++f) {
    const auto& fc = m.fact_checkers[f];
    std::uint32_t capacity = model::scheduled_posts(t, fc.checks_per_day / 24.0, checker_phase_[f]);
    auto& queue = checker_queue_[f];
    std::size_t& head = checker_head_[f];
    while (capacity > 0 && head < queue.size() && queue[head].first <= t) {
      const ItemId root = queue[head++].second;
      model::NewItem item{world_.fact_checker_node[f],
                          kNoItem,
                          items.state[root],
                          static_cast<float>(-fc.correction_stance * items.stance[root]),
                          0.9f,
                          0.3f,
                          graph::NodeKind::kFactChecker};
      item.theme = model::theme::kNews;
      item.language = fc.language;
      item.credibility = static_cast<float>(fc.credibility);
      const ItemId correction = items.add(item, t);
      items.correction[root] = correction;
      items.labels[root] =
          static_cast<std::uint8_t>(items.labels[root] | model::label::kFactChecked);
      ++platform_.back().fact_checks;
      --capacity;
    }
    if (head == queue.size()) {
      queue.clear();
      head = 0;
    }
  }
}

// Platform moderation: each active bot is detected with probability detection_rate x
// detectability per step (a quarter of that while it did not post in the previous step) and
// removed takedown_delay steps later; a removed account's items vanish from feeds.
void Simulation::moderation(Step t) {
  const auto& mod = world_.config.model.moderation;
  auto& bots = world_.bots;
  if (!mod.enabled || bots.size() == 0) return;
  PlatformStep& ps = platform_.back();
  const auto& m = world_.config.model;
  for (std::size_t k = 0; k < bots.size(); ++k) {
    const NodeId node = bots.first_node + static_cast<NodeId>(k);
    if (world_.removed[node]) continue;
    const auto& net = m.bots[bots.network[k]];
    if (t < net.active_from) continue;
    if (bots.detected_at[k] == kNever) {
      const ItemId last = world_.items.last_of[node];
      const bool posted = last != kNoItem && world_.items.created[last] + 1 >= t;
      core::CounterRng rng(world_.config.run.seed, model::stream::kModeration, node, t);
      if (rng.uniform() < mod.detection_rate * bots.detectability[k] * (posted ? 1.0 : 0.25)) {
        bots.detected_at[k] = t;
        ++ps.detections;
      }
    }
    if (bots.detected_at[k] != kNever && t >= bots.detected_at[k] + mod.takedown_delay) {
      world_.removed[node] = 1;
      ++ps.takedowns;
    }
  }
}

void Simulation::read_phase(Step t) {
  std::fill(counters_.begin(), counters_.end(), BlockCounters{});
  std::fill(block_stats_.begin(), block_stats_.end(), StepStats{});
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, num_blocks_, 1),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      auto& local = read_scratch_.local();
                      for (std::size_t b = r.begin(); b != r.end(); ++b) read_block(b, t, local);
                    });
  actors_valid_ = true;
  stats_ = StepStats{};
  for (const StepStats& b : block_stats_) {
    stats_.sessions += b.sessions;
    stats_.edges_scanned += b.edges_scanned;
    stats_.candidates += b.candidates;
    stats_.items_read += b.items_read;
  }
  // Advocacy: sharers whose share was read by someone who already knew the story stop sharing
  // it (order-independent, applied here so that the parallel reads write nothing shared).
  auto& z = world_.citizens;
  const auto& items = world_.items;
  for (const auto& block : stifles_) {
    for (const auto& [author, root] : block) {
      const ItemId a = z.advocating[author];
      if (a != kNoItem && items.root[a] == root) z.advocating[author] = kNoItem;
    }
  }
  // Negative items read per (country, state) feed next step's rebuttals; citizens reached.
  std::fill(negative_prev_.begin(), negative_prev_.end(), 0u);
  for (std::size_t b = 0; b < num_blocks_; ++b) {
    for (std::size_t j = 0; j < cs_; ++j) {
      const BlockCounters& c = counters_[b * cs_ + j];
      negative_prev_[j] += c.negative;
      std::uint64_t* reach = reach_total_.data() + j * kReachParts;
      reach[0] += c.reach_new;
      reach[1] += c.bot_reach_new;
      for (std::size_t k = 0; k < model::kNumSourceClasses; ++k)
        reach[2 + k] += c.class_reach_new[k];
    }
  }
}

void Simulation::recount_reach() {
  const auto& z = world_.citizens;
  const std::size_t num_states = z.num_states;
  reach_total_.assign(cs_ * kReachParts, 0);
  for (NodeId v = 0; v < z.count; ++v) {
    const std::uint64_t reached = z.reached[v];
    if (reached == 0) continue;
    for (std::size_t s = 0; s < num_states; ++s) {
      std::uint64_t* reach = reach_total_.data() + (z.country[v] * num_states + s) * kReachParts;
      reach[0] += (reached & (kAnyClassBits << s)) ? 1 : 0;
      reach[1] += (reached >> (kBotReachBit + s)) & 1u;
      for (std::size_t c = 0; c < model::kNumSourceClasses; ++c) {
        reach[2 + c] += (reached >> (c * 8 + s)) & 1u;
      }
    }
  }
}

void Simulation::read_block(std::size_t block, Step t, ReadScratch& scratch) {
  auto& candidates = scratch.candidates;
  auto& newest_of = scratch.newest;
  auto& broadcast = scratch.broadcast;
  const auto& cfg = world_.config;
  const auto& m = cfg.model;
  const auto& cc = m.citizens;
  const auto& feed = m.feed;
  const auto& items = world_.items;
  const auto& following = world_.graph.following;
  const auto& kinds = world_.graph.kind;
  const auto& removed = world_.removed;
  // Moderation takes down bots only (nodes from bots.first_node), so other followees skip the
  // flag's random load.
  const NodeId bots_begin =
      world_.bots.size() > 0 ? world_.bots.first_node : world_.graph.num_nodes();
  auto& z = world_.citizens;
  const std::uint32_t num_states = z.num_states;
  const std::uint64_t seed = cfg.run.seed;
  const Step window_start = t > feed.window_steps ? t - feed.window_steps : 0;
  const auto half_life = static_cast<float>(feed.engagement_half_life);
  const auto convergence = static_cast<Real>(cc.convergence);
  const auto trust_state = static_cast<float>(cc.trust_state);
  const auto trust_influencer = static_cast<float>(cc.trust_influencer);
  const auto trust_peer = static_cast<float>(cc.trust_peer);
  const auto trust_unknown = static_cast<float>(cc.trust_unknown);
  const auto propensity = static_cast<float>(cc.reshare_propensity);
  const auto mismatch = static_cast<float>(cc.language_mismatch);
  const auto decay = static_cast<float>(cc.repetition_decay);
  const auto bf_threshold = static_cast<float>(cc.backfire_threshold);
  const auto bf_strength = static_cast<float>(cc.backfire_strength);
  const auto label_factor = static_cast<float>(feed.label_reshare_factor);
  const bool average_rule = cc.update_rule == model::UpdateRule::kAverage;
  const auto self_weight = static_cast<Real>(cc.self_weight);
  const auto stubbornness = static_cast<Real>(cc.stubbornness);
  const bool advocacy = cc.advocacy;
  const bool any_checkers = !m.fact_checkers.empty();
  auto& stifles = stifles_[block];
  stifles.clear();
  auto& actors = actors_[block];
  actors.clear();
  // Records v for the next post phase if the read phase left it something to publish.
  const auto note_actor = [&](NodeId v) {
    if (z.pending_post[v] != model::kNoState || z.pending_reshare[v] != kNoItem ||
        z.pending_reply[v] != kNoItem || (advocacy && z.advocating[v] != kNoItem)) {
      actors.push_back(v);
    }
  };
  BlockCounters* counts = counters_.data() + block * cs_;
  StepStats& work = block_stats_[block];

  // Draws every citizen makes every step, four citizens per Philox call (core::LaneRng).
  core::LaneRng activity(seed, model::stream::kActivity, t);
  broadcast.clear();
  for (std::uint32_t k = 0; k < max_country_outlets_; ++k) {
    broadcast.emplace_back(seed, model::stream::kBroadcast, t, k);
  }

  const NodeId begin = static_cast<NodeId>(block * kBlock);
  const NodeId end = std::min<NodeId>(z.count, begin + kBlock);
  for (NodeId v = begin; v < end; ++v) {
    const std::uint16_t country = z.country[v];
    const auto& cty = m.countries[country];
    const auto media_trust = static_cast<float>(cty.media_trust);
    core::CounterRng reshare_rng(seed, model::stream::kReshare, v, t);
    core::CounterRng reply_rng(seed, model::stream::kReply, v, t);
    // Average rule: per state, the session's weighted sum of stances and of weights, taken
    // against the attitude at the start of the session.
    std::array<Real, model::kMaxStates> avg_wx{}, avg_w{};

    // Reads one item: attitude update, reach, counters, prebunking, reshare and reply choices.
    auto read = [&](ItemId i, bool on_platform) {
      const std::uint8_t s = items.state[i];
      const std::size_t vs = std::size_t{v} * num_states + s;
      Real& a = z.attitude[vs];
      const Real before = a;
      const Real x = items.stance[i];
      const Real distance = std::fabs(x - a);
      const SourceClass cls = source_class(items.source_kind[i]);
      float trust;
      switch (cls) {
        case SourceClass::kOfficial:
          trust =
              std::max(0.0f, std::min(1.0f, trust_state + z.trust_bonus[vs]) - trust_penalty_[s]);
          break;
        case SourceClass::kMedia:
          trust = media_trust;
          break;
        case SourceClass::kInfluencer:
          trust = trust_influencer;
          break;
        case SourceClass::kUnknown:
          trust = trust_unknown;
          break;
        case SourceClass::kPeer:
        default:
          trust = trust_peer;
          break;
      }
      // Repetition: earlier exposures to the same root, from a memory of 4 roots. A root not
      // in memory replaces the least-seen entry that was not reshared, so the roots a citizen
      // reshared stay remembered (it never reshares them again) unless all 4 were reshared.
      const ItemId root = items.root[i];
      const std::size_t first_slot = std::size_t{v} * model::kSeenSlots;
      std::size_t slot = first_slot;
      bool known = false;
      for (std::size_t j = first_slot; j < first_slot + model::kSeenSlots; ++j) {
        if (z.seen_root[j] == root) {
          slot = j;
          known = true;
          break;
        }
      }
      if (!known) {
        unsigned best = 0x1FF;
        for (std::size_t j = first_slot; j < first_slot + model::kSeenSlots; ++j) {
          const unsigned c = z.seen_root[j] == kNoItem
                                 ? 0u
                                 : (z.seen_count[j] & kSeenCountMask) +
                                       ((z.seen_count[j] & kSeenReshared) ? 0x100u : 0u);
          if (c < best) {
            best = c;
            slot = j;
          }
        }
      }
      // Stifling (advocacy): a reader who already knew the story tells its sharer so.
      if (advocacy && known && on_platform && items.author[i] < z.count && items.root[i] != i) {
        stifles.emplace_back(items.author[i], root);
      }
      unsigned earlier = 0;
      bool reshared_before = false;
      if (known) {
        earlier = z.seen_count[slot] & kSeenCountMask;
        reshared_before = (z.seen_count[slot] & kSeenReshared) != 0;
        if (earlier < kSeenCountMask) ++z.seen_count[slot];
      } else {
        z.seen_root[slot] = root;
        z.seen_count[slot] = 1;
      }
      const float quality_w = model::quality_weight(items.quality[i], z.literacy[v]);
      const float language_w = items.language[i] == z.language[v] ? 1.0f : mismatch;
      const float weight = z.susceptibility[v] * trust * items.credibility[i] * quality_w *
                           language_w * model::repetition_weight(decay, earlier);
      const bool fixed = (z.fixed[v] >> s) & 1u;
      if (!fixed) {
        if (average_rule) {
          if (model::within_confidence(distance, z.openness[v])) {
            avg_wx[s] += weight * x;
            avg_w[s] += weight;
          }
        } else {
          a = model::attitude_update(a, x, z.openness[v], convergence * weight, cc.backfire,
                                     bf_threshold, bf_strength);
        }
      }
      const bool bot = items.from_bot[i] != 0;
      BlockCounters& k = counts[country * num_states + s];
      const std::uint64_t had = z.reached[v];
      const std::uint64_t class_bit = std::uint64_t{1} << (static_cast<unsigned>(cls) * 8u + s);
      const std::uint64_t bot_bit = bot ? std::uint64_t{1} << (kBotReachBit + s) : 0;
      if ((had | class_bit | bot_bit) != had) {  // reached for the first time by this class/bots
        z.reached[v] = had | class_bit | bot_bit;
        if (!(had & class_bit)) {
          ++k.class_reach_new[static_cast<std::size_t>(cls)];
          if (!(had & (kAnyClassBits << s))) ++k.reach_new;
        }
        if (bot_bit != 0 && !(had & bot_bit)) ++k.bot_reach_new;
      }
      ++k.read;
      ++work.items_read;
      k.quality += items.quality[i];
      if (bot) {
        ++k.bot_read;
      } else {
        k.human_quality += items.quality[i];
      }
      if (items.theme[i] == model::theme::kNews &&
          kinds[items.author[i]] == graph::NodeKind::kFactChecker) {
        ++k.corrections;
      }
      k.shift += a - before;
      if (bot) k.bot_shift += a - before;
      if (x < 0.0f) ++k.negative;
      if (items.theme[i] == model::theme::kPrebunk) {
        z.literacy[v] = std::min(
            1.0f, z.literacy[v] + static_cast<float>(m.states[s].counter.prebunk_literacy_gain));
      }
      if (!on_platform) return;
      // Reshare: one per session, never the same root twice.
      float p =
          model::reshare_probability(propensity, items.appeal[i], static_cast<float>(distance)) *
          quality_w;
      if ((items.labels[i] | items.labels[root]) != 0) p *= label_factor;
      if (reshare_rng.uniform_f() < p && z.pending_reshare[v] == kNoItem && !reshared_before) {
        z.pending_reshare[v] = i;
        z.seen_count[slot] = static_cast<std::uint8_t>(z.seen_count[slot] | kSeenReshared);
        ++k.reshares;
        if (bot) ++k.bot_reshares;
      }
      // Reply to an official account; the state answers a share of replies, which raises the
      // citizen's trust in it (engagement).
      if (cls == SourceClass::kOfficial) {
        const float agreement = std::max(0.0f, 1.0f - 0.5f * static_cast<float>(distance));
        const bool replies = reply_rng.uniform() < cc.reply_probability * agreement;
        const bool answered = reply_rng.uniform() < m.states[s].engagement.reply_share;
        if (replies && z.pending_reply[v] == kNoItem) {
          z.pending_reply[v] = i;
          ++k.replies;
          if (answered) {
            z.trust_bonus[vs] =
                std::min(1.0f - trust_state,
                         z.trust_bonus[vs] + static_cast<float>(m.states[s].engagement.trust_gain));
          }
        }
      }
    };
    // End of a session: apply the average rule and the pull toward the initial attitude.
    auto finish_session = [&]() {
      for (std::uint32_t s = 0; s < num_states; ++s) {
        if ((z.fixed[v] >> s) & 1u) continue;
        Real& a = z.attitude[std::size_t{v} * num_states + s];
        const Real before = a;
        if (average_rule && avg_w[s] > Real{0}) {
          const Real avg = (self_weight * a + avg_wx[s]) / (self_weight + avg_w[s]);
          a = std::clamp(a + convergence * (avg - a), Real{-1}, Real{1});
        }
        if (stubbornness > Real{0}) {
          a = (Real{1} - stubbornness) * a +
              stubbornness * z.initial_attitude[std::size_t{v} * num_states + s];
        }
        counts[country * num_states + s].shift += a - before;
        avg_wx[s] = avg_w[s] = Real{0};
      }
    };

    // Off the platform: each of the country's outlets reaches a citizen in a step with
    // probability broadcast_reach / 24 (a daily audience share); the citizen meets its latest item.
    bool met = false;  // read an outlet's item off the platform this step
    if (!world_.country_outlets[country].empty()) {
      const auto& outlets = world_.country_outlets[country];
      for (std::size_t k = 0; k < outlets.size(); ++k) {
        const std::uint16_t o = outlets[k];
        if (!(broadcast[k].uniform(v) < m.outlets[o].broadcast_reach / 24.0)) continue;
        for (ItemId i = items.last_of[world_.outlet_node[o]];
             i != kNoItem && items.created[i] >= window_start; i = items.prev_by_author[i]) {
          if (items.created[i] < t) {
            read(i, false);
            met = true;
            break;
          }
        }
      }
      if (met && !z.online[v]) finish_session();
    }

    if (!z.online[v]) {
      if (met) note_actor(v);
      continue;
    }
    const std::uint32_t hour = (t + static_cast<std::uint32_t>(cty.utc_offset % 24 + 24)) % 24;
    // Session with probability p; a draw only when 0 < p < 1 (the stream is used for nothing
    // else, so skipping the draw changes no other random number).
    const double p_session =
        cc.activity_per_hour * cc.activity_profile[hour] * activity_mult_[country];
    if (!(p_session >= 1.0) && !(p_session > 0.0 && activity.uniform(v) < p_session)) {
      if (met) {
        finish_session();  // broadcast reads end here; no reading, no update
        note_actor(v);
      }
      continue;
    }

    // Corrections of roots this citizen saw, published since: shown once, first (only
    // fact-checkers publish corrections: without them the memory is not scanned).
    for (std::size_t slot = std::size_t{v} * model::kSeenSlots;
         any_checkers && slot < std::size_t{v + 1} * model::kSeenSlots; ++slot) {
      const ItemId root = z.seen_root[slot];
      // kNoItem (empty) or model::kRetiredItem (dropped: nothing left to correct)
      if (root >= items.size() || (z.seen_count[slot] & kSeenCorrected)) continue;
      const ItemId fix = items.correction[root];
      if (fix == kNoItem || items.created[fix] >= t) continue;
      z.seen_count[slot] = static_cast<std::uint8_t>(z.seen_count[slot] | kSeenCorrected);
      read(fix, true);
    }

    // Gather: items of followed accounts created in [max(window start, last session), t).
    const Step since = std::max(window_start, z.last_session[v]);
    candidates.clear();
    core::CounterRng ranking(seed, model::stream::kRanking, v, t);
    // Items are in step order: created in [since, t) is an id in [first, stop).
    const ItemId first = items.first_at(since);
    const ItemId stop = items.first_at(t);
    // Two passes: first the newest item of every followee (independent loads the processor
    // overlaps: the random gather over the row), then the walks of those with something new.
    const auto row = following.row(v);
    newest_of.resize(row.size());
    for (std::size_t j = 0; j < row.size(); ++j) newest_of[j] = items.last_of[row[j]];
    for (std::size_t j = 0; j < row.size(); ++j) {
      const ItemId newest = newest_of[j];
      // Nothing new since the last session (or no item at all): the common case.
      if (newest < first || newest == kNoItem) continue;
      const NodeId u = row[j];
      if (u >= bots_begin && removed[u]) continue;  // a bot taken down: its items vanish
      for (ItemId i = newest; i != kNoItem && i >= first; i = items.prev_by_author[i]) {
        if (i >= stop) continue;  // posted this step: visible from the next one
        if (advocacy && u < z.count && items.root[i] != i &&
            (z.advocating[u] == kNoItem || items.root[z.advocating[u]] != items.root[i])) {
          continue;  // advocacy: a sharer who dropped the story withdrew its shares
        }
        float score;
        switch (feed.ranking) {
          case model::FeedRanking::kChronological:
            score = static_cast<float>(items.created[i]);
            break;
          case model::FeedRanking::kEngagement:
            score = model::engagement_score(items.reshares[i] + items.replies[i],
                                            t - items.created[i], half_life);
            break;
          case model::FeedRanking::kRandom:
          default:
            score = ranking.uniform_f();
            break;
        }
        candidates.push_back(pack(score, i));
      }
    }
    z.last_session[v] = t;
    ++work.sessions;
    work.edges_scanned += following.degree(v);
    work.candidates += candidates.size();

    // Rank: the `attention` best, best first (ties: newer item first).
    const std::size_t k = std::min<std::size_t>(cc.attention, candidates.size());
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k),
                      candidates.end(), std::greater<>{});
    for (std::size_t j = 0; j < k; ++j) read(unpack_item(candidates[j]), true);
    finish_session();

    core::CounterRng post_rng(seed, model::stream::kPost, v, t);
    const double post_p = kinds[v] == graph::NodeKind::kInfluencer ? cc.influencer_post_probability
                                                                   : cc.post_probability;
    if (post_rng.uniform() < post_p && num_states > 0) {
      z.pending_post[v] = static_cast<std::uint8_t>(post_rng.below(num_states));
    }
    note_actor(v);
  }
}

// Sums of a, a^2, a^3, a^4, the favourable count and official trust per (country, state) over
// citizens [begin, end), added to p[(country * S + state) * kMeasureParts + part]. The sums of the
// current country are held in locals while consecutive citizens share it (citizens are numbered
// country by country), so the additions are the same, in the same order, as adding to p
// directly, without a store and reload per addition. NS: the number of states known at compile
// time (1-3), or 0 for any.
template <std::size_t NS>
void Simulation::measure_block(double* p, NodeId begin, NodeId end, float threshold,
                               float trust_state) const {
  const auto& z = world_.citizens;
  const std::size_t num_states = NS > 0 ? NS : z.num_states;
  constexpr std::size_t kParts = kMeasureParts;
  constexpr std::size_t kSlots = NS > 0 ? NS : model::kMaxStates;
  std::array<std::array<double, kParts>, kSlots> acc{};
  std::size_t current = std::numeric_limits<std::size_t>::max();
  const auto flush = [&] {
    if (current == std::numeric_limits<std::size_t>::max()) return;
    double* q = p + current * num_states * kParts;
    for (std::size_t s = 0; s < num_states; ++s) {
      for (std::size_t k = 0; k < kParts; ++k) q[s * kParts + k] = acc[s][k];
    }
  };
  for (NodeId v = begin; v < end; ++v) {
    const std::size_t country = z.country[v];
    if (country != current) {
      flush();
      current = country;
      const double* q = p + current * num_states * kParts;
      for (std::size_t s = 0; s < num_states; ++s) {
        for (std::size_t k = 0; k < kParts; ++k) acc[s][k] = q[s * kParts + k];
      }
    }
    for (std::size_t s = 0; s < num_states; ++s) {
      const double a = z.attitude[v * num_states + s];
      const double a2 = a * a;
      auto& q = acc[s];
      q[0] += a;
      q[1] += a2;
      q[2] += a2 * a;
      q[3] += a2 * a2;
      // Both without a branch (the compiler makes branches of the plain forms, which the
      // attitudes near the threshold make unpredictable): 1.0 or 0.0 by a mask, and max(y, 0)
      // by clearing a negative y (y is finite: trust terms are), the same values as before.
      const std::uint64_t favourable = 0 - static_cast<std::uint64_t>(a > threshold);
      q[4] += std::bit_cast<double>(favourable & std::bit_cast<std::uint64_t>(1.0));
      const float y =
          std::min(1.0f, trust_state + z.trust_bonus[v * num_states + s]) - trust_penalty_[s];
      const auto y_bits = std::bit_cast<std::uint32_t>(y);
      q[5] += std::bit_cast<float>(
          y_bits & ~static_cast<std::uint32_t>(static_cast<std::int32_t>(y_bits) >> 31));
    }
  }
  flush();
}

void Simulation::measure_phase() {
  const auto& z = world_.citizens;
  const std::size_t num_states = z.num_states;
  const auto threshold = static_cast<float>(world_.config.model.citizens.favourable_threshold);
  const auto trust_state = static_cast<float>(world_.config.model.citizens.trust_state);
  // Per block and (country, state): sums of a, a^2, a^3, a^4, favourable count, official trust
  // (reach is counted by the read phase: reach_total_).
  constexpr std::size_t kParts = kMeasureParts;
  measure_partial_.assign(num_blocks_ * cs_ * kParts, 0.0);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, num_blocks_, 1),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t b = r.begin(); b != r.end(); ++b) {
                        const NodeId begin = static_cast<NodeId>(b * kBlock);
                        const NodeId end = std::min<NodeId>(z.count, begin + kBlock);
                        double* p = measure_partial_.data() + b * cs_ * kParts;
                        switch (num_states) {
                          case 1:
                            measure_block<1>(p, begin, end, threshold, trust_state);
                            break;
                          case 2:
                            measure_block<2>(p, begin, end, threshold, trust_state);
                            break;
                          case 3:
                            measure_block<3>(p, begin, end, threshold, trust_state);
                            break;
                          default:
                            measure_block<0>(p, begin, end, threshold, trust_state);
                            break;
                        }
                      }
                    });
  const std::vector<double>& partial = measure_partial_;
  const std::size_t num_countries = world_.config.model.countries.size();
  std::vector<double> total(cs_ * kParts, 0.0);
  std::vector<BlockCounters> sum(cs_);
  for (std::size_t b = 0; b < num_blocks_; ++b) {
    for (std::size_t j = 0; j < cs_ * kParts; ++j) total[j] += partial[b * cs_ * kParts + j];
    for (std::size_t j = 0; j < cs_; ++j) {
      const BlockCounters& c = counters_[b * cs_ + j];
      BlockCounters& d = sum[j];
      d.read += c.read;
      d.reshares += c.reshares;
      d.replies += c.replies;
      d.bot_read += c.bot_read;
      d.bot_reshares += c.bot_reshares;
      d.corrections += c.corrections;
      d.quality += c.quality;
      d.human_quality += c.human_quality;
      d.shift += c.shift;
      d.bot_shift += c.bot_shift;
    }
  }
  for (std::size_t c = 0; c < num_countries; ++c) {
    const double n = world_.country_population[c];
    for (std::size_t s = 0; s < num_states; ++s) {
      const std::size_t j = c * num_states + s;
      const double* q = total.data() + j * kParts;
      const std::uint64_t* reach = reach_total_.data() + j * kReachParts;
      const BlockCounters& k = sum[j];
      const double mean = n > 0 ? q[0] / n : 0.0;
      const double e2 = n > 0 ? q[1] / n : 0.0, e3 = n > 0 ? q[2] / n : 0.0,
                   e4 = n > 0 ? q[3] / n : 0.0;
      const double m2 = std::max(0.0, e2 - mean * mean);
      const double m3 = e3 - 3 * mean * e2 + 2 * mean * mean * mean;
      const double m4 = e4 - 4 * mean * e3 + 6 * mean * mean * e2 - 3 * mean * mean * mean * mean;
      shift_total_[j] += n > 0 ? k.shift / n : 0.0;
      bot_shift_total_[j] += n > 0 ? k.bot_shift / n : 0.0;
      const double human_read = k.read - k.bot_read;
      frame_.at(Metric::kMeanAttitude, c, s) = mean;
      frame_.at(Metric::kAttitudeVariance, c, s) = m2;
      frame_.at(Metric::kBimodality, c, s) = model::bimodality_coefficient(n, m2, m3, m4);
      frame_.at(Metric::kFavourableShare, c, s) = n > 0 ? q[4] / n : 0.0;
      frame_.at(Metric::kItemsRead, c, s) = k.read;
      frame_.at(Metric::kMeanQualityRead, c, s) = k.read > 0 ? k.quality / k.read : 0.0;
      frame_.at(Metric::kReshares, c, s) = k.reshares;
      frame_.at(Metric::kReplies, c, s) = k.replies;
      frame_.at(Metric::kReach, c, s) = static_cast<double>(reach[0]);
      frame_.at(Metric::kReachOfficial, c, s) = static_cast<double>(reach[2]);
      frame_.at(Metric::kReachMedia, c, s) = static_cast<double>(reach[3]);
      frame_.at(Metric::kReachInfluencer, c, s) = static_cast<double>(reach[4]);
      frame_.at(Metric::kReachPeer, c, s) = static_cast<double>(reach[5]);
      frame_.at(Metric::kBotItemsRead, c, s) = k.bot_read;
      frame_.at(Metric::kBotShareRead, c, s) = k.read > 0 ? k.bot_read / double(k.read) : 0.0;
      frame_.at(Metric::kMeanQualityReadHuman, c, s) =
          human_read > 0 ? k.human_quality / human_read : 0.0;
      frame_.at(Metric::kHumanResharesOfBotItems, c, s) = k.bot_reshares;
      frame_.at(Metric::kBotReach, c, s) = static_cast<double>(reach[1]);
      frame_.at(Metric::kCorrectionsRead, c, s) = k.corrections;
      frame_.at(Metric::kOfficialTrust, c, s) = n > 0 ? q[5] / n : 0.0;
      frame_.at(Metric::kAttitudeShift, c, s) = shift_total_[j];
      frame_.at(Metric::kBotAttitudeShift, c, s) = bot_shift_total_[j];
    }
  }
}

}  // namespace dipsim::sim
