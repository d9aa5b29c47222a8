// The model's per-item rules as small pure functions, so each has a unit test of its own and the
// step kernel (sim/engine.cpp) reads as a sequence of named rules.
#pragma once
#include <algorithm>
#include <cmath>

namespace dipsim::model {

/// One-sided bounded-confidence update (Deffuant, Neau, Amblard & Weisbuch 2000, "Mixing beliefs
/// among interacting agents", Adv. Complex Syst. 3:87): a reader with attitude `a` and confidence
/// width `openness` moves toward an item's stance `x` by `rate * (x - a)` when |x - a| < openness
/// and ignores it otherwise. The item does not move (it is a post, not a person). Result is
/// clamped to [-1, 1].
inline float bounded_confidence_update(float a, float x, float openness, float rate) {
  const float d = x - a;
  if (!(std::fabs(d) < openness)) return a;
  return std::clamp(a + rate * d, -1.0f, 1.0f);
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
  const float agreement = std::max(0.0f, 1.0f - 0.5f * distance);
  return std::clamp(propensity * appeal * agreement, 0.0f, 1.0f);
}

/// Engagement-weighted feed score: popularity with exponential age decay (half-life in steps).
inline float engagement_score(std::uint32_t reshares, std::uint32_t age_steps, float half_life) {
  return (1.0f + static_cast<float>(reshares)) *
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

}  // namespace dipsim::model
