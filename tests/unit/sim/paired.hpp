// Paired-arm helpers for the direction tests: both arms run with the same seeds (common random
// numbers) and the mean paired difference must exceed 3 standard errors (with 6 pairs, a
// one-sided t test at about the 1.5% level, so a pass is not the luck of one seed).
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <numeric>
#include <vector>

#include "dipsim/sim/simulation.hpp"

namespace dipsim::sim::testing {

constexpr int kSeeds = 6;
constexpr std::uint32_t kSteps = 72;

using Outcome = std::function<double(const Simulation&)>;

inline double metric_sum(const Simulation& sim, Metric m, std::size_t country, std::size_t state) {
  return sim.metrics().at(m, country, state);
}

// Runs both arms for each seed; returns paired differences (b - a) of the outcome. With
// `keep_items` the runs do not compact items, for outcomes that look at items of the whole run.
inline std::vector<double> paired(const SimConfig& a, const SimConfig& b, const Outcome& outcome,
                                  const Outcome& per_step = nullptr, bool keep_items = false) {
  std::vector<double> diffs;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    double values[2];
    int arm = 0;
    for (const SimConfig* c : {&a, &b}) {
      SimConfig cfg = *c;
      cfg.run.seed = static_cast<std::uint64_t>(seed);
      Simulation sim(build_world(cfg));
      if (keep_items) sim.set_compaction_interval(0);
      double acc = 0.0;
      for (std::uint32_t t = 0; t < cfg.run.steps; ++t) {
        sim.step();
        if (per_step) acc += per_step(sim);
      }
      values[arm++] = per_step ? acc : outcome(sim);
    }
    diffs.push_back(values[1] - values[0]);
  }
  return diffs;
}

inline void expect_positive(const char* what, const std::vector<double>& d) {
  const double n = static_cast<double>(d.size());
  const double mean = std::accumulate(d.begin(), d.end(), 0.0) / n;
  double ss = 0.0;
  for (double x : d) ss += (x - mean) * (x - mean);
  const double se = std::sqrt(ss / (n - 1) / n);
  std::printf("%s: paired difference %.5g, standard error %.3g (need > 3 se = %.3g)\n", what, mean,
              se, 3 * se);
  EXPECT_GT(mean, 0.0) << what;
  EXPECT_GT(mean, 3 * se) << what;
}

}  // namespace dipsim::sim::testing
