// Counter-based random numbers (Random123 Philox4x32-10; Salmon et al., "Parallel random numbers:
// as easy as 1, 2, 3", SC 2011). A draw is a pure function of (seed, stream, agent, step, index),
// so results do not depend on thread count or scheduling, and two experiment arms draw the same
// numbers for every (stream, agent, step) they share (common random numbers).
//
// Key = the 64-bit seed. Counter = (agent, step, stream, block); each Philox call yields four
// 32-bit words, and `block` advances every four draws. Streams separate purposes (activity,
// ranking, resharing, ...) so that adding draws to one mechanism never shifts another's numbers.
#pragma once
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <numbers>

namespace dipsim::core {

class CounterRng {
 public:
  using Philox = r123::Philox4x32;

  CounterRng(std::uint64_t seed, std::uint32_t stream, std::uint32_t agent, std::uint32_t step) {
    key_ = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    ctr_ = {{agent, step, stream, 0u}};
  }

  /// Next uniformly distributed 32-bit word.
  std::uint32_t next_u32() {
    if (pos_ == 4) refill();
    return out_.v[pos_++];
  }

  /// Uniform double in [0, 1) with 53 random bits.
  double uniform() {
    const std::uint64_t hi = next_u32() >> 5;  // 27 bits
    const std::uint64_t lo = next_u32() >> 6;  // 26 bits
    return static_cast<double>((hi << 26) | lo) * 0x1.0p-53;
  }

  /// Uniform float in [0, 1) with 24 random bits (one word; for hot loops).
  float uniform_f() { return static_cast<float>(next_u32() >> 8) * 0x1.0p-24f; }

  /// True with probability p (p <= 0 never, p >= 1 always).
  bool bernoulli(double p) { return uniform() < p; }

  /// Uniform integer in [0, n) for n > 0, unbiased (Lemire's multiply-and-reject).
  std::uint32_t below(std::uint32_t n) {
    std::uint64_t m = static_cast<std::uint64_t>(next_u32()) * n;
    auto low = static_cast<std::uint32_t>(m);
    if (low < n) {
      const std::uint32_t threshold = static_cast<std::uint32_t>(-n) % n;
      while (low < threshold) {
        m = static_cast<std::uint64_t>(next_u32()) * n;
        low = static_cast<std::uint32_t>(m);
      }
    }
    return static_cast<std::uint32_t>(m >> 32);
  }

  /// Standard normal deviate (Box-Muller; uses two uniforms per call, no cached state).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

  /// Normal with mean and standard deviation, truncated by clamping to [lo, hi].
  double clamped_normal(double mean, double sd, double lo, double hi) {
    const double x = mean + sd * normal();
    return x < lo ? lo : (x > hi ? hi : x);
  }

 private:
  void refill() {
    out_ = Philox{}(ctr_, key_);
    ++ctr_.v[3];
    pos_ = 0;
  }

  Philox::key_type key_;
  Philox::ctr_type ctr_;
  Philox::ctr_type out_{};
  unsigned pos_ = 4;
};

/// Uniforms for draws every agent makes every step (whether it has a session, whether an outlet
/// reaches it), four agents per Philox call: agent a gets word (a & 3) of the call with counter
/// (a >> 2, step, stream, block | 2^31). A quarter of the calls of one CounterRng per agent; each
/// agent's number is still a pure function of (seed, stream, agent, step, block), so results do
/// not depend on thread count or on which other agents draw. The top bit of the block keeps these
/// counters apart from CounterRng's in the same stream. Cheapest when agents ask in order.
class LaneRng {
 public:
  using Philox = r123::Philox4x32;

  LaneRng(std::uint64_t seed, std::uint32_t stream, std::uint32_t step, std::uint32_t block = 0)
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
        ctr_{{0u, step, stream, block | 0x80000000u}} {}

  /// Uniform double in [0, 1) with 32 random bits, for `agent`.
  double uniform(std::uint32_t agent) {
    const std::uint32_t group = agent >> 2;
    if (group != group_ || !valid_) {
      ctr_.v[0] = group;
      out_ = Philox{}(ctr_, key_);
      group_ = group;
      valid_ = true;
    }
    return static_cast<double>(out_.v[agent & 3u]) * 0x1.0p-32;
  }

 private:
  Philox::key_type key_;
  Philox::ctr_type ctr_;
  Philox::ctr_type out_{};
  std::uint32_t group_ = 0;
  bool valid_ = false;
};

}  // namespace dipsim::core
