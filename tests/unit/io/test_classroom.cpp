// The classroom section of a scenario (classroom.question, .knobs, .compare; used by
// `dipsim serve`), find_param, and RunOptions::on_step, the per-step callback that streams a run's
// metrics: called for step 0 and every step after, with the frame the run file stores.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "dipsim/core/error.hpp"
#include "dipsim/io/hdf5.hpp"
#include "dipsim/io/parameters.hpp"
#include "dipsim/io/run.hpp"
#include "dipsim/sim/world.hpp"

namespace dipsim::io {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const std::string kBase =
    "title: classroom test\n"
    "run: {steps: 6, seed: 3}\n"
    "citizens: {count: 400}\n"
    "countries: [{name: A}, {name: B}]\n"
    "states: [{name: S, posts_per_day: 24}]\n";

LoadedScenario load(const std::string& text) {
  LoadedScenario out{
      load_scenario_text(text, "test.yaml", fs::temp_directory_path(), scenario_schema()), {}};
  out.config = to_sim_config(out.resolved);
  return out;
}

std::string load_error(const std::string& text) {
  try {
    load(text);
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::kInput);
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return "";
}

TEST(Classroom, SectionIsOptionalAndDefaultsToNoKnobs) {
  const auto s = load(kBase);
  EXPECT_EQ(s.resolved.get_string("classroom.question"), "");
  EXPECT_TRUE(std::get<std::vector<std::string>>(s.resolved.value("classroom.knobs")).empty());
}

TEST(Classroom, KnobsNameConcreteKeysOfSingleValues) {
  const auto s = load(kBase +
                      "classroom:\n  question: \"Why?\"\n"
                      "  knobs: [\"states[0].posts_per_day\", citizens.count, "
                      "\"countries[1].internet_penetration\"]\n"
                      "  compare: \"citizens.count=500\"\n");
  EXPECT_EQ(s.resolved.get_string("classroom.question"), "Why?");
  EXPECT_EQ(std::get<std::vector<std::string>>(s.resolved.value("classroom.knobs")).size(), 3u);
}

TEST(Classroom, UnknownOrOutOfRangeKnobIsAnInputError) {
  EXPECT_THAT(load_error(kBase + "classroom: {knobs: [\"states[1].posts_per_day\"]}\n"),
              HasSubstr("classroom.knobs[0]: unknown key \"states[1].posts_per_day\""));
  EXPECT_THAT(load_error(kBase + "classroom: {knobs: [bots.count]}\n"),
              HasSubstr("unknown key \"bots.count\""));
}

TEST(Classroom, ListMapAndTextKeysAreNotKnobs) {
  // text keys would let a page set file names (graph.file) or names other keys refer to
  EXPECT_THAT(load_error(kBase + "classroom: {knobs: [graph.file]}\n"),
              HasSubstr("graph.file is a string"));
  EXPECT_THAT(load_error(kBase + "classroom: {knobs: [\"countries[0].languages\"]}\n"),
              HasSubstr("expected a number, integer, flag or choice as a classroom knob; "
                        "countries[0].languages is a float map"));
}

TEST(Classroom, CompareMustChangeAKnob) {
  EXPECT_THAT(
      load_error(kBase + "classroom: {knobs: [citizens.count], compare: \"run.steps=3\"}\n"),
      HasSubstr("classroom.compare: expected key=value with a key from classroom.knobs"));
  EXPECT_THAT(load_error(kBase + "classroom: {knobs: [citizens.count], compare: citizens.count}\n"),
              HasSubstr("classroom.compare"));
}

TEST(Classroom, FindParamMapsIndicesToTheTableRow) {
  const Schema& schema = scenario_schema();
  ASSERT_NE(find_param(schema, "states[12].posts_per_day"), nullptr);
  EXPECT_EQ(find_param(schema, "states[12].posts_per_day")->path, "states[].posts_per_day");
  EXPECT_EQ(find_param(schema, "moderation.enabled")->type, ParamType::kBool);
  EXPECT_EQ(find_param(schema, "states[x].posts_per_day"), nullptr);
  EXPECT_EQ(find_param(schema, "states[0.posts_per_day"), nullptr);
  EXPECT_EQ(find_param(schema, "no.such.key"), nullptr);
}

TEST(RunOnStep, SeesEveryStepWithTheFramesTheFileStores) {
  const auto s = load(kBase);
  const fs::path out = fs::temp_directory_path() /
                       ("dipsim_on_step_" + std::to_string(std::random_device{}()) + ".h5");
  RunOptions options;
  options.output = out;
  std::vector<std::uint32_t> steps;
  std::vector<std::vector<double>> frames;
  std::uint32_t citizens = 0;
  options.on_step = [&](std::uint32_t step, const sim::MetricFrame& f, const sim::World& w) {
    steps.push_back(step);
    frames.push_back(f.values);
    citizens = w.citizens.count;
  };
  const RunResult r = run_scenario(s, options);
  EXPECT_EQ(steps, (std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(citizens, 400u);
  h5::File file = h5::open_file(r.file, false);
  const auto& infos = sim::metric_infos();
  const std::size_t cs = 2;  // countries x states
  for (std::size_t m = 0; m < infos.size(); ++m) {
    const auto rows = h5::read_rows_as_double(
        h5::open_dataset(file, "metrics/" + std::string(infos[m].name)), 0, 7);
    for (std::size_t t = 0; t < 7; ++t) {
      for (std::size_t k = 0; k < cs; ++k) {
        EXPECT_EQ(rows[t * cs + k], frames[t][m * cs + k]) << infos[m].name << " step " << t;
      }
    }
  }
  std::error_code ec;
  fs::remove(r.file, ec);
}

}  // namespace
}  // namespace dipsim::io
