// Run-file writer and reader. Layout (docs/output-format.md):
//   /                      root attributes: provenance, status, wall_seconds, error
//   metrics/step           int64 (step), unlimited, dimension scale "step"
//   metrics/country|state  UTF-8 strings, dimension scales "country" / "state"
//   metrics/<name>         float64 (step, country, state), chunks (64, C, S), shuffle + deflate
//   snapshots/attitude     float32/64 (snapshot, citizen, state) with coordinate snapshot_step
//   graph/, cascades/, …   1-D arrays written by other layers through write_array()
// Every dimension is a dimension scale named after it, which is what h5netcdf and netCDF-C
// read as a named dimension; a dimension with no coordinate values is a netCDF "dimension
// without variable" (see h5::create_dimension).
// append_step() keeps every dataset open and only extends and writes one row per metric, since
// it runs every simulated step.
#include "dipsim/io/run_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <set>
#include <system_error>

#include "dipsim/core/error.hpp"
#include "dipsim/core/text.hpp"
#include "dipsim/io/fault.hpp"

namespace dipsim::io {
namespace fs = std::filesystem;

namespace {

/// Steps per chunk of a metric dataset: a few days of hourly steps per disk read.
constexpr hsize_t kMetricChunkRows = 64;
/// Metric chunks are capped at this size by taking fewer rows (only for very large C × S).
constexpr hsize_t kMaxMetricChunkBytes = hsize_t{4} << 20;
/// Snapshot chunks span as many citizens as fit in this (all states, one snapshot).
constexpr hsize_t kSnapshotChunkBytes = hsize_t{1} << 20;
/// 1-D arrays from write_array() at least this long are chunked and compressed.
constexpr std::size_t kCompressFromElements = 16 * 1024;
constexpr std::string_view kDestroyedError = "writer destroyed before finish";

std::string quote(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

std::string quote(const std::string& text) {
  return quote(std::string_view(text));
}
std::string quote(const fs::path& path) {
  return quote(std::string_view(path.native()));
}

[[noreturn]] void throw_kind(core::ErrorKind kind, const fs::path& file, std::string message) {
  throw core::Error(kind, std::move(message), core::InputLocation{file.string(), 0, 0, ""});
}

[[noreturn]] void throw_io(const fs::path& file, std::string message) {
  throw_kind(core::ErrorKind::kIo, file, std::move(message));
}

[[noreturn]] void throw_internal(const fs::path& file, std::string message) {
  throw_kind(core::ErrorKind::kInternal, file, std::move(message));
}

[[noreturn]] void throw_input(const fs::path& file, std::string message) {
  throw_kind(core::ErrorKind::kInput, file, std::move(message));
}

void require_unique(const std::vector<std::string>& names, std::string_view what,
                    const fs::path& path) {
  std::set<std::string> seen;
  for (const auto& name : names) {
    if (name.empty()) {
      throw_internal(path, "invalid metrics layout: an empty name among the " + std::string(what));
    }
    if (!seen.insert(name).second) {
      throw_internal(path, "invalid metrics layout: " + std::string(what) + " name " + quote(name) +
                               " appears twice");
    }
  }
}

void validate_layout(const TimeSeriesLayout& layout, const fs::path& path) {
  if (layout.countries.empty() || layout.states.empty()) {
    throw_internal(path,
                   "invalid metrics layout: it needs at least one country and one state "
                   "(got " +
                       std::to_string(layout.countries.size()) + " and " +
                       std::to_string(layout.states.size()) + ")");
  }
  if (layout.units.size() != layout.metrics.size() ||
      layout.descriptions.size() != layout.metrics.size()) {
    throw_internal(path, "invalid metrics layout: " + std::to_string(layout.metrics.size()) +
                             " metrics but " + std::to_string(layout.units.size()) + " units and " +
                             std::to_string(layout.descriptions.size()) + " descriptions");
  }
  require_unique(layout.countries, "country", path);
  require_unique(layout.states, "state", path);
  require_unique(layout.metrics, "metric", path);
  for (const auto& name : layout.metrics) {
    if (name.find('/') != std::string::npos || name == "." || name == "step" || name == "country" ||
        name == "state") {
      throw_internal(path, "invalid metrics layout: metric name " + quote(name) +
                               " contains '/' or is a coordinate name (step, country, state)");
    }
  }
}

/// Everything that can be checked before creating a file, so a refused run leaves no trace.
void check_output_path(const fs::path& path, bool force) {
  if (path.empty()) throw_io(path, "no output file name given");
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (fs::is_directory(status)) {
    throw_io(path, "cannot write the run file: " + quote(path) +
                       " is a directory; expected a file name such as " + quote(path / "run.h5"));
  }
  fs::path folder = path.parent_path();
  if (folder.empty()) folder = ".";
  const fs::file_status folder_status = fs::status(folder, error);
  if (!fs::exists(folder_status)) {
    throw_io(path, "cannot create run file " + quote(path) + ": folder " + quote(folder) +
                       " does not exist");
  }
  if (!fs::is_directory(folder_status)) {
    throw_io(path,
             "cannot create run file " + quote(path) + ": " + quote(folder) + " is not a folder");
  }
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    throw_io(path, "cannot create run file " + quote(path) + ": folder " + quote(folder) +
                       " is not writable (" + std::strerror(errno) + ")");
  }
  if (fs::exists(status) && !force) {
    throw_io(path, "output file " + quote(path) +
                       " already exists and is left untouched; use --force to overwrite it");
  }
}

/// "graph/node_country" -> {"graph", "node_country"}; "x" -> {"", "x"}.
std::pair<std::string, std::string> split_path(const std::string& path, const fs::path& file) {
  std::string clean = path;
  while (!clean.empty() && clean.front() == '/') clean.erase(0, 1);
  const std::size_t slash = clean.rfind('/');
  std::pair<std::string, std::string> parts =
      slash == std::string::npos
          ? std::pair<std::string, std::string>{"", clean}
          : std::pair<std::string, std::string>{clean.substr(0, slash), clean.substr(slash + 1)};
  if (parts.second.empty()) {
    throw_internal(file, "cannot write " + quote(path) +
                             ": expected a path such as "
                             "\"graph/node_country\"");
  }
  return parts;
}

/// FNV-1a over the ids: later snapshots are checked against the first without keeping a copy.
std::uint64_t hash_ids(std::span<const NodeId> ids) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const NodeId id : ids) {
    hash ^= id;
    hash *= 1099511628211ULL;
  }
  return hash;
}

/// After finish() could not close or rename a file it had marked with its outcome: reopens it and
/// records status "failed" with `error`, so no file that did not reach its final name claims to
/// be complete. Best effort (the disk that failed the close may fail this too); never throws.
void mark_failed_after_close(const fs::path& partial, const std::string& error) noexcept {
  try {
    h5::File file = h5::open_file(partial, true);
    h5::write_attribute(file, "status", to_string(RunStatus::kFailed));
    h5::write_attribute(file, "error", error);
    h5::close_file(file);
  } catch (...) {
  }
}

bool is_reserved_root_attribute(const std::string& name) {
  return name == "status" || name == "wall_seconds" || name == "error" || name == "format_version";
}

}  // namespace

std::string_view to_string(RunStatus status) {
  switch (status) {
    case RunStatus::kRunning:
      return "running";
    case RunStatus::kComplete:
      return "complete";
    case RunStatus::kInterrupted:
      return "interrupted";
    case RunStatus::kFailed:
      return "failed";
  }
  return "failed";
}

struct RunWriter::Impl {
  fs::path final_path;
  fs::path partial_path;
  bool force = false;
  bool finished = false;
  h5::File file;  ///< stands for the root group where attributes are written

  // metrics/
  h5::Group metrics;
  h5::RowAppender step;
  std::vector<h5::RowAppender> metric_data;
  std::size_t countries = 0;
  std::size_t states = 0;
  std::vector<std::string> state_names;
  std::optional<std::uint32_t> last_step;

  // snapshots/, created by the first append_snapshot()
  h5::Group snapshots;
  h5::RowAppender snapshot_values;
  h5::RowAppender snapshot_steps;
  h5::RowAppender snapshot_dimension;
  std::size_t snapshot_citizens = 0;
  std::uint64_t citizen_hash = 0;
  std::optional<std::uint32_t> last_snapshot_step;

  // Arrays grown by append_array(), and their dimensions, by path.
  std::map<std::string, h5::RowAppender> appended;
  std::map<std::string, h5::RowAppender> appended_dims;

  /// What abandon() records as "error" if the file is never finished.
  std::string abandon_error{kDestroyedError};

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() { abandon(); }

  void create(const RunProvenance& provenance, const TimeSeriesLayout& layout);
  void create_snapshots(std::span<const NodeId> citizen_ids);
  bool is_open() const noexcept { return !finished && file.valid(); }
  /// Throws kInternal unless the file is open for writing.
  void require_open(std::string_view action) const;
  void close_handles() noexcept;
  void abandon() noexcept;

  /// Writes a 1-D dataset with `write(group, name)` and gives it its dimension (see
  /// RunWriter::write_array).
  template <class Write>
  void write_1d(const std::string& path, hsize_t length, const std::vector<std::string>& dim_names,
                Write write);
  /// The scale for dimension `dim` in `group`: the existing one (length checked) or a new
  /// dimension without coordinate.
  h5::Dataset dimension_for(const h5::Group& group, const std::string& dim, hsize_t length,
                            const std::string& array_path);
};

void RunWriter::Impl::create(const RunProvenance& provenance, const TimeSeriesLayout& layout) {
  file = h5::create_file(partial_path, h5::CreateMode::kTruncate);

  h5::write_attribute(file, "status", to_string(RunStatus::kRunning));
  h5::write_attribute(file, "format_version", kRunFormatVersion);
  h5::write_attribute(file, "dipsim_version", provenance.dipsim_version);
  h5::write_attribute(file, "git_revision", provenance.git_revision);
  h5::write_attribute(file, "attitude_precision", std::string(kRealName));
  h5::write_attribute(file, "scenario", provenance.scenario);
  h5::write_attribute(file, "title", provenance.title);
  h5::write_attribute(file, "seed", provenance.seed);
  h5::write_attribute(file, "threads", std::uint64_t{provenance.threads});
  h5::write_attribute(file, "host", provenance.host);
  h5::write_attribute(file, "command_line", provenance.command_line);
  h5::write_attribute(file, "start_time", provenance.start_time);

  countries = layout.countries.size();
  states = layout.states.size();
  state_names = layout.states;
  metrics = h5::create_group(file, "metrics");

  h5::DatasetOptions step_options;
  step_options.extendible = true;
  step_options.compress = true;
  step_options.chunk = {1024};
  const hsize_t empty = 0;
  h5::Dataset step_scale = h5::create_dataset<std::int64_t>(
      metrics, "step", std::span<const hsize_t>(&empty, 1), step_options);
  h5::make_scale(step_scale, "step");
  h5::write_attribute(step_scale, "long_name", "simulation step");

  h5::Dataset country_scale = h5::write_strings(metrics, "country", layout.countries);
  h5::make_scale(country_scale, "country");
  h5::write_attribute(country_scale, "long_name", "country");
  h5::Dataset state_scale = h5::write_strings(metrics, "state", layout.states);
  h5::make_scale(state_scale, "state");
  h5::write_attribute(state_scale, "long_name", "state actor");

  const hsize_t cells = countries * states;
  const hsize_t rows =
      std::clamp<hsize_t>(kMaxMetricChunkBytes / (cells * sizeof(double)), 1, kMetricChunkRows);
  h5::DatasetOptions metric_options;
  metric_options.extendible = true;
  metric_options.compress = true;
  metric_options.chunk = {rows, countries, states};
  // Appends fill a chunk a row at a time; the cache must hold a whole chunk, or every append
  // would read, decompress and rewrite it. Two chunks and no more: HDF5 keeps finished chunks
  // in the cache until it is full, so a larger cache is memory that grows with the steps.
  metric_options.chunk_cache_bytes = static_cast<std::size_t>(2 * rows * cells * sizeof(double));
  const std::array<hsize_t, 3> shape{0, countries, states};
  metric_data.reserve(layout.metrics.size());
  for (std::size_t i = 0; i < layout.metrics.size(); ++i) {
    h5::Dataset data =
        h5::create_dataset<double>(metrics, layout.metrics[i], shape, metric_options);
    h5::attach_scale(data, step_scale, 0);
    h5::attach_scale(data, country_scale, 1);
    h5::attach_scale(data, state_scale, 2);
    h5::write_attribute(data, "units", layout.units[i]);
    h5::write_attribute(data, "long_name", layout.descriptions[i]);
    metric_data.emplace_back(std::move(data));
  }
  step = h5::RowAppender(std::move(step_scale));
  // Every root attribute but the outcome's is written by now: the root's attribute heap is not
  // touched again until finish(), so a kill during the steps leaves it as flushed here.
  h5::flush(file);  // a crash from here on leaves a readable file that says "running"
}

void RunWriter::Impl::create_snapshots(std::span<const NodeId> citizen_ids) {
  snapshots = h5::create_group(file, "snapshots");
  const hsize_t citizens = citizen_ids.size();

  h5::Dataset snapshot_scale = h5::create_dimension(snapshots, "snapshot", 0, true);

  h5::DatasetOptions citizen_options;
  citizen_options.compress = citizens >= kCompressFromElements;
  h5::Dataset citizen_scale =
      h5::write_array<NodeId>(snapshots, "citizen", citizen_ids, citizen_options);
  h5::make_scale(citizen_scale, "citizen");
  h5::write_attribute(citizen_scale, "long_name", "node id of the citizen");

  h5::Dataset state_scale = h5::write_strings(snapshots, "state", state_names);
  h5::make_scale(state_scale, "state");
  h5::write_attribute(state_scale, "long_name", "state actor");

  h5::DatasetOptions step_options;
  step_options.extendible = true;
  step_options.chunk = {256};
  const hsize_t empty = 0;
  h5::Dataset steps = h5::create_dataset<std::int64_t>(
      snapshots, "snapshot_step", std::span<const hsize_t>(&empty, 1), step_options);
  h5::attach_scale(steps, snapshot_scale, 0);
  h5::write_attribute(steps, "long_name", "simulation step of the snapshot");

  h5::DatasetOptions value_options;
  value_options.extendible = true;
  value_options.compress = true;
  const hsize_t chunk_citizens =
      std::clamp<hsize_t>(kSnapshotChunkBytes / (states * sizeof(Real)), 1, citizens);
  value_options.chunk = {1, chunk_citizens, states};
  const std::array<hsize_t, 3> shape{0, citizens, states};
  // float32 (or float64 in a DIPSIM_DOUBLE_ATTITUDES build): the engine's own precision.
  h5::Dataset values = h5::create_dataset<Real>(snapshots, "attitude", shape, value_options);
  h5::attach_scale(values, snapshot_scale, 0);
  h5::attach_scale(values, citizen_scale, 1);
  h5::attach_scale(values, state_scale, 2);
  // CF "coordinates": xarray shows snapshot_step as a coordinate along "snapshot".
  h5::write_attribute(values, "coordinates", "snapshot_step");
  h5::write_attribute(values, "long_name", "attitude of each citizen toward each state actor");
  h5::write_attribute(values, "units", "1");

  snapshot_dimension = h5::RowAppender(std::move(snapshot_scale));
  snapshot_steps = h5::RowAppender(std::move(steps));
  snapshot_values = h5::RowAppender(std::move(values));
  snapshot_citizens = citizen_ids.size();
  citizen_hash = hash_ids(citizen_ids);
}

void RunWriter::Impl::require_open(std::string_view action) const {
  if (is_open()) return;
  if (finished) {
    throw_internal(partial_path, "cannot " + std::string(action) + ": the run file " +
                                     quote(partial_path) + " was already finished");
  }
  if (!file.valid()) {
    throw_internal(partial_path, "cannot " + std::string(action) + ": the run file " +
                                     quote(partial_path) + " was closed after an error");
  }
}

void RunWriter::Impl::close_handles() noexcept {
  appended.clear();
  appended_dims.clear();
  snapshot_values.reset();
  snapshot_steps.reset();
  snapshot_dimension.reset();
  snapshots.reset();
  for (auto& data : metric_data) data.reset();
  metric_data.clear();
  step.reset();
  metrics.reset();
}

void RunWriter::Impl::abandon() noexcept {
  if (finished || !file.valid()) return;
  try {
    h5::write_attribute(file, "status", to_string(RunStatus::kFailed));
    h5::write_attribute(file, "error", abandon_error);
  } catch (...) {  // best effort: a destructor cannot report errors
  }
  close_handles();
  try {
    h5::close_file(file);
  } catch (...) {
  }
  file.reset();
}

h5::Dataset RunWriter::Impl::dimension_for(const h5::Group& group, const std::string& dim,
                                           hsize_t length, const std::string& array_path) {
  if (!h5::exists(group, dim)) return h5::create_dimension(group, dim, length, false);
  h5::Dataset scale = h5::open_dataset(group, dim);
  if (!h5::is_scale(scale)) {
    throw_internal(partial_path, "cannot give " + quote(array_path) + " the dimension " +
                                     quote(dim) + ": " + quote(h5::object_path(scale)) +
                                     " exists and is not a dimension scale");
  }
  const std::vector<hsize_t> shape = h5::dataset_shape(scale);
  const std::vector<hsize_t> max_shape = h5::dataset_max_shape(scale);
  if (shape.size() != 1 || (max_shape[0] != H5S_UNLIMITED && shape[0] != length)) {
    throw_internal(partial_path,
                   "cannot write " + quote(array_path) + ": it has " + std::to_string(length) +
                       " elements but its dimension " + quote(dim) + " has " +
                       (shape.size() == 1 ? std::to_string(shape[0]) : std::string("several")));
  }
  return scale;
}

template <class Write>
void RunWriter::Impl::write_1d(const std::string& path, hsize_t length,
                               const std::vector<std::string>& dim_names, Write write) {
  require_open("write " + quote(path));
  if (dim_names.size() > 1) {
    throw_internal(partial_path, "cannot write " + quote(path) +
                                     ": a 1-D array takes one "
                                     "dimension name, got " +
                                     std::to_string(dim_names.size()));
  }
  const auto [group_path, name] = split_path(path, partial_path);
  const std::string dim = dim_names.empty() ? name + "_index" : dim_names.front();
  if (dim.empty() || dim.find('/') != std::string::npos) {
    throw_internal(partial_path, "cannot write " + quote(path) + ": dimension name " + quote(dim) +
                                     " is empty or contains '/'");
  }
  const h5::Group group =
      group_path.empty() ? h5::open_group(file, "/") : h5::require_group(file, group_path);

  if (dim != name) {
    const h5::Dataset scale = dimension_for(group, dim, length, path);
    const h5::Dataset data = write(group, name);
    h5::attach_scale(data, scale, 0);
    return;
  }

  // The array is its dimension's coordinate. If other arrays made the dimension first (as a
  // dimension without coordinate), move them over to the coordinate.
  std::vector<std::pair<h5::Dataset, unsigned>> users;
  if (h5::exists(group, name)) {
    h5::Dataset old = h5::open_dataset(group, name);
    if (!h5::is_dimension_only(old)) {
      throw_internal(partial_path, "cannot write " + quote(path) + ": it was already written");
    }
    const std::vector<hsize_t> shape = h5::dataset_shape(old);
    if (shape.size() != 1 || shape[0] != length) {
      throw_internal(partial_path,
                     "cannot write " + quote(path) + ": it has " + std::to_string(length) +
                         " elements but arrays already written along dimension " + quote(dim) +
                         " have " + (shape.empty() ? std::string("?") : std::to_string(shape[0])));
    }
    for (const auto& member : h5::list_members(group)) {
      if (member.kind != h5::MemberKind::kDataset || member.name == name) continue;
      h5::Dataset user = h5::open_dataset(group, member.name);
      if (h5::is_scale(user)) continue;
      const auto rank = static_cast<unsigned>(h5::dataset_shape(user).size());
      for (unsigned d = 0; d < rank; ++d) {
        if (h5::is_attached(user, old, d)) {
          h5::detach_scale(user, old, d);
          users.emplace_back(h5::open_dataset(group, member.name), d);
        }
      }
    }
    old.reset();
    h5::delete_link(group, name);
  }
  const h5::Dataset coordinate = write(group, name);
  h5::make_scale(coordinate, name);
  for (const auto& [user, d] : users) h5::attach_scale(user, coordinate, d);
}

RunWriter::RunWriter(fs::path path, const RunProvenance& provenance, const TimeSeriesLayout& layout,
                     bool force)
    : impl_(std::make_unique<Impl>()) {
  validate_layout(layout, path);
  check_output_path(path, force);
  impl_->final_path = path;
  impl_->partial_path = fs::path(path.string() + ".partial");
  impl_->force = force;
  try {
    impl_->create(provenance, layout);
  } catch (const std::exception& e) {
    // ~Impl marks the .partial "failed" and records why.
    impl_->abandon_error = std::string("cannot create the run file: ") + e.what();
    throw;
  }
}

RunWriter::~RunWriter() = default;
RunWriter::RunWriter(RunWriter&&) noexcept = default;
RunWriter& RunWriter::operator=(RunWriter&&) noexcept = default;

void RunWriter::append_step(std::uint32_t step, std::span<const double> values) {
  Impl& w = *impl_;
  if (!w.is_open()) w.require_open("append step " + std::to_string(step));  // message only on error
  const std::size_t block = w.countries * w.states;
  const std::size_t expected = w.metric_data.size() * block;
  if (values.size() != expected) {
    throw_internal(w.partial_path, "cannot append step " + std::to_string(step) + ": got " +
                                       std::to_string(values.size()) +
                                       " values, expected metrics × countries × "
                                       "states = " +
                                       std::to_string(w.metric_data.size()) + " × " +
                                       std::to_string(w.countries) + " × " +
                                       std::to_string(w.states) + " = " + std::to_string(expected));
  }
  if (w.last_step && step <= *w.last_step) {
    throw_internal(w.partial_path, "cannot append step " + std::to_string(step) + " after step " +
                                       std::to_string(*w.last_step) + ": steps must increase");
  }
  const std::int64_t step_value = step;
  w.step.append(std::span<const std::int64_t>(&step_value, 1));
  for (std::size_t i = 0; i < w.metric_data.size(); ++i) {
    w.metric_data[i].append(values.subspan(i * block, block));
  }
  w.last_step = step;
}

void RunWriter::append_snapshot(std::uint32_t step, std::span<const NodeId> citizen_ids,
                                std::span<const Real> values) {
  Impl& w = *impl_;
  const std::string action = "append the snapshot of step " + std::to_string(step);
  w.require_open(action);
  if (citizen_ids.empty()) {
    throw_internal(w.partial_path, "cannot " + action + ": it has no citizens");
  }
  if (values.size() != citizen_ids.size() * w.states) {
    throw_internal(w.partial_path, "cannot " + action + ": got " + std::to_string(values.size()) +
                                       " values, expected " + std::to_string(citizen_ids.size()) +
                                       " citizens × " + std::to_string(w.states) + " states");
  }
  if (w.last_snapshot_step && step <= *w.last_snapshot_step) {
    throw_internal(w.partial_path, "cannot " + action + " after the snapshot of step " +
                                       std::to_string(*w.last_snapshot_step) +
                                       ": steps must increase");
  }
  if (!w.snapshots.valid()) {
    w.create_snapshots(citizen_ids);
  } else if (citizen_ids.size() != w.snapshot_citizens || hash_ids(citizen_ids) != w.citizen_hash) {
    throw_internal(w.partial_path,
                   "cannot " + action + ": its citizen ids differ from the first snapshot's");
  }
  w.snapshot_values.append(values);
  const std::int64_t step_value = step;
  w.snapshot_steps.append(std::span<const std::int64_t>(&step_value, 1));
  w.snapshot_dimension.grow(1);
  w.last_snapshot_step = step;
}

template <h5::Number T>
void RunWriter::write_array(const std::string& path, std::span<const T> data,
                            std::vector<std::string> dim_names) {
  impl_->write_1d(path, data.size(), dim_names,
                  [&data](const h5::Group& group, const std::string& name) {
                    h5::DatasetOptions options;
                    options.compress = data.size() >= kCompressFromElements;
                    return h5::write_array<T>(group, name, data, options);
                  });
}

template <h5::Number T>
void RunWriter::append_array(const std::string& path, std::span<const T> data,
                             const std::string& dim, hsize_t chunk_rows) {
  Impl& w = *impl_;
  w.require_open("append to " + quote(path));
  auto it = w.appended.find(path);
  if (it == w.appended.end()) {
    const auto [group_path, name] = split_path(path, w.partial_path);
    if (dim.empty() || dim.find('/') != std::string::npos || dim == name || chunk_rows == 0) {
      throw_internal(w.partial_path, "cannot append to " + quote(path) + ": dimension " +
                                         quote(dim) + " or chunk of " + std::to_string(chunk_rows) +
                                         " rows is not usable");
    }
    const h5::Group group =
        group_path.empty() ? h5::open_group(w.file, "/") : h5::require_group(w.file, group_path);
    const std::string dim_path = group_path + "/" + dim;
    auto scale = w.appended_dims.find(dim_path);
    if (scale == w.appended_dims.end()) {
      if (h5::exists(group, dim)) {
        throw_internal(w.partial_path, "cannot append to " + quote(path) + ": dimension " +
                                           quote(dim) + " exists and is not growing");
      }
      scale = w.appended_dims
                  .emplace(dim_path, h5::RowAppender(h5::create_dimension(group, dim, 0, true)))
                  .first;
    }
    h5::DatasetOptions options;
    options.extendible = true;
    options.compress = true;
    options.chunk = {chunk_rows};
    // Appends write whole chunks (the last one excepted): a cache of two chunks is plenty, and
    // HDF5's default of 1 MiB per array would be memory that grows with the first chunks.
    options.chunk_cache_bytes = static_cast<std::size_t>(2 * chunk_rows * sizeof(T));
    const hsize_t empty = 0;
    h5::Dataset data_set =
        h5::create_dataset<T>(group, name, std::span<const hsize_t>(&empty, 1), options);
    h5::attach_scale(data_set, scale->second.dataset(), 0);
    it = w.appended.emplace(path, h5::RowAppender(std::move(data_set))).first;
  }
  if (data.empty()) return;
  it->second.append(data);
  const auto [group_path, name] = split_path(path, w.partial_path);
  h5::RowAppender& scale = w.appended_dims.at(group_path + "/" + dim);
  if (scale.rows() < it->second.rows()) scale.grow(it->second.rows() - scale.rows());
}

void RunWriter::write_strings(const std::string& path, std::span<const std::string> data,
                              std::vector<std::string> dim_names) {
  impl_->write_1d(path, data.size(), dim_names,
                  [&data](const h5::Group& group, const std::string& name) {
                    return h5::write_strings(group, name, data);
                  });
}

namespace {
template <class Value>
void set_attribute_on(h5::File& file, const fs::path& partial, const std::string& object_path,
                      const std::string& name, const Value& value) {
  if (object_path.empty() || object_path == "/") {
    if (is_reserved_root_attribute(name)) {
      throw_internal(partial, "cannot set root attribute " + quote(name) +
                                  ": it is written by RunWriter::finish()");
    }
    h5::write_attribute(file, name, value);
    return;
  }
  const h5::Object object = h5::open_object(file, object_path);
  h5::write_attribute(object, name, value);
}
}  // namespace

void RunWriter::set_attribute(const std::string& object_path, const std::string& name,
                              const std::string& value) {
  impl_->require_open("set attribute " + quote(name));
  set_attribute_on(impl_->file, impl_->partial_path, object_path, name, std::string_view(value));
}

void RunWriter::set_attribute(const std::string& object_path, const std::string& name,
                              std::int64_t value) {
  impl_->require_open("set attribute " + quote(name));
  set_attribute_on(impl_->file, impl_->partial_path, object_path, name, value);
}

void RunWriter::set_attribute(const std::string& object_path, const std::string& name,
                              std::uint64_t value) {
  impl_->require_open("set attribute " + quote(name));
  set_attribute_on(impl_->file, impl_->partial_path, object_path, name, value);
}

void RunWriter::set_attribute(const std::string& object_path, const std::string& name,
                              double value) {
  impl_->require_open("set attribute " + quote(name));
  set_attribute_on(impl_->file, impl_->partial_path, object_path, name, value);
}

std::vector<double> RunWriter::metric_rows(std::uint32_t rows) const {
  const Impl& w = *impl_;
  w.require_open("read back the metric rows");
  const std::size_t cells = w.countries * w.states;
  const std::size_t metrics = w.metric_data.size();
  std::vector<double> out(std::size_t{rows} * metrics * cells);
  if (rows == 0) return out;
  for (std::size_t m = 0; m < metrics; ++m) {
    const std::vector<double> values = h5::read_rows_as_double(w.metric_data[m].dataset(), 0, rows);
    for (std::size_t t = 0; t < rows; ++t) {
      std::copy_n(values.begin() + static_cast<std::ptrdiff_t>(t * cells), cells,
                  out.begin() + static_cast<std::ptrdiff_t>((t * metrics + m) * cells));
    }
  }
  return out;
}

void RunWriter::flush() {
  impl_->require_open("flush");
  h5::flush(impl_->file);
}

void RunWriter::finish(RunStatus status, double wall_seconds, const std::string& error) {
  Impl& w = *impl_;
  w.require_open("finish");
  if (status == RunStatus::kRunning) {
    throw_internal(w.partial_path,
                   "cannot finish with status \"running\"; expected complete, "
                   "interrupted or failed");
  }
  // Data first, then the outcome: a crash in between leaves "running", never a false
  // "complete".
  h5::flush(w.file);
  h5::write_attribute(w.file, "status", to_string(status));
  h5::write_attribute(w.file, "wall_seconds", wall_seconds);
  if (!error.empty()) h5::write_attribute(w.file, "error", error);
  w.close_handles();
  try {
    h5::close_file(w.file);
  } catch (const core::Error& e) {
    w.finished = true;
    // The outcome was written before the close failed; the file's last state is unknown.
    mark_failed_after_close(w.partial_path, e.what());
    throw;
  }
  w.finished = true;
  if (status != RunStatus::kComplete) return;

  const auto refuse = [&w](const std::string& why) {
    const std::string message = "cannot rename " + quote(w.partial_path) + " to " +
                                quote(w.final_path) + ": " + why + "; the run's data is in " +
                                quote(w.partial_path) + ", marked failed";
    mark_failed_after_close(w.partial_path, message);
    throw_io(w.final_path, message);
  };
  if (!w.force && fs::exists(w.final_path)) {
    refuse("that file appeared during the run and overwriting was not requested");
  }
  std::error_code rename_error;
  fault::rename(w.partial_path, w.final_path, rename_error);  // atomic within one file system
  if (rename_error) refuse(rename_error.message());
}

const fs::path& RunWriter::partial_path() const {
  return impl_->partial_path;
}
const fs::path& RunWriter::final_path() const {
  return impl_->final_path;
}

#define DIPSIM_RUN_FILE_INSTANTIATE(T)                                             \
  template void RunWriter::append_array<T>(const std::string&, std::span<const T>, \
                                           const std::string&, hsize_t);           \
  template void RunWriter::write_array<T>(const std::string&, std::span<const T>,  \
                                          std::vector<std::string>);
DIPSIM_RUN_FILE_INSTANTIATE(std::int8_t)
DIPSIM_RUN_FILE_INSTANTIATE(std::uint8_t)
DIPSIM_RUN_FILE_INSTANTIATE(std::uint16_t)
DIPSIM_RUN_FILE_INSTANTIATE(std::int32_t)
DIPSIM_RUN_FILE_INSTANTIATE(std::uint32_t)
DIPSIM_RUN_FILE_INSTANTIATE(std::int64_t)
DIPSIM_RUN_FILE_INSTANTIATE(std::uint64_t)
DIPSIM_RUN_FILE_INSTANTIATE(float)
DIPSIM_RUN_FILE_INSTANTIATE(double)
#undef DIPSIM_RUN_FILE_INSTANTIATE

// ---- reading -----------------------------------------------------------------------------------

namespace {
/// Limits of the walk over a file's groups. A run file has about ten groups, two levels deep; a
/// file can link a group into itself (metrics/loop -> metrics), which would make the walk endless
/// (or, with two such links, exponential), so a file beyond these is not a run file.
constexpr std::size_t kMaxGroupDepth = 16;
constexpr std::size_t kMaxGroups = 10'000;

void collect_datasets(const h5::Group& group, const std::string& prefix,
                      std::vector<std::pair<std::string, std::vector<hsize_t>>>& out,
                      const fs::path& file, std::size_t depth, std::size_t& groups) {
  if (depth > kMaxGroupDepth || ++groups > kMaxGroups) {
    throw core::Error(core::ErrorKind::kInput,
                      "not a dipsim run file: its groups are nested more than " +
                          std::to_string(kMaxGroupDepth) + " levels deep or number more than " +
                          std::to_string(kMaxGroups) + " (a group linked into itself?) at " +
                          core::quote(prefix),
                      core::InputLocation{file.string(), 0, 0, ""});
  }
  for (const auto& member : h5::list_members(group)) {
    const std::string path = prefix.empty() ? member.name : prefix + '/' + member.name;
    if (member.kind == h5::MemberKind::kGroup) {
      collect_datasets(h5::open_group(group, member.name), path, out, file, depth + 1, groups);
    } else if (member.kind == h5::MemberKind::kDataset) {
      const h5::Dataset data = h5::open_dataset(group, member.name);
      if (!h5::is_dimension_only(data)) out.emplace_back(path, h5::dataset_shape(data));
    }
  }
}
}  // namespace

RunSummary read_run_summary(const fs::path& path) {
  h5::silence_error_printing();
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) throw_io(path, "cannot read run file " + quote(path) + ": no such file");
  if (fs::is_directory(status)) {
    throw_io(path, "cannot read run file " + quote(path) + ": it is a directory");
  }
  if (!h5::is_hdf5_file(path)) {
    throw_input(path, quote(path) +
                          " is not an HDF5 file; expected a run file written by "
                          "dipsim (.h5 or .h5.partial)");
  }
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) {
    const std::string stack = h5::take_error_stack();
    const bool locked = stack.find("unable to lock file") != std::string::npos;
    throw_io(path, "cannot open run file " + quote(path) +
                       (locked ? " (another process, e.g. a running dipsim, has it open for "
                                 "writing; set HDF5_USE_FILE_LOCKING=FALSE to read it anyway)"
                               : " (is it truncated or corrupted?)") +
                       ": " + stack);
  }
  h5::File file(id);

  const auto not_a_run_file = [&path](const std::string& what) {
    throw_input(path, quote(path) + " is not a dipsim run file: " + what);
  };
  if (!h5::has_attribute(file, "status")) not_a_run_file("root attribute \"status\" missing");
  for (const char* required : {"metrics", "metrics/step", "metrics/country", "metrics/state"}) {
    if (!h5::exists(file, required)) {
      not_a_run_file(std::string(required).find('/') == std::string::npos
                         ? "group \"" + std::string(required) + "\" missing"
                         : "dataset \"" + std::string(required) + "\" missing");
    }
  }

  RunSummary summary;
  summary.status = h5::read_string_attribute(file, "status");
  for (const auto& name : h5::attribute_names(file)) {
    summary.attributes[name] = h5::read_attribute_as_text(file, name);
  }
  std::size_t groups = 0;
  collect_datasets(h5::open_group(file, "/"), "", summary.datasets, path, 0, groups);

  const h5::Group metrics = h5::open_group(file, "metrics");
  summary.countries = h5::read_strings(h5::open_dataset(metrics, "country"));
  summary.states = h5::read_strings(h5::open_dataset(metrics, "state"));
  const std::vector<hsize_t> step_shape = h5::dataset_shape(h5::open_dataset(metrics, "step"));
  summary.steps_written = step_shape.empty() ? 0 : step_shape[0];

  for (const auto& member : h5::list_members(metrics)) {
    if (member.kind != h5::MemberKind::kDataset || member.name == "step" ||
        member.name == "country" || member.name == "state") {
      continue;
    }
    const h5::Dataset data = h5::open_dataset(metrics, member.name);
    const std::vector<hsize_t> shape = h5::dataset_shape(data);
    if (shape.size() != 3 || shape[0] == 0) continue;
    // `dipsim info` indexes the last row by [country][state]: a metric of another shape would be
    // read out of bounds, so the file is refused.
    if (shape[1] != summary.countries.size() || shape[2] != summary.states.size()) {
      not_a_run_file("metrics/" + member.name + " has shape (" + std::to_string(shape[0]) + ", " +
                     std::to_string(shape[1]) + ", " + std::to_string(shape[2]) +
                     "), expected (step, country, state) with " +
                     std::to_string(summary.countries.size()) + " countries and " +
                     std::to_string(summary.states.size()) + " states");
    }
    summary.last_values[member.name] = h5::read_rows_as_double(data, shape[0] - 1, 1);
  }
  return summary;
}

}  // namespace dipsim::io
