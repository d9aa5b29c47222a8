#include "dipsim/sim/simulation.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "dipsim/core/rng.hpp"
#include "dipsim/model/rules.hpp"
#include "dipsim/model/streams.hpp"

namespace dipsim::sim {

namespace {

using model::SourceClass;

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
    case graph::NodeKind::kCitizen:
    case graph::NodeKind::kBot:
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

}  // namespace

Simulation::Simulation(World world) : world_(std::move(world)) {
  const auto& m = world_.config.model;
  num_blocks_ = (world_.citizens.count + kBlock - 1) / kBlock;
  cs_ = m.countries.size() * m.states.size();
  counters_.assign(num_blocks_ * cs_, BlockCounters{});
  block_stats_.assign(num_blocks_, StepStats{});
  negative_prev_.assign(cs_, 0);
  outlet_last_pick_.assign(m.outlets.size(), kNoItem);
  for (std::size_t o = 0; o < m.outlets.size(); ++o) {
    outlet_pick_phase_.push_back(core::CounterRng(world_.config.run.seed, model::stream::kSchedule,
                                                  world_.outlet_node[o], 99)
                                     .uniform());
    for (double x : m.outlets[o].stance) outlet_stance_.push_back(static_cast<float>(x));
  }
  frame_.resize(m.countries.size(), m.states.size());
  measure_phase();  // metrics of the initial state until the first step completes
}

void Simulation::step() {
  const Step t = steps_done_;
  post_phase(t);
  read_phase(t);
  measure_phase();
  ++steps_done_;
}

void Simulation::post_phase(Step t) {
  publish_citizen_actions(t);
  post_scheduled(t);
  agenda_setting(t);
  rebuttals(t);
}

void Simulation::publish_citizen_actions(Step t) {
  auto& items = world_.items;
  auto& z = world_.citizens;
  const auto& cc = world_.config.model.citizens;
  trending_.clear();
  for (NodeId v = 0; v < z.count; ++v) {
    const graph::NodeKind kind = world_.graph.kind[v];
    if (const ItemId replied = z.pending_reply[v]; replied != kNoItem) {
      items.add_reply(replied);
      z.pending_reply[v] = kNoItem;
    }
    if (const ItemId parent = z.pending_reshare[v]; parent != kNoItem) {
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
      items.add(r, t);
      trending_.emplace_back(z.country[v], items.root[parent]);
      z.pending_reshare[v] = kNoItem;
    }
    if (const std::uint8_t s = z.pending_post[v]; s != model::kNoState) {
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
      z.pending_post[v] = model::kNoState;
    }
  }
}

void Simulation::post_scheduled(Step t) {
  auto& items = world_.items;
  const auto& m = world_.config.model;
  const bool label_state = m.feed.label_state_media;
  for (const Poster& p : world_.posters) {
    const std::uint32_t n = model::scheduled_posts(t, p.posts_per_step, p.phase);
    if (n == 0) continue;
    core::CounterRng rng(world_.config.run.seed, model::stream::kContent, p.node, t);
    for (std::uint32_t k = 0; k < n; ++k) {
      if (p.kind == PosterKind::kOutlet) {
        const auto& out = m.outlets[p.outlet];
        const auto s =
            static_cast<std::uint8_t>(rng.below(static_cast<std::uint32_t>(m.states.size())));
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
      const bool prebunk = rng.uniform() < st.counter.prebunk_share;
      const auto theme =
          prebunk ? model::theme::kPrebunk
                  : static_cast<std::uint8_t>(draw_weighted(st.theme_mix, rng.uniform()));
      // Cultural proximity 0.5 is neutral: appeal x 2 x proximity, capped at 1.
      const double proximity =
          p.country == kNoCountry ? 0.5 : m.countries[p.country].cultural_proximity[p.state];
      const double appeal = std::min(1.0, st.theme_appeal[theme] * 2.0 * proximity);
      model::NewItem item{p.node,
                          kNoItem,
                          p.state,
                          static_cast<float>(st.message_stance),
                          static_cast<float>(st.message_quality),
                          static_cast<float>(appeal),
                          graph::NodeKind::kOfficial};
      item.theme = theme;
      item.credibility = world_.state_credibility[p.state];
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
    item.credibility = world_.state_credibility[p.state];
    if (m.feed.label_state_media) item.labels = model::label::kStateAffiliated;
    world_.items.add(item, t);
  }
}

void Simulation::read_phase(Step t) {
  std::fill(counters_.begin(), counters_.end(), BlockCounters{});
  std::fill(block_stats_.begin(), block_stats_.end(), StepStats{});
  tbb::enumerable_thread_specific<std::vector<std::uint64_t>> scratch;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, num_blocks_, 1),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      auto& candidates = scratch.local();
                      for (std::size_t b = r.begin(); b != r.end(); ++b) {
                        read_block(b, t, candidates);
                      }
                    });
  stats_ = StepStats{};
  for (const StepStats& b : block_stats_) {
    stats_.sessions += b.sessions;
    stats_.edges_scanned += b.edges_scanned;
    stats_.candidates += b.candidates;
    stats_.items_read += b.items_read;
  }
  // Negative items read per (country, state) feed next step's rebuttals.
  std::fill(negative_prev_.begin(), negative_prev_.end(), 0u);
  for (std::size_t b = 0; b < num_blocks_; ++b) {
    for (std::size_t j = 0; j < cs_; ++j) negative_prev_[j] += counters_[b * cs_ + j].negative;
  }
}

void Simulation::read_block(std::size_t block, Step t, std::vector<std::uint64_t>& candidates) {
  const auto& cfg = world_.config;
  const auto& m = cfg.model;
  const auto& cc = m.citizens;
  const auto& feed = m.feed;
  const auto& items = world_.items;
  const auto& following = world_.graph.following;
  const auto& kinds = world_.graph.kind;
  auto& z = world_.citizens;
  const std::uint32_t num_states = z.num_states;
  const std::uint64_t seed = cfg.run.seed;
  const Step window_start = t > feed.window_steps ? t - feed.window_steps : 0;
  const auto half_life = static_cast<float>(feed.engagement_half_life);
  const auto convergence = static_cast<float>(cc.convergence);
  const auto trust_state = static_cast<float>(cc.trust_state);
  const auto trust_influencer = static_cast<float>(cc.trust_influencer);
  const auto trust_peer = static_cast<float>(cc.trust_peer);
  const auto propensity = static_cast<float>(cc.reshare_propensity);
  const auto mismatch = static_cast<float>(cc.language_mismatch);
  const auto decay = static_cast<float>(cc.repetition_decay);
  const auto bf_threshold = static_cast<float>(cc.backfire_threshold);
  const auto bf_strength = static_cast<float>(cc.backfire_strength);
  const auto label_factor = static_cast<float>(feed.label_reshare_factor);
  BlockCounters* counts = counters_.data() + block * cs_;
  StepStats& work = block_stats_[block];

  const NodeId begin = static_cast<NodeId>(block * kBlock);
  const NodeId end = std::min<NodeId>(z.count, begin + kBlock);
  for (NodeId v = begin; v < end; ++v) {
    const std::uint16_t country = z.country[v];
    const auto& cty = m.countries[country];
    const auto media_trust = static_cast<float>(cty.media_trust);
    core::CounterRng reshare_rng(seed, model::stream::kReshare, v, t);
    core::CounterRng reply_rng(seed, model::stream::kReply, v, t);

    // Reads one item: attitude update, reach, counters, prebunking, reshare and reply choices.
    auto read = [&](ItemId i, bool on_platform) {
      const std::uint8_t s = items.state[i];
      const std::size_t vs = std::size_t{v} * num_states + s;
      float& a = z.attitude[vs];
      const float x = items.stance[i];
      const float distance = std::fabs(x - a);
      const SourceClass cls = source_class(items.source_kind[i]);
      float trust;
      switch (cls) {
        case SourceClass::kOfficial:
          trust = std::min(1.0f, trust_state + z.trust_bonus[vs]);
          break;
        case SourceClass::kMedia:
          trust = media_trust;
          break;
        case SourceClass::kInfluencer:
          trust = trust_influencer;
          break;
        case SourceClass::kPeer:
        default:
          trust = trust_peer;
          break;
      }
      // Repetition: earlier exposures to the same root (direct-mapped memory of 4 roots).
      const ItemId root = items.root[i];
      const std::size_t slot = std::size_t{v} * model::kSeenSlots + root % model::kSeenSlots;
      unsigned earlier = 0;
      bool reshared_before = false;
      if (z.seen_root[slot] == root) {
        earlier = z.seen_count[slot] & 0x7Fu;
        reshared_before = (z.seen_count[slot] & 0x80u) != 0;
        if (earlier < 0x7F) ++z.seen_count[slot];
      } else {
        z.seen_root[slot] = root;
        z.seen_count[slot] = 1;
      }
      const float quality_w = model::quality_weight(items.quality[i], z.literacy[v]);
      const float language_w = items.language[i] == z.language[v] ? 1.0f : mismatch;
      const float rate =
          model::influence_rate(convergence, z.susceptibility[v], trust, items.credibility[i]) *
          quality_w * language_w * model::repetition_weight(decay, earlier);
      a = model::attitude_update(a, x, z.openness[v], rate, cc.backfire, bf_threshold, bf_strength);
      z.reached[v] |= 1u << (static_cast<unsigned>(cls) * 8u + s);
      BlockCounters& k = counts[country * num_states + s];
      ++k.read;
      ++work.items_read;
      k.quality += items.quality[i];
      if (x < 0.0f) ++k.negative;
      if (items.theme[i] == model::theme::kPrebunk) {
        z.literacy[v] = std::min(
            1.0f, z.literacy[v] + static_cast<float>(m.states[s].counter.prebunk_literacy_gain));
      }
      if (!on_platform) return;
      // Reshare: one per session, never the same root twice.
      float p = model::reshare_probability(propensity, items.appeal[i], distance) * quality_w;
      if (items.labels[i] != 0) p *= label_factor;
      if (reshare_rng.uniform_f() < p && z.pending_reshare[v] == kNoItem && !reshared_before) {
        z.pending_reshare[v] = i;
        z.seen_count[slot] = static_cast<std::uint8_t>(z.seen_count[slot] | 0x80u);
        ++k.reshares;
      }
      // Reply to an official account; the state answers a share of replies, which raises the
      // citizen's trust in it (engagement).
      if (cls == SourceClass::kOfficial) {
        const float agreement = std::max(0.0f, 1.0f - 0.5f * distance);
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

    // Off the platform: each of the country's outlets reaches a citizen in a step with
    // probability broadcast_reach / 24 (a daily audience share); the citizen meets its latest item.
    if (!world_.country_outlets[country].empty()) {
      core::CounterRng broadcast(seed, model::stream::kBroadcast, v, t);
      for (std::uint16_t o : world_.country_outlets[country]) {
        if (!(broadcast.uniform() < m.outlets[o].broadcast_reach / 24.0)) continue;
        for (ItemId i = items.last_of[world_.outlet_node[o]];
             i != kNoItem && items.created[i] >= window_start; i = items.prev_by_author[i]) {
          if (items.created[i] < t) {
            read(i, false);
            break;
          }
        }
      }
    }

    if (!z.online[v]) continue;
    const std::uint32_t hour = (t + static_cast<std::uint32_t>(cty.utc_offset % 24 + 24)) % 24;
    core::CounterRng activity(seed, model::stream::kActivity, v, t);
    if (!(activity.uniform() < cc.activity_per_hour * cc.activity_profile[hour])) continue;

    // Gather: items of followed accounts created in [max(window start, last session), t).
    const Step since = std::max(window_start, z.last_session[v]);
    candidates.clear();
    core::CounterRng ranking(seed, model::stream::kRanking, v, t);
    for (const NodeId u : following.row(v)) {
      for (ItemId i = items.last_of[u]; i != kNoItem && items.created[i] >= since;
           i = items.prev_by_author[i]) {
        if (items.created[i] >= t) continue;  // posted this step: visible from the next one
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

    core::CounterRng post_rng(seed, model::stream::kPost, v, t);
    const double post_p = kinds[v] == graph::NodeKind::kInfluencer ? cc.influencer_post_probability
                                                                   : cc.post_probability;
    if (post_rng.uniform() < post_p && num_states > 0) {
      z.pending_post[v] = static_cast<std::uint8_t>(post_rng.below(num_states));
    }
  }
}

void Simulation::measure_phase() {
  const auto& z = world_.citizens;
  const std::size_t num_states = z.num_states;
  const auto threshold = static_cast<float>(world_.config.model.citizens.favourable_threshold);
  // Per block and (country, state): sums of a, a^2, a^3, a^4, favourable count, reach (any),
  // reach by source class.
  constexpr std::size_t kParts = 6 + model::kNumSourceClasses;
  std::vector<double> partial(num_blocks_ * cs_ * kParts, 0.0);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, num_blocks_, 1),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t b = r.begin(); b != r.end(); ++b) {
                        double* p = partial.data() + b * cs_ * kParts;
                        const NodeId begin = static_cast<NodeId>(b * kBlock);
                        const NodeId end = std::min<NodeId>(z.count, begin + kBlock);
                        for (NodeId v = begin; v < end; ++v) {
                          const std::size_t base = z.country[v] * num_states;
                          const std::uint32_t reached = z.reached[v];
                          for (std::size_t s = 0; s < num_states; ++s) {
                            const double a = z.attitude[v * num_states + s];
                            const double a2 = a * a;
                            double* q = p + (base + s) * kParts;
                            q[0] += a;
                            q[1] += a2;
                            q[2] += a2 * a;
                            q[3] += a2 * a2;
                            q[4] += a > threshold ? 1.0 : 0.0;
                            bool any = false;
                            for (std::size_t c = 0; c < model::kNumSourceClasses; ++c) {
                              const bool hit = (reached >> (c * 8 + s)) & 1u;
                              q[6 + c] += hit ? 1.0 : 0.0;
                              any = any || hit;
                            }
                            q[5] += any ? 1.0 : 0.0;
                          }
                        }
                      }
                    });
  const std::size_t num_countries = world_.config.model.countries.size();
  std::vector<double> total(cs_ * kParts, 0.0);
  std::vector<BlockCounters> sum(cs_);
  for (std::size_t b = 0; b < num_blocks_; ++b) {
    for (std::size_t j = 0; j < cs_ * kParts; ++j) total[j] += partial[b * cs_ * kParts + j];
    for (std::size_t j = 0; j < cs_; ++j) {
      const BlockCounters& c = counters_[b * cs_ + j];
      sum[j].read += c.read;
      sum[j].reshares += c.reshares;
      sum[j].replies += c.replies;
      sum[j].quality += c.quality;
    }
  }
  for (std::size_t c = 0; c < num_countries; ++c) {
    const double n = world_.country_population[c];
    for (std::size_t s = 0; s < num_states; ++s) {
      const double* q = total.data() + (c * num_states + s) * kParts;
      const BlockCounters& k = sum[c * num_states + s];
      const double mean = n > 0 ? q[0] / n : 0.0;
      const double e2 = n > 0 ? q[1] / n : 0.0, e3 = n > 0 ? q[2] / n : 0.0,
                   e4 = n > 0 ? q[3] / n : 0.0;
      const double m2 = std::max(0.0, e2 - mean * mean);
      const double m3 = e3 - 3 * mean * e2 + 2 * mean * mean * mean;
      const double m4 = e4 - 4 * mean * e3 + 6 * mean * mean * e2 - 3 * mean * mean * mean * mean;
      frame_.at(Metric::kMeanAttitude, c, s) = mean;
      frame_.at(Metric::kAttitudeVariance, c, s) = m2;
      frame_.at(Metric::kBimodality, c, s) = model::bimodality_coefficient(n, m2, m3, m4);
      frame_.at(Metric::kFavourableShare, c, s) = n > 0 ? q[4] / n : 0.0;
      frame_.at(Metric::kItemsRead, c, s) = k.read;
      frame_.at(Metric::kMeanQualityRead, c, s) = k.read > 0 ? k.quality / k.read : 0.0;
      frame_.at(Metric::kReshares, c, s) = k.reshares;
      frame_.at(Metric::kReplies, c, s) = k.replies;
      frame_.at(Metric::kReach, c, s) = q[5];
      frame_.at(Metric::kReachOfficial, c, s) = q[6];
      frame_.at(Metric::kReachMedia, c, s) = q[7];
      frame_.at(Metric::kReachInfluencer, c, s) = q[8];
      frame_.at(Metric::kReachPeer, c, s) = q[9];
    }
  }
}

}  // namespace dipsim::sim
