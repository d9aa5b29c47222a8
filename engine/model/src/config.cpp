#include "dipsim/model/config.hpp"

#include <numeric>

namespace dipsim::model {

std::array<double, 24> default_activity_profile() {
  // Relative activity by local hour 0..23 (shape after Golder & Macy 2011, Fig. 1).
  std::array<double, 24> p{0.55, 0.35, 0.25, 0.2,  0.2, 0.3, 0.55, 0.85, 1.0, 1.05, 1.05, 1.1,
                           1.15, 1.1,  1.05, 1.05, 1.1, 1.2, 1.35, 1.5,  1.6, 1.6,  1.45, 1.0};
  const double mean = std::accumulate(p.begin(), p.end(), 0.0) / 24.0;
  for (double& x : p) x /= mean;
  return p;
}

const std::array<const char*, theme::kNumBuiltin>& builtin_themes() {
  static const std::array<const char*, theme::kNumBuiltin> names{
      "culture", "values",   "achievements", "crisis_aid", "policy",
      "prebunk", "rebuttal", "news",         "opinion"};
  return names;
}

}  // namespace dipsim::model
