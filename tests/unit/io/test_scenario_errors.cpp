// Malformed scenarios: every error is core::Error(kInput) whose what() names the file, line and
// column, the key path, what was given and what was expected. Each case asserts one exact
// substring of what() from the file name to the end of the important phrase.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "dipsim/core/error.hpp"
#include "dipsim/io/schema.hpp"

namespace dipsim::io::loader_test {

Schema make_test_schema();  // test_scenario_loader.cpp

namespace {

namespace fs = std::filesystem;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

const fs::path kData = fs::path(DIPSIM_TEST_DATA_DIR) / "scenarios" / "loader";

class TempFiles {
 public:
  TempFiles() {
    static std::atomic<int> counter{0};
    dir_ =
        fs::temp_directory_path() / ("dipsim_loader_err_" + std::to_string(std::random_device{}()) +
                                     "_" + std::to_string(counter++));
    fs::create_directories(dir_);
  }
  ~TempFiles() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  TempFiles(const TempFiles&) = delete;
  TempFiles& operator=(const TempFiles&) = delete;

  fs::path write(const std::string& name, std::string_view text) const {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

core::Error error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a core::Error";
  return core::Error(core::ErrorKind::kInternal, "no error was thrown");
}

/// Loads `text` as run.yaml in a fresh folder and returns the error it raises.
core::Error load_error(std::string_view text, const LoadOptions& options = {}) {
  const TempFiles files;
  const Schema schema = make_test_schema();
  return error_of([&] { load_scenario(files.write("run.yaml", text), schema, options); });
}

// ---- One file, one mistake --------------------------------------------------------------------

struct BadCase {
  std::string name;
  std::string yaml;
  std::string expected;  ///< exact substring of what(), from "run.yaml:" on
};

std::ostream& operator<<(std::ostream& os, const BadCase& c) {
  return os << c.name;
}

const std::string kCountry = "countries:\n  - name: A\n";

class MalformedScenario : public ::testing::TestWithParam<BadCase> {};

TEST_P(MalformedScenario, FailsWithFileLineKeyAndExpectation) {
  const core::Error e = load_error(GetParam().yaml);
  EXPECT_EQ(e.kind(), core::ErrorKind::kInput);
  EXPECT_THAT(e.what(), HasSubstr(GetParam().expected));
}

const std::vector<BadCase> kBadCases = {
    // Unknown keys.
    {"UnknownKeyWithSuggestion", kCountry + "states:\n  - name: RU\n    credibilty: 0.5\n",
     "run.yaml:5:5: states[0].credibilty: unknown key \"credibilty\"; did you mean "
     "\"credibility\"?"},
    {"UnknownKeyListsValidKeys", "zzz_unrelated: 1\n" + kCountry,
     "run.yaml:1:1: zzz_unrelated: unknown key \"zzz_unrelated\"; valid keys here: seed, steps, "
     "citizens, feed, countries, states, snapshots, include"},
    {"UnknownKeyInSection", "citizens:\n  size: 10\n" + kCountry,
     "run.yaml:2:3: citizens.size: unknown key \"size\"; valid keys here: count, openness, "
     "activity"},
    {"MergeKeysAreNotSupported", "<<: {seed: 1}\n" + kCountry,
     "run.yaml:1:1: <<: unknown key \"<<\"; YAML merge keys are not supported, use include: to "
     "share settings"},
    // kBool.
    {"BoolGivenYes", "feed:\n  labels: yes\n" + kCountry,
     "run.yaml:2:11: feed.labels: expected true or false, got \"yes\""},
    // kInt.
    {"IntGivenWord", "seed: lots\n" + kCountry,
     "run.yaml:1:7: seed: expected an integer >= 0, got \"lots\""},
    {"IntWithTrailingJunk", "steps: 12abc\n" + kCountry,
     "run.yaml:1:8: steps: expected an integer >= 1, got \"12abc\""},
    {"FloatGivenToInt", "citizens:\n  count: 1.5\n" + kCountry,
     "run.yaml:2:10: citizens.count: expected an integer >= 1, got \"1.5\" (not a whole "
     "number)"},
    {"IntOverflow", "seed: 99999999999999999999\n" + kCountry,
     "run.yaml:1:7: seed: expected an integer >= 0, got \"99999999999999999999\" (outside the "
     "64-bit integer range)"},
    {"QuotedInt", "seed: \"12\"\n" + kCountry,
     "run.yaml:1:7: seed: expected an integer >= 0, got \"12\" (quoted, so it is a string; "
     "remove the quotes)"},
    {"TaggedInt", "seed: !!int 12\n" + kCountry,
     "run.yaml:1:7: seed: expected an integer >= 0, got \"12\" (YAML tags such as !!int are not "
     "supported; remove the tag)"},
    {"IntBelowMinimum", "steps: 0\n" + kCountry,
     "run.yaml:1:8: steps: expected an integer >= 1, got 0"},
    {"EmptyValue", "seed:\n" + kCountry,
     "run.yaml:1:1: seed: expected an integer >= 0, got an empty value"},
    // kFloat.
    {"FloatGivenWord", "citizens:\n  openness: lots\n" + kCountry,
     "run.yaml:2:13: citizens.openness: expected a number in [0, 2], got \"lots\""},
    {"FloatNaN", "citizens:\n  openness: .nan\n" + kCountry,
     "run.yaml:2:13: citizens.openness: expected a number in [0, 2], got \".nan\" (NaN is not "
     "allowed)"},
    {"FloatInfinity", "citizens:\n  activity: -.inf\n" + kCountry,
     "run.yaml:2:13: citizens.activity: expected a number >= 0, got \"-.inf\" (infinity is not "
     "allowed)"},
    {"FloatOverflow", "citizens:\n  activity: 1e400\n" + kCountry,
     "run.yaml:2:13: citizens.activity: expected a number >= 0, got \"1e400\" (outside the range "
     "of a 64-bit float)"},
    {"FloatAboveMaximum", "citizens:\n  openness: 2.5\n" + kCountry,
     "run.yaml:2:13: citizens.openness: expected a number in [0, 2], got 2.5"},
    // kString and kChoice.
    {"StringGivenList", "countries:\n  - name: [A, B]\n",
     "run.yaml:2:11: countries[0].name: expected a string, got a list"},
    {"ChoiceWithSuggestion", "feed:\n  ranking: engagment\n" + kCountry,
     "run.yaml:2:12: feed.ranking: expected one of \"chronological\", \"engagement\", \"random\", "
     "got \"engagment\"; did you mean \"engagement\"?"},
    {"ChoiceWithoutSuggestion", "feed:\n  ranking: popularity\n" + kCountry,
     "run.yaml:2:12: feed.ranking: expected one of \"chronological\", \"engagement\", \"random\", "
     "got \"popularity\""},
    // Lists and maps of values.
    {"IntListGivenScalar", "snapshots:\n  steps: 5\n" + kCountry,
     "run.yaml:2:10: snapshots.steps: expected a list of integers >= 0, got \"5\""},
    {"IntListElementOutOfRange", "snapshots:\n  steps: [0, 24, -1]\n" + kCountry,
     "run.yaml:2:18: snapshots.steps[2]: expected an integer >= 0, got -1"},
    {"FloatListElementOutOfRange", "feed:\n  weights: [0.5, 1.5]\n" + kCountry,
     "run.yaml:2:18: feed.weights[1]: expected a number in [0, 1], got 1.5"},
    {"StringListGivenMapping", kCountry + "states:\n  - name: RU\n    target_countries: {A: 1}\n",
     "run.yaml:5:23: states[0].target_countries: expected a list of strings, got a mapping"},
    {"FloatMapGivenList", "countries:\n  - name: A\n    baseline_attitude: [0.5]\n",
     "run.yaml:3:24: countries[0].baseline_attitude: expected a mapping of names to numbers in "
     "[-1, 1], got a list"},
    {"FloatMapValueOutOfRange",
     "countries:\n  - name: A\n    baseline_attitude: {US: 0.5, CN: -2}\n",
     "run.yaml:3:38: countries[0].baseline_attitude.CN: expected a number in [-1, 1], got -2"},
    // Required keys.
    {"MissingRequiredList", "seed: 1\n",
     "run.yaml: countries: missing required list \"countries\" (at least 1 record)"},
    {"MissingRequiredKeyInRecord", "countries:\n  - name: A\n  - population_share: 0.5\n",
     "run.yaml:3:5: countries[1].name: missing required key \"name\" in countries[1] (country "
     "name)"},
    {"MissingRequiredKeyInSecondList", kCountry + "states:\n  - credibility: 0.5\n",
     "run.yaml:4:5: states[0].name: missing required key \"name\" in states[0] (state name)"},
    // Lists of records and sections.
    {"ListGivenScalar", "countries: France\n",
     "run.yaml:1:12: countries: expected a list of records (each starting with '- ' and having "
     "the keys name, population_share, baseline_attitude), got \"France\""},
    {"ListGivenMapping", "countries:\n  name: France\n",
     "run.yaml:2:3: countries: expected a list of records (each starting with '- ' and having "
     "the keys name, population_share, baseline_attitude), got a mapping"},
    {"ListTooShort", "countries: []\n",
     "run.yaml:1:12: countries: expected at least 1 record, got 0"},
    {"ListTooLong", kCountry + "states: [{name: a}, {name: b}, {name: c}, {name: d}, {name: e}]\n",
     "run.yaml:3:9: states: expected at most 4 records, got 5"},
    {"RecordNotAMapping", "countries: [A, B]\n",
     "run.yaml:1:13: countries[0]: expected a record (a mapping with the keys name, "
     "population_share, baseline_attitude), got \"A\""},
    {"SectionGivenScalar", "citizens: 5\n" + kCountry,
     "run.yaml:1:11: citizens: expected a section (a mapping with the keys count, openness, "
     "activity), got \"5\""},
    // YAML syntax and structure.
    {"UnclosedBracket", "countries: [{name: A}\n",
     "run.yaml:2:1: invalid YAML: end of sequence flow not found"},
    {"BadIndentation", "citizens:\n  count: 5\n openness: 1\n" + kCountry,
     "run.yaml:3:2: invalid YAML: end of map not found"},
    {"TabIndentation", "citizens:\n\tcount: 5\n" + kCountry,
     "run.yaml:2:7: invalid YAML: illegal map value (line 2 is indented with a tab; YAML allows "
     "only spaces for indentation)"},
    {"TopLevelList", "- seed: 1\n",
     "run.yaml:1:1: expected a mapping of keys (key: value) at the top level, got a list"},
    {"TopLevelScalar", "hello\n",
     "run.yaml:1:1: expected a mapping of keys (key: value) at the top level, got \"hello\""},
    {"TwoDocuments", "seed: 1\n---\nseed: 2\n",
     "run.yaml:2:1: expected one YAML document, found a second one (documents are separated by "
     "'---'); use include: to combine files"},
    {"DuplicateKey", "seed: 1\n" + kCountry + "seed: 2\n",
     "run.yaml:4:1: seed: duplicate key \"seed\": first given at line 1, again at line 4"},
    {"DuplicateKeyInRecord", "countries:\n  - name: A\n    name: B\n",
     "run.yaml:3:5: countries[0].name: duplicate key \"name\": first given at line 2, again at "
     "line 3"},
    {"AliasInsideItsOwnAnchor", "countries: &c [{name: A}, *c]\n",
     "run.yaml:1:27: countries[1]: an alias cannot refer to a list or mapping that contains it"},
    {"UndefinedAlias", "seed: *nope\n" + kCountry,
     "run.yaml:1:7: invalid YAML: the referenced anchor is not defined"},
    {"NonScalarKey", "? [a, b]\n: 1\n", "run.yaml:1:3: expected a key name, got a list as a key"},
    {"DeepNesting",
     "countries:\n  - name: A\n    baseline_attitude: " + std::string(70, '[') +
         std::string(70, ']') + "\n",
     "run.yaml:3:85: countries[0].baseline_attitude[0][0]"},
    {"EmptyFile", "",
     "run.yaml: countries: missing required list \"countries\" (at least 1 record) (the "
     "scenario is empty)"},
    {"OnlyComments", "# to do\n",
     "run.yaml: countries: missing required list \"countries\" (at least 1 record) (the "
     "scenario is empty)"},
    // include: itself.
    {"IncludeGivenMapping", "include: {file: a.yaml}\n",
     "run.yaml:1:10: include: expected a file name or a list of file names, got a mapping"},
    {"IncludeListItemNotAName", "include: [[a.yaml]]\n",
     "run.yaml:1:11: include[0]: expected a file name, got a list"},
};

std::string case_name(const ::testing::TestParamInfo<BadCase>& p) {
  return p.param.name;
}

INSTANTIATE_TEST_SUITE_P(ScenarioErrors, MalformedScenario, ::testing::ValuesIn(kBadCases),
                         case_name);

TEST(ScenarioErrors, DeepNestingSaysWhatTheLimitIs) {
  const core::Error e =
      load_error("countries:\n  - name: A\n    baseline_attitude: " + std::string(70, '[') +
                 std::string(70, ']') + "\n");
  EXPECT_THAT(e.what(), HasSubstr("lists and mappings are nested more than 64 levels deep"));
}

TEST(ScenarioErrors, ChoiceWithoutCloseMatchDoesNotSuggest) {
  const core::Error e = load_error("feed:\n  ranking: popularity\n" + kCountry);
  EXPECT_THAT(e.what(), Not(HasSubstr("did you mean")));
}

// ---- Files and includes -----------------------------------------------------------------------

TEST(ScenarioErrors, NonExistentScenarioFile) {
  const TempFiles files;
  const Schema schema = make_test_schema();
  const fs::path missing = files.dir() / "nope.yaml";
  const core::Error e = error_of([&] { load_scenario(missing, schema); });
  EXPECT_EQ(e.kind(), core::ErrorKind::kInput);
  EXPECT_EQ(std::string(e.what()),
            missing.string() + ": cannot read the scenario file: it does not exist");
  const core::Error folder = error_of([&] { load_scenario(files.dir(), schema); });
  EXPECT_THAT(folder.what(), HasSubstr(": expected a YAML file, got a folder"));
}

TEST(ScenarioErrors, FileTooBig) {
  LoadOptions options;
  options.max_bytes = 16;
  const core::Error e = load_error("seed: 1\n" + kCountry, options);  // 31 bytes
  EXPECT_EQ(e.kind(), core::ErrorKind::kInput);
  EXPECT_THAT(e.what(), HasSubstr("run.yaml: the file is 31 bytes, more than the limit of 16 "
                                  "bytes (LoadOptions::max_bytes)"));

  const TempFiles files;
  files.write("big.yaml", std::string(100, '#'));
  const Schema schema = make_test_schema();
  LoadOptions small;
  small.max_bytes = 64;
  const core::Error inc = error_of(
      [&] { load_scenario(files.write("run.yaml", "include: big.yaml\n"), schema, small); });
  EXPECT_THAT(inc.what(), HasSubstr("big.yaml: the file is 100 bytes, more than the limit of 64"));

  const core::Error text = error_of(
      [&] { load_scenario_text(std::string(100, ' '), "<text>", files.dir(), schema, small); });
  EXPECT_THAT(text.what(), HasSubstr("<text>: the file is 100 bytes, more than the limit of 64"));
}

TEST(ScenarioErrors, IncludeNotFoundListsThePathsTried) {
  const TempFiles files;
  files.write("base.yaml", kCountry);
  LoadOptions options;
  options.include_dirs = {files.dir() / "lib"};
  const Schema schema = make_test_schema();
  const core::Error e = error_of([&] {
    load_scenario(files.write("run.yaml", "include: [base.yaml, nope.yaml]\n"), schema, options);
  });
  EXPECT_EQ(e.kind(), core::ErrorKind::kInput);
  EXPECT_THAT(e.what(),
              HasSubstr("run.yaml:1:22: include[1]: included file \"nope.yaml\" not found; tried " +
                        (files.dir() / "nope.yaml").string() + ", " +
                        (files.dir() / "lib" / "nope.yaml").string()));
}

TEST(ScenarioErrors, IncludeCycleNamesTheChain) {
  const Schema schema = make_test_schema();
  const fs::path a = kData / "cycle_a.yaml";
  const core::Error e = error_of([&] { load_scenario(a, schema); });
  EXPECT_EQ(e.kind(), core::ErrorKind::kInput);
  EXPECT_THAT(e.what(),
              HasSubstr("cycle_b.yaml:1:10: include: include cycle: " + a.string() + " -> " +
                        (kData / "cycle_b.yaml").string() + " -> " + a.string()));
}

TEST(ScenarioErrors, IncludeTooDeep) {
  const TempFiles files;
  for (int i = 1; i <= 5; ++i) {
    files.write(std::string("f") + std::to_string(i) + ".yaml",
                std::string("include: f") + std::to_string(i + 1) + ".yaml\n");
  }
  files.write("f6.yaml", kCountry);
  LoadOptions options;
  options.max_include_depth = 3;
  const Schema schema = make_test_schema();
  const fs::path run = files.write("run.yaml", "include: f1.yaml\n");
  const core::Error e = error_of([&] { load_scenario(run, schema, options); });
  EXPECT_EQ(e.kind(), core::ErrorKind::kInput);
  const auto f = [&](int i) {
    return (files.dir() / (std::string("f") + std::to_string(i) + ".yaml")).string();
  };
  EXPECT_THAT(e.what(), HasSubstr("f3.yaml:1:10: include: includes are nested more than 3 levels "
                                  "deep (LoadOptions::max_include_depth): " +
                                  run.string() + " -> " + f(1) + " -> " + f(2) + " -> " + f(3) +
                                  " -> " + f(4)));
}

TEST(ScenarioErrors, AliasBombFailsFast) {
  // "Billion laughs": ten levels of ten aliases expand to 10^10 nodes.
  std::string bomb = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= 9; ++i) {
    // std::string(...) first: `"a" + std::to_string(i)` trips GCC 12's -Wrestrict at -O3.
    const std::string prev = std::string("*a") + std::to_string(i - 1);
    bomb += std::string("a") + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) bomb += (k > 0 ? ", " : "") + prev;
    bomb += "]\n";
  }
  // Aliases are charged their expanded size before anything is copied: a0..a4 hold 125k nodes,
  // and the 8th *a4 on line 6 (column 45) takes the total past the default limit of 10^6.
  const auto start = std::chrono::steady_clock::now();
  const core::Error e = load_error(bomb);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(e.kind(), core::ErrorKind::kInput);
  EXPECT_THAT(e.what(), HasSubstr("run.yaml:6:45: a5[7]: the YAML has more than "
                                  "1000000 nodes once aliases (*name) are expanded "
                                  "(LoadOptions::max_nodes); aliases that repeat large "
                                  "structures (\"billion laughs\") are not accepted"));
  EXPECT_LT(elapsed, std::chrono::seconds(1));
}

TEST(ScenarioErrors, NodeLimitIsConfigurable) {
  LoadOptions options;
  options.max_nodes = 20;
  const core::Error e = load_error("snapshots:\n  steps: [" + std::string(40, '1') + "]\n" +
                                       "feed: {weights: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}\n",
                                   options);
  EXPECT_THAT(e.what(), HasSubstr("the YAML has more than 20 nodes"));
}

// ---- --set overrides --------------------------------------------------------------------------

core::Error override_error(const std::string& override_text) {
  LoadOptions options;
  options.overrides = {override_text};
  return load_error(kCountry + "states:\n  - name: North\n", options);
}

struct BadOverride {
  std::string name;
  std::string override_text;
  std::string expected;  ///< what() from the start
};

std::ostream& operator<<(std::ostream& os, const BadOverride& c) {
  return os << c.name;
}

class MalformedOverride : public ::testing::TestWithParam<BadOverride> {};

TEST_P(MalformedOverride, FailsWithSetAndKey) {
  const core::Error e = override_error(GetParam().override_text);
  EXPECT_EQ(e.kind(), core::ErrorKind::kInput);
  EXPECT_EQ(e.where().file, "--set");
  EXPECT_THAT(e.what(), HasSubstr(GetParam().expected));
  EXPECT_EQ(std::string(e.what()).rfind("--set: ", 0), 0u) << e.what();
}

const std::vector<BadOverride> kBadOverrides = {
    {"NoEquals", "citizens.count",
     "--set: citizens.count: expected key=value, got \"citizens.count\" (no '=')"},
    {"EmptyKey", "=5", "--set: expected key=value, got \"=5\" (no key before '=')"},
    {"UnknownKeyWithSuggestion", "citizens.opennes=1",
     "--set: citizens.opennes: unknown key \"opennes\"; did you mean \"openness\"?"},
    {"UnknownTopLevelKey", "zzz_unrelated=1",
     "--set: zzz_unrelated: unknown key \"zzz_unrelated\"; valid keys here: seed, steps, "
     "citizens, feed, countries, states, snapshots"},
    {"IndexOutOfRange", "states[3].credibility=0.5",
     "--set: states[3].credibility: index 3 is out of range: states has 1 record (indices 0 to "
     "0); --set can change fields of existing records only, or replace the whole list "
     "(states=[...])"},
    {"DottedIndexOutOfRange", "countries.1.name=B",
     "--set: countries.1.name: index 1 is out of range: countries has 1 record"},
    {"ListElementOutOfRange", "snapshots.steps[0]=5",
     "--set: snapshots.steps[0]: index 0 is out of range: snapshots.steps has 0 elements"},
    {"IndexMissingAfterList", "countries.name=B",
     "--set: countries.name: countries is a list of records; expected a record index after it "
     "(countries[0].name), got \"name\""},
    {"IndexOnSection", "citizens[0].count=5",
     "--set: citizens[0].count: citizens is not a list; [0] cannot follow it"},
    {"PartOfScalar", "seed.value=1",
     "--set: seed.value: seed is a single int parameter; it has no part \"value\""},
    {"BadValueType", "citizens.count=many",
     "--set: citizens.count: expected an integer >= 1, got \"many\""},
    {"BadValueInRecord", "states[0].credibility=2",
     "--set: states[0].credibility: expected a number in [0, 1], got 2"},
    {"UnknownKeyInsideValue", "citizens={cont: 5}",
     "--set: citizens.cont: unknown key \"cont\"; did you mean \"count\"?"},
    {"ValueNotYaml", "feed.weights=[1,",
     "--set: feed.weights: cannot read \"[1,\" as YAML: end of sequence flow not found"},
    {"EmptyValueForRequired",
     "countries[0].name=", "--set: countries[0].name: expected a string, got an empty value"},
    {"MalformedKeyDoubleDot", "citizens..count=1",
     "--set: citizens..count: malformed key: an empty name between dots (keys look like a.b, "
     "list[2].field or list.2.field)"},
    {"MalformedKeyBracket", "states[x].name=1",
     "--set: states[x].name: malformed key: expected a number inside [], got \"x\""},
};

std::string override_name(const ::testing::TestParamInfo<BadOverride>& p) {
  return p.param.name;
}

INSTANTIATE_TEST_SUITE_P(ScenarioErrors, MalformedOverride, ::testing::ValuesIn(kBadOverrides),
                         override_name);

}  // namespace
}  // namespace dipsim::io::loader_test
