// World construction. Every random draw is keyed by the citizen's (or account's) id, so the
// world is the same for any thread count; citizens are numbered country by country, which also
// keeps a country's citizens contiguous in memory for the step.
#include "dipsim/sim/world.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
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
  auto& z = w.citizens;
  tbb::parallel_for(
      tbb::blocked_range<NodeId>(0, z.count, 4096), [&](const tbb::blocked_range<NodeId>& r) {
        for (NodeId i = r.begin(); i != r.end(); ++i) {
          core::CounterRng rng(cfg.run.seed, model::stream::kInit, i, 0);
          const auto& country = cfg.model.countries[z.country[i]];
          z.online[i] = rng.uniform() < country.internet_penetration ? 1 : 0;
          for (std::uint32_t s = 0; s < num_states; ++s) {
            z.attitude[std::size_t{i} * num_states + s] = static_cast<float>(
                rng.clamped_normal(country.baseline_attitude[s], country.attitude_spread, -1, 1));
          }
          z.openness[i] =
              static_cast<float>(rng.clamped_normal(cc.openness_mean, cc.openness_sd, 0.0, 2.0));
          z.susceptibility[i] = static_cast<float>(
              rng.clamped_normal(cc.susceptibility_mean, cc.susceptibility_sd, 0.0, 1.0));
        }
      });
  w.country_online.assign(w.country_population.size(), 0);
  for (NodeId i = 0; i < z.count; ++i) w.country_online[z.country[i]] += z.online[i];
}

void init_officials(World& w) {
  const auto& cfg = w.config;
  NodeId next = w.citizens.count;
  const double steps_per_day = 24.0;
  for (std::size_t s = 0; s < cfg.model.states.size(); ++s) {
    const auto& st = cfg.model.states[s];
    const double rate = st.posts_per_day / steps_per_day;
    auto add = [&](std::uint16_t country, std::string name) {
      core::CounterRng rng(cfg.run.seed, model::stream::kSchedule, next, 0);
      w.officials.push_back(
          {next, static_cast<std::uint8_t>(s), country, rate, rng.uniform(), std::move(name)});
      ++next;
    };
    add(kNoCountry, st.name + "/ministry");
    std::vector<std::uint16_t> targets = st.target_countries;
    if (targets.empty()) {
      targets.resize(cfg.model.countries.size());
      std::iota(targets.begin(), targets.end(), std::uint16_t{0});
    }
    for (std::uint16_t c : targets) add(c, st.name + "/embassy/" + cfg.model.countries[c].name);
  }
}

void init_graph(World& w) {
  const auto& cfg = w.config;
  const auto& z = w.citizens;
  const NodeId num_nodes = z.count + static_cast<NodeId>(w.officials.size());
  graph::RandomFollowSpec spec;
  spec.members_by_country.resize(cfg.model.countries.size());
  for (NodeId i = 0; i < z.count; ++i) {
    if (z.online[i]) spec.members_by_country[z.country[i]].push_back(i);
  }
  spec.mean_following = cfg.graph.mean_following;
  spec.home_share = cfg.graph.home_share;
  spec.seed = cfg.run.seed;
  spec.stream = model::stream::kGraph;
  std::vector<graph::Edge> edges = graph::random_follow_edges(spec);

  // Online citizens follow official accounts: the ministry with probability ministry_reach,
  // the embassy in their own country with probability embassy_reach.
  std::vector<std::vector<std::size_t>> embassy_of(
      cfg.model.states.size(), std::vector<std::size_t>(cfg.model.countries.size(), SIZE_MAX));
  std::vector<std::size_t> ministry_of(cfg.model.states.size(), SIZE_MAX);
  for (std::size_t k = 0; k < w.officials.size(); ++k) {
    const auto& a = w.officials[k];
    if (a.country == kNoCountry) {
      ministry_of[a.state] = k;
    } else {
      embassy_of[a.state][a.country] = k;
    }
  }
  for (NodeId i = 0; i < z.count; ++i) {
    if (!z.online[i]) continue;
    core::CounterRng rng(cfg.run.seed, model::stream::kFollowOfficial, i, 0);
    for (std::size_t s = 0; s < cfg.model.states.size(); ++s) {
      const auto& st = cfg.model.states[s];
      if (rng.uniform() < st.ministry_reach) {
        edges.push_back({i, w.officials[ministry_of[s]].node});
      }
      const std::size_t e = embassy_of[s][z.country[i]];
      if (rng.uniform() < st.embassy_reach && e != SIZE_MAX) {
        edges.push_back({i, w.officials[e].node});
      }
    }
  }
  graph::BuildOptions options;
  options.build_followers = false;  // the step pulls along `following` only
  graph::build_csr(w.graph, num_nodes, std::move(edges), options);
  w.graph.country.assign(num_nodes, kNoCountry);
  std::copy(z.country.begin(), z.country.end(), w.graph.country.begin());
  w.graph.community.assign(num_nodes, 0);
  for (NodeId i = 0; i < z.count; ++i) w.graph.community[i] = z.country[i];
  w.graph.kind.assign(num_nodes, graph::NodeKind::kCitizen);
  for (const auto& a : w.officials) {
    w.graph.kind[a.node] = graph::NodeKind::kOfficial;
    w.graph.country[a.node] = a.country;
  }
}

}  // namespace

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
  init_citizens(w);
  init_officials(w);
  init_graph(w);
  w.items.reset(w.graph.num_nodes());
  return w;
}

}  // namespace dipsim::sim
