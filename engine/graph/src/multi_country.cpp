// Multi-country DC-SBM with digital divide and triadic closure; see multi_country.hpp.
#include "dipsim/graph/multi_country.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "dipsim/core/rng.hpp"
#include "sampling.hpp"
#include "spec_check.hpp"

namespace dipsim::graph {

namespace {

// RNG phases (the `step` word of the counter) of one citizen.
constexpr std::uint32_t kPhasePopulation = 0;
constexpr std::uint32_t kPhaseDegree = 1;
constexpr std::uint32_t kPhaseBlock = 2;
constexpr std::uint32_t kPhaseClosure = 3;

constexpr NodeId kNodeGrain = 4096;

/// Largest-remainder apportionment of `total` over relative `shares`; ties go to the lower index.
std::vector<NodeId> apportion(NodeId total, const std::vector<double>& shares) {
  const double sum = std::accumulate(shares.begin(), shares.end(), 0.0);
  std::vector<NodeId> out(shares.size(), 0);
  std::vector<std::pair<double, std::size_t>> rest;
  NodeId given = 0;
  for (std::size_t i = 0; i < shares.size(); ++i) {
    const double exact = static_cast<double>(total) * shares[i] / sum;
    out[i] = static_cast<NodeId>(std::floor(exact));
    given += out[i];
    rest.emplace_back(exact - std::floor(exact), i);
  }
  std::stable_sort(rest.begin(), rest.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < total && k < rest.size(); ++k, ++given) ++out[rest[k].second];
  // Rounding of `exact` can leave a remainder larger than the number of shares only through
  // floating-point error; give it to the first share.
  if (given < total && !out.empty()) out[0] += total - given;
  return out;
}

}  // namespace

void MultiCountrySpec::validate(std::string_view prefix) const {
  detail::check_range(prefix, "num_citizens", num_citizens, NodeId{0}, kNoNode - 1,
                      "a citizen count");
  if (countries.empty() || countries.size() > std::numeric_limits<std::uint16_t>::max()) {
    detail::spec_error(prefix, "countries",
                       "expected 1 to 65535 countries, got " + std::to_string(countries.size()));
  }
  std::size_t communities = 0;
  for (std::size_t c = 0; c < countries.size(); ++c) {
    const std::string at = detail::key_of(prefix, "countries[" + std::to_string(c) + "]");
    const CountrySpec& country = countries[c];
    detail::check_above(at, "population_share", country.population_share, 0.0, "a share");
    detail::check_range(at, "internet_penetration", country.internet_penetration, 0.0, 1.0,
                        "a share");
    if (country.community_shares.empty()) {
      detail::spec_error(at, "community_shares", "expected at least one community share, got none");
    }
    for (std::size_t g = 0; g < country.community_shares.size(); ++g) {
      detail::check_above(at, "community_shares[" + std::to_string(g) + "]",
                          country.community_shares[g], 0.0, "a share");
    }
    communities += country.community_shares.size();
  }
  if (communities >= std::numeric_limits<std::uint32_t>::max()) {
    detail::spec_error(prefix, "countries", "too many communities in total");
  }
  detail::check_range(prefix, "mean_following", mean_following, 0.0, 1e6, "a mean follow count");
  if (activity_exponent != 0.0) {
    detail::check_above(prefix, "activity_exponent", activity_exponent, 2.0,
                        "0 (homogeneous) or a Pareto exponent");
  }
  detail::check_range(prefix, "homophily", homophily, 0.0, 1.0, "a share");
  detail::check_range(prefix, "cross_country_share", cross_country_share, 0.0, 1.0, "a share");
  if (!cross_country_matrix.empty()) {
    const std::size_t k = countries.size();
    if (cross_country_matrix.size() != k) {
      detail::spec_error(prefix, "cross_country_matrix",
                         "expected " + std::to_string(k) + " rows (one per country), got " +
                             std::to_string(cross_country_matrix.size()));
    }
    for (std::size_t c = 0; c < k; ++c) {
      const std::string row = "cross_country_matrix[" + std::to_string(c) + "]";
      const auto& r = cross_country_matrix[c];
      if (r.size() != k) {
        detail::spec_error(prefix, row,
                           "expected " + std::to_string(k) + " shares (one per country), got " +
                               std::to_string(r.size()));
      }
      double sum = 0.0;
      for (std::size_t d = 0; d < k; ++d) {
        detail::check_range(prefix, row + "[" + std::to_string(d) + "]", r[d], 0.0, 1.0, "a share");
        sum += r[d];
      }
      if (std::fabs(sum - 1.0) > 1e-6) {
        detail::spec_error(prefix, row,
                           "expected shares summing to 1, got a sum of " + detail::show(sum));
      }
    }
  }
  if (attractiveness_exponent != 0.0) {
    detail::check_above(prefix, "attractiveness_exponent", attractiveness_exponent, 1.0,
                        "0 (uniform) or a power-law exponent");
  }
  if (attractiveness_cutoff != 0.0) {
    detail::check_at_least(prefix, "attractiveness_cutoff", attractiveness_cutoff, 1.0,
                           "0 (none) or a max/min ratio");
  }
  detail::check_range(prefix, "triadic_closure", triadic_closure, 0.0, 1.0, "a share");
}

NodeId Population::num_online() const {
  return static_cast<NodeId>(std::count(online.begin(), online.end(), std::uint8_t{1}));
}

Population make_population(const MultiCountrySpec& spec) {
  spec.validate();
  const NodeId n = spec.num_citizens;
  const std::size_t k = spec.countries.size();
  Population pop;
  std::vector<double> shares(k);
  for (std::size_t c = 0; c < k; ++c) shares[c] = spec.countries[c].population_share;
  const std::vector<NodeId> country_size = apportion(n, shares);
  pop.country_begin.assign(k + 1, 0);
  pop.country_first_community.assign(k + 1, 0);
  pop.community_begin.push_back(0);
  for (std::size_t c = 0; c < k; ++c) {
    pop.country_begin[c + 1] = pop.country_begin[c] + country_size[c];
    const auto& cs = spec.countries[c].community_shares;
    const std::vector<NodeId> sizes = apportion(country_size[c], cs);
    for (NodeId size : sizes) {
      pop.community_begin.push_back(pop.community_begin.back() + size);
      pop.community_country.push_back(static_cast<std::uint16_t>(c));
    }
    pop.country_first_community[c + 1] =
        pop.country_first_community[c] + static_cast<std::uint32_t>(cs.size());
  }
  pop.country.resize(n);
  pop.community.resize(n);
  pop.online.resize(n);
  pop.attractiveness.resize(n);
  pop.activity.resize(n);
  const double theta_max = spec.attractiveness_cutoff > 0.0
                               ? spec.attractiveness_cutoff
                               : std::numeric_limits<double>::infinity();
  // Pareto activity with exponent a has mean (a - 1) / (a - 2) for minimum 1: divide to get mean 1.
  const double a = spec.activity_exponent;
  const double activity_scale = a > 2.0 ? (a - 2.0) / (a - 1.0) : 1.0;
  const std::size_t blocks = pop.community_country.size();
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, blocks, 1),
      [&](const tbb::blocked_range<std::size_t>& rb) {
        for (std::size_t b = rb.begin(); b != rb.end(); ++b) {
          const std::uint16_t c = pop.community_country[b];
          const double penetration = spec.countries[c].internet_penetration;
          tbb::parallel_for(
              tbb::blocked_range<NodeId>(pop.community_begin[b], pop.community_begin[b + 1],
                                         kNodeGrain),
              [&](const tbb::blocked_range<NodeId>& r) {
                for (NodeId u = r.begin(); u != r.end(); ++u) {
                  core::CounterRng rng(spec.seed, spec.stream, u, kPhasePopulation);
                  pop.country[u] = c;
                  pop.community[u] = static_cast<std::uint32_t>(b);
                  const bool on = rng.uniform() < penetration;
                  pop.online[u] = on ? 1 : 0;
                  const double theta = spec.attractiveness_exponent > 0.0
                                           ? detail::truncated_pareto(
                                                 rng, spec.attractiveness_exponent, 1.0, theta_max)
                                           : 1.0;
                  const double eta =
                      a > 2.0 ? activity_scale *
                                    detail::truncated_pareto(
                                        rng, a, 1.0, std::numeric_limits<double>::infinity())
                              : 1.0;
                  pop.attractiveness[u] = on ? static_cast<float>(theta) : 0.0f;
                  pop.activity[u] = on ? static_cast<float>(eta) : 0.0f;
                }
              });
        }
      });
  return pop;
}

std::vector<Edge> multi_country_edges(const MultiCountrySpec& spec, const Population& pop) {
  spec.validate();
  const NodeId n = pop.num_citizens();
  const std::size_t k = pop.num_countries();
  const std::size_t blocks = pop.num_communities();
  if (n != spec.num_citizens || k != spec.countries.size()) {
    throw core::Error(core::ErrorKind::kInternal,
                      "multi_country_edges: population was not made from this spec");
  }
  // Alias tables over the online members of each block, weighted by attractiveness and
  // returning node ids directly (one cache line per draw).
  std::vector<detail::AliasTable> member_alias(blocks);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1),
                    [&](const tbb::blocked_range<std::size_t>& rb) {
                      for (std::size_t b = rb.begin(); b != rb.end(); ++b) {
                        std::vector<double> weights;
                        std::vector<NodeId> ids;
                        for (NodeId u = pop.community_begin[b]; u < pop.community_begin[b + 1];
                             ++u) {
                          if (!pop.online[u]) continue;
                          ids.push_back(u);
                          weights.push_back(pop.attractiveness[u]);
                        }
                        member_alias[b].build(weights, ids);
                      }
                    });
  std::vector<double> block_mass(blocks);
  std::vector<double> country_mass(k, 0.0);
  for (std::size_t b = 0; b < blocks; ++b) {
    block_mass[b] = member_alias[b].total();
    country_mass[pop.community_country[b]] += block_mass[b];
  }

  // Mixing: for each follower block, a distribution over target blocks.
  std::vector<detail::AliasTable> mixing(blocks);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1),
                    [&](const tbb::blocked_range<std::size_t>& rb) {
                      std::vector<double> country_p(k);
                      std::vector<double> target(blocks);
                      for (std::size_t a = rb.begin(); a != rb.end(); ++a) {
                        if (!(block_mass[a] > 0.0)) continue;  // no online follower in this block
                        const std::size_t c = pop.community_country[a];
                        // Country level.
                        for (std::size_t d = 0; d < k; ++d) {
                          if (!spec.cross_country_matrix.empty()) {
                            country_p[d] = spec.cross_country_matrix[c][d];
                          } else if (d == c) {
                            country_p[d] = 1.0 - spec.cross_country_share;
                          } else {
                            country_p[d] = 0.0;  // filled below, ∝ mass
                          }
                        }
                        if (spec.cross_country_matrix.empty()) {
                          double foreign = 0.0;
                          for (std::size_t d = 0; d < k; ++d)
                            foreign += d == c ? 0.0 : country_mass[d];
                          for (std::size_t d = 0; d < k; ++d) {
                            if (d != c && foreign > 0.0) {
                              country_p[d] = spec.cross_country_share * country_mass[d] / foreign;
                            }
                          }
                        }
                        for (std::size_t d = 0; d < k; ++d) {
                          if (!(country_mass[d] > 0.0))
                            country_p[d] = 0.0;  // nobody online there: renormalised
                        }
                        if (std::accumulate(country_p.begin(), country_p.end(), 0.0) <= 0.0)
                          country_p[c] = 1.0;
                        // Community level.
                        std::fill(target.begin(), target.end(), 0.0);
                        for (std::size_t d = 0; d < k; ++d) {
                          if (country_p[d] <= 0.0) continue;
                          const std::uint32_t first = pop.country_first_community[d];
                          const std::uint32_t last = pop.country_first_community[d + 1];
                          if (d == c) {
                            double others = 0.0;
                            for (std::uint32_t b = first; b < last; ++b)
                              others += b == a ? 0.0 : block_mass[b];
                            const double own = others > 0.0 ? spec.homophily : 1.0;
                            target[a] += country_p[d] * own;
                            for (std::uint32_t b = first; b < last; ++b) {
                              if (b != a && others > 0.0) {
                                target[b] += country_p[d] * (1.0 - own) * block_mass[b] / others;
                              }
                            }
                          } else {
                            for (std::uint32_t b = first; b < last; ++b) {
                              target[b] += country_p[d] * block_mass[b] / country_mass[d];
                            }
                          }
                        }
                        mixing[a].build(target);
                      }
                    });

  // Phase 1: follow counts (block follows first, then closure follows) and write positions.
  const double q = spec.triadic_closure;
  std::vector<EdgeId> start(static_cast<std::size_t>(n) + 1, 0);
  std::vector<std::uint32_t> block_count(n, 0);
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, kNodeGrain),
                    [&](const tbb::blocked_range<NodeId>& r) {
                      for (NodeId u = r.begin(); u != r.end(); ++u) {
                        if (!pop.online[u]) continue;
                        core::CounterRng rng(spec.seed, spec.stream, u, kPhaseDegree);
                        const std::uint64_t d = std::min<std::uint64_t>(
                            detail::stochastic_round(rng, spec.mean_following * pop.activity[u]),
                            std::numeric_limits<std::uint32_t>::max());
                        std::uint64_t closure = 0;
                        if (q > 0.0) {
                          for (std::uint64_t i = 0; i < d; ++i)
                            closure += rng.uniform() < q ? 1 : 0;
                        }
                        start[u] = d;
                        block_count[u] = static_cast<std::uint32_t>(d - closure);
                      }
                    });
  detail::exclusive_scan_inplace(start);
  std::vector<Edge> edges(start[n]);

  auto member_draw = [&](core::CounterRng& rng, std::uint32_t b) {
    return member_alias[b].sample(rng);
  };
  // Rows up to kDedupRow follows are kept free of repeats and self-follows by redrawing the
  // member (the block stays, so the mixing is unchanged); longer rows leave the rare repeats to
  // the CSR builder, because the O(D^2) check would cost more than it saves.
  constexpr std::uint64_t kDedupRow = 64;
  constexpr int kRedraws = 4;
  auto taken = [](const Edge* row, std::size_t count, NodeId u, NodeId x) {
    if (x == u) return true;
    for (std::size_t j = 0; j < count; ++j) {
      if (row[j].to == x) return true;
    }
    return false;
  };
  auto fresh_member = [&](core::CounterRng& rng, std::uint32_t b, const Edge* row,
                          std::size_t count, NodeId u, bool dedup) {
    NodeId x = member_draw(rng, b);
    for (int t = 0; dedup && t < kRedraws && taken(row, count, u, x); ++t) x = member_draw(rng, b);
    return x;
  };
  // Phase 2: block follows.
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, kNodeGrain),
                    [&](const tbb::blocked_range<NodeId>& r) {
                      for (NodeId u = r.begin(); u != r.end(); ++u) {
                        if (block_count[u] == 0) continue;
                        core::CounterRng rng(spec.seed, spec.stream, u, kPhaseBlock);
                        Edge* row = edges.data() + start[u];
                        const std::uint32_t a = pop.community[u];
                        const bool dedup = start[u + 1] - start[u] <= kDedupRow;
                        for (std::uint32_t i = 0; i < block_count[u]; ++i) {
                          const std::uint32_t b = mixing[a].sample(rng);
                          row[i] = Edge{u, fresh_member(rng, b, row, i, u, dedup)};
                        }
                      }
                    });
  // Phase 3: closure follows. The target block b is drawn from the mixing row first (so closure
  // keeps the country and community mixing exactly); then u -> w is taken from a two-step path
  // u -> v -> w over block follows with w in block b (up to kClosureAttempts tries), else w is a
  // plain member draw of b.
  constexpr int kClosureAttempts = 8;
  if (q > 0.0) {
    tbb::parallel_for(
        tbb::blocked_range<NodeId>(0, n, kNodeGrain), [&](const tbb::blocked_range<NodeId>& r) {
          for (NodeId u = r.begin(); u != r.end(); ++u) {
            const EdgeId first = start[u] + block_count[u];
            if (first == start[u + 1]) continue;
            core::CounterRng rng(spec.seed, spec.stream, u, kPhaseClosure);
            const std::uint32_t su = block_count[u];
            const Edge* row = edges.data() + start[u];
            const bool dedup = start[u + 1] - start[u] <= kDedupRow;
            for (EdgeId i = first; i < start[u + 1]; ++i) {
              const std::uint32_t b = mixing[pop.community[u]].sample(rng);
              const std::size_t count = i - start[u];
              NodeId w = kNoNode;
              for (int attempt = 0; su > 0 && attempt < kClosureAttempts; ++attempt) {
                const NodeId v = row[rng.below(su)].to;
                const std::uint32_t sv = block_count[v];
                if (sv == 0) continue;
                const NodeId x = edges[start[v] + rng.below(sv)].to;
                if (pop.community[x] == b && !(dedup ? taken(row, count, u, x) : x == u)) {
                  w = x;
                  break;
                }
              }
              if (w == kNoNode) w = fresh_member(rng, b, row, count, u, dedup);
              edges[i] = Edge{u, w};
            }
          }
        });
  }
  return edges;
}

MultiCountryGraph generate_multi_country(const MultiCountrySpec& spec,
                                         const BuildOptions& options) {
  MultiCountryGraph out;
  out.population = make_population(spec);
  std::vector<Edge> edges = multi_country_edges(spec, out.population);
  out.graph.country = out.population.country;
  out.graph.community = out.population.community;
  out.graph.kind.assign(spec.num_citizens, NodeKind::kCitizen);
  build_csr(out.graph, spec.num_citizens, std::move(edges), options);
  return out;
}

}  // namespace dipsim::graph
