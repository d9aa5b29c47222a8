#include "dipsim/graph/random_follow.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cmath>

#include "dipsim/core/error.hpp"
#include "dipsim/core/rng.hpp"

namespace dipsim::graph {

std::vector<Edge> random_follow_edges(const RandomFollowSpec& spec) {
  if (!(spec.mean_following >= 0.0) || !(spec.home_share >= 0.0 && spec.home_share <= 1.0)) {
    throw core::Error(core::ErrorKind::kInput,
                      "random follow graph: mean_following must be >= 0 and home_share in [0,1]");
  }
  // Flatten members: follower list and per-country ranges inside it.
  std::vector<NodeId> all;
  std::vector<std::size_t> begin{0};
  for (const auto& members : spec.members_by_country) {
    all.insert(all.end(), members.begin(), members.end());
    begin.push_back(all.size());
  }
  const std::size_t n = all.size();
  if (n < 2) return {};
  const auto base = static_cast<std::uint32_t>(std::floor(spec.mean_following));
  const double frac = spec.mean_following - base;

  // Pass 1: out-degree per follower (first draw of its RNG), prefix sums give write positions.
  std::vector<std::uint64_t> start(n + 1, 0);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 8192),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t i = r.begin(); i != r.end(); ++i) {
                        core::CounterRng rng(spec.seed, spec.stream, all[i], 0);
                        start[i + 1] = base + (rng.uniform() < frac ? 1u : 0u);
                      }
                    });
  for (std::size_t i = 0; i < n; ++i) start[i + 1] += start[i];
  std::vector<Edge> edges(start[n]);

  // Pass 2: targets. The same RNG sequence continues (first draw was the degree).
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, spec.members_by_country.size(), 1),
                    [&](const tbb::blocked_range<std::size_t>& rc) {
                      for (std::size_t c = rc.begin(); c != rc.end(); ++c) {
                        const std::size_t home_lo = begin[c];
                        const auto home_n = static_cast<std::uint32_t>(begin[c + 1] - begin[c]);
                        tbb::parallel_for(
                            tbb::blocked_range<std::size_t>(begin[c], begin[c + 1], 8192),
                            [&](const tbb::blocked_range<std::size_t>& r) {
                              for (std::size_t i = r.begin(); i != r.end(); ++i) {
                                core::CounterRng rng(spec.seed, spec.stream, all[i], 0);
                                (void)rng.uniform();
                                for (std::uint64_t e = start[i]; e < start[i + 1]; ++e) {
                                  const bool home = home_n > 0 && rng.uniform() < spec.home_share;
                                  const std::size_t j =
                                      home ? home_lo + rng.below(home_n)
                                           : rng.below(static_cast<std::uint32_t>(n));
                                  edges[e] = Edge{all[i], all[j]};
                                }
                              }
                            });
                      }
                    });
  return edges;
}

}  // namespace dipsim::graph
