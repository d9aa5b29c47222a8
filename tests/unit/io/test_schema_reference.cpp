// The parameter table itself: checks on its declaration (validate_schema), value formatting, and
// the Markdown reference page generated from it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dipsim/core/error.hpp"
#include "dipsim/io/schema.hpp"

namespace dipsim::io::loader_test {

Schema make_test_schema();  // test_scenario_loader.cpp

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ParamSpec row(std::string path, ParamType type) {
  ParamSpec p;
  p.path = std::move(path);
  p.type = type;
  return p;
}

core::Error schema_error_of(const Schema& schema) {
  try {
    validate_schema(schema);
  } catch (const core::Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected validate_schema to throw";
  return core::Error(core::ErrorKind::kInput, "no error was thrown");
}

TEST(ScenarioSchema, TestSchemaIsValid) {
  EXPECT_NO_THROW(validate_schema(make_test_schema()));
}

TEST(ScenarioSchema, RejectsDeclarationMistakes) {
  struct Case {
    std::string name;
    std::function<void(Schema&)> edit;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"duplicate", [](Schema& s) { s.params.push_back(s.params[0]); },
       "parameter \"seed\": the path is already a parameter (declared twice)"},
      {"undeclared list",
       [](Schema& s) { s.params.push_back(row("bots[].count", ParamType::kInt)); },
       "parameter \"bots[].count\": \"bots\" is not declared in Schema::lists"},
      {"list used as section",
       [](Schema& s) { s.params.push_back(row("states.x", ParamType::kInt)); },
       "parameter \"states.x\": \"states\" is a list; write \"states[].<field>\""},
      {"param used as section",
       [](Schema& s) { s.params.push_back(row("seed.x", ParamType::kInt)); },
       "parameter \"seed.x\": \"seed\" is a parameter, not a section"},
      {"default out of range", [](Schema& s) { s.params[0].default_value = std::int64_t{-1}; },
       "parameter \"seed\": the default -1 is outside its range"},
      {"default of wrong type", [](Schema& s) { s.params[0].default_value = 1.0; },
       "parameter \"seed\": the default does not have the row's type (int)"},
      {"choice default not a choice",
       [](Schema& s) { s.params[5].default_value = std::string("popular"); },
       "parameter \"feed.ranking\": the default \"popular\" is not one of its choices"},
      {"include is reserved",
       [](Schema& s) { s.params.push_back(row("include", ParamType::kString)); },
       "parameter \"include\": \"include\" is reserved at the top level"},
      {"list without fields",
       [](Schema& s) {
         s.lists.push_back({"bots", 0, 10, "bots"});
       },
       "list \"bots\" has no fields (no row \"bots[].<field>\")"},
      {"bad name", [](Schema& s) { s.params.push_back(row("a-b", ParamType::kInt)); },
       "parameter \"a-b\": \"a-b\" is not a name"},
      {"min above max", [](Schema& s) { s.params[3].min = 3.0; },
       "parameter \"citizens.openness\": min > max"},
  };
  for (const Case& c : cases) {
    Schema s = make_test_schema();
    c.edit(s);
    const core::Error e = schema_error_of(s);
    EXPECT_EQ(e.kind(), core::ErrorKind::kInternal) << c.name;
    EXPECT_THAT(e.what(), HasSubstr(c.expected)) << c.name;
  }
}

TEST(ScenarioSchema, LoadingWithABrokenSchemaIsAnInternalError) {
  Schema s = make_test_schema();
  s.params.push_back(s.params[0]);
  try {
    load_scenario_text("seed: 1\n", "<text>", ".", s);
    ADD_FAILURE() << "expected an error";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::kInternal);
  }
}

TEST(ScenarioSchema, FormatsValuesAsYamlFlowText) {
  EXPECT_EQ(format_value(true), "true");
  EXPECT_EQ(format_value(std::int64_t{-3}), "-3");
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(format_value(5.0), "5.0");
  EXPECT_EQ(format_value(1e6), "1.0e+06");
  EXPECT_EQ(format_value(1.5e-7), "1.5e-07");
  EXPECT_EQ(format_value(std::string("a \"b\"\n\\")), "\"a \\\"b\\\"\\n\\\\\"");
  EXPECT_EQ(format_value(std::string("\x01")), "\"\\x01\"");
  EXPECT_EQ(format_value(std::vector<std::int64_t>{1, 2}), "[1, 2]");
  EXPECT_EQ(format_value(std::vector<double>{}), "[]");
  EXPECT_EQ(format_value(std::vector<std::string>{"x", "y"}), "[\"x\", \"y\"]");
  EXPECT_EQ(format_value(FloatMap{{"US", 0.5}, {"CN", -1.0}}), "{\"US\": 0.5, \"CN\": -1.0}");
  EXPECT_EQ(to_string(ParamType::kFloatMap), "float map");
}

TEST(ScenarioSchema, ReferenceMarkdownHasOneTablePerSection) {
  const Schema schema = make_test_schema();
  const std::string md = reference_markdown(schema, "Scenario reference");
  EXPECT_EQ(md.rfind("# Scenario reference\n\n", 0), 0u);
  EXPECT_THAT(md, HasSubstr("`--set seed=42`"));
  EXPECT_THAT(md, HasSubstr("`--set countries[0].name=...` (or `countries.0.name`)"));
  EXPECT_THAT(md, HasSubstr("include:"));
  const std::string header =
      "| key | type | default | range / choices | unit | description | source |\n"
      "|---|---|---|---|---|---|---|\n";
  EXPECT_THAT(md, HasSubstr("## Top-level keys\n\n" + header +
                            "| `seed` | int | `42` | >= 0 |  | random seed |  |\n"
                            "| `steps` | int | `100` | >= 1 | steps | number of steps |  |\n"));
  EXPECT_THAT(md, HasSubstr("## citizens\n\n" + header + "| `citizens.count` | int | `1000` |"));
  EXPECT_THAT(md, HasSubstr("| `feed.ranking` | choice | `\"chronological\"` | `chronological`, "
                            "`engagement`, `random` |  | feed ranking policy |  |\n"));
  EXPECT_THAT(md, HasSubstr("| `feed.weights` | float list | `[1.0, 0.5]` | each [0, 1] |"));
  EXPECT_THAT(md, HasSubstr("## countries\n\nA list of records (1 to 1000000 records): countries "
                            "in the world. Each record starts with `- ` and has the fields "
                            "below.\n\n" +
                            header +
                            "| `countries[].name` | string | *required* |  |  | "
                            "country name |  |\n"));
  EXPECT_THAT(md,
              HasSubstr("| `countries[].baseline_attitude` | float map | `{}` | each [-1, 1] |"));
  EXPECT_THAT(md, HasSubstr("## states\n\nA list of records (0 to 4 records): state actors."));
  EXPECT_THAT(md, HasSubstr("| credibility of official accounts | Doe et al. (2020) |\n"));
  EXPECT_EQ(md, reference_markdown(schema, "Scenario reference"));  // deterministic
}

TEST(ScenarioSchema, BoundsAreShownAsPeopleWriteThem) {
  Schema schema = make_test_schema();
  schema.params[0].max = 9223372036854775807.0;  // rounds to 2^63 as a double
  schema.params[1].max = 1e7;
  schema.params[3].max = 1.5;
  const std::string md = reference_markdown(schema, "T");
  EXPECT_THAT(md, HasSubstr("| `seed` | int | `42` | [0, 9223372036854775807] |"));
  EXPECT_THAT(md, HasSubstr("| `steps` | int | `100` | [1, 10000000] |"));
  EXPECT_THAT(md, HasSubstr("| `citizens.openness` | float | `0.5` | [0, 1.5] |"));
  try {
    load_scenario_text("steps: 0\ncountries: [{name: A}]\n", "s.yaml", ".", schema);
    ADD_FAILURE() << "expected an error";
  } catch (const core::Error& e) {
    EXPECT_STREQ(e.what(), "s.yaml:1:8: steps: expected an integer in [1, 10000000], got 0");
  }
}

TEST(ScenarioSchema, ReferenceMarkdownOmitsEmptySourceColumnAndEscapesPipes) {
  Schema schema = make_test_schema();
  for (auto& p : schema.params) p.source.clear();
  schema.params[0].doc = "a | b";
  const std::string md = reference_markdown(schema, "T");
  EXPECT_THAT(md, Not(HasSubstr("source |")));
  EXPECT_THAT(md, HasSubstr("| `seed` | int | `42` | >= 0 |  | a \\| b |\n"));
}

TEST(ScenarioSchema, ReferenceMarkdownDocumentsListsNestedInSections) {
  Schema schema = make_test_schema();
  schema.lists.push_back({"media.outlets", 0, 50, "news outlets"});
  schema.params.push_back(row("media.outlets[].name", ParamType::kString));
  const std::string md = reference_markdown(schema, "T");
  EXPECT_THAT(md, HasSubstr("## media\n\n"));
  EXPECT_THAT(md, HasSubstr("| `media.outlets` | list of records | `[]` | 0 to 50 records |  | "
                            "news outlets |  |\n| `media.outlets[].name` | string | *required* |"));
}

}  // namespace
}  // namespace dipsim::io::loader_test
