// The run file: one HDF5 file per run holding provenance, metric time series, attitude snapshots
// and whatever other parts of dipsim add (graph/, cascades/). docs/output-format.md documents
// the layout; this header is the code side of it.
//
// Why this shape: the file is written as `<path>.partial`, marked "running" and flushed at once,
// so a crash leaves a readable file that says so; finish() records the outcome last and, only
// for a complete run, renames it to `<path>` (as llvm's TempFile keeps or discards; a destructor
// cannot report errors, so an unfinished writer marks the file "failed" and leaves it .partial).
// Datasets carry HDF5 dimension scales named after their dimensions, so xarray (engine
// "h5netcdf") and netCDF tools see named dimensions with coordinates.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "dipsim/core/types.hpp"
#include "dipsim/io/hdf5.hpp"

namespace dipsim::io {

/// Provenance written as root attributes when the file is created; all are required.
struct RunProvenance {
  std::string dipsim_version;  ///< dipsim's version, e.g. "0.1.0"
  std::string git_revision;    ///< `git describe --always --dirty` of the build
  std::string scenario;        ///< the full resolved scenario as YAML text
  std::string title;           ///< the scenario's title
  std::string host;            ///< host name of the machine that ran it
  std::string command_line;    ///< the command line, as typed
  std::string start_time;      ///< ISO 8601 UTC, e.g. "2025-01-31T12:00:00Z"
  std::uint64_t seed = 0;      ///< master random seed
  std::uint32_t threads = 0;   ///< worker threads used
};

/// Outcome of a run, stored in the root attribute "status".
enum class RunStatus : std::uint8_t { kRunning, kComplete, kInterrupted, kFailed };

/// Attribute text of a status: "running", "complete", "interrupted" or "failed".
std::string_view to_string(RunStatus status);

/// Layout of the metrics/ group: each metric is a float64 dataset metrics/<name> with dimensions
/// (step, country, state).
struct TimeSeriesLayout {
  std::vector<std::string> countries;     ///< coordinate "country"; at least one
  std::vector<std::string> states;        ///< coordinate "state" (state actors); at least one
  std::vector<std::string> metrics;       ///< dataset names; unique, no '/', not a coordinate name
  std::vector<std::string> units;         ///< per metric, attribute "units" (UDUNITS text, "1")
  std::vector<std::string> descriptions;  ///< per metric, attribute "long_name"
};

/// Version of the layout below, root attribute "format_version"; bumped on incompatible changes.
inline constexpr std::int64_t kRunFormatVersion = 1;

/// Writes one run file. Owned and used by one thread (HDF5 is not thread-safe).
///
/// Errors: file-system and HDF5 failures throw core::Error(kIo) naming the file and operation;
/// misuse (wrong sizes, steps out of order, use after finish) throws core::Error(kInternal).
class RunWriter {
 public:
  /// Creates `path + ".partial"` (truncating a stale .partial), writes the provenance, status
  /// "running", the metrics/ coordinates, and flushes. Before creating anything, throws kIo if
  /// `path` is a directory, its folder is missing or not a writable folder, or `path` exists and
  /// `force` is false (the existing file is left untouched); kInternal if `layout` is invalid.
  RunWriter(std::filesystem::path path, const RunProvenance& provenance,
            const TimeSeriesLayout& layout, bool force);
  /// If finish() was not called (or failed): best effort to set status "failed" with error
  /// "writer destroyed before finish", flush and close; the file stays at partial_path(). (If the
  /// constructor fails after creating the file, the same happens with the error's text.)
  ~RunWriter();
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;
  /// A moved-from writer may only be destroyed or assigned to.
  RunWriter(RunWriter&&) noexcept;
  RunWriter& operator=(RunWriter&&) noexcept;

  /// Appends one step to every metric. `values` is laid out [metric][country][state] and has
  /// metrics × countries × states elements. Steps must increase strictly.
  void append_step(std::uint32_t step, std::span<const double> values);

  /// Appends a snapshot of a per-citizen × per-state matrix (row-major citizen × state) at `step`
  /// to snapshots/attitude (snapshot, citizen, state), float32, chunked and compressed. The first
  /// snapshot writes the "citizen" coordinate (node ids); later ones must pass the same ids.
  void append_snapshot(std::uint32_t step, std::span<const NodeId> citizen_ids,
                       std::span<const Real> values);

  /// Writes a 1-D array at a path relative to the root, such as "graph/node_country" or
  /// "cascades/size" (missing groups are created). Its dimension is `dim_names[0]`, or
  /// "<name>_index" when none is given. If the group has a coordinate of that name (a dataset of
  /// the same name that is a dimension scale) it is attached and its length must match; if not,
  /// a netCDF dimension without coordinate is created. An array named like its own dimension
  /// (`write_array("graph/node", ids, {"node"})`) becomes that dimension's coordinate, also when
  /// other arrays already use the dimension. Arrays of 16 Ki elements or more are compressed.
  template <h5::Number T>
  void write_array(const std::string& path, std::span<const T> data,
                   std::vector<std::string> dim_names = {});
  /// Appends to a 1-D array that grows along the unlimited dimension `dim` of its group (a table
  /// written a batch of rows at a time, such as "cascades/size" along "cascade"). The first call
  /// creates the dimension (if no array made it yet) and the array, chunked by `chunk_rows` and
  /// compressed, even when `data` is empty; later calls append. The dimension grows to the
  /// longest of its arrays. Appending whole chunks writes each chunk once: it is never rewritten,
  /// so a kill later does not damage it.
  template <h5::Number T>
  void append_array(const std::string& path, std::span<const T> data, const std::string& dim,
                    hsize_t chunk_rows);
  /// As write_array, for variable-length UTF-8 strings.
  void write_strings(const std::string& path, std::span<const std::string> data,
                     std::vector<std::string> dim_names = {});

  /// Sets an attribute on "/" (the root) or on a group or dataset given by path ("graph"),
  /// replacing one of the same name. The root attributes that finish() owns ("status",
  /// "wall_seconds", "error", "format_version") are refused (kInternal).
  void set_attribute(const std::string& object_path, const std::string& name,
                     const std::string& value);
  void set_attribute(const std::string& object_path, const std::string& name, std::int64_t value);
  void set_attribute(const std::string& object_path, const std::string& name, std::uint64_t value);
  void set_attribute(const std::string& object_path, const std::string& name, double value);

  /// Reads back the metric rows of steps [0, rows) as written, laid out
  /// [step][metric][country][state] (what append_step() took), e.g. for a checkpoint.
  std::vector<double> metric_rows(std::uint32_t rows) const;

  /// Writes buffered data to disk (H5Fflush), e.g. after a checkpoint.
  void flush();

  /// Records the outcome: root attributes "status", "wall_seconds" and, when `error` is not
  /// empty, "error"; flushes and closes. kComplete renames partial_path() to final_path()
  /// (atomically; replacing a file there only if `force` was given). kInterrupted and kFailed
  /// leave the file at partial_path(). kRunning is not an outcome (kInternal). Call once.
  void finish(RunStatus status, double wall_seconds, const std::string& error = "");

  const std::filesystem::path& partial_path() const;
  const std::filesystem::path& final_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// What `dipsim info` shows of a run file.
struct RunSummary {
  std::string status;                             ///< root attribute "status"
  std::map<std::string, std::string> attributes;  ///< every root attribute, as text
  /// Every dataset (path without leading "/", shape), in file order; netCDF dimensions without
  /// coordinates (which hold no data) are left out.
  std::vector<std::pair<std::string, std::vector<hsize_t>>> datasets;
  std::vector<std::string> countries;  ///< metrics/country
  std::vector<std::string> states;     ///< metrics/state
  std::uint64_t steps_written = 0;     ///< length of metrics/step
  /// metric -> values [country][state] at the last step written; empty when no step was.
  std::map<std::string, std::vector<double>> last_values;
};

/// Opens a run file read-only and summarises it. A missing or unreadable file, or a truncated or
/// corrupted HDF5 file, throws core::Error(kIo); a file that is not HDF5, or HDF5 without
/// dipsim's layout (e.g. 'not a dipsim run file: root attribute "status" missing'), throws
/// core::Error(kInput). Messages name the file and what was expected. Works on .partial files.
RunSummary read_run_summary(const std::filesystem::path& path);

}  // namespace dipsim::io
