// The model's per-item rules as small pure functions, so each has a unit test of its own and the
// step kernel (sim/engine.cpp) reads as a sequence of named rules.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "dipsim/core/types.hpp"

namespace dipsim::model {

/// Confidence width that means "no bound": the whole attitude range [-1, 1] is 2 wide, so a
/// reader this open is moved by every item, even one at the opposite end (distance exactly 2).
inline constexpr float kUnboundedOpenness = 2.0f;

/// The bounded-confidence test: an item at `distance` from the reader's attitude is within a
/// confidence width `openness` when distance < openness (strict, as in Deffuant et al. 2000),
/// or always when openness is kUnboundedOpenness (the voter model's "copy anyone").
inline bool within_confidence(Real distance, float openness) {
  return distance < openness || (openness >= kUnboundedOpenness && distance == distance);
}

/// One-sided bounded-confidence update (Deffuant, Neau, Amblard & Weisbuch 2000, "Mixing beliefs
/// among interacting agents", Adv. Complex Syst. 3:87): a reader with attitude `a` and confidence
/// width `openness` moves toward an item's stance `x` by `rate * (x - a)` when |x - a| < openness
/// (or always, when openness is 2: no bound) and ignores it otherwise. The item does not move (it
/// is a post, not a person). Result is clamped to [-1, 1].
inline Real bounded_confidence_update(Real a, Real x, float openness, Real rate) {
  const Real d = x - a;
  if (!within_confidence(std::fabs(d), openness)) return a;
  return std::clamp(a + rate * d, Real{-1}, Real{1});
}

/// Bounded confidence with an optional backfire effect: an item further than `threshold` from
/// the reader pushes it away by `strength * rate * (x - a)` instead (a boomerang effect, Hovland,
/// Janis & Kelley 1953; Nyhan & Reifler 2010, Polit. Behav. 32:303). Without backfire (or within
/// the threshold) this is bounded_confidence_update.
inline Real attitude_update(Real a, Real x, float openness, Real rate, bool backfire,
                            float threshold, float strength) {
  const Real d = x - a;
  if (backfire && std::fabs(d) > threshold) {
    return std::clamp(a - strength * rate * d, Real{-1}, Real{1});
  }
  return bounded_confidence_update(a, x, openness, rate);
}

/// Weight of an item's quality for a reader with media literacy L in [0, 1]:
/// 1 - L (1 - quality). Literate readers discount low-quality items; for L = 0 quality is ignored.
inline float quality_weight(float quality, float literacy) {
  return 1.0f - literacy * (1.0f - quality);
}

/// Weight of the n-th repeated exposure to the same root item: decay^n (n = earlier exposures),
/// a diminishing effect of repetition.
inline float repetition_weight(float decay, unsigned earlier_exposures) {
  float w = 1.0f;
  for (unsigned k = 0; k < earlier_exposures; ++k) w *= decay;
  return w;
}

/// Step size of an attitude update: convergence mu scaled by the reader's susceptibility, its
/// trust in the source's kind and the source's credibility (all in [0, 1]).
inline float influence_rate(float convergence, float susceptibility, float trust,
                            float credibility) {
  return convergence * susceptibility * trust * credibility;
}

/// Probability that a reader reshares an item: propensity x appeal x agreement, where agreement
/// falls linearly from 1 (same position) to 0 (opposite ends, distance 2).
inline float reshare_probability(float propensity, float appeal, float distance) {
  // (The caller multiplies in the label factor and the reader's quality weight.)
  const float agreement = std::max(0.0f, 1.0f - 0.5f * distance);
  return std::clamp(propensity * appeal * agreement, 0.0f, 1.0f);
}

/// Engagement-weighted feed score: interactions (reshares + replies) with exponential age decay
/// (half-life in steps).
inline float engagement_score(std::uint32_t interactions, std::uint32_t age_steps,
                              float half_life) {
  return (1.0f + static_cast<float>(interactions)) *
         std::exp2(-static_cast<float>(age_steps) / half_life);
}

/// Number of posts an account makes at `step` on a regular schedule of `rate` posts per step with
/// a phase in [0, 1): floor((t+1) r + phase) - floor(t r + phase). Over T steps it posts
/// floor(T r + phase) - floor(phase) items, i.e. T r within one.
inline std::uint32_t scheduled_posts(std::uint32_t step, double rate, double phase) {
  const double t = static_cast<double>(step);
  return static_cast<std::uint32_t>(std::floor((t + 1.0) * rate + phase) -
                                    std::floor(t * rate + phase));
}

/// Sarle's bimodality coefficient from n values with central moments m2, m3, m4:
/// (g^2 + 1) / (k + 3 (n-1)^2 / ((n-2)(n-3))), g the skewness and k the excess kurtosis
/// (SAS Institute 1990; Pfister et al. 2013, Front. Psychol. 4:700). Values above 5/9 (the
/// uniform distribution's) suggest bimodality. Returns 0 when undefined (n < 4 or no variance).
inline double bimodality_coefficient(double n, double m2, double m3, double m4) {
  if (n < 4 || !(m2 > 1e-12)) return 0.0;
  const double g = m3 / (m2 * std::sqrt(m2));
  const double k = m4 / (m2 * m2) - 3.0;
  return (g * g + 1.0) / (k + 3.0 * (n - 1) * (n - 1) / ((n - 2) * (n - 3)));
}

}  // namespace dipsim::model
