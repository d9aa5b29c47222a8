// Plain, validated parameters of the campaign model. The io layer fills these from a scenario
// through the parameter table (engine/io/src/parameters.cpp); nothing here parses text. Each
// field's meaning, unit, range and source is in that table and in docs/scenario-reference.md.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace dipsim::model {

/// Maximum number of state actors (one bit each in per-citizen masks).
inline constexpr std::size_t kMaxStates = 8;
/// Maximum number of themes and of languages (indices are stored in one byte).
inline constexpr std::size_t kMaxThemes = 32;
inline constexpr std::size_t kMaxLanguages = 250;

enum class FeedRanking : std::uint8_t {
  kChronological,  ///< newest first
  kEngagement,     ///< (1 + interactions) x age decay
  kRandom,         ///< uniformly random order
};

enum class OutletKind : std::uint8_t {
  kDomestic,          ///< a country's mainstream outlet
  kIndependent,       ///< an independent outlet (usually stricter gatekeeping)
  kStateBroadcaster,  ///< a foreign state's international broadcaster (labelled)
};

struct CountryConfig {
  std::string name;
  double population_share = 1.0;           ///< relative population weight
  double internet_penetration = 0.8;       ///< share of citizens on the platform
  std::vector<double> baseline_attitude;   ///< mean initial attitude toward each state
  double attitude_spread = 0.3;            ///< standard deviation of initial attitudes
  std::vector<double> cultural_proximity;  ///< per state, in [0, 1]; scales message appeal
  /// Languages spoken, as (language index, share); shares sum to 1.
  std::vector<std::pair<std::uint8_t, double>> languages;
  double media_literacy = 0.5;    ///< mean media literacy of citizens, in [0, 1]
  double media_trust = 0.5;       ///< trust in media outlets, in [0, 1]
  std::int32_t utc_offset = 0;    ///< hours; shifts the daily activity profile
  std::uint32_t influencers = 0;  ///< citizens with the largest audiences who act as influencers
};

struct PartnershipConfig {
  std::uint32_t influencers = 0;  ///< influencers paid per target country
  double posts_per_day = 1.0;     ///< paid posts per influencer per day
  bool disclosure = true;         ///< paid posts carry a "paid partnership" label
  double credibility_cost = 0.0;  ///< credibility lost per paid post per day (overuse)
};

struct EngagementConfig {
  double reply_share = 0.0;  ///< share of citizens' replies the state's accounts answer
  double trust_gain = 0.1;   ///< rise in the citizen's trust in the state after an answer
};

struct CounterConfig {
  double prebunk_share = 0.0;           ///< share of the state's posts that are prebunking
  double prebunk_literacy_gain = 0.05;  ///< literacy gained by a reader of a prebunking item
  double rebuttal_trigger =
      0.0;  ///< negative items read in a country per step that trigger a rebuttal (0 = off)
  double rebuttal_stance = 0.8;  ///< stance of rebuttal items
};

struct StateConfig {
  std::string name;
  std::vector<std::uint16_t> target_countries;  ///< embassy countries (empty: every country)
  double credibility = 0.7;
  double posts_per_day = 4.0;     ///< per official account
  double message_stance = 0.8;    ///< stance of its posts toward itself, in [-1, 1]
  double message_quality = 0.8;   ///< in [0, 1]
  double ministry_reach = 0.02;   ///< probability an online citizen anywhere follows the ministry
  double embassy_reach = 0.10;    ///< same for the embassy in the citizen's country
  std::uint8_t language = 0;      ///< language of posts that are not localised
  double localisation = 0.0;      ///< share of embassy posts in the target country's main language
  std::vector<double> theme_mix;  ///< weight of each theme in its posts (sums to 1)
  std::vector<double> theme_appeal;  ///< appeal of each theme, in [0, 1]
  PartnershipConfig partnership;
  EngagementConfig engagement;
  CounterConfig counter;
};

struct OutletConfig {
  std::string name;
  OutletKind kind = OutletKind::kDomestic;
  std::uint16_t country = 0;    ///< home country (audience)
  std::uint8_t sponsor = 0xFF;  ///< state behind a state broadcaster (0xFF: none)
  std::uint8_t language = 0;
  std::vector<double> stance;  ///< stance toward each state, in [-1, 1]
  double credibility = 0.7;
  double gatekeeping = 0.5;  ///< minimum quality of items it republishes
  double posts_per_day = 6.0;
  double quality = 0.8;
  double appeal = 0.4;
  double platform_reach = 0.2;   ///< probability an online citizen of its country follows it
  double broadcast_reach = 0.3;  ///< share of its country's citizens it reaches off-platform daily
  double pickups_per_day = 2.0;  ///< trending items republished per day (agenda setting)
};

struct CitizenConfig {
  std::uint32_t count = 10'000;
  double openness_mean = 0.6;
  double openness_sd = 0.15;
  double convergence = 0.2;
  double susceptibility_mean = 0.5;
  double susceptibility_sd = 0.15;
  double literacy_sd = 0.15;  ///< spread of media literacy around the country's mean
  double activity_per_hour = 0.1;
  std::array<double, 24> activity_profile{};  ///< relative activity by local hour, mean 1
  std::uint32_t attention = 10;
  double reshare_propensity = 0.1;
  double reply_probability = 0.02;  ///< probability of replying to an official account's item
  double post_probability = 0.05;
  double post_quality = 0.5;
  double post_appeal = 0.3;
  double influencer_post_probability = 0.5;  ///< own-post probability of influencers per session
  double trust_state = 0.6;
  double trust_influencer = 0.7;
  double trust_peer = 0.8;
  double language_mismatch = 0.3;  ///< influence weight of an item in a language the reader lacks
  double repetition_decay =
      0.5;  ///< influence multiplier per earlier exposure to the same root item
  bool backfire = false;
  double backfire_threshold = 1.0;  ///< distance beyond which an item pushes the reader away
  double backfire_strength = 0.5;   ///< size of the backfire push relative to the normal update
  double favourable_threshold = 0.2;
};

struct FeedConfig {
  FeedRanking ranking = FeedRanking::kEngagement;
  std::uint32_t window_steps = 24;
  double engagement_half_life = 6.0;
  bool label_state_media = true;      ///< label official accounts and state broadcasters
  double label_reshare_factor = 0.7;  ///< reshare probability multiplier of labelled items
};

struct ModelConfig {
  std::vector<std::string> themes;     ///< theme names
  std::vector<std::string> languages;  ///< language names (indices used above)
  std::vector<CountryConfig> countries;
  std::vector<StateConfig> states;
  std::vector<OutletConfig> outlets;
  CitizenConfig citizens;
  FeedConfig feed;
};

/// The default daily activity profile (relative activity per local hour, mean 1): low at night,
/// rising through the day to an evening peak, the typical shape of social-media activity
/// (Golder & Macy 2011, "Diurnal and seasonal mood vary with work, sleep, and daylength across
/// diverse cultures", Science 333:1878, Fig. 1; values rounded).
std::array<double, 24> default_activity_profile();

/// Index of the themes every scenario has (scenarios may add more after these).
namespace theme {
inline constexpr std::uint8_t kCulture = 0;
inline constexpr std::uint8_t kValues = 1;
inline constexpr std::uint8_t kAchievements = 2;
inline constexpr std::uint8_t kCrisisAid = 3;
inline constexpr std::uint8_t kPolicy = 4;
inline constexpr std::uint8_t kPrebunk = 5;   ///< counter-disinformation: prebunking
inline constexpr std::uint8_t kRebuttal = 6;  ///< counter-disinformation: rebuttal
inline constexpr std::uint8_t kNews = 7;      ///< outlets' own reporting
inline constexpr std::uint8_t kOpinion = 8;   ///< citizens' own posts
inline constexpr std::size_t kNumBuiltin = 9;
}  // namespace theme

/// Names of the built-in themes, in index order.
const std::array<const char*, theme::kNumBuiltin>& builtin_themes();

}  // namespace dipsim::model
