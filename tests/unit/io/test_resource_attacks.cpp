// Resource attacks on the scenario loader (issue #12, docs/fuzzing.md): non-finite and subnormal
// numbers in every numeric row of the parameter table, absurd sizes. Each must fail with a clear
// core::Error naming the key (and, for files, the line), or, for subnormals inside a row's range,
// be accepted exactly; never crash, hang or allocate without bound. The CLI side of the same
// attacks (exit code 2, bounded time and memory) is tests/python/test_resource_attacks.py.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "dipsim/core/error.hpp"
#include "dipsim/io/parameters.hpp"

namespace dipsim::io {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kBase = fs::path(DIPSIM_SOURCE_DIR) / "tests" / "fuzz" / "base_scenario.yaml";

LoadedScenario load_with(std::vector<std::string> overrides) {
  LoadOptions options;
  options.overrides = std::move(overrides);
  options.include_dirs = {fs::path(DIPSIM_SOURCE_DIR) / "configs"};
  return load_dipsim_scenario(kBase, options);
}

bool is_numeric(ParamType t) {
  return t == ParamType::kInt || t == ParamType::kFloat || t == ParamType::kIntList ||
         t == ParamType::kFloatList || t == ParamType::kFloatMap;
}

/// How to give `value` to a row with --set, and the key an error must name. Lists get the value in
/// every element, as many as the default has (citizens.activity_profile needs 24); maps get it
/// under a name the row accepts (a country, a theme or a state of the base scenario).
struct Probe {
  std::string override_text;
  std::string error_key;
  std::string row_key;  ///< the row's concrete key (`states[0].theme_mix`)
};

Probe probe(const ParamSpec& p, const std::string& value) {
  std::string key = p.path;
  if (const auto at = key.find("[]"); at != std::string::npos) key.replace(at, 2, "[0]");
  switch (p.type) {
    case ParamType::kIntList:
    case ParamType::kFloatList: {
      std::size_t n = 1;
      if (const auto* d = std::get_if<std::vector<double>>(&*p.default_value)) {
        n = std::max<std::size_t>(n, d->size());
      }
      std::string list;
      for (std::size_t i = 0; i < n; ++i) list += (i > 0 ? ", " : "") + value;
      return {key + "=[" + list + "]", key + "[0]", key};
    }
    case ParamType::kFloatMap: {
      std::string name = "Aurelia";
      if (key.find("theme") != std::string::npos) name = "culture";
      if (key.find("follow_shares") != std::string::npos) name = "Cordelia";
      return {key + "={" + name + ": " + value + "}", key + "." + name, key};
    }
    default:
      return {key + "=" + value, key, key};
  }
}

// Every YAML spelling of NaN and infinity, and finite-looking numbers that overflow a double.
const std::vector<std::string> kNonFinite = {".nan",  ".NaN",   ".NAN",   "nan", ".inf",
                                             "-.inf", "+.inf",  ".Inf",   "inf", "-Infinity",
                                             "1e309", "-1e309", "1.8e308"};
// Subnormal doubles (and the smallest normal one, as a control).
const std::vector<std::string> kSubnormal = {"4.9e-324", "-4.9e-324", "1e-310",
                                             "2.2250738585072014e-308"};

TEST(ResourceAttacks, NonFiniteNumbersInEveryNumericParameterNameTheKey) {
  std::size_t rows = 0;
  for (const ParamSpec& p : scenario_schema().params) {
    if (!is_numeric(p.type)) continue;
    ++rows;
    for (const std::string& v : kNonFinite) {
      const Probe pr = probe(p, v);
      SCOPED_TRACE("--set " + pr.override_text);
      try {
        load_with({pr.override_text});
        ADD_FAILURE() << "accepted a non-finite value";
      } catch (const core::Error& e) {
        EXPECT_EQ(e.kind(), core::ErrorKind::kInput) << e.what();
        EXPECT_EQ(e.where().file, "--set") << e.what();
        EXPECT_EQ(e.where().key, pr.error_key) << e.what();
        EXPECT_THAT(e.message(), HasSubstr("expected")) << e.what();
      }
    }
  }
  // The table has well over a hundred numeric rows; a handful would mean the loop lost them.
  EXPECT_GT(rows, 100u);
}

TEST(ResourceAttacks, SubnormalNumbersAreAcceptedExactlyOrRejectedByRange) {
  std::size_t accepted = 0, rejected = 0;
  for (const ParamSpec& p : scenario_schema().params) {
    if (!is_numeric(p.type)) continue;
    const bool integer = p.type == ParamType::kInt || p.type == ParamType::kIntList;
    for (const std::string& v : kSubnormal) {
      const Probe pr = probe(p, v);
      SCOPED_TRACE("--set " + pr.override_text);
      const double x = std::strtod(v.c_str(), nullptr);
      const bool in_range = !(p.min && x < *p.min) && !(p.max && x > *p.max);
      try {
        const LoadedScenario s = load_with({pr.override_text});
        EXPECT_FALSE(integer) << "an integer row accepted " << v;
        EXPECT_TRUE(in_range) << "accepted a value outside [min, max]";
        const std::string& key = pr.error_key;
        double got = 0.0;
        if (p.type == ParamType::kFloat) {
          got = s.resolved.get_float(key);
        } else if (p.type == ParamType::kFloatList) {
          got = std::get<std::vector<double>>(s.resolved.value(key.substr(0, key.size() - 3)))[0];
        } else {
          const auto& m = std::get<FloatMap>(s.resolved.value(key.substr(0, key.rfind('.'))));
          got = m.at(0).second;
        }
        EXPECT_EQ(got, x) << "the value was changed (flushed to zero?)";
        ++accepted;
      } catch (const core::Error& e) {
        EXPECT_EQ(e.kind(), core::ErrorKind::kInput) << e.what();
        if (integer || !in_range) {
          EXPECT_EQ(e.where().key, pr.error_key) << e.what();
        } else {
          // In range but refused by a check across values (e.g. follow_shares must sum to 1):
          // fine, as long as the error names this row.
          EXPECT_EQ(e.where().key.rfind(pr.row_key, 0), 0u) << e.what();
        }
        if (integer) {
          EXPECT_THAT(e.message(), HasSubstr("not a whole number")) << e.what();
        }
        ++rejected;
      }
    }
  }
  EXPECT_GT(accepted, 0u);
  EXPECT_GT(rejected, 0u);
}

TEST(ResourceAttacks, NonFiniteNumberInAFileNamesTheLine) {
  const std::string text =
      "include: [platforms/engagement_feed.yaml]\n"
      "countries:\n  - name: A\nstates:\n  - name: S\n    credibility: .nan\n";
  LoadOptions options;
  options.include_dirs = {fs::path(DIPSIM_SOURCE_DIR) / "configs"};
  try {
    load_scenario_text(text, "nan.yaml", fs::temp_directory_path(), scenario_schema(), options);
    FAIL() << "accepted NaN";
  } catch (const core::Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("nan.yaml:6:18: states[0].credibility: expected a number in "
                                    "[0, 1], got \".nan\" (NaN is not allowed)"));
  }
}

TEST(ResourceAttacks, AbsurdSizesFailAtTheKey) {
  const auto expect_fail = [](const std::string& set, const std::string& key,
                              const std::string& text, core::ErrorKind kind) {
    SCOPED_TRACE(set);
    const auto start = std::chrono::steady_clock::now();
    try {
      load_with({set});
      ADD_FAILURE() << "accepted";
    } catch (const core::Error& e) {
      EXPECT_EQ(e.kind(), kind) << e.what();
      EXPECT_EQ(e.where().key, key) << e.what();
      EXPECT_THAT(e.what(), HasSubstr(text));
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  };
  expect_fail("citizens.count=1000000000000", "citizens.count",
              "expected an integer in [1, 4000000000], got 1000000000000", core::ErrorKind::kInput);
  expect_fail("run.steps=1000000000000000", "run.steps",
              "expected an integer in [1, 10000000], got 1000000000000000",
              core::ErrorKind::kInput);
  expect_fail("run.steps=99999999999999999999", "run.steps", "outside the 64-bit integer range",
              core::ErrorKind::kInput);
  // 2^40 follow edges: fine one by one, absurd together (checked before any allocation).
  try {
    load_with({"citizens.count=4000000000", "graph.mean_following=100000"});
    FAIL() << "accepted 4e14 follow edges";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::kResource) << e.what();
    EXPECT_EQ(e.where().key, "graph.mean_following");
    EXPECT_EQ(e.where().file, "--set");
    EXPECT_THAT(e.what(), HasSubstr("citizens.count x graph.mean_following = 4000000000 x "
                                    "100000 = 4e+14 follow edges, more than 2^40"));
  }
  try {
    load_with({"citizens.count=2000000000", "graph.generator=barabasi_albert", "graph.m=1000"});
    FAIL() << "accepted 2e12 follow edges";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::kResource) << e.what();
    EXPECT_EQ(e.where().key, "graph.m");
  }
  // Just below the limit is a valid (if large) scenario: 2^40 / 4e9 = 274.9 follows each.
  EXPECT_NO_THROW(load_with({"citizens.count=4000000000", "graph.mean_following=274"}));
}

}  // namespace
}  // namespace dipsim::io
