// The sweep folder on disk: the state of each run (read from its run file), the summaries computed
// from it, and the index file `index.h5` that tabulates all runs (docs/sweeps.md, "The index").
//
// A run's record is always derived from the files on disk (inspect_run), by the executor that ran
// it as well as by `--collect`, so an index rebuilt from the files equals the one written live.
#pragma once
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "dipsim/sweep/sweep_file.hpp"

namespace dipsim::sweep {

/// Status of a run as the index shows it: the run file's own status (`complete`, `failed`,
/// `interrupted`, or `running` for a .partial whose process died or is still writing), `failed`
/// for a run that could not start (its message is kept in `<file>.error`), or `pending` when
/// nothing of it is on disk.
struct RunRecord {
  std::string status = "pending";
  std::string error;  ///< why it failed (empty otherwise)
  double wall_seconds = std::numeric_limits<double>::quiet_NaN();  ///< NaN when unknown
  std::string host;
  std::vector<double> summaries;  ///< one per Sweep::summaries; NaN unless complete
};

/// Reads what is on disk for one run in `dir` (the sweep folder) and computes its summaries.
/// Never throws for a broken or foreign run file: the record says `failed` with the reason.
RunRecord inspect_run(const Sweep& sweep, const RunSpec& run, const std::filesystem::path& dir);

/// Summaries of a complete run file, in the order of sweep.summaries. Throws core::Error (kIo,
/// kInput) if the file cannot be read or lacks a metric, country or state a summary names.
std::vector<double> compute_summaries(const Sweep& sweep, const std::filesystem::path& run_file);

/// Name of the index file in a sweep folder.
inline constexpr const char* kIndexFileName = "index.h5";
/// Root attribute "format" of an index file.
inline constexpr const char* kIndexFormat = "dipsim sweep index";
/// Root attribute "format_version" of an index file; bumped on incompatible layout changes.
inline constexpr std::int64_t kIndexFormatVersion = 1;

/// Writes `dir/index.h5` atomically (a temporary file unique to this process, then a rename), so
/// readers never see a half-written index and concurrent shards never mix theirs.
/// `records[i]` belongs to run i (records.size() == sweep.num_runs()).
void write_index(const Sweep& sweep, const std::vector<RunRecord>& records,
                 const std::filesystem::path& dir);

/// An index read back (for tests, `dipsim info` and --collect reports).
struct IndexTable {
  std::string sweep_name, design, scenario, updated;
  std::uint64_t num_points = 0, replicates = 0;
  std::vector<std::string> arms, parameters, summaries;
  std::vector<std::int64_t> run, point, replicate, seed;
  std::vector<std::string> arm, file, status, error, host;
  std::vector<double> wall_seconds;
  std::vector<std::vector<double>> summary_values;  ///< [summary][run]
};
IndexTable read_index(const std::filesystem::path& path);

/// Whether `path` is a sweep index (root attribute "format" == kIndexFormat). False for run files,
/// other files and files that cannot be read (never throws).
bool is_sweep_index(const std::filesystem::path& path);

/// Printable summary of an index for `dipsim info`: the sweep, progress by status, failed and
/// unfinished runs with their messages (the first `max_listed` of each), and the summaries' means
/// per arm over complete runs.
std::string describe_index(const std::filesystem::path& path, std::size_t max_listed = 20);

}  // namespace dipsim::sweep
