// The run-file writer and reader: provenance, status transitions, the .partial → final rename,
// refusals that leave existing files untouched, extra arrays with dimensions, and
// read_run_summary on complete, crashed, truncated, foreign and non-HDF5 files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "dipsim/core/error.hpp"
#include "dipsim/io/hdf5.hpp"
#include "dipsim/io/run_file.hpp"

namespace fs = std::filesystem;
namespace h5 = dipsim::io::h5;
using dipsim::NodeId;
using dipsim::core::Error;
using dipsim::core::ErrorKind;
using dipsim::io::read_run_summary;
using dipsim::io::RunProvenance;
using dipsim::io::RunStatus;
using dipsim::io::RunSummary;
using dipsim::io::RunWriter;
using dipsim::io::TimeSeriesLayout;
using ::testing::HasSubstr;

namespace {

class RunFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("dipsim_test_run_file_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  static RunProvenance provenance() {
    RunProvenance p;
    p.dipsim_version = "0.1.0";
    p.git_revision = "abc123def456-dirty";
    p.scenario = "name: test\nsteps: 3\ncountries:\n  - France\n  - Brasil\n";
    p.host = "node-7";
    p.command_line = "dipsim run test.yaml -o out.h5 --seed 42";
    p.start_time = "2025-01-31T12:00:00Z";
    p.seed = 42;
    p.threads = 4;
    return p;
  }

  static TimeSeriesLayout layout() {
    TimeSeriesLayout l;
    l.countries = {"France", "Brasil"};
    l.states = {"alpha", "beta", "gamma"};
    l.metrics = {"mean_attitude", "favourable_share"};
    l.units = {"1", "1"};
    l.descriptions = {"mean attitude toward the state", "share of citizens with attitude > 0"};
    return l;
  }

  /// Values of one step, [metric][country][state], encoding all four indices.
  static std::vector<double> step_values(std::uint32_t step) {
    std::vector<double> v;
    for (int m = 0; m < 2; ++m) {
      for (int c = 0; c < 2; ++c) {
        for (int s = 0; s < 3; ++s) v.push_back(step * 1000.0 + m * 100 + c * 10 + s);
      }
    }
    return v;
  }

  /// A complete run with `steps` steps, two snapshots and graph/cascade arrays.
  fs::path write_complete_run(const std::string& name, std::uint32_t steps) {
    const fs::path path = dir_ / name;
    RunWriter writer(path, provenance(), layout(), false);
    for (std::uint32_t step = 0; step < steps; ++step) {
      writer.append_step(step, step_values(step));
    }
    const std::vector<NodeId> citizens{3, 5, 8, 13};
    std::vector<float> attitudes(citizens.size() * 3);
    for (std::size_t i = 0; i < attitudes.size(); ++i) attitudes[i] = 0.1F * static_cast<float>(i);
    writer.append_snapshot(0, citizens, attitudes);
    writer.append_snapshot(steps - 1, citizens, attitudes);
    const std::vector<std::uint16_t> node_country{0, 1, 1, 0, 1};
    const std::vector<NodeId> node_ids{0, 1, 2, 3, 4};
    writer.write_array<std::uint16_t>("graph/node_country", node_country, {"node"});
    writer.write_array<NodeId>("graph/node", node_ids, {"node"});
    const std::vector<std::string> countries{"France", "Brasil"};
    writer.write_strings("graph/country_name", countries, {"country"});
    const std::vector<std::int64_t> cascade_size{5, 1, 12};
    const std::vector<double> cascade_depth{2.0, 0.0, 4.0};
    writer.write_array<std::int64_t>("cascades/size", cascade_size, {"cascade"});
    writer.write_array<double>("cascades/depth", cascade_depth, {"cascade"});
    writer.write_array<float>("graph/official_weight", std::span<const float>{}, {"official"});
    writer.set_attribute("graph", "generator", "random_follow");
    writer.set_attribute("/", "steps_requested", std::uint64_t{steps});
    writer.finish(RunStatus::kComplete, 1.5);
    return path;
  }

  static std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  static void write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }

  fs::path dir_;
};

/// Runs `statement`, expects core::Error of `kind` whose message contains every `parts`.
template <class F>
void expect_error(F&& statement, ErrorKind kind, const std::vector<std::string>& parts) {
  try {
    statement();
    FAIL() << "expected an error containing \"" << parts.front() << "\"";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    for (const auto& part : parts) EXPECT_THAT(e.message(), HasSubstr(part));
  }
}

TEST_F(RunFileTest, CompleteRunIsRenamedAndSummarised) {
  const fs::path path = write_complete_run("run.h5", 5);
  EXPECT_TRUE(fs::exists(path));
  EXPECT_FALSE(fs::exists(dir_ / "run.h5.partial"));

  const RunSummary summary = read_run_summary(path);
  EXPECT_EQ(summary.status, "complete");
  EXPECT_EQ(summary.steps_written, 5u);
  EXPECT_EQ(summary.countries, (std::vector<std::string>{"France", "Brasil"}));
  EXPECT_EQ(summary.states, (std::vector<std::string>{"alpha", "beta", "gamma"}));
  const auto& a = summary.attributes;
  EXPECT_EQ(a.at("status"), "complete");
  EXPECT_EQ(a.at("dipsim_version"), "0.1.0");
  EXPECT_EQ(a.at("git_revision"), "abc123def456-dirty");
  EXPECT_EQ(a.at("scenario"), provenance().scenario);
  EXPECT_EQ(a.at("host"), "node-7");
  EXPECT_EQ(a.at("command_line"), "dipsim run test.yaml -o out.h5 --seed 42");
  EXPECT_EQ(a.at("start_time"), "2025-01-31T12:00:00Z");
  EXPECT_EQ(a.at("seed"), "42");
  EXPECT_EQ(a.at("threads"), "4");
  EXPECT_EQ(a.at("wall_seconds"), "1.5");
  EXPECT_EQ(a.at("format_version"), "1");
  EXPECT_EQ(a.at("steps_requested"), "5");
  EXPECT_EQ(a.count("error"), 0u);

  ASSERT_EQ(summary.last_values.size(), 2u);
  const std::vector<double> step4 = step_values(4);
  const std::vector<double> expected_last(step4.begin(), step4.begin() + 6);
  EXPECT_EQ(summary.last_values.at("mean_attitude"), expected_last);
  EXPECT_EQ(summary.last_values.at("favourable_share")[5], 4000.0 + 100 + 10 + 2);

  const auto shape_of = [&summary](const std::string& name) {
    for (const auto& [dataset_path, shape] : summary.datasets) {
      if (dataset_path == name) return shape;
    }
    ADD_FAILURE() << "dataset " << name << " not listed";
    return std::vector<hsize_t>{};
  };
  EXPECT_EQ(shape_of("metrics/mean_attitude"), (std::vector<hsize_t>{5, 2, 3}));
  EXPECT_EQ(shape_of("metrics/step"), (std::vector<hsize_t>{5}));
  EXPECT_EQ(shape_of("snapshots/attitude"), (std::vector<hsize_t>{2, 4, 3}));
  EXPECT_EQ(shape_of("graph/node"), (std::vector<hsize_t>{5}));
  EXPECT_EQ(shape_of("cascades/size"), (std::vector<hsize_t>{3}));
  EXPECT_EQ(shape_of("graph/official_weight"), (std::vector<hsize_t>{0}));
  for (const auto& [name, shape] : summary.datasets) {
    EXPECT_NE(name, "snapshots/snapshot") << "dimensions without data are not listed";
  }
}

TEST_F(RunFileTest, MetricsCarryUnitsScalesAndValues) {
  const fs::path path = write_complete_run("run.h5", 3);
  const h5::File file = h5::open_file(path, false);
  const h5::Dataset mean = h5::open_dataset(file, "metrics/mean_attitude");
  EXPECT_EQ(h5::read_string_attribute(mean, "units"), "1");
  EXPECT_EQ(h5::read_string_attribute(mean, "long_name"), "mean attitude toward the state");
  EXPECT_EQ(h5::dataset_max_shape(mean)[0], H5S_UNLIMITED);
  EXPECT_TRUE(h5::is_attached(mean, h5::open_dataset(file, "metrics/step"), 0));
  EXPECT_TRUE(h5::is_attached(mean, h5::open_dataset(file, "metrics/country"), 1));
  EXPECT_TRUE(h5::is_attached(mean, h5::open_dataset(file, "metrics/state"), 2));
  const h5::PropertyList dcpl(H5Dget_create_plist(mean.id()));
  hsize_t chunk[3] = {};
  ASSERT_EQ(H5Pget_chunk(dcpl.id(), 3, chunk), 3);
  EXPECT_EQ(chunk[0], 64u);
  EXPECT_EQ(chunk[1], 2u);
  EXPECT_EQ(chunk[2], 3u);
  EXPECT_EQ(H5Pget_nfilters(dcpl.id()), 2);
  EXPECT_EQ(h5::read_array<std::int64_t>(h5::open_dataset(file, "metrics/step")),
            (std::vector<std::int64_t>{0, 1, 2}));
  const std::vector<double> all = h5::read_as_double(mean);
  ASSERT_EQ(all.size(), 18u);
  EXPECT_EQ(all[6 + 3 + 2], 1000.0 + 10 + 2);  // step 1, country 1, state 2

  // snapshots/ and the generic arrays
  EXPECT_EQ(h5::read_array<std::int64_t>(h5::open_dataset(file, "snapshots/snapshot_step")),
            (std::vector<std::int64_t>{0, 2}));
  EXPECT_EQ(h5::read_array<NodeId>(h5::open_dataset(file, "snapshots/citizen")),
            (std::vector<NodeId>{3, 5, 8, 13}));
  const h5::Dataset attitude = h5::open_dataset(file, "snapshots/attitude");
  EXPECT_EQ(h5::read_string_attribute(attitude, "coordinates"), "snapshot_step");
  const std::vector<float> snapshot = h5::read_array<float>(attitude);
  ASSERT_EQ(snapshot.size(), 24u);
  EXPECT_FLOAT_EQ(snapshot[12 + 11], 1.1F);
  const h5::Dataset node_country = h5::open_dataset(file, "graph/node_country");
  const h5::Dataset node = h5::open_dataset(file, "graph/node");
  EXPECT_TRUE(h5::is_scale(node));
  EXPECT_FALSE(h5::is_dimension_only(node));
  EXPECT_TRUE(h5::is_attached(node_country, node, 0)) << "moved from the bare dimension";
  EXPECT_EQ(h5::read_string_attribute(h5::open_group(file, "graph"), "generator"), "random_follow");
}

TEST_F(RunFileTest, WriterCreatesPartialWithRunningStatusAndFlushes) {
  const fs::path path = dir_ / "run.h5";
  RunWriter writer(path, provenance(), layout(), false);
  EXPECT_EQ(writer.final_path(), path);
  EXPECT_EQ(writer.partial_path(), dir_ / "run.h5.partial");
  EXPECT_TRUE(fs::exists(writer.partial_path()));
  EXPECT_FALSE(fs::exists(path));
  writer.append_step(0, step_values(0));
  writer.flush();
  const RunSummary summary = read_run_summary(writer.partial_path());
  EXPECT_EQ(summary.status, "running");
  EXPECT_EQ(summary.steps_written, 1u);
  writer.finish(RunStatus::kComplete, 0.25);
  EXPECT_TRUE(fs::exists(path));
}

TEST_F(RunFileTest, CrashLeavesReadablePartialThatSaysRunning) {
  const fs::path path = dir_ / "crash.h5";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child writes, flushes and dies without unwinding (like a kill -9 after a flush).
    try {
      RunWriter writer(path, provenance(), layout(), false);
      writer.append_step(0, step_values(0));
      writer.append_step(1, step_values(1));
      writer.flush();
      ::_exit(0);
    } catch (...) {
      ::_exit(3);
    }
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child failed: " << status;
  EXPECT_FALSE(fs::exists(path));
  const RunSummary summary = read_run_summary(dir_ / "crash.h5.partial");
  EXPECT_EQ(summary.status, "running");
  EXPECT_EQ(summary.steps_written, 2u);
  EXPECT_EQ(summary.last_values.at("mean_attitude")[0], 1000.0);
}

TEST_F(RunFileTest, SummaryOfFileBeingWrittenByAnotherProcessSaysSo) {
  if (const char* locking = std::getenv("HDF5_USE_FILE_LOCKING");
      locking != nullptr && std::string(locking) == "FALSE") {
    GTEST_SKIP() << "HDF5_USE_FILE_LOCKING=FALSE: files are not locked";
  }
  const fs::path path = dir_ / "busy.h5";
  int ready[2];
  int done[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(done), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child holds the file open for writing until the parent has tried to read it.
    int code = 0;
    try {
      RunWriter writer(path, provenance(), layout(), false);
      writer.flush();
      char byte = 1;
      if (::write(ready[1], &byte, 1) != 1 || ::read(done[0], &byte, 1) != 1) code = 4;
      writer.finish(RunStatus::kInterrupted, 0.0);
    } catch (...) {
      code = 3;
    }
    ::_exit(code);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  expect_error([&] { static_cast<void>(read_run_summary(dir_ / "busy.h5.partial")); },
               ErrorKind::kIo, {"another process", "HDF5_USE_FILE_LOCKING=FALSE"});
  ASSERT_EQ(::write(done[1], &byte, 1), 1);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  for (const int fd : {ready[0], ready[1], done[0], done[1]}) ::close(fd);
  EXPECT_EQ(read_run_summary(dir_ / "busy.h5.partial").status, "interrupted");
}

TEST_F(RunFileTest, InterruptedAndFailedRunsStayPartial) {
  {
    RunWriter writer(dir_ / "stopped.h5", provenance(), layout(), false);
    writer.append_step(0, step_values(0));
    writer.finish(RunStatus::kInterrupted, 2.0);
  }
  EXPECT_FALSE(fs::exists(dir_ / "stopped.h5"));
  const RunSummary stopped = read_run_summary(dir_ / "stopped.h5.partial");
  EXPECT_EQ(stopped.status, "interrupted");
  EXPECT_EQ(stopped.attributes.at("wall_seconds"), "2");

  {
    RunWriter writer(dir_ / "broken.h5", provenance(), layout(), false);
    writer.finish(RunStatus::kFailed, 0.5, "model diverged at step 0");
  }
  EXPECT_FALSE(fs::exists(dir_ / "broken.h5"));
  const RunSummary broken = read_run_summary(dir_ / "broken.h5.partial");
  EXPECT_EQ(broken.status, "failed");
  EXPECT_EQ(broken.attributes.at("error"), "model diverged at step 0");
  EXPECT_EQ(broken.steps_written, 0u);
  EXPECT_TRUE(broken.last_values.empty());
}

TEST_F(RunFileTest, DestroyedWriterMarksFileFailed) {
  { RunWriter writer(dir_ / "dropped.h5", provenance(), layout(), false); }
  EXPECT_FALSE(fs::exists(dir_ / "dropped.h5"));
  const RunSummary summary = read_run_summary(dir_ / "dropped.h5.partial");
  EXPECT_EQ(summary.status, "failed");
  EXPECT_EQ(summary.attributes.at("error"), "writer destroyed before finish");
}

TEST_F(RunFileTest, RefusesExistingOutputWithoutForceAndLeavesItUntouched) {
  const fs::path path = dir_ / "precious.h5";
  write_text(path, "precious results");
  expect_error([&] { RunWriter writer(path, provenance(), layout(), false); }, ErrorKind::kIo,
               {"\"" + path.string() + "\" already exists"});
  EXPECT_EQ(read_text(path), "precious results");
  EXPECT_FALSE(fs::exists(dir_ / "precious.h5.partial"));
}

TEST_F(RunFileTest, ForceReplacesExistingOutputOnlyWhenComplete) {
  const fs::path path = dir_ / "old.h5";
  write_text(path, "old results");
  {
    RunWriter writer(path, provenance(), layout(), true);
    writer.append_step(7, step_values(7));
    EXPECT_EQ(read_text(path), "old results") << "replaced only by the final rename";
    writer.finish(RunStatus::kComplete, 1.0);
  }
  const RunSummary summary = read_run_summary(path);
  EXPECT_EQ(summary.status, "complete");
  EXPECT_EQ(summary.steps_written, 1u);
}

TEST_F(RunFileTest, StalePartialIsTruncated) {
  write_text(dir_ / "run.h5.partial", "left over from a crash");
  RunWriter writer(dir_ / "run.h5", provenance(), layout(), false);
  writer.finish(RunStatus::kComplete, 0.0);
  EXPECT_EQ(read_run_summary(dir_ / "run.h5").status, "complete");
}

TEST_F(RunFileTest, MissingFolderOrDirectoryPathIsRefusedBeforeCreatingAnything) {
  const fs::path missing = dir_ / "no_such_folder" / "run.h5";
  expect_error([&] { RunWriter writer(missing, provenance(), layout(), false); }, ErrorKind::kIo,
               {missing.string(), "does not exist"});
  EXPECT_FALSE(fs::exists(dir_ / "no_such_folder"));

  const fs::path folder = dir_ / "a_folder";
  fs::create_directory(folder);
  expect_error([&] { RunWriter writer(folder, provenance(), layout(), true); }, ErrorKind::kIo,
               {"\"" + folder.string() + "\" is a directory"});
  EXPECT_FALSE(fs::exists(dir_ / "a_folder.partial"));
}

TEST_F(RunFileTest, UnwritableFolderIsRefused) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: permission bits do not stop root";
  const fs::path folder = dir_ / "read_only";
  fs::create_directory(folder);
  fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec);
  expect_error([&] { RunWriter writer(folder / "run.h5", provenance(), layout(), false); },
               ErrorKind::kIo, {(folder / "run.h5").string(), "is not writable"});
  fs::permissions(folder, fs::perms::owner_all);
}

TEST_F(RunFileTest, MisuseIsReportedAsInternalError) {
  TimeSeriesLayout bad = layout();
  bad.units.pop_back();
  expect_error([&] { RunWriter writer(dir_ / "x.h5", provenance(), bad, false); },
               ErrorKind::kInternal, {"2 metrics but 1 units"});
  bad = layout();
  bad.metrics[1] = "step";
  expect_error([&] { RunWriter writer(dir_ / "x.h5", provenance(), bad, false); },
               ErrorKind::kInternal, {"\"step\""});
  EXPECT_FALSE(fs::exists(dir_ / "x.h5.partial"));

  RunWriter writer(dir_ / "run.h5", provenance(), layout(), false);
  const std::vector<double> short_row(5, 0.0);
  expect_error([&] { writer.append_step(0, short_row); }, ErrorKind::kInternal,
               {"got 5 values, expected", "= 12"});
  writer.append_step(3, step_values(3));
  expect_error([&] { writer.append_step(3, step_values(3)); }, ErrorKind::kInternal,
               {"step 3 after step 3"});
  const std::vector<NodeId> ids{1, 2};
  const std::vector<float> values(6, 0.5F);
  writer.append_snapshot(3, ids, values);
  const std::vector<NodeId> other_ids{1, 9};
  expect_error([&] { writer.append_snapshot(4, other_ids, values); }, ErrorKind::kInternal,
               {"citizen ids differ"});
  expect_error([&] { writer.set_attribute("/", "status", "complete"); }, ErrorKind::kInternal,
               {"finish()"});
  const std::vector<double> three{1, 2, 3};
  const std::vector<double> four{1, 2, 3, 4};
  writer.write_array<double>("cascades/size", three, {"cascade"});
  expect_error([&] { writer.write_array<double>("cascades/depth", four, {"cascade"}); },
               ErrorKind::kInternal, {"4 elements", "\"cascade\" has 3"});
  expect_error([&] { writer.finish(RunStatus::kRunning, 0.0); }, ErrorKind::kInternal, {"running"});
  writer.finish(RunStatus::kComplete, 0.0);
  expect_error([&] { writer.append_step(4, step_values(4)); }, ErrorKind::kInternal,
               {"already finished"});
}

TEST_F(RunFileTest, ArraysWithoutDimensionNamesGetTheirOwnDimension) {
  RunWriter writer(dir_ / "run.h5", provenance(), layout(), false);
  const std::vector<std::uint8_t> flags{1, 0, 1};
  writer.write_array<std::uint8_t>("extra/flags", flags);
  writer.finish(RunStatus::kComplete, 0.0);
  const h5::File file = h5::open_file(dir_ / "run.h5", false);
  const h5::Dataset dimension = h5::open_dataset(file, "extra/flags_index");
  EXPECT_TRUE(h5::is_dimension_only(dimension));
  EXPECT_TRUE(h5::is_attached(h5::open_dataset(file, "extra/flags"), dimension, 0));
}

TEST_F(RunFileTest, SummaryOfTruncatedFileIsAnIoErrorNamingTheFile) {
  const fs::path path = write_complete_run("run.h5", 3);
  const fs::path truncated = dir_ / "truncated.h5";
  fs::copy_file(path, truncated);
  fs::resize_file(truncated, fs::file_size(path) / 2);
  expect_error([&] { static_cast<void>(read_run_summary(truncated)); }, ErrorKind::kIo,
               {"cannot open run file \"" + truncated.string() + "\"", "truncated"});
}

TEST_F(RunFileTest, SummaryOfTextFileSaysItIsNotHdf5) {
  const fs::path path = dir_ / "notes.h5";
  write_text(path, "this is not HDF5\n");
  expect_error([&] { static_cast<void>(read_run_summary(path)); }, ErrorKind::kInput,
               {"\"" + path.string() + "\" is not an HDF5 file"});
  const fs::path empty = dir_ / "empty.h5";
  write_text(empty, "");
  expect_error([&] { static_cast<void>(read_run_summary(empty)); }, ErrorKind::kInput,
               {"is not an HDF5 file"});
}

TEST_F(RunFileTest, SummaryOfForeignHdf5SaysWhatIsMissing) {
  const fs::path path = dir_ / "foreign.h5";
  {
    h5::File file = h5::create_file(path, h5::CreateMode::kTruncate);
    const std::vector<double> values{1, 2, 3};
    h5::write_array<double>(file, "data", values);
  }
  expect_error([&] { static_cast<void>(read_run_summary(path)); }, ErrorKind::kInput,
               {"\"" + path.string() +
                "\" is not a dipsim run file: root attribute \"status\" "
                "missing"});
  {
    h5::File file = h5::open_file(path, true);
    h5::write_attribute(file, "status", "complete");
  }
  expect_error([&] { static_cast<void>(read_run_summary(path)); }, ErrorKind::kInput,
               {"not a dipsim run file: group \"metrics\" missing"});
}

TEST_F(RunFileTest, SummaryOfMissingFileIsAnIoError) {
  const fs::path path = dir_ / "nothing.h5";
  expect_error([&] { static_cast<void>(read_run_summary(path)); }, ErrorKind::kIo,
               {"\"" + path.string() + "\": no such file"});
}

/// Verifies the layout with the tools analysts use: xarray (engine h5netcdf) must see named
/// dimensions with coordinates in every group, and h5py must read every dataset and attribute.
TEST_F(RunFileTest, XarrayAndH5pyOpenTheFile) {
  const char* python = "/usr/bin/python3";
  if (!fs::exists(python) ||
      std::system("/usr/bin/python3 -c 'import xarray, h5netcdf, h5py' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "/usr/bin/python3 with xarray, h5netcdf and h5py is not available";
  }
  const fs::path path = write_complete_run("run.h5", 4);
  const fs::path script = dir_ / "check.py";
  write_text(script, R"PY(
import sys
import h5py
import xarray as xr

path = sys.argv[1]
m = xr.open_dataset(path, group="metrics", engine="h5netcdf")
assert m["mean_attitude"].dims == ("step", "country", "state"), m["mean_attitude"].dims
assert dict(m.sizes) == {"step": 4, "country": 2, "state": 3}, dict(m.sizes)
assert list(m["step"].values) == [0, 1, 2, 3], m["step"].values
assert list(m["country"].values) == ["France", "Brasil"], m["country"].values
assert list(m["state"].values) == ["alpha", "beta", "gamma"], m["state"].values
assert m["mean_attitude"].attrs["units"] == "1"
assert m["mean_attitude"].attrs["long_name"] == "mean attitude toward the state"
assert float(m["mean_attitude"].sel(step=2, country="Brasil", state="gamma")) == 2012.0
assert float(m["favourable_share"].isel(step=-1, country=0, state=1)) == 3101.0

s = xr.open_dataset(path, group="snapshots", engine="h5netcdf")
assert s["attitude"].dims == ("snapshot", "citizen", "state"), s["attitude"].dims
assert dict(s.sizes) == {"snapshot": 2, "citizen": 4, "state": 3}, dict(s.sizes)
assert "snapshot_step" in s.coords, list(s.coords)
assert list(s["snapshot_step"].values) == [0, 3]
assert list(s["citizen"].values) == [3, 5, 8, 13]
assert list(s["state"].values) == ["alpha", "beta", "gamma"]

g = xr.open_dataset(path, group="graph", engine="h5netcdf")
assert g["node_country"].dims == ("node",), g["node_country"].dims
assert list(g["node"].values) == [0, 1, 2, 3, 4]
assert g["country_name"].dims == ("country",)
assert g.attrs["generator"] == "random_follow"
assert g["official_weight"].dims == ("official",) and g.sizes["official"] == 0

c = xr.open_dataset(path, group="cascades", engine="h5netcdf")
assert c["size"].dims == ("cascade",) and c["depth"].dims == ("cascade",)
assert dict(c.sizes) == {"cascade": 3}

root = xr.open_dataset(path, engine="h5netcdf")
assert root.attrs["status"] == "complete", root.attrs
assert root.attrs["seed"] == 42

count = 0
with h5py.File(path, "r") as f:
    assert f.attrs["status"] == "complete"
    def visit(name, obj):
        global count
        for key in obj.attrs:
            obj.attrs[key]
        if isinstance(obj, h5py.Dataset):
            obj[()]
            count += 1
    f.visititems(visit)
print("OK", count)
)PY");
  const fs::path output = dir_ / "check.out";
  const std::string command = std::string(python) + " '" + script.string() + "' '" + path.string() +
                              "' >'" + output.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  const std::string text = read_text(output);
  EXPECT_EQ(status, 0) << text;
  EXPECT_THAT(text, HasSubstr("OK ")) << text;
}

}  // namespace
