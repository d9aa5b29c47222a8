// Plain, validated parameters of the campaign model. The io layer fills these from a scenario
// through the parameter table (engine/io/src/parameters.cpp); nothing here parses text.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace dipsim::model {

/// Maximum number of state actors (one bit each in per-citizen masks).
inline constexpr std::size_t kMaxStates = 8;

enum class FeedRanking : std::uint8_t {
  kChronological,  ///< newest first
  kEngagement,     ///< (1 + reshares) x age decay
  kRandom,         ///< uniformly random order
};

struct CountryConfig {
  std::string name;
  double population_share = 1.0;      ///< share of all citizens living here
  double internet_penetration = 0.8;  ///< share of citizens on the platform
  /// Mean initial attitude toward each state, in the order of ModelConfig::states.
  std::vector<double> baseline_attitude;
  double attitude_spread = 0.3;  ///< standard deviation of initial attitudes
};

struct StateConfig {
  std::string name;
  /// Indices of the countries with an embassy account (empty: every country).
  std::vector<std::uint16_t> target_countries;
  double credibility = 0.7;      ///< weight of its accounts' posts in attitude updates
  double posts_per_day = 4.0;    ///< per official account
  double message_stance = 0.8;   ///< stance of its posts toward itself, in [-1, 1]
  double message_quality = 0.8;  ///< in [0, 1]
  double message_appeal = 0.5;   ///< in [0, 1]; scales reshare probability
  double ministry_reach = 0.02;  ///< probability an online citizen anywhere follows the ministry
  double embassy_reach =
      0.10;  ///< probability an online citizen of a target country follows its embassy
};

struct CitizenConfig {
  std::uint32_t count = 10'000;
  double openness_mean = 0.6;  ///< bounded-confidence width (Deffuant et al. 2000 epsilon)
  double openness_sd = 0.15;
  double convergence = 0.2;  ///< step size mu of the bounded-confidence update
  double susceptibility_mean = 0.5;
  double susceptibility_sd = 0.15;
  double activity_per_hour = 0.1;     ///< probability of a session in a step
  std::uint32_t attention = 10;       ///< items read per session
  double reshare_propensity = 0.1;    ///< scales the reshare probability
  double post_probability = 0.05;     ///< probability a session ends with an own opinion post
  double post_quality = 0.5;          ///< quality of citizens' own posts, in [0, 1]
  double post_appeal = 0.3;           ///< appeal of citizens' own posts, in [0, 1]
  double trust_state = 0.6;           ///< trust in posts by official state accounts
  double trust_peer = 0.8;            ///< trust in posts and reshares by other citizens
  double favourable_threshold = 0.2;  ///< attitude above which a citizen counts as favourable
};

struct FeedConfig {
  FeedRanking ranking = FeedRanking::kEngagement;
  std::uint32_t window_steps = 24;    ///< items older than this many steps leave feeds
  double engagement_half_life = 6.0;  ///< steps; age decay of engagement ranking
};

struct ModelConfig {
  std::vector<CountryConfig> countries;
  std::vector<StateConfig> states;
  CitizenConfig citizens;
  FeedConfig feed;
};

}  // namespace dipsim::model
