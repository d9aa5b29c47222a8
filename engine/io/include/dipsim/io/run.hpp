// Running a scenario end to end: build the world, step it, and write the run file (metrics every
// step, snapshots on schedule, graph summary and cascades) with full provenance. Used by
// `dipsim run` and, later, by the sweep executors.
#pragma once
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "dipsim/io/parameters.hpp"
#include "dipsim/io/run_file.hpp"
#include "dipsim/sim/metrics.hpp"

namespace dipsim::sim {
struct World;
}

namespace dipsim::io {

struct RunOptions {
  std::filesystem::path output;  ///< final file name (written as output + ".partial" first)
  bool force = false;            ///< overwrite an existing output
  std::uint32_t threads = 0;     ///< recorded in provenance (the caller limits TBB)
  std::string command_line;      ///< recorded in provenance
  /// Checked between steps; when it becomes true the run stops and is marked interrupted.
  const std::atomic<bool>* stop = nullptr;
  /// Write a checkpoint (RUN.h5.checkpoint) every N steps and when interrupted (0 = never).
  std::uint32_t checkpoint_every = 0;
  /// Refuse the run (core::Error kResource, before the world is built) when its estimated peak
  /// memory (sim::estimate_memory) exceeds this many bytes; 0: the memory available to the
  /// process (sim::available_memory).
  std::uint64_t max_memory = 0;
  /// Called after every step with (steps done, total steps).
  std::function<void(std::uint32_t, std::uint32_t)> progress;
  /// Called with the initial state (step 0; not when resuming) and after every step, once the
  /// step's metrics are appended to the run file, with the step, its metrics and the world
  /// (read-only; valid during the call). `dipsim serve` streams these to its page.
  std::function<void(std::uint32_t, const sim::MetricFrame&, const sim::World&)> on_step;
};

struct RunResult {
  RunStatus status = RunStatus::kRunning;
  std::filesystem::path file;  ///< where the file is now (final name or .partial)
  double wall_seconds = 0.0;
  std::uint32_t steps_done = 0;
  std::uint32_t num_citizens = 0;
  std::uint64_t num_edges = 0;
  std::uint64_t num_items = 0;
  sim::MetricFrame final_metrics;
  std::vector<std::string> countries, states;
};

/// Throws core::Error(kResource) when the estimated peak memory of a run of `config` exceeds
/// `max_memory` (0: the memory available to the process); the message gives both numbers, the
/// largest parts of the estimate and how to proceed.
void check_memory(const sim::SimConfig& config, std::uint32_t threads, bool checkpoints,
                  std::uint64_t max_memory);

/// Runs the scenario and writes its run file. Errors while running mark the file failed (kept as
/// .partial) and are rethrown; an interrupt marks it interrupted and returns normally.
RunResult run_scenario(const LoadedScenario& scenario, const RunOptions& options);

/// Resumes an interrupted run from its `.partial` file and checkpoint: rebuilds the world from the
/// run's resolved scenario, copies the rows up to the checkpoint, restores the state and runs the
/// remaining steps into a fresh file (options.output is ignored: the run keeps its name). The
/// datasets of the finished file are byte-identical to an uninterrupted run's.
RunResult resume_run(const std::filesystem::path& partial, RunOptions options);

/// Current time as ISO 8601 UTC, e.g. 2026-11-23T04:59:00Z.
std::string iso8601_now();

}  // namespace dipsim::io
