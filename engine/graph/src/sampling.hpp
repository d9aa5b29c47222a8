// Private sampling and parallel-assembly helpers shared by the graph generators: 64-bit uniform
// integers, geometric skips, stochastic rounding, truncated Pareto and Poisson deviates,
// Walker/Vose alias tables, and an edge-stream assembler that generates fixed-size chunks in
// parallel and concatenates them in chunk order.
//
// How: every helper draws from a core::CounterRng that the caller keys by identity (seed, stream,
// node, phase), and the chunk assembler's chunk boundaries depend only on the item count and a
// fixed grain, so every result is bit-identical for any thread count.
//
// Why: the generators share these few kernels; keeping them in one place keeps the determinism and
// numerical care (log1p, truncated inverse CDFs, Stirling series) in one reviewed spot.
//
// References: geometric skipping: V. Batagelj and U. Brandes, "Efficient generation of large
// random networks", Phys. Rev. E 71, 036113 (2005). Alias method: M. D. Vose, "A linear algorithm
// for generating random numbers with a given distribution", IEEE TSE 17(9) (1991). Poisson PTRS:
// W. Hörmann, "The transformed rejection method for generating Poisson random variables",
// Insurance: Mathematics and Economics 12 (1993).
#pragma once
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/partitioner.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "dipsim/core/rng.hpp"
#include "dipsim/core/types.hpp"
#include "dipsim/graph/follow_graph.hpp"

namespace dipsim::graph::detail {

/// Uniform integer in [0, n) for any 64-bit n > 0 (unbiased: masked rejection above 2^32).
inline std::uint64_t below64(core::CounterRng& rng, std::uint64_t n) {
  if (n <= std::numeric_limits<std::uint32_t>::max()) {
    return rng.below(static_cast<std::uint32_t>(n));
  }
  std::uint64_t mask = n - 1;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  mask |= mask >> 32;
  for (;;) {
    const std::uint64_t hi = rng.next_u32();
    const std::uint64_t x = ((hi << 32) | rng.next_u32()) & mask;
    if (x < n) return x;
  }
}

/// Number of failures before the next success of a Bernoulli(p) sequence, given log1p(-p) < 0.
/// Returns a double so that callers can compare against their remaining range without overflow.
inline double geometric_skip(core::CounterRng& rng, double log1m_p) {
  const double u = 1.0 - rng.uniform();  // (0, 1]
  return std::floor(std::log(u) / log1m_p);
}

/// floor(x) or floor(x) + 1, with mean x (x >= 0).
inline std::uint64_t stochastic_round(core::CounterRng& rng, double x) {
  const double base = std::floor(x);
  const double frac = x - base;
  return static_cast<std::uint64_t>(base) + (frac > 0.0 && rng.uniform() < frac ? 1u : 0u);
}

/// Continuous Pareto deviate with density ∝ x^-exponent on [lo, hi] (hi = +inf allowed),
/// by inversion of the truncated CDF. exponent > 1, 0 < lo <= hi.
inline double truncated_pareto(core::CounterRng& rng, double exponent, double lo, double hi) {
  const double s = exponent - 1.0;
  const double u = rng.uniform();
  const double a = std::pow(lo, -s);
  const double b = std::isinf(hi) ? 0.0 : std::pow(hi, -s);
  return std::pow(a - u * (a - b), -1.0 / s);
}

/// ln(k!) for k >= 0: exact sum below 16, Stirling series with three correction terms above
/// (absolute error < 1e-13), so that no call touches lgamma's global `signgam`.
inline double log_factorial(std::uint64_t k) {
  if (k < 16) {
    double s = 0.0;
    for (std::uint64_t i = 2; i <= k; ++i) s += std::log(static_cast<double>(i));
    return s;
  }
  const double x = static_cast<double>(k);
  const double x2 = x * x;
  return x * std::log(x) - x + 0.5 * std::log(2.0 * 3.14159265358979323846 * x) + 1.0 / (12.0 * x) -
         1.0 / (360.0 * x * x2) + 1.0 / (1260.0 * x2 * x2 * x);
}

/// Poisson deviate: inversion for mean < 10, Hörmann's PTRS above.
inline std::uint64_t poisson(core::CounterRng& rng, double mean) {
  if (mean <= 0.0) return 0;
  if (mean < 10.0) {
    std::uint64_t x = 0;
    double p = std::exp(-mean);
    double s = p;
    const double u = rng.uniform();
    while (u > s && x < 1000) {
      ++x;
      p *= mean / static_cast<double>(x);
      s += p;
    }
    return x;
  }
  const double slam = std::sqrt(mean);
  const double loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = rng.uniform() - 0.5;
    const double v = rng.uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<std::uint64_t>(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <=
        -mean + k * loglam - log_factorial(static_cast<std::uint64_t>(k))) {
      return static_cast<std::uint64_t>(k);
    }
  }
}

/// Walker/Vose alias table over n outcomes with non-negative weights: O(1) draws using two 32-bit
/// words. Each entry holds its threshold and both outcome values side by side (12 bytes), so a draw
/// touches one cache line: with `values` the table returns values[i] directly (e.g. node ids)
/// instead of an index. Built serially (deterministic).
class AliasTable {
 public:
  AliasTable() = default;
  explicit AliasTable(std::span<const double> weights) { build(weights); }

  /// Outcomes are the indices 0..n-1.
  void build(std::span<const double> weights) { build(weights, {}); }

  /// Outcomes are values[i] (values.size() == weights.size()), or indices when values is empty.
  void build(std::span<const double> weights, std::span<const std::uint32_t> values) {
    const std::size_t n = weights.size();
    entries_.assign(n, Entry{});
    double total = 0.0;
    for (double w : weights) total += w;
    total_ = total;
    if (n == 0 || !(total > 0.0)) return;
    auto value = [&](std::uint32_t i) { return values.empty() ? i : values[i]; };
    std::vector<double> scaled(n);
    std::vector<std::uint32_t> small, large;
    small.reserve(n);
    large.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      scaled[i] = weights[i] * static_cast<double>(n) / total;
      (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      const std::uint32_t s = small.back();
      small.pop_back();
      const std::uint32_t l = large.back();
      set(s, scaled[s], value(s), value(l));
      scaled[l] = (scaled[l] + scaled[s]) - 1.0;
      if (scaled[l] < 1.0) {
        large.pop_back();
        small.push_back(l);
      }
    }
    // Leftovers are 1 up to rounding: they keep themselves.
    for (std::uint32_t i : large) set(i, 1.0, value(i), value(i));
    for (std::uint32_t i : small) set(i, 1.0, value(i), value(i));
  }

  std::size_t size() const { return entries_.size(); }
  double total() const { return total_; }
  bool usable() const { return !entries_.empty() && total_ > 0.0; }

  /// An outcome (index or value). Requires usable().
  std::uint32_t sample(core::CounterRng& rng) const {
    const Entry& e = entries_[rng.below(static_cast<std::uint32_t>(entries_.size()))];
    return rng.next_u32() < e.threshold ? e.keep : e.alias;
  }

 private:
  struct Entry {
    std::uint32_t threshold = 0;  // keep with probability threshold / 2^32
    std::uint32_t keep = 0;
    std::uint32_t alias = 0;
  };

  void set(std::uint32_t i, double p, std::uint32_t keep, std::uint32_t other) {
    Entry& e = entries_[i];
    e.keep = keep;
    if (p >= 1.0) {
      e.threshold = std::numeric_limits<std::uint32_t>::max();
      e.alias = keep;  // keeps itself even when the word equals the threshold
    } else {
      e.threshold = static_cast<std::uint32_t>(std::max(0.0, p) * 4294967296.0);
      e.alias = other;
    }
  }

  std::vector<Entry> entries_;
  double total_ = 0.0;
};

/// Fixed-grain deterministic sum of f(i) over [0, n): the same blocks and combination order for any
/// thread count (parallel_deterministic_reduce with a simple partitioner).
template <class F>
double deterministic_sum(std::size_t n, F f, std::size_t grain = 16384) {
  return tbb::parallel_deterministic_reduce(
      tbb::blocked_range<std::size_t>(0, n, grain), 0.0,
      [&](const tbb::blocked_range<std::size_t>& r, double acc) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) acc += f(i);
        return acc;
      },
      [](double a, double b) { return a + b; }, tbb::simple_partitioner());
}

/// In-place exclusive prefix sum of v[0..n) into v (v.size() == n + 1, v[n] receives the total).
/// Serial: a memory-bound pass that costs well under a second even at 1e8 entries.
template <class T>
void exclusive_scan_inplace(std::vector<T>& v) {
  T running = 0;
  for (auto& x : v) {
    const T c = x;
    x = running;
    running += c;
  }
}

/// Generates an edge stream in fixed chunks of `grain` items: fn(begin, end, out) appends the edges
/// of items [begin, end) to `out`. Chunks run in parallel; the result is their concatenation in
/// chunk order, so it depends only on fn, n and grain, never on the thread count.
template <class Fn>
std::vector<Edge> generate_chunked(std::size_t n, std::size_t grain, Fn&& fn) {
  const std::size_t chunks = n == 0 ? 0 : (n + grain - 1) / grain;
  std::vector<std::vector<Edge>> parts(chunks);
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, chunks, 1),
      [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t c = r.begin(); c != r.end(); ++c) {
          fn(c * grain, std::min(n, (c + 1) * grain), parts[c]);
        }
      },
      tbb::simple_partitioner());
  std::vector<std::size_t> start(chunks + 1, 0);
  for (std::size_t c = 0; c < chunks; ++c) start[c + 1] = start[c] + parts[c].size();
  std::vector<Edge> edges(start[chunks]);
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, chunks, 1),
      [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t c = r.begin(); c != r.end(); ++c) {
          std::copy(parts[c].begin(), parts[c].end(),
                    edges.begin() + static_cast<std::ptrdiff_t>(start[c]));
          std::vector<Edge>().swap(parts[c]);
        }
      },
      tbb::simple_partitioner());
  return edges;
}

}  // namespace dipsim::graph::detail
