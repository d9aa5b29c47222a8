// Account attachment: adds non-citizen accounts (officials, outlets, influencers, fact-checkers,
// bots) to a citizen follow graph and gives each a follower base by rule, and builds a whole world
// (multi-country citizens + accounts) in one call.
//
// A rule creates `num_accounts` accounts of one kind with a home country and community. Each gets
// F followers, F = round(followers) (kFixed) or F ~ Poisson(followers) (kPoisson), drawn without
// replacement from the online citizens: with probability `target_share` from the target group
// (citizens of `target_country`, and of `target_community` when set), otherwise from everyone
// online; inside a pool uniformly (kUniform), proportionally to in-degree + 1 (kPreferential: the
// popular citizens, "hub infiltration" for bots) or to out-degree + 1 (kActive: citizens who follow
// many accounts). The account then follows each follower back with probability `follow_back`
// (bots' reciprocity). When F reaches the pool size every online citizen follows. Each follower
// slot picks its pool first and then redraws inside it until it meets a citizen not yet following
// (so the realised target share is the requested one even when the target group is small); after
// 64 misses it tries the other pool, then the rule stops: a rule asking for nearly a whole pool
// under a skewed choice can end with fewer followers (visible in the in-degree).
//
// How: account a (node id = citizens + running index over rules) draws from
// CounterRng(seed, stream, a, 0): count, followers, follow-backs in that order. Accounts are
// processed in parallel with per-thread scratch bitmaps (allocated once), and their edges are
// concatenated in account order: deterministic for any thread count.
//
// Why: state actors' reach depends on who follows them (a country's public vs. its hubs); the
// design brief's bot infiltration strategies (random, hubs, target country, community) map to
// kUniform, kPreferential and the target group.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "dipsim/core/types.hpp"
#include "dipsim/graph/follow_graph.hpp"
#include "dipsim/graph/multi_country.hpp"

namespace dipsim::graph {

/// How many followers each account gets.
enum class FollowerCount : std::uint8_t {
  kFixed = 0,    ///< exactly round(followers) (capped at the pool size)
  kPoisson = 1,  ///< Poisson with mean `followers`
};

/// Which online citizens become followers.
enum class FollowerChoice : std::uint8_t {
  kUniform = 0,       ///< uniformly
  kPreferential = 1,  ///< ∝ in-degree + 1 (popular citizens)
  kActive = 2,        ///< ∝ out-degree + 1 (citizens who follow many accounts)
};

/// One group of accounts with a follower rule. Plain data; validate().
struct AttachmentRule {
  NodeKind kind = NodeKind::kOfficial;  ///< any kind but kCitizen
  NodeId num_accounts = 1;              ///< accounts created by this rule, >= 0
  std::uint16_t country = 0;            ///< home country attribute of the accounts
  std::uint32_t community = 0;          ///< community attribute of the accounts
  double followers = 1000.0;            ///< followers per account (exact or mean), in [0, 4e9]
  FollowerCount count = FollowerCount::kFixed;
  FollowerChoice choice = FollowerChoice::kUniform;
  std::int32_t target_country = -1;    ///< country of the target group, or -1 for none
  std::int64_t target_community = -1;  ///< global community id of the target group, or -1
  double target_share = 0.0;           ///< probability a follower comes from the target group
  double follow_back = 0.0;            ///< probability the account follows a follower back

  /// Throws core::Error (kInput) naming the field. `num_countries`/`num_communities` bound the
  /// country and community fields (pass 0 to skip those checks).
  void validate(std::string_view prefix = "", std::size_t num_countries = 0,
                std::size_t num_communities = 0) const;
};

/// Rules plus the RNG identity of the attachment pass.
struct AttachmentSpec {
  std::vector<AttachmentRule> rules;
  std::uint64_t seed = 1;
  std::uint32_t stream = 1;  ///< RNG stream reserved for attachment (distinct from the citizens')

  /// Validates every rule with key `prefix.rules[i].field`.
  void validate(std::string_view prefix = "", std::size_t num_countries = 0,
                std::size_t num_communities = 0) const;
};

/// Returns `citizens` with the accounts of `spec` appended (ids citizens.num_nodes() onward, in
/// rule order) and their follow edges added. `online` (one byte per node of `citizens`, or empty
/// for "all online") says who can follow; only nodes of kind kCitizen do.
/// Throws core::Error (kInput) for invalid rules or an empty target group.
FollowGraph attach_accounts(const FollowGraph& citizens, std::span<const std::uint8_t> online,
                            const AttachmentSpec& spec, const BuildOptions& options = {});

/// A whole world: multi-country citizens, then accounts.
struct WorldSpec {
  MultiCountrySpec citizens;
  AttachmentSpec accounts;
  BuildOptions build;
  /// Validates both parts (keys `prefix.citizens.*`, `prefix.accounts.rules[i].*`).
  void validate(std::string_view prefix = "") const;
};

/// A generated world: the graph (citizens then accounts) and the citizens' population.
struct World {
  FollowGraph graph;
  Population population;
};

/// Generates the citizens, then attaches the accounts. Deterministic for any thread count.
World generate_world(const WorldSpec& spec);

}  // namespace dipsim::graph
