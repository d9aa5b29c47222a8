// The io layer's fault-injection points (io/fault.hpp): a run file written with the N-th create,
// write, flush, close or rename failing, for every N of a small run, reports an error naming the
// file and the operation, and never leaves a file that claims to be complete.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "dipsim/core/error.hpp"
#include "dipsim/io/fault.hpp"
#include "dipsim/io/hdf5.hpp"
#include "dipsim/io/run_file.hpp"

namespace {

namespace fs = std::filesystem;
namespace fault = dipsim::io::fault;
namespace h5 = dipsim::io::h5;
using dipsim::core::Error;
using dipsim::core::ErrorKind;
using dipsim::io::RunStatus;
using dipsim::io::RunWriter;
using ::testing::HasSubstr;

std::array<std::atomic<long>, fault::kNumOps> g_count;
int g_op = -1;
long g_n = 0;

bool hook(fault::Op op) {
  const auto i = static_cast<std::size_t>(op);
  return static_cast<int>(i) == g_op && ++g_count[i] == g_n;
}
bool count_only(fault::Op op) {
  ++g_count[static_cast<std::size_t>(op)];
  return false;
}

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("dipsim_test_faults_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    fault::set_hook(nullptr);
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  /// A small complete run: 5 steps, a snapshot, a graph array, finish(kComplete).
  void write_run(const fs::path& path) {
    dipsim::io::RunProvenance p;
    p.dipsim_version = "0.1.0";
    p.git_revision = "test";
    p.scenario = "x: 1\n";
    p.host = "h";
    p.command_line = "test";
    p.start_time = "2026-01-01T00:00:00Z";
    dipsim::io::TimeSeriesLayout l;
    l.countries = {"A", "B"};
    l.states = {"s"};
    l.metrics = {"m1", "m2"};
    l.units = {"1", "1"};
    l.descriptions = {"one", "two"};
    RunWriter w(path, p, l, true);
    try {
      for (std::uint32_t t = 0; t < 5; ++t) {
        const std::vector<double> v{1.0 * t, 2.0, 3.0, 4.0};
        w.append_step(t, v);
      }
      const std::vector<dipsim::NodeId> ids{0, 1, 2};
      const std::vector<float> values{0.1F, 0.2F, 0.3F};
      w.append_snapshot(4, ids, values);
      const std::vector<std::uint16_t> country{0, 1, 1};
      w.write_array<std::uint16_t>("graph/node_country", country, {"node"});
      w.flush();
      w.finish(RunStatus::kComplete, 1.0);
    } catch (const std::exception& e) {
      try {
        w.finish(RunStatus::kFailed, 1.0, e.what());  // as io::run_scenario does
      } catch (...) {
      }
      throw;
    }
  }

  fs::path dir_;
};

TEST_F(FaultTest, EveryInjectedFailureIsReportedAndNothingClaimsComplete) {
  for (auto& c : g_count) c = 0;
  fault::set_hook(count_only);
  write_run(dir_ / "probe.h5");
  fault::set_hook(nullptr);
  const std::array<long, fault::kNumOps> totals{g_count[0], g_count[1], g_count[2], g_count[3],
                                                g_count[4]};
  ASSERT_EQ(totals[static_cast<std::size_t>(fault::Op::kCreate)], 1);
  ASSERT_GT(totals[static_cast<std::size_t>(fault::Op::kWrite)], 50);
  ASSERT_EQ(totals[static_cast<std::size_t>(fault::Op::kRename)], 1);

  const fs::path out = dir_ / "out.h5";
  const fs::path partial = dir_ / "out.h5.partial";
  int cases = 0;
  for (int op = 0; op < fault::kNumOps; ++op) {
    const std::string name(fault::to_string(static_cast<fault::Op>(op)));
    for (long n = 1; n <= totals[static_cast<std::size_t>(op)]; ++n) {
      SCOPED_TRACE(name + ":" + std::to_string(n));
      fs::remove(out);
      fs::remove(partial);
      for (auto& c : g_count) c = 0;
      g_op = op;
      g_n = n;
      fault::set_hook(hook);
      try {
        write_run(out);
        ADD_FAILURE() << "no error";
      } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::kIo);
        EXPECT_THAT(e.what(), HasSubstr("injected fault (" + name + ")"));
        EXPECT_THAT(e.what(), HasSubstr("out.h5"));
      }
      fault::set_hook(nullptr);
      EXPECT_FALSE(fs::exists(out)) << "the final name exists after a failure";
      if (fs::exists(partial)) {
        const h5::File f = h5::open_file(partial, false);
        EXPECT_EQ(h5::read_string_attribute(f, "status"), "failed");
      }
      ++cases;
    }
  }
  EXPECT_GT(cases, 50);
  std::printf(
      "injected failures: %d cases (create %ld, write %ld, flush %ld, close %ld, "
      "rename %ld)\n",
      cases, totals[0], totals[1], totals[2], totals[3], totals[4]);
}

TEST_F(FaultTest, FailedRenameLeavesTheDataMarkedFailedAndSaysWhere) {
  for (auto& c : g_count) c = 0;
  g_op = static_cast<int>(fault::Op::kRename);
  g_n = 1;
  fault::set_hook(hook);
  try {
    write_run(dir_ / "r.h5");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot rename"));
    EXPECT_THAT(e.what(), HasSubstr("r.h5.partial\", marked failed"));
  }
  fault::set_hook(nullptr);
  const h5::File f = h5::open_file(dir_ / "r.h5.partial", false);
  EXPECT_EQ(h5::read_string_attribute(f, "status"), "failed");
  EXPECT_THAT(h5::read_string_attribute(f, "error"), HasSubstr("injected fault (rename)"));
  // The data itself is whole: every step is there.
  EXPECT_EQ(h5::dataset_shape(h5::open_dataset(f, "metrics/step"))[0], 5U);
}

TEST_F(FaultTest, NoHookNoFaults) {
  fault::set_hook(nullptr);
  EXPECT_FALSE(fault::should_fail(fault::Op::kWrite));
  write_run(dir_ / "ok.h5");
  const h5::File f = h5::open_file(dir_ / "ok.h5", false);
  EXPECT_EQ(h5::read_string_attribute(f, "status"), "complete");
}

}  // namespace
