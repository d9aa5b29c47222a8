// The local executor on a tiny world: all runs complete, the index is what --collect rebuilds from
// disk, shards together equal one sweep, resume keeps finished runs, a failing run is recorded
// with its message without stopping the sweep, a stop request leaves the rest pending, and the
// summaries are computed as documented.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "dipsim/io/hdf5.hpp"
#include "dipsim/sweep/executor.hpp"
#include "dipsim/sweep/index.hpp"
#include "sweep_test_util.hpp"

namespace dipsim::sweep {
namespace {

using test::TempDir;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

// 2 points x 2 arms x 2 replicates = 8 runs of about 10 ms.
std::string tiny_sweep() {
  return std::string("scenario: SCENARIO\nseed: 3\nreplicates: 2\n") + test::kTinyOverrides +
         R"(parameters:
  states[0].posts_per_day: [4, 16]
arms:
  base: {}
  quiet: {citizens.activity_per_hour: 0.05}
summaries:
  - name: att
    metric: mean_attitude
    state: Alpha
  - name: fav
    metric: favourable_share
    stat: mean
    from: 6
    to: 10
    country: each
    state: Alpha
  - name: t50
    metric: reach
    stat: time_to
    threshold: 50
    country: North
    state: Alpha
)";
}

ExecOptions options_for(const fs::path& dir) {
  ExecOptions o;
  o.output_dir = dir;
  o.jobs = 2;
  o.threads = 2;
  o.index_every_seconds = 0;
  return o;
}

// Everything but wall time and host, which differ between executions.
void expect_same_table(const IndexTable& a, const IndexTable& b) {
  EXPECT_EQ(a.run, b.run);
  EXPECT_EQ(a.point, b.point);
  EXPECT_EQ(a.arm, b.arm);
  EXPECT_EQ(a.replicate, b.replicate);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.file, b.file);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.error, b.error);
  ASSERT_EQ(a.summary_values.size(), b.summary_values.size());
  for (std::size_t k = 0; k < a.summary_values.size(); ++k) {
    for (std::size_t i = 0; i < a.summary_values[k].size(); ++i) {
      const double x = a.summary_values[k][i], y = b.summary_values[k][i];
      EXPECT_TRUE(x == y || (std::isnan(x) && std::isnan(y))) << a.summaries[k] << " row " << i;
    }
  }
}

TEST(LocalExecutor, RunsEverythingAndCollectRebuildsTheSameIndex) {
  const TempDir dir;
  const Sweep s = load_sweep(dir.write("s.yaml", tiny_sweep()), test::include_dirs());
  const fs::path out = dir.path() / "out";
  const SweepOutcome o = run_local(s, options_for(out));
  EXPECT_EQ(o.complete, 8u);
  EXPECT_EQ(o.failed, 0u);
  EXPECT_FALSE(o.interrupted);
  EXPECT_EQ(o.jobs, 2u);
  EXPECT_EQ(o.threads_per_run, 1u);
  const IndexTable live = read_index(out / kIndexFileName);
  ASSERT_EQ(live.run.size(), 8u);
  EXPECT_EQ(live.summaries, (std::vector<std::string>{"att", "fav.North", "fav.South", "t50"}));
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(live.status[i], "complete");
    EXPECT_TRUE(fs::exists(out / live.file[i])) << live.file[i];
    EXPECT_TRUE(std::isfinite(live.summary_values[0][i]));
  }
  const SweepOutcome c = collect(s, out);
  EXPECT_EQ(c.complete, 8u);
  expect_same_table(live, read_index(out / kIndexFileName));

  // Resume keeps every complete run; without --resume or --force the folder is refused.
  ExecOptions again = options_for(out);
  again.resume = true;
  const SweepOutcome r = run_local(s, again);
  EXPECT_EQ(r.progress.skipped, 8u);
  EXPECT_EQ(r.progress.done, 0u);
  const core::Error e = test::error_of([&] { run_local(s, options_for(out)); });
  EXPECT_THAT(e.what(), HasSubstr("the sweep folder already holds results"));
}

TEST(LocalExecutor, SummariesFollowTheirDefinitions) {
  const TempDir dir;
  const Sweep s = load_sweep(dir.write("s.yaml", tiny_sweep()), test::include_dirs());
  const fs::path out = dir.path() / "out";
  run_local(s, options_for(out));
  const RunSpec spec = s.run(5);
  const auto values = compute_summaries(s, out / spec.file);
  namespace h5 = io::h5;
  const h5::File f = h5::open_file(out / spec.file, false);
  const auto att = h5::read_as_double(h5::open_dataset(f, "metrics/mean_attitude"));
  const auto fav = h5::read_as_double(h5::open_dataset(f, "metrics/favourable_share"));
  const auto reach = h5::read_as_double(h5::open_dataset(f, "metrics/reach"));
  const std::size_t nc = 2, ns = 2, nt = 13;  // North, South; Alpha, Beta; steps 0..12
  const auto at = [&](const std::vector<double>& v, std::size_t t, std::size_t c, std::size_t st) {
    return v[(t * nc + c) * ns + st];
  };
  // att: final value, mean over the two countries, state Alpha.
  EXPECT_DOUBLE_EQ(values[0], (at(att, nt - 1, 0, 0) + at(att, nt - 1, 1, 0)) / 2);
  // fav.North: mean over steps 6..10.
  double sum = 0;
  for (std::size_t t = 6; t <= 10; ++t) sum += at(fav, t, 0, 0);
  EXPECT_DOUBLE_EQ(values[1], sum / 5);
  // t50: first step with reach >= 50 in North.
  double first = std::nan("");
  for (std::size_t t = 0; t < nt; ++t) {
    if (at(reach, t, 0, 0) >= 50) {
      first = static_cast<double>(t);
      break;
    }
  }
  EXPECT_TRUE(values[3] == first || (std::isnan(values[3]) && std::isnan(first)));
}

TEST(LocalExecutor, ShardsTogetherEqualOneSweep) {
  const TempDir dir;
  const Sweep s = load_sweep(dir.write("s.yaml", tiny_sweep()), test::include_dirs());
  run_local(s, options_for(dir.path() / "whole"));
  const fs::path out = dir.path() / "sharded";
  for (std::uint64_t i = 0; i < 3; ++i) {
    ExecOptions o = options_for(out);
    o.shard = i;
    o.shards = 3;
    const SweepOutcome r = run_local(s, o);
    EXPECT_EQ(r.progress.total, i < 2 ? 3u : 2u);           // runs 0,3,6 / 1,4,7 / 2,5
    EXPECT_EQ(r.complete, i == 0 ? 3u : i == 1 ? 6u : 8u);  // each shard rebuilds the index
  }
  expect_same_table(read_index(dir.path() / "whole" / kIndexFileName),
                    read_index(out / kIndexFileName));
}

TEST(LocalExecutor, FailedRunKeepsItsMessageAndTheSweepGoesOn) {
  const TempDir dir;
  const Sweep s = load_sweep(dir.write("s.yaml", tiny_sweep()), test::include_dirs());
  const fs::path out = dir.path() / "out";
  // A folder where run 2's file must go makes that run fail when its file is created.
  fs::create_directories(out / s.run(2).file / "blocker");
  ExecOptions o = options_for(out);
  o.resume = true;
  const SweepOutcome r = run_local(s, o);
  EXPECT_EQ(r.failed, 1u);
  EXPECT_EQ(r.complete, 7u);
  const IndexTable t = read_index(out / kIndexFileName);
  EXPECT_EQ(t.status[2], "failed");
  EXPECT_THAT(t.error[2], HasSubstr("directory"));
  EXPECT_TRUE(std::isnan(t.summary_values[0][2]));
  const std::string text = describe_index(out / kIndexFileName);
  EXPECT_THAT(text, HasSubstr("7/8 complete"));
  EXPECT_THAT(text, HasSubstr("1 failed"));
  EXPECT_THAT(text, HasSubstr("failed runs (1):\n  " + s.run(2).file + "  failed: "));
  // The folder out of the way, resume runs just that one.
  fs::remove_all(out / s.run(2).file);
  const SweepOutcome again = run_local(s, o);
  EXPECT_EQ(again.progress.done, 1u);
  EXPECT_EQ(again.complete, 8u);
}

TEST(LocalExecutor, StopRequestLeavesRunsPendingAndResumeFinishes) {
  const TempDir dir;
  const Sweep s = load_sweep(dir.write("s.yaml", tiny_sweep()), test::include_dirs());
  const fs::path out = dir.path() / "out";
  std::atomic<bool> stop{true};
  ExecOptions o = options_for(out);
  o.stop = &stop;
  const SweepOutcome r = run_local(s, o);
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(r.unfinished, 8u);
  EXPECT_THAT(describe_index(out / kIndexFileName), HasSubstr("0/8 complete (0.0 %), 8 pending"));
  stop = false;
  o.resume = true;
  EXPECT_EQ(run_local(s, o).complete, 8u);
}

TEST(Index, IsSweepIndexTellsIndexFromRunFiles) {
  const TempDir dir;
  const Sweep s = load_sweep(dir.write("s.yaml", tiny_sweep()), test::include_dirs());
  const fs::path out = dir.path() / "out";
  ExecOptions o = options_for(out);
  o.shard = 0;
  o.shards = 8;  // one run
  run_local(s, o);
  EXPECT_TRUE(is_sweep_index(out / kIndexFileName));
  EXPECT_FALSE(is_sweep_index(out / s.run(0).file));
  EXPECT_FALSE(is_sweep_index(dir.path() / "s.yaml"));
  EXPECT_FALSE(is_sweep_index(dir.path() / "missing.h5"));
  const core::Error e = test::error_of([&] { read_index(out / s.run(0).file); });
  EXPECT_THAT(e.what(), HasSubstr("not a sweep index"));
}

TEST(SlurmScript, ArrayOfShardsCallingTheSweep) {
  const TempDir dir;
  const Sweep s = load_sweep(dir.write("s.yaml", tiny_sweep()), test::include_dirs());
  SlurmOptions o;
  o.dipsim = "/opt/dipsim/bin/dipsim";
  o.output_dir = dir.path() / "out";
  o.partition = "short";
  o.time = "00:20:00";
  o.cpus = 4;
  o.mem = "2G";
  o.array_parallel = 3;
  const std::string text = slurm_array_script(s, o);
  EXPECT_THAT(text, HasSubstr("#SBATCH --array=0-7%3\n"));  // default: one task per run
  EXPECT_THAT(text, HasSubstr("#SBATCH --partition=short\n"));
  EXPECT_THAT(text, HasSubstr("#SBATCH --cpus-per-task=4\n"));
  EXPECT_THAT(text, HasSubstr("#SBATCH --mem=2G\n"));
  EXPECT_THAT(text, HasSubstr("#SBATCH --time=00:20:00\n"));
  EXPECT_THAT(
      text,
      HasSubstr("exec /opt/dipsim/bin/dipsim sweep " + (dir.path() / "s.yaml").string() + " -o " +
                (dir.path() / "out").string() + " --shard \"${SLURM_ARRAY_TASK_ID}/8\" --resume"));
  o.shards = 3;
  o.time = "1:00:00:00";
  EXPECT_THAT(test::error_of([&] { slurm_array_script(s, o); }).what(),
              HasSubstr("--time: expected a Slurm time"));
  o.time = "2-00:00:00";
  const SlurmScripts files = write_slurm_scripts(s, o);
  EXPECT_EQ(files.shards, 3u);
  EXPECT_TRUE(fs::exists(files.array_script));
  std::ifstream submit(files.submit_script);
  const std::string submit_text((std::istreambuf_iterator<char>(submit)), {});
  EXPECT_THAT(submit_text, HasSubstr("--dependency=afterany:${job}"));
}

}  // namespace
}  // namespace dipsim::sweep
