#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <set>

#include "dipsim/core/rng.hpp"

using dipsim::core::CounterRng;

TEST(CounterRng, SameKeyAndCounterGiveSameSequence) {
  CounterRng a(42, 3, 17, 5), b(42, 3, 17, 5);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_u32(), b.next_u32());
}

TEST(CounterRng, EachKeyComponentChangesTheSequence) {
  const auto first = [](CounterRng r) { return std::make_pair(r.next_u32(), r.next_u32()); };
  std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
  seen.insert(first(CounterRng(42, 3, 17, 5)));
  seen.insert(first(CounterRng(43, 3, 17, 5)));
  seen.insert(first(CounterRng(42, 4, 17, 5)));
  seen.insert(first(CounterRng(42, 3, 18, 5)));
  seen.insert(first(CounterRng(42, 3, 17, 6)));
  seen.insert(first(CounterRng(42ull | (1ull << 40), 3, 17, 5)));  // high seed bits matter
  EXPECT_EQ(seen.size(), 6u);
}

// Mean and variance of U(0,1): n = 1e6 draws, standard error of the mean = sqrt(1/12/n) = 2.9e-4;
// we allow 5 standard errors (false-failure probability < 1e-6 for a fixed seed it is exact).
TEST(CounterRng, UniformMomentsMatchTheory) {
  constexpr int n = 1'000'000;
  double sum = 0, sum2 = 0;
  CounterRng r(7, 0, 0, 0);
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  const double se = std::sqrt(1.0 / 12.0 / n);
  std::printf("uniform mean: expecting 0.5 +- %.2e, got %.6f\n", 5 * se, mean);
  EXPECT_NEAR(mean, 0.5, 5 * se);
  EXPECT_NEAR(var, 1.0 / 12.0, 1e-3);  // se of the variance estimate ~ 7.5e-5; 1e-3 is > 10 se
}

// below(n) must be unbiased: chi-square over 10 bins with 1e5 draws; 99.9% quantile of
// chi2(9) is 27.88.
TEST(CounterRng, BelowIsUniform) {
  constexpr int bins = 10, n = 100'000;
  int count[bins] = {};
  CounterRng r(11, 1, 2, 3);
  for (int i = 0; i < n; ++i) ++count[r.below(bins)];
  double chi2 = 0;
  for (int c : count) chi2 += (c - n / bins) * (c - n / bins) / double(n / bins);
  std::printf("below(10) chi2: expecting < 27.88, got %.2f\n", chi2);
  EXPECT_LT(chi2, 27.88);
}

// Normal deviates: mean 0 and variance 1, 5 standard errors on 2e5 draws.
TEST(CounterRng, NormalMomentsMatchTheory) {
  constexpr int n = 200'000;
  double sum = 0, sum2 = 0;
  CounterRng r(5, 0, 0, 0);
  for (int i = 0; i < n; ++i) {
    const double x = r.normal();
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.0, 5 * std::sqrt(1.0 / n));
  EXPECT_NEAR(var, 1.0, 5 * std::sqrt(2.0 / n));
}
