#include "dipsim/sim/metrics.hpp"

namespace dipsim::sim {

const std::array<MetricInfo, kNumMetrics>& metric_infos() {
  static const std::array<MetricInfo, kNumMetrics> infos{{
      {"mean_attitude", "1",
       "mean attitude toward the state of all citizens of the country (online and offline), in "
       "[-1, 1]"},
      {"attitude_variance", "1",
       "population variance of those attitudes (a polarisation measure), in [0, 1]"},
      {"favourable_share", "1",
       "share of the country's citizens whose attitude exceeds citizens.favourable_threshold"},
      {"items_read", "items per step",
       "items about the state read by the country's citizens during the step (impressions)"},
      {"reshares", "items per step",
       "reshares of items about the state chosen by the country's citizens during the step"},
      {"reach", "citizens",
       "citizens of the country who have read at least one item about the state so far"},
  }};
  return infos;
}

}  // namespace dipsim::sim
