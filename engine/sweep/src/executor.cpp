// The local executor, the run of one sweep run, and --collect (see executor.hpp).
//
// Concurrency: each worker thread runs one simulation at a time inside its own oneTBB task_arena
// of threads/jobs threads, so concurrent runs do not compete for one pool and each run is as
// deterministic as a single `dipsim run` (results never depend on the thread count). Each run
// writes its own HDF5 file; HDF5 calls from several threads need a thread-safe HDF5 build
// (Debian's is), otherwise runs go one at a time.
#include <hdf5.h>
#include <signal.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <fstream>
#include <mutex>
#include <thread>

#include "dipsim/io/fault.hpp"
#include "dipsim/io/hdf5.hpp"
#include "dipsim/io/parameters.hpp"
#include "dipsim/io/run.hpp"
#include "dipsim/sim/memory.hpp"
#include "dipsim/sweep/design.hpp"
#include "executor_internal.hpp"

namespace dipsim::sweep {

namespace fs = std::filesystem;
using core::ErrorKind;

namespace detail {

std::uint32_t hardware_threads() {
  return static_cast<std::uint32_t>(std::max(1, tbb::info::default_concurrency()));
}

void count_statuses(const std::vector<RunRecord>& records, SweepOutcome& outcome) {
  outcome.complete = outcome.failed = outcome.unfinished = 0;
  for (const auto& r : records) {
    if (r.status == "complete") {
      ++outcome.complete;
    } else if (r.status == "failed") {
      ++outcome.failed;
    } else {
      ++outcome.unfinished;
    }
  }
}

namespace {

std::string read_command_line(const fs::path& file) {
  const io::h5::File f = io::h5::open_file(file, false);
  return io::h5::has_attribute(f, "command_line")
             ? io::h5::read_attribute_as_text(f, "command_line")
             : std::string();
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::vector<fs::path> run_paths(const fs::path& dir, const RunSpec& spec) {
  const std::string base = (dir / spec.file).string();
  return {base, base + ".partial", base + ".error", base + ".checkpoint"};
}

}  // namespace

/// Removes index.h5.tmp.HOST.PID files that a killed process of this host left behind (a
/// process that still runs keeps its own; other hosts' shards are left alone).
void remove_stale_index_files(const fs::path& dir) {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) return;
  const std::string prefix = std::string(kIndexFileName) + ".tmp." + host + ".";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string pid_text = name.substr(prefix.size());
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid == getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    std::error_code ignored;
    fs::remove(entry.path(), ignored);
  }
}

std::uint64_t largest_run_memory(const Sweep& sweep, const std::vector<std::uint64_t>& runs,
                                 std::uint32_t threads) {
  std::uint64_t largest = 0;
  for (const std::uint64_t i : runs) {
    const RunSpec spec = sweep.run(i);
    try {
      io::LoadOptions load;
      load.overrides = sweep.run_overrides(spec);
      load.include_dirs = sweep.include_dirs;
      const io::LoadedScenario loaded = io::load_dipsim_scenario(sweep.scenario, load);
      largest = std::max(largest, sim::estimate_memory(loaded.config, threads).peak_bytes);
    } catch (const core::Error&) {
      // A run whose scenario does not load fails on its own, with its message, when it runs.
    }
  }
  return largest;
}

Plan prepare(const Sweep& sweep, const ExecOptions& options) {
  const fs::path& dir = options.output_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw core::Error(ErrorKind::kIo,
                      "cannot create the sweep folder" + (ec ? ": " + ec.message() : ""),
                      {dir.string(), 0, 0, ""});
  }
  remove_stale_index_files(dir);
  const std::uint64_t n = sweep.num_runs();
  Plan plan;
  plan.records.assign(n, RunRecord{});
  for (auto& r : plan.records) r.summaries.assign(sweep.summaries.size(), std::nan(""));
  const std::vector<std::uint64_t> scope =
      options.shards > 1 ? shard_runs(n, options.shard, options.shards) : [&] {
        std::vector<std::uint64_t> all(n);
        for (std::uint64_t i = 0; i < n; ++i) all[i] = i;
        return all;
      }();
  plan.in_scope = scope.size();
  std::vector<std::string> existing;
  for (const std::uint64_t i : scope) {
    const RunSpec spec = sweep.run(i);
    const auto paths = run_paths(dir, spec);
    const bool any = std::any_of(paths.begin(), paths.end(),
                                 [&](const fs::path& p) { return fs::exists(p, ec); });
    if (!any) {
      plan.todo.push_back(i);
      continue;
    }
    if (options.force) {
      for (const auto& p : paths) fs::remove(p, ec);
      plan.todo.push_back(i);
      continue;
    }
    if (!options.resume) {
      existing.push_back(spec.file);
      continue;
    }
    RunRecord rec = inspect_run(sweep, spec, dir);
    if (rec.status == "complete") {
      // A finished run is kept only if the sweep file still asks for the same run.
      const fs::path file = dir / spec.file;
      const std::string tail = sweep.run_set_arguments(spec);
      const std::string cmd = read_command_line(file);
      if (!ends_with(cmd, tail)) {
        throw core::Error(ErrorKind::kInput,
                          "this run file was made with other settings than the sweep file gives "
                          "now (it was made by: " +
                              cmd + "; expected the settings:" + tail +
                              "); start over with --force, or write to another folder with -o",
                          {file.string(), 0, 0, ""});
      }
      plan.records[i] = std::move(rec);
      ++plan.skipped;
    } else {
      plan.todo.push_back(i);
    }
  }
  if (options.shards <= 1 && !options.resume && !options.force &&
      fs::exists(dir / kIndexFileName, ec)) {
    existing.insert(existing.begin(), kIndexFileName);
  }
  if (!existing.empty()) {
    throw core::Error(ErrorKind::kInput,
                      "the sweep folder already holds results (" + std::to_string(existing.size()) +
                          " files, e.g. " + existing.front() +
                          "); continue the sweep with --resume, or start over with --force",
                      {dir.string(), 0, 0, ""});
  }
  return plan;
}

}  // namespace detail

RunRecord execute_run(const Sweep& sweep, std::uint64_t run, const fs::path& dir,
                      std::uint32_t threads, const std::atomic<bool>* stop,
                      std::uint64_t max_memory) {
  const RunSpec spec = sweep.run(run);
  const fs::path output = dir / spec.file;
  const fs::path error_file = output.string() + ".error";
  std::error_code ec;
  for (const char* suffix : {"", ".partial", ".error", ".checkpoint"}) {
    fs::remove(output.string() + suffix, ec);  // what an earlier attempt left
  }
  try {
    io::LoadOptions load;
    load.overrides = sweep.run_overrides(spec);
    load.include_dirs = sweep.include_dirs;
    const io::LoadedScenario loaded = io::load_dipsim_scenario(sweep.scenario, load);
    io::RunOptions ro;
    ro.output = output;
    ro.force = true;
    ro.threads = std::max<std::uint32_t>(1, threads);
    ro.command_line = sweep.run_command(spec, output);
    ro.stop = stop;
    ro.max_memory = max_memory;
    tbb::task_arena arena(static_cast<int>(ro.threads));
    arena.execute([&] { io::run_scenario(loaded, ro); });
  } catch (const std::exception& e) {
    // The run file (if it was created) says failed with this message; the .error file keeps it
    // also for runs that never got a file, and is what the index reports. If even that cannot
    // be written the folder is unusable: the sweep stops (the caller rethrows).
    bool written = false;
    if (!io::fault::should_fail(io::fault::Op::kCreate)) {
      std::ofstream out(error_file, std::ios::binary | std::ios::trunc);
      out << e.what() << "\n";
      out.close();
      written = static_cast<bool>(out);
    }
    if (!written) {
      fs::remove(error_file, ec);
      throw core::Error(ErrorKind::kIo,
                        "cannot create " + error_file.string() + " to record why the run failed (" +
                            e.what() + ")",
                        {error_file.string(), 0, 0, ""});
    }
  }
  return inspect_run(sweep, spec, dir);
}

SweepOutcome run_local(const Sweep& sweep, const ExecOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  detail::Plan plan = detail::prepare(sweep, options);
  SweepOutcome outcome;
  const std::uint32_t hw = detail::hardware_threads();
  const std::uint32_t total_threads = options.threads > 0 ? options.threads : hw;
  std::uint32_t jobs = options.jobs > 0 ? options.jobs : hw;
  jobs = static_cast<std::uint32_t>(
      std::max<std::uint64_t>(1, std::min<std::uint64_t>(jobs, plan.todo.size())));
  hbool_t threadsafe = 0;
  H5is_library_threadsafe(&threadsafe);
  if (threadsafe <= 0) jobs = 1;  // HDF5 calls from two threads need a thread-safe build
  outcome.jobs_asked = jobs;
  // Never more runs at a time than memory allows: each run's estimate (sim::estimate_memory)
  // against the limit, largest run first. A run too large on its own is refused by the run.
  const sim::MemoryLimit available = sim::available_memory();
  outcome.memory_limit = options.max_memory > 0 ? options.max_memory : available.bytes;
  outcome.run_memory = detail::largest_run_memory(sweep, plan.todo,
                                                  std::max<std::uint32_t>(1, total_threads / jobs));
  if (outcome.run_memory > 0) {
    const std::uint64_t fit = std::max<std::uint64_t>(1, outcome.memory_limit / outcome.run_memory);
    jobs = static_cast<std::uint32_t>(std::min<std::uint64_t>(jobs, fit));
  }
  outcome.jobs = jobs;
  outcome.threads_per_run = std::max<std::uint32_t>(1, total_threads / jobs);

  std::mutex mutex;
  std::condition_variable changed;
  SweepProgress progress;
  progress.total = plan.in_scope;
  progress.skipped = plan.skipped;
  std::size_t next = 0, active_workers = jobs;
  std::exception_ptr failure;
  std::atomic<bool> abort{false};
  const auto stopping = [&] {
    return abort.load() || (options.stop != nullptr && options.stop->load());
  };

  const auto worker = [&] {
    for (;;) {
      std::uint64_t run = 0;
      {
        std::lock_guard lock(mutex);
        if (stopping() || next >= plan.todo.size()) break;
        run = plan.todo[next++];
        ++progress.running;
      }
      try {
        RunRecord rec = execute_run(sweep, run, options.output_dir, outcome.threads_per_run,
                                    options.stop, outcome.memory_limit);
        std::lock_guard lock(mutex);
        --progress.running;
        ++progress.done;
        if (rec.status == "failed") ++progress.failed;
        plan.records[run] = std::move(rec);
      } catch (...) {
        std::lock_guard lock(mutex);
        --progress.running;
        if (!failure) failure = std::current_exception();
        abort = true;
      }
      changed.notify_all();
    }
    std::lock_guard lock(mutex);
    --active_workers;
    changed.notify_all();
  };
  std::vector<std::thread> threads;
  threads.reserve(jobs);
  for (std::uint32_t j = 0; j < jobs; ++j) threads.emplace_back(worker);

  const bool write_during = options.shards <= 1 && options.index_every_seconds > 0;
  auto last_index = std::chrono::steady_clock::now();
  try {
    if (write_during) {
      std::vector<RunRecord> snapshot;
      {
        std::lock_guard lock(mutex);
        snapshot = plan.records;
      }
      write_index(sweep, snapshot, options.output_dir);
    }
    {
      std::unique_lock lock(mutex);
      while (active_workers > 0) {
        changed.wait_for(lock, std::chrono::milliseconds(200));
        progress.elapsed_seconds = detail::seconds_since(start);
        const SweepProgress now = progress;
        if (options.progress) {
          lock.unlock();
          options.progress(now);
          lock.lock();
        }
        if (write_during && detail::seconds_since(last_index) >= options.index_every_seconds) {
          std::vector<RunRecord> snapshot = plan.records;
          lock.unlock();
          write_index(sweep, snapshot, options.output_dir);
          last_index = std::chrono::steady_clock::now();
          lock.lock();
        }
      }
    }
  } catch (...) {
    // The index could not be written (e.g. the disk is full): stop the workers, let the runs in
    // flight end as interrupted, then report. Joinable threads must not be destroyed.
    abort = true;
    for (auto& t : threads) t.join();
    throw;
  }
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);

  progress.elapsed_seconds = detail::seconds_since(start);
  outcome.progress = progress;
  outcome.interrupted = stopping();
  if (options.progress) options.progress(progress);
  if (options.shards > 1) {
    // A shard rebuilds the whole index from disk, so the last shard to finish leaves it complete.
    const SweepOutcome collected = collect(sweep, options.output_dir);
    outcome.complete = collected.complete;
    outcome.failed = collected.failed;
    outcome.unfinished = collected.unfinished;
    outcome.index = collected.index;
    return outcome;
  }
  write_index(sweep, plan.records, options.output_dir);
  detail::count_statuses(plan.records, outcome);
  outcome.index = options.output_dir / kIndexFileName;
  return outcome;
}

SweepOutcome collect(const Sweep& sweep, const fs::path& output_dir) {
  std::error_code ec;
  if (!fs::is_directory(output_dir, ec)) {
    throw core::Error(ErrorKind::kInput, "no such sweep folder (run the sweep first)",
                      {output_dir.string(), 0, 0, ""});
  }
  const std::uint64_t n = sweep.num_runs();
  std::vector<RunRecord> records(n);
  for (std::uint64_t i = 0; i < n; ++i) records[i] = inspect_run(sweep, sweep.run(i), output_dir);
  write_index(sweep, records, output_dir);
  SweepOutcome outcome;
  detail::count_statuses(records, outcome);
  outcome.progress.total = n;
  outcome.index = output_dir / kIndexFileName;
  return outcome;
}

}  // namespace dipsim::sweep
