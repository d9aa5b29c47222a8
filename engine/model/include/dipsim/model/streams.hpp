// Random-number streams: one per purpose, so that a mechanism's draws never shift another's.
// A draw is keyed by (seed, stream, agent, step); see core/rng.hpp.
#pragma once
#include <cstdint>

namespace dipsim::model::stream {
inline constexpr std::uint32_t kGraph = 1;           ///< citizen-citizen follow graph
inline constexpr std::uint32_t kInit = 2;            ///< initial citizen state
inline constexpr std::uint32_t kFollowOfficial = 3;  ///< following official accounts
inline constexpr std::uint32_t kSchedule = 4;        ///< posting schedule phases
inline constexpr std::uint32_t kActivity = 5;        ///< whether a citizen has a session
inline constexpr std::uint32_t kRanking = 6;         ///< random feed ranking
inline constexpr std::uint32_t kReshare = 7;         ///< reshare decisions
inline constexpr std::uint32_t kPost = 8;            ///< own opinion posts
inline constexpr std::uint32_t kBroadcast = 9;       ///< off-platform outlet audience
inline constexpr std::uint32_t kReply = 10;          ///< replies and answers to them
inline constexpr std::uint32_t kContent = 11;        ///< themes, languages, stances of new items
inline constexpr std::uint32_t kBots = 12;           ///< bot set-up, infiltration and coordination
inline constexpr std::uint32_t kModeration = 13;     ///< bot detection
inline constexpr std::uint32_t kEvents = 14;         ///< event draws (seed posters)
}  // namespace dipsim::model::stream
