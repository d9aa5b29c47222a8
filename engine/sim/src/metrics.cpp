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
  }};
  return infos;
}

}  // namespace dipsim::sim
