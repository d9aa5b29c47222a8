// Multi-country follow graph: K countries with population shares and internet penetration (the
// digital divide), language communities inside each country, and a directed degree-corrected
// stochastic block model (DC-SBM) over those communities with homophily, a cross-country mixing
// matrix, heavy-tailed in-degrees (per-citizen attractiveness) and an optional triadic-closure
// share for clustering. This is the default citizen graph of a dipsim world.
//
// Model. Citizens are laid out country by country, community by community (contiguous id
// ranges; sizes by largest-remainder apportionment of the shares). Citizen u is online with
// probability penetration(country); offline citizens are nodes with no edges at all. Each online
// citizen u has attractiveness θ_u ~ Pareto(attractiveness_exponent) (truncated at the cut-off) and
// activity η_u (1, or Pareto(activity_exponent) scaled to mean 1), and follows
// D_u = stochastic_round(mean_following · η_u) accounts. For each follow a target block (country
// and community) is drawn: the target country d is drawn from row c of the mixing matrix (or:
// stay home with 1 - cross_country_share, else another country ∝ its online attractiveness
// mass); inside the home country the own community is chosen with probability `homophily` and
// another community ∝ its mass otherwise; inside a foreign country a community ∝ its mass; the
// target citizen inside the block is drawn ∝ θ (a block follow), except that with probability
// `triadic_closure` the follow is a closure follow: u follows an account w of the drawn block that
// is followed by an account v that u follows (a two-step path u -> v -> w over block follows; up
// to 8 tries, then a plain block draw). Closure therefore keeps the country and community mixing
// exactly and only changes who inside the block is followed, which closes triangles.
// Targets are online citizens only; rows of the
// mixing matrix that point at countries without online citizens are renormalised. The expected
// in-degree of v is ∝ θ_v, so the in-degree tail follows θ's exponent; duplicates and self-loops
// are removed by the CSR builder (measured mean out-degree is reported in docs/graphs.md).
//
// How: four keyed phases per citizen u, each a CounterRng(seed, stream, u, phase): 0 population
// (online, θ, η), 1 degree (D_u and its closure count), 2 block follows, 3 closure follows (which
// read only phase-2 follows, written before). Alias tables (Vose) give O(1) block and member
// draws. All passes are parallel over citizens; the edge stream is grouped by follower, so the
// result is identical for any thread count.
//
// References: B. Karrer and M. E. J. Newman, "Stochastic blockmodels and community structure in
// networks", Phys. Rev. E 83, 016107 (2011) (degree correction); P. W. Holland, K. B. Laskey and
// S. Leinhardt, "Stochastic blockmodels: first steps", Social Networks 5, 109 (1983); triadic
// closure as in P. Holme and B. J. Kim, Phys. Rev. E 65, 026107 (2002); homophily by language
// and country: M. McPherson, L. Smith-Lovin and J. M. Cook, "Birds of a feather", Annu. Rev.
// Sociol. 27, 415 (2001).
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "dipsim/core/types.hpp"
#include "dipsim/graph/follow_graph.hpp"

namespace dipsim::graph {

/// One country of a multi-country world.
struct CountrySpec {
  double population_share = 1.0;      ///< relative population weight, > 0 (normalised over K)
  double internet_penetration = 1.0;  ///< share of citizens online, in [0, 1]
  /// Relative sizes (> 0) of the country's language communities; normalised; at least one.
  std::vector<double> community_shares{1.0};
};

/// Parameters of the multi-country DC-SBM. Plain data with defaults; call validate().
struct MultiCountrySpec {
  NodeId num_citizens = 0;  ///< total citizens (online and offline), in [0, 2^32 - 1)
  std::vector<CountrySpec> countries{CountrySpec{}};  ///< K >= 1 countries (K <= 65535)
  double mean_following = 20.0;    ///< expected follows per online citizen, in [0, 1e6]
  double activity_exponent = 0.0;  ///< 0: every online citizen follows ~mean; else > 2: Pareto
  double homophily = 0.8;  ///< share of home-country follows inside the own community, [0,1]
  double cross_country_share = 0.1;  ///< share of follows leaving the home country, [0, 1]
  /// Optional K x K matrix; row c = shares of country c's follows going to each country (rows sum
  /// to 1 within 1e-6). When given it replaces cross_country_share.
  std::vector<std::vector<double>> cross_country_matrix;
  double attractiveness_exponent = 2.5;  ///< in-degree tail exponent: 0 = uniform, else > 1
  double attractiveness_cutoff = 0.0;    ///< max/min attractiveness ratio (>= 1), 0 = none
  double triadic_closure = 0.0;          ///< share of follows made by closing a triangle, [0, 1]
  std::uint64_t seed = 1;
  std::uint32_t stream = 0;  ///< RNG stream reserved for this generator

  /// Throws core::Error (kInput) naming the field (e.g. `countries[1].internet_penetration`,
  /// `cross_country_matrix[2]`) and the expected range.
  void validate(std::string_view prefix = "") const;
};

/// Who the citizens are: the layout and per-citizen draws of a MultiCountrySpec (phase 0).
/// Communities have global ids, country-major: community id = first community of its country
/// + local index, and citizens of community b are [community_begin[b], community_begin[b+1]).
struct Population {
  std::vector<std::uint16_t> country;                  ///< country per citizen
  std::vector<std::uint32_t> community;                ///< global community id per citizen
  std::vector<std::uint8_t> online;                    ///< 1 when the citizen is online
  std::vector<float> attractiveness;                   ///< θ per citizen (0 when offline)
  std::vector<float> activity;                         ///< η per citizen (0 when offline)
  std::vector<NodeId> country_begin;                   ///< K + 1 offsets into the citizen ids
  std::vector<NodeId> community_begin;                 ///< B + 1 offsets into the citizen ids
  std::vector<std::uint16_t> community_country;        ///< country of each community (B)
  std::vector<std::uint32_t> country_first_community;  ///< K + 1 offsets into community ids

  NodeId num_citizens() const { return static_cast<NodeId>(country.size()); }
  std::size_t num_countries() const {
    return country_first_community.empty() ? 0 : country_first_community.size() - 1;
  }
  std::size_t num_communities() const { return community_country.size(); }
  /// Number of online citizens.
  NodeId num_online() const;
};

/// The population of a spec (validates it). Parallel, deterministic.
Population make_population(const MultiCountrySpec& spec);

/// Edge stream (follower -> followed), grouped by follower, of the multi-country model over a
/// population made from the same spec. Parallel, deterministic.
std::vector<Edge> multi_country_edges(const MultiCountrySpec& spec, const Population& population);

/// A generated multi-country graph and the population it was drawn on.
struct MultiCountryGraph {
  FollowGraph graph;  ///< country, community (global id) and kind (citizen) filled in
  Population population;
};

/// Population, edges and CSR in one call.
MultiCountryGraph generate_multi_country(const MultiCountrySpec& spec,
                                         const BuildOptions& options = {});

}  // namespace dipsim::graph
