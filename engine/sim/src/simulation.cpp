#include "dipsim/sim/simulation.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "dipsim/core/rng.hpp"
#include "dipsim/model/rules.hpp"
#include "dipsim/model/streams.hpp"

namespace dipsim::sim {

namespace {

// Candidate = (score, item) packed in 64 bits so that sorting descending orders by score, then
// by newer item: the float score's bits are monotone for non-negative floats.
std::uint64_t pack(float score, ItemId item) {
  std::uint32_t bits;
  static_assert(sizeof bits == sizeof score);
  __builtin_memcpy(&bits, &score, sizeof bits);
  return (static_cast<std::uint64_t>(bits) << 32) | item;
}
ItemId unpack_item(std::uint64_t c) {
  return static_cast<ItemId>(c & 0xFFFFFFFFu);
}

}  // namespace

Simulation::Simulation(World world) : world_(std::move(world)) {
  const auto& m = world_.config.model;
  num_blocks_ = (world_.citizens.count + kBlock - 1) / kBlock;
  cs_ = m.countries.size() * m.states.size();
  block_read_.assign(num_blocks_ * cs_, 0);
  block_reshares_.assign(num_blocks_ * cs_, 0);
  for (const auto& s : m.states) state_credibility_.push_back(static_cast<float>(s.credibility));
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
  auto& items = world_.items;
  const auto& states = world_.config.model.states;
  for (const auto& a : world_.officials) {
    const std::uint32_t n = model::scheduled_posts(t, a.posts_per_step, a.phase);
    const auto& st = states[a.state];
    for (std::uint32_t k = 0; k < n; ++k) {
      items.add({a.node, kNoItem, a.state, static_cast<float>(st.message_stance),
                 static_cast<float>(st.message_quality), static_cast<float>(st.message_appeal),
                 graph::NodeKind::kOfficial},
                t);
    }
  }
  auto& z = world_.citizens;
  const auto& cc = world_.config.model.citizens;
  for (NodeId v = 0; v < z.count; ++v) {
    if (const ItemId parent = z.pending_reshare[v]; parent != kNoItem) {
      items.add({v, parent, items.state[parent], items.stance[parent], items.quality[parent],
                 items.appeal[parent], graph::NodeKind::kCitizen},
                t);
      z.pending_reshare[v] = kNoItem;
    }
    if (const std::uint8_t s = z.pending_post[v]; s != model::kNoState) {
      items.add({v, kNoItem, s, z.attitude[std::size_t{v} * z.num_states + s],
                 static_cast<float>(cc.post_quality), static_cast<float>(cc.post_appeal),
                 graph::NodeKind::kCitizen},
                t);
      z.pending_post[v] = model::kNoState;
    }
  }
}

void Simulation::read_phase(Step t) {
  std::fill(block_read_.begin(), block_read_.end(), 0u);
  std::fill(block_reshares_.begin(), block_reshares_.end(), 0u);
  tbb::enumerable_thread_specific<std::vector<std::uint64_t>> scratch;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, num_blocks_, 1),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      auto& candidates = scratch.local();
                      for (std::size_t b = r.begin(); b != r.end(); ++b) {
                        read_block(b, t, candidates);
                      }
                    });
}

void Simulation::read_block(std::size_t block, Step t, std::vector<std::uint64_t>& candidates) {
  const auto& cfg = world_.config;
  const auto& cc = cfg.model.citizens;
  const auto& feed = cfg.model.feed;
  const auto& items = world_.items;
  const auto& following = world_.graph.following;
  auto& z = world_.citizens;
  const std::uint32_t num_states = z.num_states;
  const std::uint64_t seed = cfg.run.seed;
  const Step window_start = t > feed.window_steps ? t - feed.window_steps : 0;
  const auto half_life = static_cast<float>(feed.engagement_half_life);
  const auto convergence = static_cast<float>(cc.convergence);
  const auto trust_state = static_cast<float>(cc.trust_state);
  const auto trust_peer = static_cast<float>(cc.trust_peer);
  const auto propensity = static_cast<float>(cc.reshare_propensity);
  std::uint32_t* read_counts = block_read_.data() + block * cs_;
  std::uint32_t* reshare_counts = block_reshares_.data() + block * cs_;

  const NodeId begin = static_cast<NodeId>(block * kBlock);
  const NodeId end = std::min<NodeId>(z.count, begin + kBlock);
  for (NodeId v = begin; v < end; ++v) {
    if (!z.online[v]) continue;
    core::CounterRng activity(seed, model::stream::kActivity, v, t);
    if (!(activity.uniform() < cc.activity_per_hour)) continue;

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
            score = model::engagement_score(items.reshares[i], t - items.created[i], half_life);
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

    // Rank: the `attention` best, best first (ties: newer item first).
    const std::size_t k = std::min<std::size_t>(cc.attention, candidates.size());
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k),
                      candidates.end(), std::greater<>{});

    // Read in rank order.
    core::CounterRng reshare_rng(seed, model::stream::kReshare, v, t);
    const std::uint16_t country = z.country[v];
    for (std::size_t j = 0; j < k; ++j) {
      const ItemId i = unpack_item(candidates[j]);
      const std::uint8_t s = items.state[i];
      float& a = z.attitude[std::size_t{v} * num_states + s];
      const float x = items.stance[i];
      const float distance = std::fabs(x - a);
      const bool official = items.source_kind[i] == graph::NodeKind::kOfficial;
      const float rate = model::influence_rate(convergence, z.susceptibility[v],
                                               official ? trust_state : trust_peer,
                                               official ? state_credibility_[s] : 1.0f);
      a = model::bounded_confidence_update(a, x, z.openness[v], rate);
      z.reached[v] = static_cast<std::uint8_t>(z.reached[v] | (1u << s));
      ++read_counts[country * num_states + s];
      const float p = model::reshare_probability(propensity, items.appeal[i], distance);
      if (reshare_rng.uniform_f() < p && z.pending_reshare[v] == kNoItem) {
        z.pending_reshare[v] = i;
        ++reshare_counts[country * num_states + s];
      }
    }
    core::CounterRng post_rng(seed, model::stream::kPost, v, t);
    if (post_rng.uniform() < cc.post_probability && num_states > 0) {
      z.pending_post[v] = static_cast<std::uint8_t>(post_rng.below(num_states));
    }
  }
}

void Simulation::measure_phase() {
  const auto& z = world_.citizens;
  const std::size_t num_states = z.num_states;
  const auto threshold = static_cast<float>(world_.config.model.citizens.favourable_threshold);
  // Per block: sum, sum of squares, favourable count, reached count for every (country, state).
  constexpr std::size_t kParts = 4;
  std::vector<double> partial(num_blocks_ * cs_ * kParts, 0.0);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, num_blocks_, 1),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t b = r.begin(); b != r.end(); ++b) {
                        double* p = partial.data() + b * cs_ * kParts;
                        const NodeId begin = static_cast<NodeId>(b * kBlock);
                        const NodeId end = std::min<NodeId>(z.count, begin + kBlock);
                        for (NodeId v = begin; v < end; ++v) {
                          const std::size_t base = z.country[v] * num_states;
                          for (std::size_t s = 0; s < num_states; ++s) {
                            const double a = z.attitude[v * num_states + s];
                            double* q = p + (base + s) * kParts;
                            q[0] += a;
                            q[1] += a * a;
                            q[2] += a > threshold ? 1.0 : 0.0;
                            q[3] += (z.reached[v] >> s) & 1u;
                          }
                        }
                      }
                    });
  const std::size_t num_countries = world_.config.model.countries.size();
  std::vector<double> total(cs_ * kParts, 0.0);
  std::vector<double> read(cs_, 0.0), reshares(cs_, 0.0);
  for (std::size_t b = 0; b < num_blocks_; ++b) {
    for (std::size_t j = 0; j < cs_ * kParts; ++j) total[j] += partial[b * cs_ * kParts + j];
    for (std::size_t j = 0; j < cs_; ++j) {
      read[j] += block_read_[b * cs_ + j];
      reshares[j] += block_reshares_[b * cs_ + j];
    }
  }
  for (std::size_t c = 0; c < num_countries; ++c) {
    const double n = world_.country_population[c];
    for (std::size_t s = 0; s < num_states; ++s) {
      const double* q = total.data() + (c * num_states + s) * kParts;
      const double mean = n > 0 ? q[0] / n : 0.0;
      frame_.at(Metric::kMeanAttitude, c, s) = mean;
      frame_.at(Metric::kAttitudeVariance, c, s) =
          n > 0 ? std::max(0.0, q[1] / n - mean * mean) : 0.0;
      frame_.at(Metric::kFavourableShare, c, s) = n > 0 ? q[2] / n : 0.0;
      frame_.at(Metric::kItemsRead, c, s) = read[c * num_states + s];
      frame_.at(Metric::kReshares, c, s) = reshares[c * num_states + s];
      frame_.at(Metric::kReach, c, s) = q[3];
    }
  }
}

}  // namespace dipsim::sim
