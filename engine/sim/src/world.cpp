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
#include "dipsim/graph/generators.hpp"
#include "dipsim/graph/graph_io.hpp"
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

// Who the citizens are before their traits are drawn: country, online flag and (when the graph
// generator decides it) language, per citizen; plus the citizen-citizen follow edges.
struct CitizenLayout {
  std::vector<std::uint16_t> country;
  std::vector<std::uint8_t> online;
  std::vector<std::uint8_t> language;    ///< empty: drawn from the country's language shares
  std::vector<std::uint32_t> community;  ///< empty: the country index
  std::vector<graph::Edge> edges;        ///< citizen -> citizen follows (ids are citizen ids)
};

graph::MultiCountrySpec multi_country_spec(const SimConfig& cfg) {
  graph::MultiCountrySpec spec;
  spec.num_citizens = cfg.model.citizens.count;
  spec.countries.clear();
  for (const auto& c : cfg.model.countries) {
    graph::CountrySpec cs;
    cs.population_share = c.population_share;
    cs.internet_penetration = c.internet_penetration;
    cs.community_shares.clear();
    for (const auto& lang : c.languages) cs.community_shares.push_back(lang.second);
    spec.countries.push_back(cs);
  }
  spec.mean_following = cfg.graph.mean_following;
  spec.activity_exponent = cfg.graph.activity_exponent;
  spec.homophily = cfg.graph.homophily;
  spec.cross_country_share = cfg.model.countries.size() > 1 ? 1.0 - cfg.graph.home_share : 0.0;
  bool any_row = false;
  for (const auto& row : cfg.graph.follow_shares) any_row = any_row || !row.empty();
  if (any_row) {
    // Rows left empty follow home_share (the rest spread evenly over the other countries).
    const std::size_t k = cfg.model.countries.size();
    for (std::size_t c = 0; c < k; ++c) {
      std::vector<double> row =
          c < cfg.graph.follow_shares.size() ? cfg.graph.follow_shares[c] : std::vector<double>{};
      if (row.empty()) {
        row.assign(k, k > 1 ? (1.0 - cfg.graph.home_share) / static_cast<double>(k - 1) : 0.0);
        row[c] = k > 1 ? cfg.graph.home_share : 1.0;
      }
      spec.cross_country_matrix.push_back(std::move(row));
    }
  }
  spec.attractiveness_exponent = cfg.graph.attractiveness_exponent;
  spec.attractiveness_cutoff = cfg.graph.attractiveness_cutoff;
  spec.triadic_closure = cfg.graph.triadic_closure;
  spec.seed = cfg.run.seed;
  spec.stream = model::stream::kGraph;
  return spec;
}

// Countries by population share, in id order; online by penetration (keyed draws).
void default_layout(const SimConfig& cfg, CitizenLayout& l,
                    std::vector<std::uint32_t>& per_country) {
  const std::uint32_t n = cfg.model.citizens.count;
  l.country.assign(n, 0);
  NodeId v = 0;
  for (std::size_t c = 0; c < per_country.size(); ++c) {
    std::fill_n(l.country.begin() + v, per_country[c], static_cast<std::uint16_t>(c));
    v += per_country[c];
  }
  l.online.assign(n, 0);
  for (NodeId i = 0; i < n; ++i) {
    core::CounterRng rng(cfg.run.seed, model::stream::kInit, i, 1);
    l.online[i] = rng.uniform() < cfg.model.countries[l.country[i]].internet_penetration ? 1 : 0;
  }
}

std::vector<NodeId> online_ids(const CitizenLayout& l) {
  std::vector<NodeId> ids;
  for (NodeId i = 0; i < l.online.size(); ++i) {
    if (l.online[i]) ids.push_back(i);
  }
  return ids;
}

// Maps a single-population generator's nodes 0..k-1 onto the online citizens.
void map_edges(std::vector<graph::Edge> edges, const std::vector<NodeId>& ids,
               std::vector<graph::Edge>& out) {
  out.reserve(out.size() + edges.size());
  for (const auto& e : edges) out.push_back({ids[e.from], ids[e.to]});
}

std::uint32_t links_per_node(const GraphConfig& g, double per_node_edges) {
  if (g.m > 0) return g.m;
  return static_cast<std::uint32_t>(std::max(1.0, std::round(per_node_edges)));
}

CitizenLayout lay_out_citizens(SimConfig& cfg, std::vector<std::uint32_t>& per_country) {
  CitizenLayout l;
  const auto& g = cfg.graph;
  std::vector<double> shares;
  for (const auto& c : cfg.model.countries) shares.push_back(c.population_share);
  if (g.generator == GraphGenerator::kFile) {
    graph::LoadedGraph loaded;
    if (g.format == GraphFileFormat::kEdgeList) {
      graph::EdgeListOptions o;
      o.directed = g.directed;
      o.one_based = g.one_based;
      o.build.build_followers = false;
      loaded = graph::read_edge_list(g.file, o);
    } else {
      graph::NodeAttributeOptions o;
      o.country_attribute = g.country_attribute;
      o.community_attribute = g.community_attribute;
      o.build.build_followers = false;
      loaded = g.format == GraphFileFormat::kGml ? graph::read_gml(g.file, o)
                                                 : graph::read_graphml(g.file, o);
    }
    const NodeId n = loaded.graph.num_nodes();
    cfg.model.citizens.count = n;  // the file's nodes are the citizens
    per_country = apportion(n, shares);
    default_layout(cfg, l, per_country);
    if (!g.country_attribute.empty()) {
      // Country codes: string values by country name, integer values as country indices.
      const std::size_t k = cfg.model.countries.size();
      for (NodeId v = 0; v < n; ++v) {
        const std::uint16_t code = loaded.graph.country[v];
        std::size_t country = code;
        if (!loaded.country_names.empty()) {
          const std::string& name = loaded.country_names.at(code);
          country = k;
          for (std::size_t c = 0; c < k; ++c) {
            if (cfg.model.countries[c].name == name) country = c;
          }
          if (country == k) {
            throw core::Error(core::ErrorKind::kInput,
                              "node attribute " + g.country_attribute + " = \"" + name +
                                  "\" names no country of the scenario",
                              core::InputLocation{g.file, 0, 0, "graph.country_attribute"});
          }
        } else if (country >= k) {
          throw core::Error(core::ErrorKind::kInput,
                            "node attribute " + g.country_attribute + " = " + std::to_string(code) +
                                " is not a country index in [0, " + std::to_string(k) + ")",
                            core::InputLocation{g.file, 0, 0, "graph.country_attribute"});
        }
        l.country[v] = static_cast<std::uint16_t>(country);
      }
      per_country.assign(k, 0);
      for (NodeId v = 0; v < n; ++v) ++per_country[l.country[v]];
    }
    std::fill(l.online.begin(), l.online.end(), std::uint8_t{1});  // they are on the platform
    if (!g.community_attribute.empty()) l.community = loaded.graph.community;
    l.edges = graph::edges_of(loaded.graph.following, false);
    return l;
  }
  if (g.generator == GraphGenerator::kMultiCountry) {
    const graph::MultiCountrySpec spec = multi_country_spec(cfg);
    spec.validate("graph");
    const graph::Population pop = graph::make_population(spec);
    l.country = pop.country;
    l.online = pop.online;
    l.community = pop.community;
    l.language.resize(pop.num_citizens());
    for (NodeId v = 0; v < pop.num_citizens(); ++v) {
      const std::uint16_t k = pop.country[v];
      const std::size_t local = pop.community[v] - pop.country_first_community[k];
      l.language[v] = cfg.model.countries[k].languages[local].first;
    }
    per_country.assign(cfg.model.countries.size(), 0);
    for (std::size_t k = 0; k < per_country.size(); ++k) {
      per_country[k] = pop.country_begin[k + 1] - pop.country_begin[k];
    }
    l.edges = graph::multi_country_edges(spec, pop);
    return l;
  }
  per_country = apportion(cfg.model.citizens.count, shares);
  default_layout(cfg, l, per_country);
  const std::vector<NodeId> ids = online_ids(l);
  const auto n = static_cast<NodeId>(ids.size());
  const double m = g.mean_following;
  const std::uint64_t seed = cfg.run.seed;
  const std::uint32_t stream = model::stream::kGraph;
  switch (g.generator) {
    case GraphGenerator::kComplete: {
      if (ids.size() > 20'000) {
        throw core::Error(core::ErrorKind::kResource,
                          "a complete graph of " + std::to_string(ids.size()) +
                              " online citizens would have " +
                              std::to_string(ids.size() * (ids.size() - 1)) +
                              " follow edges; expected at most 20000 online citizens for "
                              "graph.generator: complete",
                          core::InputLocation{"", 0, 0, "graph.generator"});
      }
      l.edges.reserve(ids.size() * (ids.size() - 1));
      for (NodeId u : ids) {
        for (NodeId v : ids) {
          if (u != v) l.edges.push_back({u, v});
        }
      }
      break;
    }
    case GraphGenerator::kErdosRenyi: {
      graph::ErdosRenyiSpec spec{n, graph::ErdosRenyiSpec::p_for_mean_degree(n, m), true, seed,
                                 stream};
      map_edges(graph::erdos_renyi_edges(spec), ids, l.edges);
      break;
    }
    case GraphGenerator::kBarabasiAlbert: {
      graph::BarabasiAlbertSpec spec{n, links_per_node(g, m / 2), seed, stream};
      spec.validate("graph");
      map_edges(graph::barabasi_albert_edges(spec), ids, l.edges);
      break;
    }
    case GraphGenerator::kPrice: {
      graph::PriceSpec spec{n, links_per_node(g, m), g.price_attractiveness, seed, stream};
      spec.validate("graph");
      map_edges(graph::price_edges(spec), ids, l.edges);
      break;
    }
    case GraphGenerator::kHolmeKim: {
      graph::HolmeKimSpec spec{n, links_per_node(g, m / 2), g.triadic_closure, seed, stream};
      spec.validate("graph");
      map_edges(graph::holme_kim_edges(spec), ids, l.edges);
      break;
    }
    case GraphGenerator::kVazquez: {
      graph::VazquezSpec spec{n, links_per_node(g, m), g.walk_probability, seed, stream};
      spec.validate("graph");
      map_edges(graph::vazquez_edges(spec), ids, l.edges);
      break;
    }
    case GraphGenerator::kChungLu: {
      graph::PowerLawWeightSpec w;
      w.num_nodes = n;
      w.exponent = g.attractiveness_exponent > 1.0 ? g.attractiveness_exponent : 2.5;
      w.max_weight = g.attractiveness_cutoff;
      w.mean = m;
      w.seed = seed;
      w.stream = stream + 100;
      graph::ChungLuSpec spec;
      spec.weights = graph::power_law_weights(w);
      spec.directed = true;
      spec.seed = seed;
      spec.stream = stream;
      map_edges(graph::chung_lu_edges(spec), ids, l.edges);
      break;
    }
    case GraphGenerator::kRandomFollow:
    default: {
      graph::RandomFollowSpec spec;
      spec.members_by_country.resize(cfg.model.countries.size());
      for (NodeId i : ids) spec.members_by_country[l.country[i]].push_back(i);
      spec.mean_following = m;
      spec.home_share = g.home_share;
      spec.seed = seed;
      spec.stream = stream;
      l.edges = graph::random_follow_edges(spec);
      break;
    }
  }
  return l;
}

void init_citizens(World& w, const CitizenLayout& layout) {
  const auto& cfg = w.config;
  const auto& cc = cfg.model.citizens;
  const auto num_states = static_cast<std::uint32_t>(cfg.model.states.size());
  w.citizens.resize(cc.count, num_states);
  w.citizens.country = layout.country;
  w.citizens.online = layout.online;
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
            z.attitude[std::size_t{i} * num_states + s] = static_cast<Real>(a);
          }
          z.openness[i] =
              static_cast<float>(rng.clamped_normal(cc.openness_mean, cc.openness_sd, 0.0, 2.0));
          z.susceptibility[i] = static_cast<float>(
              rng.clamped_normal(cc.susceptibility_mean, cc.susceptibility_sd, 0.0, 1.0));
          z.literacy[i] = static_cast<float>(
              rng.clamped_normal(country.media_literacy, cc.literacy_sd, 0.0, 1.0));
          // Language: from the graph's language community, else by the country's shares.
          double u = rng.uniform(), acc = 0.0;
          z.language[i] = country.languages.empty() ? 0 : country.languages.back().first;
          for (const auto& [lang, share] : country.languages) {
            acc += share;
            if (u < acc) {
              z.language[i] = lang;
              break;
            }
          }
          if (!layout.language.empty()) z.language[i] = layout.language[i];
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
    const auto bot_count =
        net.count > 0
            ? net.count
            : static_cast<std::uint32_t>(std::llround(net.share * cfg.model.citizens.count));
    std::vector<std::uint16_t> targets = net.target_countries;
    if (targets.empty()) {
      targets.resize(cfg.model.countries.size());
      std::iota(targets.begin(), targets.end(), std::uint16_t{0});
    }
    for (std::uint32_t k = 0; k < bot_count; ++k, ++next) {
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
      if (net.infiltration == model::Infiltration::kCommunity &&
          z.language[v] != net.target_language) {
        continue;
      }
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

void init_graph(World& w, std::vector<graph::Edge> edges,
                const std::vector<std::uint32_t>& community) {
  const auto& cfg = w.config;
  const auto& z = w.citizens;
  const NodeId num_nodes = w.bots.first_node + static_cast<NodeId>(w.bots.size());

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
  if (!community.empty()) std::copy(community.begin(), community.end(), w.graph.community.begin());
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
  std::vector<std::vector<NodeId>> online_by_country(cfg.model.countries.size());
  for (NodeId v = 0; v < z.count; ++v) {
    if (z.online[v]) online_by_country[z.country[v]].push_back(v);
  }
  for (std::size_t c = 0; c < cfg.model.countries.size(); ++c) {
    std::vector<NodeId>& candidates = online_by_country[c];
    const std::size_t k =
        std::min<std::size_t>(cfg.model.countries[c].influencers, candidates.size());
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k),
                      candidates.end(), [&](NodeId a, NodeId b) {
                        return in_degree[a] != in_degree[b] ? in_degree[a] > in_degree[b] : a < b;
                      });
    candidates.resize(k);
    for (NodeId v : candidates) w.graph.kind[v] = graph::NodeKind::kInfluencer;
    top[c] = std::move(candidates);
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
  CitizenLayout layout = lay_out_citizens(w.config, w.country_population);
  init_citizens(w, layout);
  init_accounts(w);
  init_graph(w, std::move(layout.edges), layout.community);
  init_influencers(w);
  w.items.reset(w.graph.num_nodes());
  return w;
}

}  // namespace dipsim::sim
