// Experiment designs and the deterministic bookkeeping of a sweep: grid axes, Latin hypercube and
// Sobol samples of the unit cube, the seed of each (point, replicate), and the assignment of runs
// to shards.
//
// How and why:
// - Latin hypercube (McKay, Beckman & Conover 1979, Technometrics 21:239): in each dimension the
//   n points fall one in each of the n equal strata, in an order given by a random permutation,
//   at a random position inside the stratum. The permutations and positions are drawn from the
//   project's counter-based generator (core::CounterRng) keyed by the sweep seed, so a sweep file
//   always gives the same points, on any machine and for any number of ranks.
// - Sobol (Sobol' 1967; Bratley & Fox 1988, ACM TOMS 14:88, the Gray-code construction) with the
//   direction numbers of Joe & Kuo (2008, SIAM J. Sci. Comput. 30:2635), file
//   new-joe-kuo-6.21201 (https://web.maths.unsw.edu.au/~fkuo/sobol/), first kSobolMaxDims
//   dimensions. Unscrambled; the first point is the origin, as in that file's reference program
//   and scipy.stats.qmc.Sobol(scramble=False); take n a power of two for balanced sets.
// - Seeds: the seed of a run is a pure function of (sweep seed, point, replicate) and not of the
//   arm, so all arms of a (point, replicate) draw the same random numbers wherever they do not
//   differ (common random numbers), and paired differences between arms have less noise.
#pragma once
#include <cstdint>
#include <vector>

namespace dipsim::sweep {

/// Largest number of dimensions sobol_points() supports (rows of the Joe & Kuo table kept).
inline constexpr std::uint32_t kSobolMaxDims = 32;

/// `steps` evenly spaced values from `from` to `to`, both included (steps == 1: just `from`).
std::vector<double> linear_axis(double from, double to, std::uint32_t steps);

/// The first `n` points of the Sobol sequence in `dims` dimensions (1 <= dims <= kSobolMaxDims),
/// row-major: point i, dimension j is at [i * dims + j]; values in [0, 1).
std::vector<double> sobol_points(std::uint64_t n, std::uint32_t dims);

/// A Latin hypercube sample of `n` points in `dims` dimensions drawn with `seed`, row-major as
/// sobol_points(); values in [0, 1). In every dimension, floor(value * n) takes each of 0..n-1
/// exactly once.
std::vector<double> latin_hypercube(std::uint64_t n, std::uint32_t dims, std::uint64_t seed);

/// Maps u in [0, 1) onto [lo, hi]: lo + u (hi - lo), or for integers the integer stratum
/// lo + floor(u (hi - lo + 1)) (clamped to hi), so each integer gets an equal share of [0, 1).
double scale_unit(double u, double lo, double hi, bool integer);

/// Seed of replicate `replicate` at design point `point` of a sweep with seed `sweep_seed`: a
/// 63-bit number (run.seed's range) from Philox keyed by the sweep seed. Does not depend on the
/// arm (common random numbers across arms).
std::uint64_t run_seed(std::uint64_t sweep_seed, std::uint64_t point, std::uint64_t replicate);

/// Shard `shard` of `shards` (0 <= shard < shards) runs the runs whose index modulo `shards` is
/// `shard`, in increasing order: every run belongs to exactly one shard.
std::vector<std::uint64_t> shard_runs(std::uint64_t num_runs, std::uint64_t shard,
                                      std::uint64_t shards);

}  // namespace dipsim::sweep
