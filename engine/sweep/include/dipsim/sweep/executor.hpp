// Executors: run a sweep's runs and keep its folder and index up to date.
//
// - run_local: N runs at a time on this machine (`--jobs N`), each in its own oneTBB arena of
//   total threads / N threads; with a shard (`--shard i/n`) only the runs whose index is i modulo
//   n (the Slurm array task's share).
// - run_mpi: one run at a time per MPI rank; rank 0 hands out run indices on request (a dynamic
//   work queue, so fast and slow runs balance) and also computes with a second thread; every rank
//   writes its own run files into the shared folder and reports each run's record back; rank 0
//   writes the index.
// - collect: rebuilds the index from the run files on disk.
// - write_slurm_scripts: a job-array script whose task i runs `--shard i/n`, and a collect job.
//
// Every run's file name, seed and overrides come from the Sweep, never from the executor, so all
// executors produce the same files and the same index (wall time and host aside). A run whose
// scenario cannot be loaded or that fails while running is recorded as failed with its message;
// the sweep goes on. With `resume`, complete runs are kept and all others are run again.
#pragma once
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dipsim/sweep/index.hpp"
#include "dipsim/sweep/sweep_file.hpp"

namespace dipsim::sweep {

/// Progress of an executor, reported about five times a second and once at the end.
struct SweepProgress {
  std::uint64_t total = 0;    ///< runs this invocation is responsible for (its shard, or all)
  std::uint64_t skipped = 0;  ///< complete before it started (--resume)
  std::uint64_t done = 0;     ///< finished by this invocation (any outcome)
  std::uint64_t failed = 0;   ///< of those, failed
  std::uint64_t running = 0;
  double elapsed_seconds = 0.0;
};

struct ExecOptions {
  std::filesystem::path output_dir;  ///< the sweep folder (created if missing)
  std::uint32_t jobs = 0;            ///< concurrent runs (local); 0 = number of cores
  std::uint32_t threads = 0;         ///< threads in all (local) or per rank (MPI); 0 = cores
  bool resume = false;               ///< keep complete runs, rerun the others
  bool force = false;                ///< delete this sweep's old run files first
  std::uint64_t shard = 0;           ///< run only runs with index % shards == shard
  std::uint64_t shards = 1;
  /// Checked between steps and runs: when it becomes true, runs in flight stop (their files are
  /// kept as interrupted .partial files), no new run starts and the index is written.
  const std::atomic<bool>* stop = nullptr;
  /// Called on the calling thread (rank 0 under MPI).
  std::function<void(const SweepProgress&)> progress;
  /// Memory for all runs at once, in bytes (0: the memory available to the process). The local
  /// executor runs at most this / (largest estimated run) runs at a time, and each run refuses
  /// to start when its own estimate exceeds it.
  std::uint64_t max_memory = 0;
  /// Rewrite the index this often while running (0 = only at the end; shards write it at the end).
  double index_every_seconds = 10.0;
};

struct SweepOutcome {
  SweepProgress progress;
  std::uint32_t jobs = 0;             ///< concurrent runs per process (local) or ranks (MPI)
  std::uint32_t threads_per_run = 0;  ///< oneTBB threads given to each run
  std::uint32_t jobs_asked = 0;       ///< concurrent runs before the memory cap (local)
  std::uint64_t run_memory = 0;       ///< largest estimated peak memory of a run to make (local)
  std::uint64_t memory_limit = 0;     ///< memory the runs at a time had to fit in (local)
  bool interrupted = false;           ///< stopped before all runs were done
  bool is_root = true;                ///< false on MPI ranks other than 0 (they print nothing)
  std::uint64_t complete = 0, failed = 0, unfinished = 0;  ///< in the index, over all runs
  std::filesystem::path index;                             ///< the index written
};

/// Runs a sweep (or one shard of it) on this machine. Throws core::Error(kInput) when the folder
/// holds results of runs to be made and neither resume nor force is given, or when resume finds a
/// finished run file made with other settings than the sweep file gives now.
SweepOutcome run_local(const Sweep& sweep, const ExecOptions& options);

/// Runs a sweep over MPI ranks (MPI_Init_thread here, MPI_Finalize before returning). Every rank
/// calls it with the same sweep and options. Throws core::Error(kInput) if dipsim was built
/// without MPI.
SweepOutcome run_mpi(const Sweep& sweep, const ExecOptions& options);

/// Whether this build has MPI.
bool have_mpi();

/// After run_mpi threw and the error was reported: ends every rank of the job (MPI_Abort) if MPI
/// is still running, so no rank waits forever for a message. Does nothing otherwise.
void abort_mpi(int exit_code);

/// Rebuilds the index from the files in the sweep folder and returns the per-run records.
SweepOutcome collect(const Sweep& sweep, const std::filesystem::path& output_dir);

/// Runs one run of the sweep into `dir` with `threads` threads (in its own oneTBB arena) and
/// returns its record. Never throws for a failing run: the record says failed, with the message
/// (kept on disk in the .partial file or in `<file>.error`).
RunRecord execute_run(const Sweep& sweep, std::uint64_t run, const std::filesystem::path& dir,
                      std::uint32_t threads, const std::atomic<bool>* stop,
                      std::uint64_t max_memory = 0);

struct SlurmOptions {
  std::filesystem::path dipsim;      ///< the dipsim executable the jobs run
  std::filesystem::path output_dir;  ///< the sweep folder
  std::string partition;             ///< --partition (empty: the cluster's default)
  std::string time = "01:00:00";     ///< --time per array task
  std::uint32_t cpus = 1;            ///< --cpus-per-task; also the threads each task uses
  std::string mem;                   ///< --mem (e.g. 4G; empty: the cluster's default)
  std::uint32_t array_parallel = 0;  ///< at most this many tasks at once (%K); 0 = no limit
  std::uint64_t shards = 0;          ///< array tasks; 0 = min(runs, 1000)
  std::string account;               ///< --account (empty: none)
};

/// Files written by write_slurm_scripts.
struct SlurmScripts {
  std::filesystem::path array_script;    ///< SWEEP_DIR/sweep.slurm
  std::filesystem::path collect_script;  ///< SWEEP_DIR/collect.slurm
  std::filesystem::path submit_script;   ///< SWEEP_DIR/submit.sh: submits both, collect after
  std::uint64_t shards = 0;
};

/// The text of the job-array script (what sweep.slurm holds).
std::string slurm_array_script(const Sweep& sweep, const SlurmOptions& options);

/// Writes sweep.slurm, collect.slurm and submit.sh into the sweep folder (created if missing).
/// Throws core::Error(kInput) for malformed options (e.g. a --time that Slurm would refuse).
SlurmScripts write_slurm_scripts(const Sweep& sweep, const SlurmOptions& options);

}  // namespace dipsim::sweep
