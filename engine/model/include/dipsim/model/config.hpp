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

enum class AttitudeDistribution : std::uint8_t {
  kNormal,    ///< N(baseline, spread^2) clamped to [-1, 1]
  kUniform,   ///< U(baseline - spread, baseline + spread) clamped to [-1, 1]
  kTwoPoint,  ///< +1 or -1 with P(+1) = (1 + baseline) / 2 (voter-model opinions)
};

enum class UpdateRule : std::uint8_t {
  kSequential,  ///< bounded confidence after every item read (Deffuant-style)
  kAverage,     ///< one weighted average per session (DeGroot / Hegselmann-Krause-style)
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
  AttitudeDistribution attitude_distribution = AttitudeDistribution::kNormal;
  std::vector<double> zealots_for;      ///< per state: share of citizens fixed at +1
  std::vector<double> zealots_against;  ///< per state: share of citizens fixed at -1
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
  double posts_per_day = 4.0;      ///< per official account
  std::uint32_t response_lag = 6;  ///< steps before its embassy reacts to a crisis
  double crisis_response = 0.0;    ///< share of crisis-aid posts in a crisis country after the lag
  double message_stance = 0.8;     ///< stance of its posts toward itself, in [-1, 1]
  double message_quality = 0.8;    ///< in [0, 1]
  double ministry_reach = 0.02;    ///< probability an online citizen anywhere follows the ministry
  double embassy_reach = 0.10;     ///< same for the embassy in the citizen's country
  std::uint8_t language = 0;       ///< language of posts that are not localised
  double localisation = 0.0;       ///< share of embassy posts in the target country's main language
  std::vector<double> theme_mix;   ///< weight of each theme in its posts (sums to 1)
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

/// An adversarial bot network (DESIGN.md section 2).
enum class Infiltration : std::uint8_t {
  kRandom,         ///< follow requests to uniformly random online citizens
  kHubs,           ///< to the citizens with the most followers
  kCountry,        ///< to random citizens of the target countries
  kSusceptible,    ///< to the most susceptible citizens of the target countries
  kLeastLiterate,  ///< to the least media-literate citizens of the target countries
  kCommunity,      ///< to random citizens of the target countries who speak `target_language`
};

struct BotNetworkConfig {
  std::string name;
  std::uint8_t sponsor = 0xFF;          ///< state behind it (0xFF: unknown)
  std::uint32_t count = 0;              ///< bots
  double share = 0.0;                   ///< bots as a share of citizens (used when count is 0)
  std::uint8_t target_language = 0xFF;  ///< kCommunity: the language community targeted
  std::vector<std::uint16_t> target_countries;  ///< empty: all
  std::vector<double> stance;                   ///< per state; NaN = not a target
  Infiltration infiltration = Infiltration::kCountry;
  std::uint32_t follow_requests = 50;  ///< follow requests per bot
  double follow_back = 0.2;            ///< probability a citizen follows a bot back
  double posts_per_day = 12.0;
  std::uint32_t flood_copies = 1;  ///< copies of each post pushed to followers' feeds
  double quality_mean = 0.2, quality_sd = 0.1;
  double appeal_mean = 0.8, appeal_sd = 0.1;
  bool impersonate_media = false;  ///< presents itself as a news outlet (media trust applies)
  double coordination = 0.0;       ///< share of the network that reshares each bot post at once
  std::uint32_t active_from = 0, active_until = 0xFFFFFFFF;  ///< steps [from, until)
  double detectability = 0.5;    ///< mean; per bot ~ clamped N(mean, 0.15^2)
  std::uint8_t language = 0xFF;  ///< 0xFF: the main language of each bot's target country
};

struct ModerationConfig {
  bool enabled = false;
  double detection_rate = 0.02;      ///< per step, times detectability (and activity)
  std::uint32_t takedown_delay = 6;  ///< steps from detection to removal
};

struct FactCheckerConfig {
  std::string name;
  std::uint16_t country = 0;
  std::uint8_t language = 0;
  double credibility = 0.8;
  double quality_threshold = 0.4;  ///< items below this quality are checked
  std::uint32_t virality = 20;     ///< cascade size that makes an item viral
  std::uint32_t delay = 6;         ///< steps from virality to correction
  double checks_per_day = 10.0;    ///< capacity
  double platform_reach = 0.1;     ///< probability an online citizen of its country follows it
  double correction_stance = 0.5;  ///< stance = -correction_stance x checked item's stance
};

enum class EventKind : std::uint8_t { kCrisis, kHackedAccount, kScandal, kSummit, kSeedPosts };

struct EventConfig {
  EventKind kind = EventKind::kCrisis;
  std::uint32_t start = 0;
  std::uint32_t duration = 24;
  double magnitude = 1.0;
  std::uint16_t country = 0xFFFF;  ///< crisis, seed posts, hacked embassy (0xFFFF: none/ministry)
  std::uint8_t state = 0xFF;       ///< hacked account, scandal, summit, seed posts
  double stance = -0.8;            ///< hacked-account and seed-post content
  double quality = 0.3, appeal = 0.8;  ///< seed posts and hacked-account content
  std::uint32_t count = 1;             ///< seed posts: how many citizens post
  double trust_drop = 0.3;             ///< hacked account: trust lost after recovery
  double recovery_steps = 168.0;       ///< hacked account: e-folding time of trust recovery
};

struct CitizenConfig {
  std::uint32_t count = 10'000;
  UpdateRule update_rule = UpdateRule::kSequential;
  double self_weight = 1.0;  ///< weight of the own attitude in the average rule
  double stubbornness =
      0.0;  ///< pull back toward the initial attitude per session (Friedkin-Johnsen)
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
  /// Advocacy: a citizen who reshares a story keeps sharing it in every later session (in place
  /// of its own posts) until a follower who already knew the story reads its share: the
  /// stifling rule of Maki & Thompson (1973). Off: each story is shared at most once.
  bool advocacy = false;
  double reply_probability = 0.02;  ///< probability of replying to an official account's item
  double post_probability = 0.05;
  double post_quality = 0.5;
  double post_appeal = 0.3;
  double influencer_post_probability = 0.5;  ///< own-post probability of influencers per session
  double trust_state = 0.6;
  double trust_influencer = 0.7;
  double trust_peer = 0.8;
  double trust_unknown = 0.5;      ///< trust in accounts of unknown kind (bots posing as citizens)
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
  std::vector<BotNetworkConfig> bots;
  std::vector<FactCheckerConfig> fact_checkers;
  std::vector<EventConfig> events;
  ModerationConfig moderation;
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
