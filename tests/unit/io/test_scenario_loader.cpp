// Scenario loader: defaults, every parameter type, includes (nesting, order, relative paths,
// include folders), --set overrides, provenance of each value, and the to_yaml round trip.
// Malformed input is covered in test_scenario_errors.cpp; the Markdown reference and schema
// checks in test_schema_reference.cpp. All three use the small schema below, shaped like the real
// one (sections, two lists of records, every ParamType).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "dipsim/core/error.hpp"
#include "dipsim/io/schema.hpp"

namespace dipsim::io::loader_test {

Schema make_test_schema() {
  using V = Value;
  Schema s;
  s.lists = {
      ListSpec{"countries", 1, 1'000'000, "countries in the world"},
      ListSpec{"states", 0, 4, "state actors"},
  };
  // Returns the new row so a caller can set its range, unit, choices or source.
  const auto add = [&s](std::string path, ParamType type, std::optional<Value> def,
                        std::string doc) -> ParamSpec& {
    ParamSpec p;
    p.path = std::move(path);
    p.type = type;
    p.default_value = std::move(def);
    p.doc = std::move(doc);
    s.params.push_back(std::move(p));
    return s.params.back();
  };
  add("seed", ParamType::kInt, V{std::int64_t{42}}, "random seed").min = 0.0;
  ParamSpec& steps = add("steps", ParamType::kInt, V{std::int64_t{100}}, "number of steps");
  steps.min = 1.0;
  steps.unit = "steps";
  ParamSpec& count =
      add("citizens.count", ParamType::kInt, V{std::int64_t{1000}}, "number of citizens");
  count.min = 1.0;
  count.unit = "agents";
  ParamSpec& openness =
      add("citizens.openness", ParamType::kFloat, V{0.5}, "bounded-confidence width");
  openness.min = 0.0;
  openness.max = 2.0;
  ParamSpec& activity = add("citizens.activity", ParamType::kFloat, V{0.1}, "sessions per hour");
  activity.min = 0.0;
  activity.unit = "per hour";
  add("feed.ranking", ParamType::kChoice, V{std::string("chronological")}, "feed ranking policy")
      .choices = {"chronological", "engagement", "random"};
  add("feed.labels", ParamType::kBool, V{true}, "label state-affiliated media");
  ParamSpec& weights = add("feed.weights", ParamType::kFloatList, V{std::vector<double>{1.0, 0.5}},
                           "ranking weights");
  weights.min = 0.0;
  weights.max = 1.0;
  add("countries[].name", ParamType::kString, std::nullopt, "country name");
  ParamSpec& share =
      add("countries[].population_share", ParamType::kFloat, V{1.0}, "share of citizens");
  share.min = 0.0;
  share.max = 1.0;
  ParamSpec& attitude = add("countries[].baseline_attitude", ParamType::kFloatMap, V{FloatMap{}},
                            "attitude toward each state");
  attitude.min = -1.0;
  attitude.max = 1.0;
  add("states[].name", ParamType::kString, std::nullopt, "state name");
  ParamSpec& credibility =
      add("states[].credibility", ParamType::kFloat, V{0.5}, "credibility of official accounts");
  credibility.min = 0.0;
  credibility.max = 1.0;
  credibility.source = "Doe et al. (2020)";
  add("states[].target_countries", ParamType::kStringList, V{std::vector<std::string>{}},
      "countries targeted");
  ParamSpec& snapshots = add("snapshots.steps", ParamType::kIntList, V{std::vector<std::int64_t>{}},
                             "steps with attitude snapshots");
  snapshots.min = 0.0;
  snapshots.unit = "steps";
  return s;
}

namespace {

namespace fs = std::filesystem;
using ::testing::EndsWith;
using ::testing::HasSubstr;

const fs::path kData = fs::path(DIPSIM_TEST_DATA_DIR) / "scenarios" / "loader";

class ScenarioLoader : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() / ("dipsim_loader_" + std::to_string(std::random_device{}()) +
                                        "_" + std::to_string(counter++));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path write(const std::string& name, std::string_view text) {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  ResolvedScenario load(std::string_view text, const LoadOptions& options = {}) {
    return load_scenario(write("run.yaml", text), schema_, options);
  }
  static core::Error error_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const core::Error& e) {
      return e;
    }
    ADD_FAILURE() << "expected a core::Error";
    return core::Error(core::ErrorKind::kInternal, "no error was thrown");
  }
  static std::vector<std::string> paths(const ResolvedScenario& r) {
    std::vector<std::string> out;
    for (const auto& [path, value] : r.entries()) out.push_back(path);
    return out;
  }

  Schema schema_ = make_test_schema();
  fs::path dir_;
};

TEST_F(ScenarioLoader, FillsDefaultsInSchemaOrder) {
  const ResolvedScenario r = load("countries:\n  - name: Alpha\n");
  EXPECT_EQ(r.get_int("seed"), 42);
  EXPECT_EQ(r.get_int("steps"), 100);
  EXPECT_EQ(r.get_int("citizens.count"), 1000);
  EXPECT_EQ(r.get_float("citizens.openness"), 0.5);
  EXPECT_EQ(r.get_string("feed.ranking"), "chronological");
  EXPECT_TRUE(r.get_bool("feed.labels"));
  EXPECT_EQ(std::get<std::vector<double>>(r.value("feed.weights")),
            (std::vector<double>{1.0, 0.5}));
  EXPECT_EQ(r.get_string("countries[0].name"), "Alpha");
  EXPECT_EQ(r.get_float("countries[0].population_share"), 1.0);
  EXPECT_TRUE(std::get<FloatMap>(r.value("countries[0].baseline_attitude")).empty());
  EXPECT_TRUE(std::get<std::vector<std::int64_t>>(r.value("snapshots.steps")).empty());
  EXPECT_EQ(r.list_size("countries"), 1u);
  EXPECT_EQ(r.list_size("states"), 0u);
  EXPECT_EQ(paths(r), (std::vector<std::string>{
                          "seed", "steps", "citizens.count", "citizens.openness",
                          "citizens.activity", "feed.ranking", "feed.labels", "feed.weights",
                          "countries[0].name", "countries[0].population_share",
                          "countries[0].baseline_attitude", "snapshots.steps"}));
  EXPECT_THAT(r.source_file(), EndsWith("run.yaml"));
}

TEST_F(ScenarioLoader, RecordsWhereEachValueCameFrom) {
  const ResolvedScenario r = load("seed: 5\ncountries:\n  - name: Alpha\n");
  const core::InputLocation seed = r.location("seed");
  EXPECT_THAT(seed.file, EndsWith("run.yaml"));
  EXPECT_EQ(seed.line, 1u);
  EXPECT_EQ(seed.column, 7u);
  EXPECT_EQ(seed.key, "seed");
  const core::InputLocation name = r.location("countries[0].name");
  EXPECT_EQ(name.line, 3u);
  EXPECT_EQ(name.column, 11u);
  EXPECT_EQ(r.location("steps").file, "(default)");
  EXPECT_EQ(r.location("steps").line, 0u);
  EXPECT_EQ(r.origins_.size(), r.entries().size());
  EXPECT_EQ(r.index_.size(), r.entries().size());
}

TEST_F(ScenarioLoader, UnknownPathsAreInternalErrors) {
  const ResolvedScenario r = load("countries:\n  - name: Alpha\n");
  const core::Error e = error_of([&] { r.value("citizens.cont"); });
  EXPECT_EQ(e.kind(), core::ErrorKind::kInternal);
  EXPECT_THAT(e.what(), HasSubstr("no parameter \"citizens.cont\"; did you mean "
                                  "\"citizens.count\"?"));
  EXPECT_EQ(error_of([&] { r.list_size("citizens"); }).kind(), core::ErrorKind::kInternal);
  EXPECT_EQ(error_of([&] { r.location("countries[1].name"); }).kind(), core::ErrorKind::kInternal);
}

TEST_F(ScenarioLoader, ReadsEveryParameterType) {
  const ResolvedScenario r = load(R"(# every type
seed: 7
steps: +24
citizens:
  count: 20000
  openness: 2          # bounds are inclusive; an integer is a valid float
  activity: 1.5e-3
feed:
  ranking: random
  labels: false
  weights: [0.1, 1]
countries:
  - name: Alpha
    population_share: 0.25
    baseline_attitude: {North: -0.5, South: 0.75, East: -1}
  - name: "Beta Land"
    population_share: 0.75
states:
  - name: North
    credibility: 0.9
    target_countries: [Alpha, "Beta Land"]
snapshots:
  steps:
    - 0
    - 12
)");
  EXPECT_EQ(r.get_int("seed"), 7);
  EXPECT_EQ(r.get_int("steps"), 24);
  EXPECT_EQ(r.get_int("citizens.count"), 20000);
  EXPECT_EQ(r.get_float("citizens.openness"), 2.0);
  EXPECT_EQ(r.get_float("citizens.activity"), 1.5e-3);
  EXPECT_EQ(r.get_string("feed.ranking"), "random");
  EXPECT_FALSE(r.get_bool("feed.labels"));
  EXPECT_EQ(std::get<std::vector<double>>(r.value("feed.weights")),
            (std::vector<double>{0.1, 1.0}));
  EXPECT_EQ(std::get<FloatMap>(r.value("countries[0].baseline_attitude")),
            (FloatMap{{"North", -0.5}, {"South", 0.75}, {"East", -1.0}}));  // file order kept
  EXPECT_EQ(r.get_string("countries[1].name"), "Beta Land");
  EXPECT_EQ(r.get_float("countries[1].population_share"), 0.75);
  EXPECT_EQ(r.get_float("states[0].credibility"), 0.9);
  EXPECT_EQ(std::get<std::vector<std::string>>(r.value("states[0].target_countries")),
            (std::vector<std::string>{"Alpha", "Beta Land"}));
  EXPECT_EQ(std::get<std::vector<std::int64_t>>(r.value("snapshots.steps")),
            (std::vector<std::int64_t>{0, 12}));
  EXPECT_EQ(r.list_size("countries"), 2u);
  EXPECT_EQ(r.list_size("states"), 1u);
  // Records are expanded one after another, each in schema order.
  EXPECT_EQ(
      paths(r),
      (std::vector<std::string>{
          "seed", "steps", "citizens.count", "citizens.openness", "citizens.activity",
          "feed.ranking", "feed.labels", "feed.weights", "countries[0].name",
          "countries[0].population_share", "countries[0].baseline_attitude", "countries[1].name",
          "countries[1].population_share", "countries[1].baseline_attitude", "states[0].name",
          "states[0].credibility", "states[0].target_countries", "snapshots.steps"}));
}

TEST_F(ScenarioLoader, AnchorsAndAliasesAreExpanded) {
  const ResolvedScenario r = load(R"(countries:
  - name: Alpha
    baseline_attitude: &shared {North: 0.25}
  - name: Beta
    baseline_attitude: *shared
)");
  EXPECT_EQ(std::get<FloatMap>(r.value("countries[1].baseline_attitude")),
            (FloatMap{{"North", 0.25}}));
}

TEST_F(ScenarioLoader, EmptyScenarioIsValidWhenNothingIsRequired) {
  // Decision: an empty file (or one with only comments) is an empty mapping; it is valid exactly
  // when the schema requires nothing, and then every value is its default.
  schema_.lists[0].min_items = 0;
  for (const std::string text : {"", "# nothing here yet\n", "---\n"}) {
    const ResolvedScenario r = load(text);
    EXPECT_EQ(r.list_size("countries"), 0u);
    EXPECT_EQ(r.get_int("seed"), 42);
  }
}

TEST_F(ScenarioLoader, IncludesNestedRelativeAndFromIncludeDirs) {
  LoadOptions options;
  options.include_dirs = {kData / "lib"};
  const ResolvedScenario r = load_scenario(kData / "main.yaml", schema_, options);
  EXPECT_EQ(r.get_int("seed"), 7);                        // main.yaml overrides base.yaml's 1
  EXPECT_EQ(r.get_int("steps"), 48);                      // only in base.yaml
  EXPECT_EQ(r.get_int("citizens.count"), 500);            // section merged key by key
  EXPECT_EQ(r.get_float("citizens.openness"), 1.25);      // main.yaml wins
  EXPECT_EQ(r.get_string("feed.ranking"), "engagement");  // lib/shared_feed.yaml via include_dirs
  EXPECT_EQ(r.list_size("countries"), 2u);                // presets/countries.yaml
  EXPECT_EQ(r.get_string("countries[1].name"), "Beta");
  EXPECT_EQ(r.list_size("states"), 1u);  // ../base_states.yaml, relative to presets/
  EXPECT_EQ(r.get_float("states[0].credibility"), 0.7);

  EXPECT_THAT(r.location("seed").file, EndsWith("main.yaml"));
  EXPECT_EQ(r.location("seed").line, 5u);
  const core::InputLocation count = r.location("citizens.count");
  EXPECT_THAT(count.file, EndsWith("base.yaml"));
  EXPECT_EQ(count.line, 5u);
  EXPECT_EQ(count.column, 10u);
  EXPECT_THAT(r.location("feed.ranking").file, EndsWith("lib/shared_feed.yaml"));
  EXPECT_THAT(r.location("countries[1].baseline_attitude").file,
              EndsWith("presets/countries.yaml"));
  EXPECT_THAT(r.location("states[0].credibility").file, EndsWith("base_states.yaml"));
  EXPECT_EQ(r.location("states[0].credibility").line, 3u);
}

TEST_F(ScenarioLoader, IncludeDirsAreNeededForFilesOutsideTheFolder) {
  const core::Error e = error_of([&] { load_scenario(kData / "main.yaml", schema_); });
  EXPECT_EQ(e.kind(), core::ErrorKind::kInput);
  EXPECT_THAT(e.what(), HasSubstr("base.yaml:1:10: include: included file \"shared_feed.yaml\" "
                                  "not found; tried "));
  EXPECT_THAT(e.what(), EndsWith("scenarios/loader/shared_feed.yaml"));
}

TEST_F(ScenarioLoader, IncludeOrderAndMergeRules) {
  write("a.yaml", R"(seed: 1
steps: 5
citizens: {count: 5, openness: 1}
countries: [{name: A}, {name: B}]
feed: {weights: [0.5, 0.5, 0.5]}
)");
  write("b.yaml", "seed: 2\n");
  // Later includes override earlier ones; the file's own keys override both. Lists are replaced
  // whole; sections merge key by key; an empty section does not wipe out an included one.
  ResolvedScenario r = load(R"(include: [a.yaml, b.yaml]
citizens:
  openness: 2
countries:
  - name: C
feed:
  weights: [0.25]
)");
  EXPECT_EQ(r.get_int("seed"), 2);
  EXPECT_EQ(r.get_int("steps"), 5);
  EXPECT_EQ(r.get_int("citizens.count"), 5);
  EXPECT_EQ(r.get_float("citizens.openness"), 2.0);
  EXPECT_EQ(r.list_size("countries"), 1u);
  EXPECT_EQ(r.get_string("countries[0].name"), "C");
  EXPECT_EQ(std::get<std::vector<double>>(r.value("feed.weights")), (std::vector<double>{0.25}));

  r = load("include: [a.yaml, b.yaml]\nseed: 3\ncitizens:\n");
  EXPECT_EQ(r.get_int("seed"), 3);
  EXPECT_EQ(r.get_int("citizens.count"), 5);
  EXPECT_EQ(r.list_size("countries"), 2u);
}

TEST_F(ScenarioLoader, DiamondIncludesAreNotCycles) {
  write("common.yaml", "steps: 9\n");
  write("x.yaml", "include: common.yaml\nseed: 1\n");
  write("y.yaml", "include: common.yaml\n");
  const ResolvedScenario r = load("include: [x.yaml, y.yaml]\ncountries: [{name: A}]\n");
  EXPECT_EQ(r.get_int("steps"), 9);
  EXPECT_EQ(r.get_int("seed"), 1);
}

TEST_F(ScenarioLoader, IncludeDepthUpToTheLimitIsFine) {
  for (int i = 1; i <= 3; ++i) {
    write(std::string("f") + std::to_string(i) + ".yaml",
          i < 3 ? std::string("include: f") + std::to_string(i + 1) + ".yaml\n" : "seed: 33\n");
  }
  LoadOptions options;
  options.max_include_depth = 3;
  const ResolvedScenario r = load("include: f1.yaml\ncountries: [{name: A}]\n", options);
  EXPECT_EQ(r.get_int("seed"), 33);
}

TEST_F(ScenarioLoader, TextScenariosResolveIncludesFromBaseDir) {
  write("sub/base.yaml", "countries: [{name: Alpha}]\n");
  const ResolvedScenario r =
      load_scenario_text("include: base.yaml\nseed: 4\n", "<text>", dir_ / "sub", schema_);
  EXPECT_EQ(r.get_string("countries[0].name"), "Alpha");
  EXPECT_EQ(r.source_file(), "<text>");
  EXPECT_EQ(r.location("seed").file, "<text>");
  EXPECT_EQ(r.location("seed").line, 2u);
}

TEST_F(ScenarioLoader, OverridesAreAppliedAfterIncludesInOrder) {
  write("base.yaml", R"(countries:
  - name: Alpha
    baseline_attitude: {North: 0.1}
  - name: Beta
states:
  - name: North
    target_countries: [Alpha]
snapshots:
  steps: [0, 10, 20]
)");
  LoadOptions options;
  options.overrides = {
      "seed=9",
      " citizens.count = 20000",  // spaces around the key and value are ignored
      "countries[1].name=Gamma",
      "countries.0.population_share=0.3",  // dotted index form
      "states[0].target_countries=[Alpha, Beta]",
      "countries[0].baseline_attitude.North=-0.4",  // one key of a float map
      "countries[0].baseline_attitude.South=0.2",   // a new key of a float map
      "snapshots.steps[1]=15",                      // one element of a list
      "feed={ranking: random, labels: false}",      // a mapping merged into a section
      "seed=11",                                    // later overrides win
  };
  const ResolvedScenario r = load("include: base.yaml\nseed: 1\n", options);
  EXPECT_EQ(r.get_int("seed"), 11);
  EXPECT_EQ(r.get_int("citizens.count"), 20000);
  EXPECT_EQ(r.get_string("countries[0].name"), "Alpha");
  EXPECT_EQ(r.get_string("countries[1].name"), "Gamma");
  EXPECT_EQ(r.get_float("countries[0].population_share"), 0.3);
  EXPECT_EQ(std::get<std::vector<std::string>>(r.value("states[0].target_countries")),
            (std::vector<std::string>{"Alpha", "Beta"}));
  EXPECT_EQ(std::get<FloatMap>(r.value("countries[0].baseline_attitude")),
            (FloatMap{{"North", -0.4}, {"South", 0.2}}));
  EXPECT_EQ(std::get<std::vector<std::int64_t>>(r.value("snapshots.steps")),
            (std::vector<std::int64_t>{0, 15, 20}));
  EXPECT_EQ(r.get_string("feed.ranking"), "random");
  EXPECT_FALSE(r.get_bool("feed.labels"));
  EXPECT_EQ(std::get<std::vector<double>>(r.value("feed.weights")),
            (std::vector<double>{1.0, 0.5}));  // untouched by the merged section
  EXPECT_EQ(r.location("seed").file, "--set");
  EXPECT_EQ(r.location("countries[1].name").file, "--set");
  EXPECT_THAT(r.location("countries[0].name").file, EndsWith("base.yaml"));
}

TEST_F(ScenarioLoader, OverridesCanReplaceWholeListsAndRecords) {
  LoadOptions options;
  options.overrides = {"countries=[{name: X}, {name: Y}, {name: Z, population_share: 0.5}]",
                       "countries[0]={name: W}", "states=[{name: S}]"};
  const ResolvedScenario r = load("countries:\n  - name: Alpha\n", options);
  EXPECT_EQ(r.list_size("countries"), 3u);
  EXPECT_EQ(r.get_string("countries[0].name"), "W");
  EXPECT_EQ(r.get_float("countries[2].population_share"), 0.5);
  EXPECT_EQ(r.list_size("states"), 1u);
  EXPECT_EQ(r.location("countries[2].name").file, "--set");
}

TEST_F(ScenarioLoader, OverridesCreateMissingSections) {
  LoadOptions options;
  options.overrides = {"citizens.openness=1.75", "snapshots.steps=[1, 2]"};
  const ResolvedScenario r = load("countries:\n  - name: Alpha\n", options);
  EXPECT_EQ(r.get_float("citizens.openness"), 1.75);
  EXPECT_EQ(r.get_int("citizens.count"), 1000);
  EXPECT_EQ(std::get<std::vector<std::int64_t>>(r.value("snapshots.steps")),
            (std::vector<std::int64_t>{1, 2}));
}

TEST_F(ScenarioLoader, ToYamlRoundTripsExactly) {
  const ResolvedScenario r = load(R"(seed: 9223372036854775807
steps: 1
citizens:
  count: 3
  openness: 0.1
  activity: 1.7976931348623157e308
feed:
  ranking: engagement
  labels: false
  weights: [0.3333333333333333, 5e-324, 0.0, 1e-300]
countries:
  - name: "Quote \" backslash \\ colon: hash # tab\t newline\n end"
    population_share: 0.30000000000000004
    baseline_attitude: {"a b": -1, "c.d": 0.123456789012345678, "": 0.5}
  - name: "true"
  - name: "  Ünïcødé 123  "
    population_share: 1e-7
states:
  - name: "-"
    target_countries: ["[x]", "{y}", "*z", "&w", "!v", "%u", "@t", "`s"]
snapshots:
  steps: [0, 1000000]
)");
  const std::string yaml = r.to_yaml();
  const ResolvedScenario again = load_scenario_text(yaml, "<resolved>", dir_, schema_);
  EXPECT_EQ(again.entries(), r.entries());
  EXPECT_EQ(again.list_sizes_, r.list_sizes_);
  EXPECT_EQ(again.get_string("countries[0].name"),
            "Quote \" backslash \\ colon: hash # tab\t newline\n end");
  EXPECT_EQ(std::get<std::vector<double>>(again.value("feed.weights")),
            (std::vector<double>{0.3333333333333333, 5e-324, 0.0, 1e-300}));
  EXPECT_EQ(again.get_float("citizens.activity"), 1.7976931348623157e308);
  EXPECT_EQ(again.get_int("seed"), 9223372036854775807);
}

TEST_F(ScenarioLoader, ToYamlIsReadableAndStable) {
  const ResolvedScenario r = load(R"(countries:
  - name: Alpha
    baseline_attitude: {North: 0.5}
citizens:
  count: 2000
)");
  const std::string yaml = r.to_yaml();
  EXPECT_THAT(yaml, HasSubstr("\nseed: 42\nsteps: 100  # unit: steps\ncitizens:\n"
                              "  count: 2000  # unit: agents\n  openness: 0.5\n"));
  EXPECT_THAT(yaml, HasSubstr("feed:\n  ranking: \"chronological\"\n  labels: true\n"
                              "  weights: [1.0, 0.5]\n"));
  EXPECT_THAT(yaml, HasSubstr("countries:\n  - name: \"Alpha\"\n    population_share: 1.0\n"
                              "    baseline_attitude: {\"North\": 0.5}\nstates: []\n"
                              "snapshots:\n  steps: []  # unit: steps\n"));
  const ResolvedScenario again = load_scenario_text(yaml, "<resolved>", dir_, schema_);
  std::string yaml_again = again.to_yaml();
  EXPECT_EQ(yaml_again.substr(yaml_again.find("\nseed:")), yaml.substr(yaml.find("\nseed:")));
}

}  // namespace
}  // namespace dipsim::io::loader_test
