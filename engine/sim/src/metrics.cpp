#include "dipsim/sim/metrics.hpp"

namespace dipsim::sim {

const std::array<MetricInfo, kNumMetrics>& metric_infos() {
  static const std::array<MetricInfo, kNumMetrics> infos{{
      {"mean_attitude", "1",
       "mean attitude toward the state of all citizens of the country (online and offline), in "
       "[-1, 1]"},
      {"attitude_variance", "1",
       "population variance of those attitudes (a polarisation measure), in [0, 1]"},
      {"bimodality", "1",
       "Sarle's bimodality coefficient of those attitudes; above 5/9 suggests a split public"},
      {"favourable_share", "1",
       "share of the country's citizens whose attitude exceeds citizens.favourable_threshold"},
      {"items_read", "items per step",
       "items about the state read by the country's citizens during the step (impressions, on "
       "the platform and by broadcast)"},
      {"mean_quality_read", "1", "mean quality of those items, in [0, 1] (0 when none were read)"},
      {"reshares", "items per step",
       "reshares of items about the state chosen by the country's citizens during the step"},
      {"replies", "items per step",
       "replies of the country's citizens to the state's official accounts during the step"},
      {"reach", "citizens",
       "citizens of the country who have read at least one item about the state so far"},
      {"reach_official", "citizens",
       "citizens reached so far by the state's official accounts (ministry, embassies)"},
      {"reach_media", "citizens",
       "citizens reached so far by media outlets' items about the state"},
      {"reach_influencer", "citizens",
       "citizens reached so far by influencers' items about the state (paid or not)"},
      {"reach_peer", "citizens",
       "citizens reached so far by other citizens' posts and reshares about the state"},
      {"bot_items_read", "items per step",
       "items about the state posted or reshared by bots and read by the country's citizens"},
      {"bot_share_read", "1", "bot_items_read / items_read (0 when nothing was read)"},
      {"mean_quality_read_human", "1",
       "mean quality of the items about the state read, leaving out bots' items"},
      {"human_reshares_of_bot_items", "items per step",
       "reshares by the country's citizens of items that bots posted or reshared"},
      {"bot_reach", "citizens",
       "citizens of the country who have read at least one bot item about the state so far"},
      {"corrections_read", "items per step",
       "fact-checkers' corrections about the state read by the country's citizens"},
      {"official_trust", "1",
       "mean trust of the country's citizens in the state's official accounts (after engagement "
       "gains and hacked-account losses)"},
      {"attitude_shift", "1",
       "cumulative change of the country's mean attitude toward the state caused by reading, "
       "since step 0"},
      {"bot_attitude_shift", "1", "the part of attitude_shift caused by reading bot items"},
  }};
  return infos;
}

}  // namespace dipsim::sim
