// Resource attacks on sweep files (issue #12, docs/fuzzing.md): YAML alias expansion ("billion
// laughs"), non-finite numbers in grid values and sampled bounds. Each must fail quickly with a
// core::Error naming the sweep file's line and the key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "dipsim/sweep/sweep_file.hpp"
#include "sweep_test_util.hpp"

namespace dipsim::sweep {
namespace {

using ::testing::HasSubstr;

std::string error_of(const std::string& text) {
  const test::TempDir dir;
  try {
    load_sweep(dir.write("sweep.yaml", text), test::include_dirs());
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::kInput) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "accepted:\n" << text;
  return {};
}

TEST(SweepAttacks, BillionLaughsFailsFastAtTheAlias) {
  // Eight levels of ten aliases: 10^8 strings once expanded, used twice.
  const std::string text = R"(scenario: SCENARIO
overrides:
  title: &h [&g [&f [&e [&d [&c [&b [&a [x, x, x, x, x, x, x, x, x, x], *a, *a, *a, *a, *a, *a, *a, *a, *a], *b, *b, *b, *b, *b, *b, *b, *b, *b], *c, *c, *c, *c, *c, *c, *c, *c, *c], *d, *d, *d, *d, *d, *d, *d, *d, *d], *e, *e, *e, *e, *e, *e, *e, *e, *e], *f, *f, *f, *f, *f, *f, *f, *f, *f], *g, *g, *g, *g, *g, *g, *g, *g, *g]
  description: *h
)";
  const auto start = std::chrono::steady_clock::now();
  const std::string what = error_of(text);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_THAT(what, HasSubstr("sweep.yaml:3:249: the YAML has more than 1000000 nodes once aliases "
                              "(*name) are expanded"));
  EXPECT_THAT(what, HasSubstr("\"billion laughs\""));
}

TEST(SweepAttacks, SmallAliasesAreStillAccepted) {
  const test::TempDir dir;
  const Sweep s = load_sweep(dir.write("sweep.yaml", std::string(R"(scenario: SCENARIO
)") + test::kTinyOverrides + R"(parameters:
  citizens.activity_per_hour: &rates [0.1, 0.2]
arms:
  a: {run.steps: &steps 6}
  b: {run.steps: *steps}
)"),
                             test::include_dirs());
  EXPECT_EQ(s.num_runs(), 4u);
}

TEST(SweepAttacks, NonFiniteValuesAndBoundsNameTheKey) {
  EXPECT_THAT(
      error_of("scenario: SCENARIO\nparameters:\n  citizens.activity_per_hour: [0.1, .nan]\n"),
      HasSubstr("sweep.yaml:3:37: citizens.activity_per_hour: expected a number in [0, 1], "
                "got \".nan\" (NaN is not allowed)"));
  EXPECT_THAT(error_of("scenario: SCENARIO\ndesign: latin_hypercube\nn: 4\nparameters:\n"
                       "  citizens.activity_per_hour: {min: 0.1, max: .inf}\n"),
              HasSubstr("sweep.yaml:5:"));
  EXPECT_THAT(error_of("scenario: SCENARIO\ndesign: sobol\nn: 4\nparameters:\n"
                       "  citizens.activity_per_hour: {min: .nan, max: 0.5}\n"),
              HasSubstr("sweep.yaml:5:"));
}

}  // namespace
}  // namespace dipsim::sweep
