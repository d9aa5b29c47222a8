// Shared by the local and MPI executors (not installed).
#pragma once
#include <chrono>
#include <cstdint>
#include <vector>

#include "dipsim/sweep/executor.hpp"

namespace dipsim::sweep::detail {

/// The runs an invocation must make and the records of all runs as they stand on disk.
struct Plan {
  std::vector<std::uint64_t> todo;  ///< run indices to run, increasing
  std::vector<RunRecord> records;   ///< per run of the sweep (pending where unknown)
  std::uint64_t in_scope = 0;       ///< runs of this shard (all runs without shards)
  std::uint64_t skipped = 0;        ///< complete runs kept (resume)
};

/// Creates the folder, checks it for results of earlier sweeps (see run_local) and lists the
/// runs to make.
Plan prepare(const Sweep& sweep, const ExecOptions& options);

/// Largest estimated peak memory (sim::estimate_memory) of the given runs with `threads`
/// threads each; runs whose scenario does not load are skipped (they fail when run).
std::uint64_t largest_run_memory(const Sweep& sweep, const std::vector<std::uint64_t>& runs,
                                 std::uint32_t threads);

/// Number of hardware threads oneTBB would use here.
std::uint32_t hardware_threads();

/// Counts the statuses of the records into the outcome.
void count_statuses(const std::vector<RunRecord>& records, SweepOutcome& outcome);

/// Seconds since `start`.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace dipsim::sweep::detail
