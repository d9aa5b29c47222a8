// Sweep files: the plan they give (points, runs, names, seeds, overrides) and their errors. Each
// malformed case asserts the file, line, column and key of the message and its important phrase.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "dipsim/sweep/sweep_file.hpp"
#include "sweep_test_util.hpp"

namespace dipsim::sweep {
namespace {

using test::TempDir;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

Sweep load(const TempDir& dir, const std::string& text) {
  return load_sweep(dir.write("sweep.yaml", text), test::include_dirs());
}

TEST(SweepFile, GridPointsRunsAndNames) {
  const TempDir dir;
  const Sweep s = load(dir, std::string("scenario: SCENARIO\nseed: 5\nreplicates: 3\n") +
                                test::kTinyOverrides + R"(parameters:
  states[0].posts_per_day: [2, 8, 16]
  citizens.activity_per_hour: {from: 0.1, to: 0.3, steps: 2}
arms:
  base: {}
  no_beta:
    states[1].posts_per_day: 0
)");
  EXPECT_EQ(s.name, "sweep");
  EXPECT_EQ(s.design, DesignKind::kGrid);
  ASSERT_EQ(s.points.size(), 6u);
  EXPECT_EQ(s.num_runs(), 6u * 2 * 3);
  // The first parameter varies slowest.
  const std::vector<std::pair<double, double>> expected = {{2, 0.1}, {2, 0.3},  {8, 0.1},
                                                           {8, 0.3}, {16, 0.1}, {16, 0.3}};
  for (std::size_t p = 0; p < 6; ++p) {
    EXPECT_EQ(std::get<double>(s.points[p][0]), expected[p].first);
    EXPECT_EQ(std::get<double>(s.points[p][1]), expected[p].second);
  }
  const RunSpec r = s.run(17);  // (point 2, arm 1, replicate 2)
  EXPECT_EQ(r.point, 2u);
  EXPECT_EQ(r.arm, 1u);
  EXPECT_EQ(r.replicate, 2u);
  EXPECT_EQ(r.file, "p0002_no_beta_r02.h5");
  const auto o = s.run_overrides(r);
  EXPECT_EQ(o.front(), "citizens.count=200");
  EXPECT_THAT(o, ::testing::Contains("states[0].posts_per_day=8.0"));
  EXPECT_THAT(o, ::testing::Contains("citizens.activity_per_hour=0.1"));
  EXPECT_THAT(o, ::testing::Contains("states[1].posts_per_day=0"));
  EXPECT_EQ(o.back(), "run.seed=" + std::to_string(r.seed));
  EXPECT_THAT(s.run_command(r, "out/x.h5"),
              HasSubstr(" -o out/x.h5 --set citizens.count=200 --set "));
  // Default summary: final mean attitude per state, averaged over countries.
  ASSERT_EQ(s.summaries.size(), 2u);
  EXPECT_EQ(s.summaries[0].name, "mean_attitude.Alpha");
  EXPECT_EQ(s.summaries[1].name, "mean_attitude.Beta");
}

TEST(SweepFile, SeedsDependOnPointAndReplicateNotArm) {
  const TempDir dir;
  const Sweep s = load(dir, R"(scenario: SCENARIO
seed: 99
replicates: 4
parameters:
  citizens.count: [100, 200, 300]
arms:
  a: {}
  b: {citizens.activity_per_hour: 0.5}
  c: {feed.ranking: random}
)");
  std::set<std::uint64_t> distinct;
  for (std::uint64_t i = 0; i < s.num_runs(); ++i) {
    const RunSpec r = s.run(i);
    for (std::uint64_t j = 0; j < s.num_runs(); ++j) {
      const RunSpec q = s.run(j);
      if (q.point == r.point && q.replicate == r.replicate) {
        EXPECT_EQ(q.seed, r.seed);
      }
    }
    distinct.insert(r.seed);
  }
  EXPECT_EQ(distinct.size(), 3u * 4);  // one seed per (point, replicate), shared by the arms
  // Same sweep seed, same seeds; another sweep seed, other seeds.
  const Sweep again = load(dir, s.text);
  EXPECT_EQ(again.run(5).seed, s.run(5).seed);
  std::string other_text = s.text;
  other_text.replace(other_text.find("seed: 99"), 8, "seed: 98");
  EXPECT_NE(load(dir, other_text).run(5).seed, s.run(5).seed);
}

TEST(SweepFile, SampledDesignsRespectBoundsAndIntegers) {
  const TempDir dir;
  for (const char* design : {"latin_hypercube", "sobol"}) {
    const Sweep s = load(dir, std::string("scenario: SCENARIO\ndesign: ") + design + R"(
n: 16
parameters:
  citizens.count: {min: 100, max: 400}
  citizens.activity_per_hour: {min: 0.05, max: 0.4}
  states[0].posts_per_day: {min: 1, max: 24, integer: true}
)");
    ASSERT_EQ(s.points.size(), 16u);
    for (const auto& p : s.points) {
      const auto count = std::get<std::int64_t>(p[0]);
      EXPECT_GE(count, 100);
      EXPECT_LE(count, 400);
      const double act = std::get<double>(p[1]);
      EXPECT_GE(act, 0.05);
      EXPECT_LE(act, 0.4);
      const double posts = std::get<double>(p[2]);
      EXPECT_EQ(posts, std::floor(posts));
      EXPECT_GE(posts, 1);
      EXPECT_LE(posts, 24);
    }
  }
}

TEST(SweepFile, ShellQuote) {
  EXPECT_EQ(shell_quote("citizens.count=200"), "citizens.count=200");
  EXPECT_EQ(shell_quote("bots[0].count=3"), "'bots[0].count=3'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
}

// ---- Malformed sweep files ------------------------------------------------------------------

struct BadCase {
  const char* name;
  const char* text;      // "SCENARIO" stands for the small world's path
  const char* expected;  // substring of what(), from "sweep.yaml:" on
};

const BadCase kBadCases[] = {
    {"unknown top-level key", "scenario: SCENARIO\nreplicate: 3\n",
     "sweep.yaml:2:1: unknown key \"replicate\"; did you mean \"replicates\"?"},
    {"missing scenario", "seed: 3\n", "sweep.yaml:1:1: missing key \"scenario\""},
    {"scenario not found", "scenario: nowhere.yaml\n", "sweep.yaml:1:11: scenario: scenario file"},
    {"unknown parameter key", "scenario: SCENARIO\nparameters:\n  citizens.cont: [1, 2]\n",
     "sweep.yaml:3:3: citizens.cont: unknown scenario key \"citizens.cont\"; did you mean "
     "\"citizens.count\"?"},
    {"unknown parameter key keeps the record index",
     "scenario: SCENARIO\nparameters:\n  states[1].posts_per_dya: [1, 2]\n",
     "did you mean \"states[1].posts_per_day\"?"},
    {"grid value out of range",
     "scenario: SCENARIO\nparameters:\n  citizens.activity_per_hour: [0.1, 1.5]\n",
     "sweep.yaml:3:37: citizens.activity_per_hour: expected a number in [0, 1], got 1.5"},
    {"grid value of the wrong type",
     "scenario: SCENARIO\nparameters:\n  citizens.count: [10, lots]\n",
     "sweep.yaml:3:24: citizens.count: expected an integer in [1, 4000000000], got \"lots\""},
    {"sampled bound out of range",
     "scenario: SCENARIO\ndesign: latin_hypercube\nn: 8\nparameters:\n"
     "  citizens.activity_per_hour: {min: 0, max: 2}\n",
     "sweep.yaml:5:45: citizens.activity_per_hour: expected a number in [0, 1], got 2"},
    {"design typo", "scenario: SCENARIO\ndesign: sobel\n",
     "sweep.yaml:2:9: design: expected one of grid, latin_hypercube, sobol, got \"sobel\"; did "
     "you mean \"sobol\"?"},
    {"sobol without n",
     "scenario: SCENARIO\ndesign: sobol\nparameters:\n  citizens.count: {min: 1, max: 9}\n",
     "sweep.yaml:2:9: design: missing key \"n\""},
    {"n with a grid", "scenario: SCENARIO\nn: 4\n", "sweep.yaml:2:4: n: n is the sample size"},
    {"choice in a sampled design",
     "scenario: SCENARIO\ndesign: sobol\nn: 4\nparameters:\n  feed.ranking: {min: 0, max: 1}\n",
     "sweep.yaml:5:3: feed.ranking: sobol samples numbers; feed.ranking is a choice"},
    {"min not below max",
     "scenario: SCENARIO\ndesign: sobol\nn: 4\nparameters:\n  citizens.count: {min: 9, max: 9}\n",
     "sweep.yaml:5:19: citizens.count: expected min < max, got min 9 and max 9"},
    {"arms as a list", "scenario: SCENARIO\narms:\n  - a\n  - b\n",
     "sweep.yaml:3:3: arms: expected a mapping of arm names to overrides"},
    {"arm naming a record that does not exist",
     "scenario: SCENARIO\narms:\n  more:\n    states[5].posts_per_day: 3\n",
     "sweep.yaml:4:30: states[5].posts_per_day: index 5 is out of range: states has 2 records"},
    {"arm value out of range", "scenario: SCENARIO\narms:\n  x: {citizens.attention: -1}\n",
     "sweep.yaml:3:27: citizens.attention: expected an integer in [0, 100000], got -1"},
    {"bad arm name", "scenario: SCENARIO\narms:\n  no bots: {}\n",
     "sweep.yaml:3:3: arms: expected an arm name of letters, digits, _ and -"},
    {"summary metric typo",
     "scenario: SCENARIO\nsummaries:\n  - name: a\n    metric: mean_atitude\n",
     "sweep.yaml:4:13: summaries[0].metric: unknown metric \"mean_atitude\"; did you mean "
     "\"mean_attitude\"?"},
    {"summary country typo",
     "scenario: SCENARIO\nsummaries:\n  - name: a\n    metric: reach\n    country: Nort\n",
     "sweep.yaml:5:14: summaries[0].country: unknown country \"Nort\" in the scenario; did you "
     "mean \"North\"?"},
    {"time_to without threshold",
     "scenario: SCENARIO\nsummaries:\n  - name: t\n    metric: reach\n    stat: time_to\n",
     "sweep.yaml:3:5: summaries[0]: stat: time_to needs threshold:"},
    {"unknown summary key",
     "scenario: SCENARIO\nsummaries:\n  - name: t\n    metric: reach\n    windw: 3\n",
     "sweep.yaml:5:5: summaries[0]: unknown key \"windw\""},
    {"summary name reusing a fixed column",
     "scenario: SCENARIO\nsummaries:\n  - name: seed\n    metric: reach\n    state: Alpha\n",
     "sweep.yaml:3:5: summaries[0]: summary column \"seed\" is already a fixed column"},
    {"duplicate parameter",
     "scenario: SCENARIO\nparameters:\n  citizens.count: [1, 2]\n  citizens.count: [3]\n",
     "sweep.yaml:4:3: parameters.citizens.count: duplicate key \"citizens.count\" (first given on "
     "line 3)"},
    {"the same parameter written two ways",
     "scenario: SCENARIO\nparameters:\n  states[0].credibility: [0.5]\n  states.0.credibility: "
     "[0.6]\n",
     "sweep.yaml:4:3: states[0].credibility: parameter given twice"},
    {"run.seed swept", "scenario: SCENARIO\nparameters:\n  run.seed: [1, 2]\n",
     "sweep.yaml:3:3: run.seed: run.seed is set for every run from the sweep's seed:"},
    {"a section as a parameter", "scenario: SCENARIO\nparameters:\n  citizens: [1]\n",
     "sweep.yaml:3:3: citizens: citizens is a section, not a parameter"},
    {"a list as a parameter", "scenario: SCENARIO\nparameters:\n  countries: [1]\n",
     "sweep.yaml:3:3: countries: countries is a list of records, not a parameter"},
    {"repeated integer steps",
     "scenario: SCENARIO\nparameters:\n  citizens.count: {from: 1, to: 3, steps: 5}\n",
     "sweep.yaml:3:43: parameters.citizens.count.steps: {from: 1, to: 3, steps: 5} gives repeated "
     "integer values; use at most 3 steps"},
    {"zero replicates", "scenario: SCENARIO\nreplicates: 0\n",
     "sweep.yaml:2:13: replicates: expected an integer in [1, 1000000], got \"0\""},
    {"brackets in a flow mapping", "scenario: SCENARIO\narms:\n  x: {states[0].credibility: 1}\n",
     "YAML syntax error: end of map flow not found (inside { } and [ ], a key with brackets must "
     "be quoted"},
    {"swept and fixed",
     "scenario: SCENARIO\noverrides:\n  citizens.count: 5\nparameters:\n"
     "  citizens.count: [1, 2]\n",
     "sweep.yaml:3:19: citizens.count: swept (parameters:, line 5) and also fixed in overrides:; "
     "remove one"},
};

class BadSweep : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadSweep, ReportsFileLineKeyAndWhatWasExpected) {
  const BadCase& c = GetParam();
  const TempDir dir;
  const fs::path file = dir.write("sweep.yaml", c.text);
  const core::Error e = test::error_of([&] { load_sweep(file, test::include_dirs()); });
  EXPECT_EQ(e.kind(), core::ErrorKind::kInput) << e.what();
  EXPECT_THAT(e.what(), HasSubstr(c.expected)) << c.name;
  if (std::string(c.expected).rfind("sweep.yaml:", 0) == 0) {
    EXPECT_EQ(e.where().file, file.string()) << c.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, BadSweep, ::testing::ValuesIn(kBadCases),
                         [](const ::testing::TestParamInfo<BadCase>& param_info) {
                           std::string name = param_info.param.name;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace dipsim::sweep
