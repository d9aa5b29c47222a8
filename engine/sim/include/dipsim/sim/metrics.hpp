// Per-step metrics, each a (country x state) table. The list below is the single source of names,
// units and meanings for the run file and docs/output-format.md.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace dipsim::sim {

enum class Metric : std::uint8_t {
  kMeanAttitude,
  kAttitudeVariance,
  kBimodality,
  kFavourableShare,
  kItemsRead,
  kMeanQualityRead,
  kReshares,
  kReplies,
  kReach,
  kReachOfficial,
  kReachMedia,
  kReachInfluencer,
  kReachPeer,
  kBotItemsRead,
  kBotShareRead,
  kMeanQualityReadHuman,
  kHumanResharesOfBotItems,
  kBotReach,
  kCorrectionsRead,
  kOfficialTrust,
  kAttitudeShift,
  kBotAttitudeShift,
  kCount,  ///< number of metrics (not a metric)
};
inline constexpr std::size_t kNumMetrics = static_cast<std::size_t>(Metric::kCount);

struct MetricInfo {
  std::string_view name;
  std::string_view unit;
  std::string_view description;
};

/// Name, unit and meaning of every metric, in Metric order.
const std::array<MetricInfo, kNumMetrics>& metric_infos();

/// Values of all metrics for one step, laid out [metric][country][state].
struct MetricFrame {
  std::size_t countries = 0, states = 0;
  std::vector<double> values;

  void resize(std::size_t c, std::size_t s) {
    countries = c;
    states = s;
    values.assign(kNumMetrics * c * s, 0.0);
  }
  double& at(Metric m, std::size_t c, std::size_t s) {
    return values[(static_cast<std::size_t>(m) * countries + c) * states + s];
  }
  double at(Metric m, std::size_t c, std::size_t s) const {
    return values[(static_cast<std::size_t>(m) * countries + c) * states + s];
  }
};

}  // namespace dipsim::sim
