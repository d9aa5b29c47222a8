// Account attachment and world generation; see attachment.hpp.
#include "dipsim/graph/attachment.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "dipsim/core/rng.hpp"
#include "sampling.hpp"
#include "spec_check.hpp"

namespace dipsim::graph {

namespace {

/// Candidate followers with their draw distribution.
struct Pool {
  std::vector<NodeId> members;  // ascending ids
  detail::AliasTable alias;     // empty for uniform choice
  bool weighted = false;

  NodeId draw(core::CounterRng& rng) const {
    const auto size = static_cast<std::uint32_t>(members.size());
    return weighted ? alias.sample(rng) : members[rng.below(size)];
  }
};

Pool make_pool(const FollowGraph& g, std::span<const std::uint8_t> online,
               std::span<const EdgeId> in_degree, FollowerChoice choice, std::int32_t country,
               std::int64_t community) {
  Pool pool;
  const NodeId n = g.num_nodes();
  for (NodeId v = 0; v < n; ++v) {
    if (g.kind[v] != NodeKind::kCitizen) continue;
    if (!online.empty() && !online[v]) continue;
    if (country >= 0 && g.country[v] != static_cast<std::uint32_t>(country)) continue;
    if (community >= 0 && g.community[v] != static_cast<std::uint64_t>(community)) continue;
    pool.members.push_back(v);
  }
  if (choice != FollowerChoice::kUniform && !pool.members.empty()) {
    std::vector<double> w(pool.members.size());
    for (std::size_t i = 0; i < w.size(); ++i) {
      const NodeId v = pool.members[i];
      const EdgeId degree =
          choice == FollowerChoice::kPreferential ? in_degree[v] : g.following.degree(v);
      w[i] = static_cast<double>(degree) + 1.0;
    }
    pool.alias.build(w, pool.members);
    pool.weighted = true;
  }
  return pool;
}

}  // namespace

void AttachmentRule::validate(std::string_view prefix, std::size_t num_countries,
                              std::size_t num_communities) const {
  if (kind == NodeKind::kCitizen || static_cast<int>(kind) >= kNumNodeKinds) {
    detail::spec_error(prefix, "kind",
                       "expected an account kind (official, outlet, influencer, fact_checker, "
                       "bot), got " +
                           std::string(to_string(kind)));
  }
  detail::check_range(prefix, "num_accounts", num_accounts, NodeId{0}, kNoNode - 1,
                      "an account count");
  if (num_countries > 0) {
    detail::check_range<std::size_t>(prefix, "country", country, 0, num_countries - 1,
                                     "a country index");
  }
  if (num_communities > 0) {
    detail::check_range<std::size_t>(prefix, "community", community, 0, num_communities - 1,
                                     "a community id");
  }
  detail::check_range(prefix, "followers", followers, 0.0, 4e9, "a follower count");
  if (static_cast<int>(count) > 1) detail::spec_error(prefix, "count", "expected fixed or poisson");
  if (static_cast<int>(choice) > 2) {
    detail::spec_error(prefix, "choice", "expected uniform, preferential or active");
  }
  if (target_country < -1 ||
      (num_countries > 0 && target_country >= static_cast<std::int64_t>(num_countries))) {
    detail::spec_error(prefix, "target_country",
                       "expected -1 (none) or a country index below " +
                           std::to_string(num_countries) + ", got " +
                           std::to_string(target_country));
  }
  if (target_community < -1 ||
      (num_communities > 0 && target_community >= static_cast<std::int64_t>(num_communities))) {
    detail::spec_error(prefix, "target_community",
                       "expected -1 (none) or a community id below " +
                           std::to_string(num_communities) + ", got " +
                           std::to_string(target_community));
  }
  detail::check_range(prefix, "target_share", target_share, 0.0, 1.0, "a probability");
  if (target_share > 0.0 && target_country < 0 && target_community < 0) {
    detail::spec_error(prefix, "target_share",
                       "target_share " + detail::show(target_share) +
                           " needs a target group: set target_country and/or target_community");
  }
  detail::check_range(prefix, "follow_back", follow_back, 0.0, 1.0, "a probability");
}

void AttachmentSpec::validate(std::string_view prefix, std::size_t num_countries,
                              std::size_t num_communities) const {
  for (std::size_t i = 0; i < rules.size(); ++i) {
    rules[i].validate(detail::key_of(prefix, "rules[" + std::to_string(i) + "]"), num_countries,
                      num_communities);
  }
}

FollowGraph attach_accounts(const FollowGraph& citizens, std::span<const std::uint8_t> online,
                            const AttachmentSpec& spec, const BuildOptions& options) {
  spec.validate();
  const NodeId base = citizens.num_nodes();
  if (!online.empty() && online.size() != base) {
    throw core::Error(core::ErrorKind::kInput,
                      "online flags: expected " + std::to_string(base) + " entries, got " +
                          std::to_string(online.size()),
                      core::InputLocation{"", 0, 0, "online"});
  }
  std::uint64_t total_accounts = 0;
  for (const AttachmentRule& r : spec.rules) total_accounts += r.num_accounts;
  if (base + total_accounts >= kNoNode) {
    throw core::Error(core::ErrorKind::kResource, "citizens plus accounts exceed 2^32 - 1 nodes");
  }
  // In-degrees for preferential choice (from the followers relation when it is built).
  std::vector<EdgeId> in_degree;
  for (const AttachmentRule& r : spec.rules) {
    if (r.choice != FollowerChoice::kPreferential || !in_degree.empty()) continue;
    in_degree.assign(base, 0);
    if (!citizens.followers.empty()) {
      for (NodeId v = 0; v < base; ++v) in_degree[v] = citizens.followers.degree(v);
    } else {
      for (NodeId t : citizens.following.targets) ++in_degree[t];
    }
  }
  // Pools: everyone online per choice, plus each rule's target group.
  std::vector<Pool> global(3);
  std::vector<bool> built(3, false);
  std::vector<Pool> targets(spec.rules.size());
  for (std::size_t i = 0; i < spec.rules.size(); ++i) {
    const AttachmentRule& r = spec.rules[i];
    const auto c = static_cast<std::size_t>(r.choice);
    if (!built[c]) {
      global[c] = make_pool(citizens, online, in_degree, r.choice, -1, -1);
      built[c] = true;
    }
    if (r.target_share > 0.0) {
      targets[i] =
          make_pool(citizens, online, in_degree, r.choice, r.target_country, r.target_community);
      if (targets[i].members.empty()) {
        throw core::Error(
            core::ErrorKind::kInput,
            "target group (country " + std::to_string(r.target_country) + ", community " +
                std::to_string(r.target_community) + ") has no online citizens",
            core::InputLocation{"", 0, 0, "rules[" + std::to_string(i) + "].target_share"});
      }
    }
  }
  // Account -> rule.
  std::vector<std::uint32_t> rule_of(total_accounts);
  {
    std::size_t at = 0;
    for (std::size_t i = 0; i < spec.rules.size(); ++i) {
      std::fill_n(rule_of.begin() + static_cast<std::ptrdiff_t>(at), spec.rules[i].num_accounts,
                  static_cast<std::uint32_t>(i));
      at += spec.rules[i].num_accounts;
    }
  }
  const std::size_t words = (static_cast<std::size_t>(base) + 63) / 64;
  tbb::enumerable_thread_specific<std::vector<std::uint64_t>> scratch(
      [&] { return std::vector<std::uint64_t>(words, 0); });
  std::vector<Edge> added = detail::generate_chunked(
      total_accounts, 1, [&](std::size_t begin, std::size_t end, std::vector<Edge>& out) {
        std::vector<std::uint64_t>& seen = scratch.local();
        for (std::size_t k = begin; k < end; ++k) {
          const AttachmentRule& r = spec.rules[rule_of[k]];
          const Pool& all = global[static_cast<std::size_t>(r.choice)];
          const Pool& group = targets[rule_of[k]];
          const auto account = static_cast<NodeId>(base + k);
          core::CounterRng rng(spec.seed, spec.stream, account, 0);
          const std::uint64_t wanted = r.count == FollowerCount::kFixed
                                           ? static_cast<std::uint64_t>(std::llround(r.followers))
                                           : detail::poisson(rng, r.followers);
          const std::size_t first = out.size();
          if (wanted >= all.members.size()) {
            for (NodeId v : all.members) out.push_back(Edge{v, account});
          } else {
            // Each follower slot first picks its pool (target group with probability
            // target_share), then redraws inside that pool until it finds a new follower, so
            // rejections do not shift the share between pools. A slot whose pool looks exhausted
            // (kSlotAttempts misses) tries the other pool, then the rule stops.
            constexpr int kSlotAttempts = 64;
            auto try_pool = [&](const Pool& pool) {
              for (int attempt = 0; attempt < kSlotAttempts; ++attempt) {
                const NodeId v = pool.draw(rng);
                std::uint64_t& word = seen[v >> 6];
                const std::uint64_t bit = std::uint64_t{1} << (v & 63);
                if (word & bit) continue;
                word |= bit;
                out.push_back(Edge{v, account});
                return true;
              }
              return false;
            };
            for (std::uint64_t got = 0; got < wanted; ++got) {
              const bool in_group = r.target_share > 0.0 && rng.uniform() < r.target_share;
              const Pool& pool = in_group ? group : all;
              if (try_pool(pool)) continue;
              if (r.target_share > 0.0 && try_pool(in_group ? all : group)) continue;
              break;
            }
            for (std::size_t i = first; i < out.size(); ++i) seen[out[i].from >> 6] = 0;
          }
          if (r.follow_back > 0.0) {
            const std::size_t last = out.size();
            for (std::size_t i = first; i < last; ++i) {
              if (rng.uniform() < r.follow_back) out.push_back(Edge{account, out[i].from});
            }
          }
        }
      });

  FollowGraph g;
  const NodeId n = static_cast<NodeId>(base + total_accounts);
  g.country = citizens.country;
  g.community = citizens.community;
  g.kind = citizens.kind;
  g.country.reserve(n);
  g.community.reserve(n);
  g.kind.reserve(n);
  for (const AttachmentRule& r : spec.rules) {
    g.country.insert(g.country.end(), r.num_accounts, r.country);
    g.community.insert(g.community.end(), r.num_accounts, r.community);
    g.kind.insert(g.kind.end(), r.num_accounts, r.kind);
  }
  std::vector<Edge> edges = edges_of(citizens.following);
  edges.insert(edges.end(), added.begin(), added.end());
  std::vector<Edge>().swap(added);
  build_csr(g, n, std::move(edges), options);
  return g;
}

void WorldSpec::validate(std::string_view prefix) const {
  citizens.validate(detail::key_of(prefix, "citizens"));
  std::size_t communities = 0;
  for (const CountrySpec& c : citizens.countries) communities += c.community_shares.size();
  accounts.validate(detail::key_of(prefix, "accounts"), citizens.countries.size(), communities);
}

World generate_world(const WorldSpec& spec) {
  spec.validate();
  World world;
  MultiCountryGraph citizens = generate_multi_country(spec.citizens, spec.build);
  world.population = std::move(citizens.population);
  if (spec.accounts.rules.empty()) {
    world.graph = std::move(citizens.graph);
    return world;
  }
  world.graph = attach_accounts(citizens.graph, world.population.online, spec.accounts, spec.build);
  return world;
}

}  // namespace dipsim::graph
