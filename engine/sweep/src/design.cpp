// Designs: see design.hpp for the methods and their references.
#include "dipsim/sweep/design.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <numeric>

#include "dipsim/core/error.hpp"
#include "dipsim/core/rng.hpp"

namespace dipsim::sweep {

namespace {

// Streams of core::CounterRng used by the sweep layer (any constants distinct from each other;
// the sweep seed is the key, so they never meet the simulation's streams of the same seed).
constexpr std::uint32_t kLhsPermutationStream = 0x4C485331;  // "LHS1"
constexpr std::uint32_t kLhsJitterStream = 0x4C485332;       // "LHS2"
constexpr std::uint32_t kRunSeedStream = 0x53454544;         // "SEED"

// Joe & Kuo (2008), new-joe-kuo-6.21201, dimensions 2..32: degree s of the primitive
// polynomial, its coefficients a (interior bits), and the initial direction numbers m_1..m_s.
// (Dimension 1 is the van der Corput sequence: every m_i = 1.)
struct DirectionRow {
  std::uint32_t s;
  std::uint32_t a;
  std::array<std::uint32_t, 8> m;
};
constexpr std::array<DirectionRow, kSobolMaxDims - 1> kJoeKuo{{
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
}};

constexpr unsigned kSobolBits = 32;

// Direction numbers V_1..V_32 of one dimension, scaled to 32 bits (Joe & Kuo's sobol.cc).
std::array<std::uint32_t, kSobolBits + 1> direction_numbers(std::uint32_t dim) {
  std::array<std::uint32_t, kSobolBits + 1> v{};
  if (dim == 0) {
    for (unsigned i = 1; i <= kSobolBits; ++i) v[i] = 1u << (kSobolBits - i);
    return v;
  }
  const DirectionRow& row = kJoeKuo[dim - 1];
  const unsigned s = row.s;
  for (unsigned i = 1; i <= std::min(s, kSobolBits); ++i) {
    v[i] = row.m[i - 1] << (kSobolBits - i);
  }
  for (unsigned i = s + 1; i <= kSobolBits; ++i) {
    v[i] = v[i - s] ^ (v[i - s] >> s);
    for (unsigned k = 1; k < s; ++k) {
      v[i] ^= ((row.a >> (s - 1 - k)) & 1u) * v[i - k];
    }
  }
  return v;
}

}  // namespace

std::vector<double> linear_axis(double from, double to, std::uint32_t steps) {
  if (steps == 0) throw core::Error(core::ErrorKind::kInternal, "linear_axis: steps must be >= 1");
  std::vector<double> out(steps);
  if (steps == 1) {
    out[0] = from;
    return out;
  }
  for (std::uint32_t i = 0; i < steps; ++i) {
    // Both ends exact; interior values by interpolation (no accumulated rounding).
    const double t = static_cast<double>(i) / static_cast<double>(steps - 1);
    out[i] = i + 1 == steps ? to : from + t * (to - from);
  }
  return out;
}

std::vector<double> sobol_points(std::uint64_t n, std::uint32_t dims) {
  if (dims == 0 || dims > kSobolMaxDims) {
    throw core::Error(core::ErrorKind::kInternal,
                      "sobol_points: dims must be in [1, " + std::to_string(kSobolMaxDims) + "]");
  }
  if (n > (std::uint64_t{1} << kSobolBits)) {
    throw core::Error(core::ErrorKind::kInternal, "sobol_points: at most 2^32 points");
  }
  std::vector<std::array<std::uint32_t, kSobolBits + 1>> v(dims);
  for (std::uint32_t j = 0; j < dims; ++j) v[j] = direction_numbers(j);
  std::vector<double> out(n * dims);
  std::vector<std::uint32_t> x(dims, 0);  // point 0 is the origin
  constexpr double kScale = 0x1.0p-32;
  for (std::uint64_t i = 0; i < n; ++i) {
    if (i > 0) {
      // Gray-code order: point i differs from i-1 in direction C, the (1-based) position of the
      // lowest zero bit of i-1.
      const auto c = static_cast<unsigned>(std::countr_one(i - 1)) + 1;
      for (std::uint32_t j = 0; j < dims; ++j) x[j] ^= v[j][c];
    }
    for (std::uint32_t j = 0; j < dims; ++j) out[i * dims + j] = x[j] * kScale;
  }
  return out;
}

std::vector<double> latin_hypercube(std::uint64_t n, std::uint32_t dims, std::uint64_t seed) {
  if (n > 0xFFFFFFFFull) {
    throw core::Error(core::ErrorKind::kInternal, "latin_hypercube: at most 2^32 - 1 points");
  }
  std::vector<double> out(n * dims);
  std::vector<std::uint32_t> perm(n);
  for (std::uint32_t j = 0; j < dims; ++j) {
    // Fisher-Yates shuffle of the strata, then one uniform position inside each stratum.
    std::iota(perm.begin(), perm.end(), 0u);
    core::CounterRng shuffle(seed, kLhsPermutationStream, j, 0);
    for (std::uint64_t i = n; i > 1; --i) {
      const std::uint32_t k = shuffle.below(static_cast<std::uint32_t>(i));
      std::swap(perm[i - 1], perm[k]);
    }
    core::CounterRng jitter(seed, kLhsJitterStream, j, 0);
    for (std::uint64_t i = 0; i < n; ++i) {
      const double u = (perm[i] + jitter.uniform()) / static_cast<double>(n);
      // Rounding can reach the stratum's upper edge; keep the value inside its stratum.
      out[i * dims + j] =
          std::min(u, std::nextafter((perm[i] + 1.0) / static_cast<double>(n), 0.0));
    }
  }
  return out;
}

double scale_unit(double u, double lo, double hi, bool integer) {
  if (!integer) return lo + u * (hi - lo);
  const double v = lo + std::floor(u * (hi - lo + 1.0));
  return std::min(v, hi);
}

std::uint64_t run_seed(std::uint64_t sweep_seed, std::uint64_t point, std::uint64_t replicate) {
  if (point > 0xFFFFFFFFull || replicate > 0xFFFFFFFFull) {
    throw core::Error(core::ErrorKind::kInternal, "run_seed: point and replicate must be < 2^32");
  }
  // Key = sweep seed, counter = (point, replicate, stream): one Philox block per run.
  core::CounterRng rng(sweep_seed, kRunSeedStream, static_cast<std::uint32_t>(point),
                       static_cast<std::uint32_t>(replicate));
  const std::uint64_t hi = rng.next_u32();
  const std::uint64_t lo = rng.next_u32();
  return ((hi << 32) | lo) >> 1;  // 63 bits: run.seed is a non-negative int64
}

std::vector<std::uint64_t> shard_runs(std::uint64_t num_runs, std::uint64_t shard,
                                      std::uint64_t shards) {
  if (shards == 0 || shard >= shards) {
    throw core::Error(core::ErrorKind::kInternal, "shard_runs: expected shard < shards");
  }
  std::vector<std::uint64_t> out;
  out.reserve(num_runs / shards + 1);
  for (std::uint64_t r = shard; r < num_runs; r += shards) out.push_back(r);
  return out;
}

}  // namespace dipsim::sweep
