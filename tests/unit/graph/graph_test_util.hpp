// Helpers shared by the graph-layer tests: running a callable under a fixed thread count, and
// statistical checks that print what they expected and the tolerance they used.
#pragma once
#include <gtest/gtest.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <cstdio>
#include <string>

namespace dipsim::graph::test {

/// Runs f() with at most `threads` TBB threads (an arena of that size under a global limit).
template <class F>
auto with_threads(int threads, F&& f) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  tbb::task_arena arena(threads);
  return arena.execute([&] { return f(); });
}

/// Expects |got - expected| <= tol and prints the check either way ("expecting X ± tol, got Y").
inline void expect_near_report(const std::string& what, double expected, double got, double tol,
                               const std::string& why) {
  std::printf("  [theory] %s: expecting %.6g ± %.3g, got %.6g (%s)\n", what.c_str(), expected, tol,
              got, why.c_str());
  EXPECT_LE(std::fabs(got - expected), tol) << what << ": expecting " << expected << " ± " << tol
                                            << ", got " << got << " (" << why << ")";
}

}  // namespace dipsim::graph::test
