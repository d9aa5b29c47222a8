// World construction. Every random draw is keyed by the citizen's (or account's) id, so the
// world is the same for any thread count; citizens are numbered country by country, which also
// keeps a country's citizens contiguous in memory for the step.
#include "dipsim/sim/world.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "dipsim/core/error.hpp"
#include "dipsim/core/rng.hpp"
#include "dipsim/graph/random_follow.hpp"
#include "dipsim/model/streams.hpp"

namespace dipsim::sim {

std::vector<std::uint32_t> apportion(std::uint32_t total, const std::vector<double>& shares) {
  const double sum = std::accumulate(shares.begin(), shares.end(), 0.0);
  std::vector<std::uint32_t> counts(shares.size(), 0);
  if (shares.empty() || !(sum > 0.0)) return counts;
  std::vector<std::pair<double, std::size_t>> remainders;
  std::uint32_t assigned = 0;
  for (std::size_t i = 0; i < shares.size(); ++i) {
    const double exact = total * shares[i] / sum;
    counts[i] = static_cast<std::uint32_t>(std::floor(exact));
    assigned += counts[i];
    remainders.emplace_back(exact - counts[i], i);
  }
  // Largest remainders first; ties to the lower index for determinism.
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; assigned < total; ++k, ++assigned) ++counts[remainders[k].second];
  return counts;
}

std::size_t World::official_count(std::uint8_t state) const {
  return static_cast<std::size_t>(
      std::count_if(posters.begin(), posters.end(), [&](const Poster& p) {
        return p.state == state &&
               (p.kind == PosterKind::kMinistry || p.kind == PosterKind::kEmbassy);
      }));
}

namespace {

void init_citizens(World& w) {
  const auto& cfg = w.config;
  const auto& cc = cfg.model.citizens;
  const auto num_states = static_cast<std::uint32_t>(cfg.model.states.size());
  std::vector<double> shares;
  for (const auto& c : cfg.model.countries) shares.push_back(c.population_share);
  w.country_population = apportion(cc.count, shares);
  w.citizens.resize(cc.count, num_states);
  NodeId v = 0;
  for (std::size_t c = 0; c < w.country_population.size(); ++c) {
    std::fill_n(w.citizens.country.begin() + v, w.country_population[c],
                static_cast<std::uint16_t>(c));
    v += w.country_population[c];
  }
  w.country_language.clear();
  for (const auto& c : cfg.model.countries) {
    const auto main =
        std::max_element(c.languages.begin(), c.languages.end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; });
    w.country_language.push_back(main == c.languages.end() ? 0 : main->first);
  }
  auto& z = w.citizens;
  tbb::parallel_for(
      tbb::blocked_range<NodeId>(0, z.count, 4096), [&](const tbb::blocked_range<NodeId>& r) {
        for (NodeId i = r.begin(); i != r.end(); ++i) {
          core::CounterRng rng(cfg.run.seed, model::stream::kInit, i, 0);
          const auto& country = cfg.model.countries[z.country[i]];
          z.online[i] = rng.uniform() < country.internet_penetration ? 1 : 0;
          for (std::uint32_t s = 0; s < num_states; ++s) {
            const double base = country.baseline_attitude[s];
            const double spread = country.attitude_spread;
            double a;
            switch (country.attitude_distribution) {
              case model::AttitudeDistribution::kUniform:
                a = std::clamp(base + spread * (2.0 * rng.uniform() - 1.0), -1.0, 1.0);
                break;
              case model::AttitudeDistribution::kTwoPoint:
                a = rng.uniform() < (1.0 + base) / 2.0 ? 1.0 : -1.0;
                break;
              case model::AttitudeDistribution::kNormal:
              default:
                a = rng.clamped_normal(base, spread, -1, 1);
                break;
            }
            // Zealots (a committed minority) hold +1 or -1 and never change.
            const double u = rng.uniform();
            if (u < country.zealots_for[s]) {
              a = 1.0;
              z.fixed[i] = static_cast<std::uint8_t>(z.fixed[i] | (1u << s));
            } else if (u < country.zealots_for[s] + country.zealots_against[s]) {
              a = -1.0;
              z.fixed[i] = static_cast<std::uint8_t>(z.fixed[i] | (1u << s));
            }
            z.attitude[std::size_t{i} * num_states + s] = static_cast<float>(a);
          }
          z.openness[i] =
              static_cast<float>(rng.clamped_normal(cc.openness_mean, cc.openness_sd, 0.0, 2.0));
          z.susceptibility[i] = static_cast<float>(
              rng.clamped_normal(cc.susceptibility_mean, cc.susceptibility_sd, 0.0, 1.0));
          z.literacy[i] = static_cast<float>(
              rng.clamped_normal(country.media_literacy, cc.literacy_sd, 0.0, 1.0));
          // Language: by the country's shares (inverse CDF of one uniform).
          double u = rng.uniform(), acc = 0.0;
          z.language[i] = country.languages.empty() ? 0 : country.languages.back().first;
          for (const auto& [lang, share] : country.languages) {
            acc += share;
            if (u < acc) {
              z.language[i] = lang;
              break;
            }
          }
        }
      });
  w.country_online.assign(w.country_population.size(), 0);
  for (NodeId i = 0; i < z.count; ++i) w.country_online[z.country[i]] += z.online[i];
  if (cc.stubbornness > 0.0) z.initial_attitude = z.attitude;
}

// Ministries and embassies (node ids after the citizens), then outlets.
void init_accounts(World& w) {
  const auto& cfg = w.config;
  NodeId next = w.citizens.count;
  auto phase_of = [&](NodeId node, std::uint32_t k) {
    return core::CounterRng(cfg.run.seed, model::stream::kSchedule, node, k).uniform();
  };
  for (std::size_t s = 0; s < cfg.model.states.size(); ++s) {
    const auto& st = cfg.model.states[s];
    const double rate = st.posts_per_day / 24.0;
    const auto state = static_cast<std::uint8_t>(s);
    w.posters.push_back({next, PosterKind::kMinistry, state, kNoCountry, kNoOutlet, rate,
                         phase_of(next, 0), st.name + "/ministry"});
    ++next;
    std::vector<std::uint16_t> targets = st.target_countries;
    if (targets.empty()) {
      targets.resize(cfg.model.countries.size());
      std::iota(targets.begin(), targets.end(), std::uint16_t{0});
    }
    for (std::uint16_t c : targets) {
      w.posters.push_back({next, PosterKind::kEmbassy, state, c, kNoOutlet, rate, phase_of(next, 0),
                           st.name + "/embassy/" + cfg.model.countries[c].name});
      ++next;
    }
  }
  w.country_outlets.assign(cfg.model.countries.size(), {});
  for (std::size_t o = 0; o < cfg.model.outlets.size(); ++o) {
    const auto& out = cfg.model.outlets[o];
    w.outlet_node.push_back(next);
    w.country_outlets[out.country].push_back(static_cast<std::uint16_t>(o));
    w.posters.push_back({next, PosterKind::kOutlet, model::kNoState, out.country,
                         static_cast<std::uint16_t>(o), out.posts_per_day / 24.0, phase_of(next, 0),
                         "outlet/" + out.name});
    ++next;
  }
  for (std::size_t f = 0; f < cfg.model.fact_checkers.size(); ++f)
    w.fact_checker_node.push_back(next++);
  // Bots last: each network's bots are contiguous; each bot targets one of its network's
  // countries (round robin).
  auto& b = w.bots;
  b.first_node = next;
  for (std::size_t n = 0; n < cfg.model.bots.size(); ++n) {
    const auto& net = cfg.model.bots[n];
    std::vector<std::uint16_t> targets = net.target_countries;
    if (targets.empty()) {
      targets.resize(cfg.model.countries.size());
      std::iota(targets.begin(), targets.end(), std::uint16_t{0});
    }
    for (std::uint32_t k = 0; k < net.count; ++k, ++next) {
      core::CounterRng rng(cfg.run.seed, model::stream::kBots, next, 0);
      b.network.push_back(static_cast<std::uint16_t>(n));
      b.target_country.push_back(targets[k % targets.size()]);
      b.detectability.push_back(
          static_cast<float>(rng.clamped_normal(net.detectability, 0.15, 0.0, 1.0)));
      b.phase.push_back(rng.uniform());
      b.detected_at.push_back(kNever);
    }
  }
}

// Bots acquire human followers: each bot sends follow requests to citizens chosen by its
// network's infiltration strategy; each request is followed back with probability follow_back.
void infiltrate(World& w, std::vector<graph::Edge>& edges,
                const std::vector<std::uint32_t>& in_degree) {
  const auto& cfg = w.config;
  const auto& z = w.citizens;
  for (std::size_t n = 0; n < cfg.model.bots.size(); ++n) {
    const auto& net = cfg.model.bots[n];
    // Candidate pools per target country (all online citizens for kRandom and kHubs).
    std::vector<std::vector<NodeId>> pool(cfg.model.countries.size());
    std::vector<NodeId> everyone;
    for (NodeId v = 0; v < z.count; ++v) {
      if (!z.online[v]) continue;
      pool[z.country[v]].push_back(v);
      everyone.push_back(v);
    }
    auto rank = [&](std::vector<NodeId>& p) {
      // Narrow a pool to the most exposed: top 5 x follow_requests by the strategy's key.
      auto key = [&](NodeId v) -> double {
        switch (net.infiltration) {
          case model::Infiltration::kHubs:
            return in_degree[v];
          case model::Infiltration::kSusceptible:
            return z.susceptibility[v];
          case model::Infiltration::kLeastLiterate:
            return -z.literacy[v];
          default:
            return 0.0;
        }
      };
      const std::size_t keep = std::min<std::size_t>(p.size(), 5u * net.follow_requests);
      std::partial_sort(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(keep), p.end(),
                        [&](NodeId a, NodeId c) {
                          const double ka = key(a), kc = key(c);
                          return ka != kc ? ka > kc : a < c;
                        });
      p.resize(keep);
    };
    const bool ranked = net.infiltration == model::Infiltration::kHubs ||
                        net.infiltration == model::Infiltration::kSusceptible ||
                        net.infiltration == model::Infiltration::kLeastLiterate;
    if (ranked) {
      for (auto& p : pool) rank(p);
      rank(everyone);
    }
    for (std::size_t k = 0; k < w.bots.size(); ++k) {
      if (w.bots.network[k] != n) continue;
      const NodeId bot = w.bots.first_node + static_cast<NodeId>(k);
      const bool anywhere = net.infiltration == model::Infiltration::kRandom ||
                            net.infiltration == model::Infiltration::kHubs;
      const auto& candidates = anywhere ? everyone : pool[w.bots.target_country[k]];
      if (candidates.empty()) continue;
      core::CounterRng rng(cfg.run.seed, model::stream::kBots, bot, 1);
      for (std::uint32_t r = 0; r < net.follow_requests; ++r) {
        const NodeId v = candidates[rng.below(static_cast<std::uint32_t>(candidates.size()))];
        if (rng.uniform() < net.follow_back) edges.push_back({v, bot});
      }
    }
  }
}

void init_graph(World& w) {
  const auto& cfg = w.config;
  const auto& z = w.citizens;
  const NodeId num_nodes = w.bots.first_node + static_cast<NodeId>(w.bots.size());
  graph::RandomFollowSpec spec;
  spec.members_by_country.resize(cfg.model.countries.size());
  for (NodeId i = 0; i < z.count; ++i) {
    if (z.online[i]) spec.members_by_country[z.country[i]].push_back(i);
  }
  spec.mean_following = cfg.graph.mean_following;
  spec.home_share = cfg.graph.home_share;
  spec.seed = cfg.run.seed;
  spec.stream = model::stream::kGraph;
  std::vector<graph::Edge> edges;
  if (cfg.graph.generator == GraphGenerator::kComplete) {
    std::vector<NodeId> online;
    for (NodeId i = 0; i < z.count; ++i) {
      if (z.online[i]) online.push_back(i);
    }
    if (online.size() > 20'000) {
      throw core::Error(core::ErrorKind::kResource,
                        "a complete graph of " + std::to_string(online.size()) +
                            " online citizens would have " +
                            std::to_string(online.size() * (online.size() - 1)) +
                            " follow edges; expected at most 20000 online citizens for "
                            "graph.generator: complete",
                        core::InputLocation{"", 0, 0, "graph.generator"});
    }
    edges.reserve(online.size() * (online.size() - 1));
    for (NodeId u : online) {
      for (NodeId v : online) {
        if (u != v) edges.push_back({u, v});
      }
    }
  } else {
    edges = graph::random_follow_edges(spec);
  }

  // Online citizens follow accounts: each state's ministry with probability ministry_reach, its
  // embassy in their own country with probability embassy_reach, each outlet of their country
  // with probability platform_reach.
  const std::size_t num_states = cfg.model.states.size();
  std::vector<NodeId> ministry(num_states, kNoNode);
  std::vector<std::vector<NodeId>> embassy(
      num_states, std::vector<NodeId>(cfg.model.countries.size(), kNoNode));
  for (const auto& p : w.posters) {
    if (p.kind == PosterKind::kMinistry) ministry[p.state] = p.node;
    if (p.kind == PosterKind::kEmbassy) embassy[p.state][p.country] = p.node;
  }
  for (NodeId i = 0; i < z.count; ++i) {
    if (!z.online[i]) continue;
    core::CounterRng rng(cfg.run.seed, model::stream::kFollowOfficial, i, 0);
    for (std::size_t s = 0; s < num_states; ++s) {
      const auto& st = cfg.model.states[s];
      if (rng.uniform() < st.ministry_reach) edges.push_back({i, ministry[s]});
      const NodeId e = embassy[s][z.country[i]];
      if (rng.uniform() < st.embassy_reach && e != kNoNode) edges.push_back({i, e});
    }
    for (std::uint16_t o : w.country_outlets[z.country[i]]) {
      if (rng.uniform() < cfg.model.outlets[o].platform_reach) {
        edges.push_back({i, w.outlet_node[o]});
      }
    }
    for (std::size_t f = 0; f < cfg.model.fact_checkers.size(); ++f) {
      const auto& fc = cfg.model.fact_checkers[f];
      if (fc.country == z.country[i] && rng.uniform() < fc.platform_reach) {
        edges.push_back({i, w.fact_checker_node[f]});
      }
    }
  }
  if (!w.bots.network.empty()) {
    std::vector<std::uint32_t> in_degree(num_nodes, 0);
    for (const auto& e : edges) ++in_degree[e.to];
    infiltrate(w, edges, in_degree);
  }
  graph::BuildOptions options;
  options.build_followers = false;  // the step pulls along `following` only
  graph::build_csr(w.graph, num_nodes, std::move(edges), options);
  w.graph.country.assign(num_nodes, kNoCountry);
  std::copy(z.country.begin(), z.country.end(), w.graph.country.begin());
  w.graph.community.assign(num_nodes, 0);
  for (NodeId i = 0; i < z.count; ++i) w.graph.community[i] = z.country[i];
  w.graph.kind.assign(num_nodes, graph::NodeKind::kCitizen);
  for (const auto& p : w.posters) {
    w.graph.kind[p.node] =
        p.kind == PosterKind::kOutlet ? graph::NodeKind::kOutlet : graph::NodeKind::kOfficial;
    w.graph.country[p.node] = p.country;
  }
  for (std::size_t f = 0; f < w.fact_checker_node.size(); ++f) {
    w.graph.kind[w.fact_checker_node[f]] = graph::NodeKind::kFactChecker;
    w.graph.country[w.fact_checker_node[f]] = cfg.model.fact_checkers[f].country;
  }
  for (std::size_t k = 0; k < w.bots.size(); ++k) {
    w.graph.kind[w.bots.first_node + k] = graph::NodeKind::kBot;
    w.graph.country[w.bots.first_node + k] = w.bots.target_country[k];
  }
  w.removed.assign(num_nodes, 0);
}

// Influencers: in each country the online citizens with the most followers (ties: lower id).
// Then each state's paid partnerships with the top influencers of its target countries.
void init_influencers(World& w) {
  const auto& cfg = w.config;
  const auto& z = w.citizens;
  std::vector<std::uint32_t> in_degree(w.graph.num_nodes(), 0);
  for (NodeId v = 0; v < z.count; ++v) {
    for (NodeId u : w.graph.following.row(v)) ++in_degree[u];
  }
  std::vector<std::vector<NodeId>> top(cfg.model.countries.size());
  NodeId begin = 0;
  for (std::size_t c = 0; c < cfg.model.countries.size(); ++c) {
    const NodeId end = begin + w.country_population[c];
    std::vector<NodeId> candidates;
    for (NodeId v = begin; v < end; ++v) {
      if (z.online[v]) candidates.push_back(v);
    }
    const std::size_t k =
        std::min<std::size_t>(cfg.model.countries[c].influencers, candidates.size());
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k),
                      candidates.end(), [&](NodeId a, NodeId b) {
                        return in_degree[a] != in_degree[b] ? in_degree[a] > in_degree[b] : a < b;
                      });
    candidates.resize(k);
    for (NodeId v : candidates) w.graph.kind[v] = graph::NodeKind::kInfluencer;
    top[c] = std::move(candidates);
    begin = end;
  }
  w.country_influencers.clear();
  for (const auto& t : top) w.country_influencers.push_back(static_cast<std::uint32_t>(t.size()));

  w.state_credibility.clear();
  for (std::size_t s = 0; s < cfg.model.states.size(); ++s) {
    const auto& st = cfg.model.states[s];
    const auto& p = st.partnership;
    std::vector<std::uint16_t> targets = st.target_countries;
    if (targets.empty()) {
      targets.resize(cfg.model.countries.size());
      std::iota(targets.begin(), targets.end(), std::uint16_t{0});
    }
    double paid_per_day = 0.0;
    for (std::uint16_t c : targets) {
      const std::size_t n = std::min<std::size_t>(p.influencers, top[c].size());
      for (std::size_t k = 0; k < n; ++k) {
        const NodeId node = top[c][k];
        const double phase = core::CounterRng(cfg.run.seed, model::stream::kSchedule, node,
                                              1 + static_cast<std::uint32_t>(s))
                                 .uniform();
        w.posters.push_back(
            {node, PosterKind::kPaidInfluencer, static_cast<std::uint8_t>(s), c, kNoOutlet,
             p.posts_per_day / 24.0, phase,
             st.name + "/paid/" + cfg.model.countries[c].name + "/" + std::to_string(node)});
        paid_per_day += p.posts_per_day;
      }
    }
    // Overusing paid partnerships costs credibility: cred / (1 + cost x paid posts per day).
    w.state_credibility.push_back(
        static_cast<float>(st.credibility / (1.0 + p.credibility_cost * paid_per_day)));
  }
  // Keep posters in a fixed order: ministries/embassies, outlets, paid (stable by construction).
}

}  // namespace

void complete_config(SimConfig& config) {
  auto& m = config.model;
  const std::size_t num_states = m.states.size();
  if (m.themes.empty()) {
    for (const char* name : model::builtin_themes()) m.themes.emplace_back(name);
  }
  if (m.languages.empty()) {
    for (const auto& c : m.countries) m.languages.push_back(c.name);
  }
  auto fill = [](std::vector<double>& v, std::size_t n, double value, const char* what) {
    if (v.empty()) v.assign(n, value);
    if (v.size() != n) {
      throw core::Error(core::ErrorKind::kInput, std::string(what) + ": expected " +
                                                     std::to_string(n) + " values, got " +
                                                     std::to_string(v.size()));
    }
  };
  for (std::size_t c = 0; c < m.countries.size(); ++c) {
    auto& country = m.countries[c];
    fill(country.baseline_attitude, num_states, 0.0, "baseline_attitude");
    fill(country.zealots_for, num_states, 0.0, "zealots_for");
    fill(country.zealots_against, num_states, 0.0, "zealots_against");
    fill(country.cultural_proximity, num_states, 0.5, "cultural_proximity");
    if (country.languages.empty()) {
      country.languages.emplace_back(static_cast<std::uint8_t>(std::min<std::size_t>(c, 255)), 1.0);
    }
  }
  for (auto& st : m.states) {
    if (st.theme_mix.empty()) {
      st.theme_mix.assign(m.themes.size(), 0.0);
      std::fill_n(st.theme_mix.begin(), 5, 1.0);  // the five campaign themes
    }
    fill(st.theme_mix, m.themes.size(), 0.0, "theme_mix");
    fill(st.theme_appeal, m.themes.size(), 0.5, "theme_appeal");
  }
  for (auto& o : m.outlets) fill(o.stance, num_states, 0.0, "outlet stance");
  for (auto& b : m.bots)
    fill(b.stance, num_states, std::numeric_limits<double>::quiet_NaN(), "bot stance");
  if (m.citizens.activity_profile == std::array<double, 24>{}) {
    m.citizens.activity_profile = model::default_activity_profile();
  }
}

World build_world(const SimConfig& config) {
  if (config.model.states.size() > model::kMaxStates) {
    throw core::Error(core::ErrorKind::kInput,
                      "at most " + std::to_string(model::kMaxStates) +
                          " states are supported, got " +
                          std::to_string(config.model.states.size()),
                      core::InputLocation{"", 0, 0, "states"});
  }
  World w;
  w.config = config;
  complete_config(w.config);
  init_citizens(w);
  init_accounts(w);
  init_graph(w);
  init_influencers(w);
  w.items.reset(w.graph.num_nodes());
  return w;
}

}  // namespace dipsim::sim
