// Run records, summaries and the index file (layout: docs/sweeps.md, "The index").
//
// The index is a netCDF-4-style table: every column is a 1-D dataset at the root with the
// dimension `run` (the dataset `run` is its coordinate, an HDF5 dimension scale), strings are
// variable-length UTF-8. So h5py, pandas (through h5py) and xarray (`open_dataset(...)
// .to_dataframe()`) read it without options. Metadata lists sit in the group `sweep/`.
#include "dipsim/sweep/index.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "dipsim/core/text.hpp"
#include "dipsim/core/version.hpp"
#include "dipsim/io/fault.hpp"
#include "dipsim/io/hdf5.hpp"
#include "dipsim/io/run.hpp"

namespace dipsim::sweep {

namespace fs = std::filesystem;
using core::ErrorKind;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string read_text_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string attribute_or(const io::h5::File& f, const std::string& name, std::string fallback) {
  return io::h5::has_attribute(f, name) ? io::h5::read_attribute_as_text(f, name) : fallback;
}

double number_attribute_or_nan(const io::h5::File& f, const std::string& name) {
  return io::h5::has_attribute(f, name) ? io::h5::read_double_attribute(f, name) : kNaN;
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

}  // namespace

std::vector<double> compute_summaries(const Sweep& sweep, const fs::path& run_file) {
  namespace h5 = io::h5;
  const h5::File f = h5::open_file(run_file, false);
  const core::InputLocation where{run_file.string(), 0, 0, ""};
  for (const char* name : {"metrics/country", "metrics/state", "metrics/step"}) {
    if (!h5::exists(f, name)) {
      throw core::Error(ErrorKind::kInput,
                        std::string("not a dipsim run file: ") + name + " missing", where);
    }
  }
  const auto countries = h5::read_strings(h5::open_dataset(f, "metrics/country"));
  const auto states = h5::read_strings(h5::open_dataset(f, "metrics/state"));
  const auto steps = h5::read_as_double(h5::open_dataset(f, "metrics/step"));
  const std::size_t nc = countries.size(), ns = states.size(), nt = steps.size();
  std::map<std::string, std::vector<double>> metrics;
  std::vector<double> out;
  out.reserve(sweep.summaries.size());
  for (const Summary& s : sweep.summaries) {
    auto it = metrics.find(s.metric);
    if (it == metrics.end()) {
      const std::string path = "metrics/" + s.metric;
      if (!h5::exists(f, path)) {
        throw core::Error(ErrorKind::kInput, "the run file has no metric " + s.metric, where);
      }
      auto values = h5::read_as_double(h5::open_dataset(f, path));
      if (values.size() < nt * nc * ns) {
        throw core::Error(ErrorKind::kInput, path + " is shorter than metrics/step", where);
      }
      it = metrics.emplace(s.metric, std::move(values)).first;
    }
    const std::vector<double>& v = it->second;
    const auto state_it = std::find(states.begin(), states.end(), s.state);
    if (state_it == states.end()) {
      throw core::Error(ErrorKind::kInput, "the run has no state actor " + s.state, where);
    }
    const auto si = static_cast<std::size_t>(state_it - states.begin());
    std::size_t ci = 0;
    if (!s.country.empty()) {
      const auto c_it = std::find(countries.begin(), countries.end(), s.country);
      if (c_it == countries.end()) {
        throw core::Error(ErrorKind::kInput, "the run has no country " + s.country, where);
      }
      ci = static_cast<std::size_t>(c_it - countries.begin());
    }
    // The series of the summary: one country, or the unweighted mean over countries.
    const auto y = [&](std::size_t t) {
      if (!s.country.empty()) return v[(t * nc + ci) * ns + si];
      double sum = 0.0;
      for (std::size_t c = 0; c < nc; ++c) sum += v[(t * nc + c) * ns + si];
      return nc > 0 ? sum / static_cast<double>(nc) : kNaN;
    };
    double value = kNaN;
    if (nt > 0) {
      switch (s.stat) {
        case SummaryStat::kFinal:
          value = y(nt - 1);
          break;
        case SummaryStat::kMean: {
          double sum = 0.0;
          std::size_t count = 0;
          for (std::size_t t = 0; t < nt; ++t) {
            if (steps[t] >= static_cast<double>(s.from) &&
                (s.to < 0 || steps[t] <= static_cast<double>(s.to))) {
              sum += y(t);
              ++count;
            }
          }
          value = count > 0 ? sum / static_cast<double>(count) : kNaN;
          break;
        }
        case SummaryStat::kTimeTo:
          for (std::size_t t = 0; t < nt; ++t) {
            const double x = y(t);
            if (s.upward ? x >= s.threshold : x <= s.threshold) {
              value = steps[t];
              break;
            }
          }
          break;
      }
    }
    out.push_back(value);
  }
  return out;
}

RunRecord inspect_run(const Sweep& sweep, const RunSpec& run, const fs::path& dir) {
  namespace h5 = io::h5;
  RunRecord r;
  r.wall_seconds = kNaN;
  r.summaries.assign(sweep.summaries.size(), kNaN);
  const fs::path final_path = dir / run.file;
  const fs::path partial = fs::path(final_path.string() + ".partial");
  const fs::path error_file = fs::path(final_path.string() + ".error");
  std::error_code ec;
  // The executor removes all of these before each attempt, so what exists belongs to the last
  // one: a final file (complete), an error file (failed, with or without a .partial), a .partial.
  const bool has_final = fs::is_regular_file(final_path, ec);
  if (!has_final && fs::exists(error_file, ec)) {
    r.status = "failed";
    r.error = read_text_file(error_file);
    if (fs::exists(partial, ec)) {
      try {
        const h5::File f = h5::open_file(partial, false);
        r.host = attribute_or(f, "host", "");
        r.wall_seconds = number_attribute_or_nan(f, "wall_seconds");
      } catch (const core::Error&) {
        // The message from the .error file is what matters.
      }
    }
    return r;
  }
  if (!has_final && !fs::exists(partial, ec)) return r;
  const fs::path path = has_final ? final_path : partial;
  try {
    const h5::File f = h5::open_file(path, false);
    if (!h5::has_attribute(f, "status")) {
      throw core::Error(ErrorKind::kInput,
                        "not a dipsim run file: root attribute \"status\" "
                        "missing");
    }
    r.status = h5::read_string_attribute(f, "status");
    r.error = attribute_or(f, "error", "");
    r.host = attribute_or(f, "host", "");
    r.wall_seconds = number_attribute_or_nan(f, "wall_seconds");
  } catch (const core::Error& e) {
    if (!has_final) {
      // A .partial that another process is writing cannot be opened (HDF5 locks it); one whose
      // process died may be unreadable too. Either way the run is not finished.
      r.status = "running";
      return r;
    }
    r.status = "failed";
    r.error = "cannot read " + path.filename().string() + ": " + e.message();
    return r;
  }
  if (!has_final && r.status == "complete") {
    // Killed after the outcome was written and before the rename: the close may not have
    // finished, so the file is not trusted; the run counts as interrupted and runs again.
    r.status = "interrupted";
    r.error = "killed between finishing and renaming " + partial.filename().string();
    return r;
  }
  if (has_final && r.status != "complete") {
    r.error = "the run file has status " + r.status + " but is not a .partial file";
    r.status = "failed";
  }
  if (r.status == "complete") {
    try {
      r.summaries = compute_summaries(sweep, final_path);
    } catch (const core::Error& e) {
      r.status = "failed";
      r.error = "cannot compute the summaries: " + e.message();
      r.summaries.assign(sweep.summaries.size(), kNaN);
    }
  }
  return r;
}

// ---- Writing -------------------------------------------------------------------------------

namespace {

namespace h5 = io::h5;

template <h5::Number T>
void column(const h5::File& f, const h5::Dataset& run, const std::string& name,
            const std::vector<T>& values, const std::string& role, const std::string& long_name) {
  const h5::Dataset ds = h5::write_array<T>(f, name, std::span<const T>(values));
  h5::attach_scale(ds, run, 0);
  h5::write_attribute(ds, "role", role);
  h5::write_attribute(ds, "long_name", long_name);
}

void string_column(const h5::File& f, const h5::Dataset& run, const std::string& name,
                   const std::vector<std::string>& values, const std::string& role,
                   const std::string& long_name) {
  const h5::Dataset ds = h5::write_strings(f, name, values);
  h5::attach_scale(ds, run, 0);
  h5::write_attribute(ds, "role", role);
  h5::write_attribute(ds, "long_name", long_name);
}

// A list in sweep/ with its own dimension (the first list is the coordinate).
void metadata(const h5::File& f, const std::string& dim,
              const std::vector<std::pair<std::string, std::vector<std::string>>>& lists) {
  const h5::Dataset scale = h5::write_strings(f, "sweep/" + lists[0].first, lists[0].second);
  h5::make_scale(scale, dim);
  for (std::size_t i = 1; i < lists.size(); ++i) {
    const h5::Dataset ds = h5::write_strings(f, "sweep/" + lists[i].first, lists[i].second);
    h5::attach_scale(ds, scale, 0);
  }
}

std::string arm_text(const Arm& arm) {
  std::string out;
  for (const auto& o : arm.overrides) out += (out.empty() ? "" : "; ") + o.key + "=" + o.text;
  return out;
}

}  // namespace

void write_index(const Sweep& sweep, const std::vector<RunRecord>& records, const fs::path& dir) {
  const std::uint64_t n = sweep.num_runs();
  if (records.size() != n) {
    throw core::Error(ErrorKind::kInternal, "write_index: one record per run expected");
  }
  const fs::path final_path = dir / kIndexFileName;
  const fs::path tmp =
      dir / (std::string(kIndexFileName) + ".tmp." + host_name() + "." + std::to_string(getpid()));
  try {
    h5::File f = h5::create_file(tmp, h5::CreateMode::kTruncate);
    h5::write_attribute(f, "format", std::string_view(kIndexFormat));
    h5::write_attribute(f, "format_version", kIndexFormatVersion);
    h5::write_attribute(f, "dipsim_version", core::version());
    h5::write_attribute(f, "git_revision", core::git_revision());
    h5::write_attribute(f, "sweep_name", sweep.name);
    h5::write_attribute(f, "sweep_file", sweep.file.string());
    h5::write_attribute(f, "sweep", sweep.text);
    h5::write_attribute(f, "scenario", sweep.scenario.string());
    h5::write_attribute(f, "design", to_string(sweep.design));
    h5::write_attribute(f, "seed", sweep.seed);
    h5::write_attribute(f, "num_points", static_cast<std::uint64_t>(sweep.points.size()));
    h5::write_attribute(f, "num_arms", static_cast<std::uint64_t>(sweep.arms.size()));
    h5::write_attribute(f, "replicates", static_cast<std::uint64_t>(sweep.replicates));
    h5::write_attribute(f, "num_runs", n);
    h5::write_attribute(f, "updated", io::iso8601_now());

    std::vector<std::int64_t> run(n), point(n), replicate(n), seed(n);
    std::vector<std::string> arm(n), file(n), status(n), error(n), host(n);
    std::vector<double> wall(n);
    std::vector<std::string> columns;
    for (std::uint64_t i = 0; i < n; ++i) {
      const RunSpec spec = sweep.run(i);
      run[i] = static_cast<std::int64_t>(i);
      point[i] = static_cast<std::int64_t>(spec.point);
      replicate[i] = spec.replicate;
      seed[i] = static_cast<std::int64_t>(spec.seed);
      arm[i] = sweep.arms[spec.arm].name;
      file[i] = spec.file;
      status[i] = records[i].status;
      error[i] = records[i].error;
      host[i] = records[i].host;
      wall[i] = records[i].wall_seconds;
    }
    const h5::Dataset run_ds = h5::write_array<std::int64_t>(f, "run", run);
    h5::make_scale(run_ds, "run");
    h5::write_attribute(run_ds, "role", "index");
    h5::write_attribute(run_ds, "long_name",
                        "run index: (point * arms + arm) * replicates + "
                        "replicate");
    columns.emplace_back("run");
    column(f, run_ds, "point", point, "index", "design point");
    columns.emplace_back("point");
    for (std::size_t k = 0; k < sweep.parameters.size(); ++k) {
      const Parameter& p = sweep.parameters[k];
      const std::string long_name =
          "parameter " + p.key + " (" + std::string(io::to_string(p.type)) + ") at the point";
      std::vector<std::string> texts;
      std::vector<std::int64_t> ints;
      std::vector<double> floats;
      for (std::uint64_t i = 0; i < n; ++i) {
        const io::Value& v = sweep.points[static_cast<std::size_t>(point[i])][k];
        if (const auto* b = std::get_if<bool>(&v)) ints.push_back(*b ? 1 : 0);
        if (const auto* x = std::get_if<std::int64_t>(&v)) ints.push_back(*x);
        if (const auto* x = std::get_if<double>(&v)) floats.push_back(*x);
        if (const auto* s = std::get_if<std::string>(&v)) texts.push_back(*s);
      }
      if (!floats.empty()) {
        column(f, run_ds, p.key, floats, "parameter", long_name);
      } else if (!ints.empty()) {
        column(f, run_ds, p.key, ints, "parameter", long_name);
      } else {
        string_column(f, run_ds, p.key, texts, "parameter", long_name);
      }
      columns.push_back(p.key);
    }
    string_column(f, run_ds, "arm", arm, "index", "arm (named variant of the scenario)");
    column(f, run_ds, "replicate", replicate, "index", "replicate at the point");
    column(f, run_ds, "seed", seed, "run",
           "run.seed of the run (from the sweep seed, point and "
           "replicate; the same in every arm)");
    string_column(f, run_ds, "file", file, "run", "run file, relative to the sweep folder");
    string_column(f, run_ds, "status", status, "run",
                  "complete, failed, interrupted, running or pending");
    string_column(f, run_ds, "error", error, "run", "why the run failed (empty otherwise)");
    column(f, run_ds, "wall_seconds", wall, "run", "wall-clock time of the run (NaN if unknown)");
    string_column(f, run_ds, "host", host, "run", "host that ran it");
    for (const char* c :
         {"arm", "replicate", "seed", "file", "status", "error", "wall_seconds", "host"}) {
      columns.emplace_back(c);
    }
    for (std::size_t k = 0; k < sweep.summaries.size(); ++k) {
      std::vector<double> values(n);
      for (std::uint64_t i = 0; i < n; ++i) {
        values[i] = k < records[i].summaries.size() ? records[i].summaries[k] : kNaN;
      }
      column(f, run_ds, sweep.summaries[k].name, values, "summary", sweep.summaries[k].definition);
      columns.push_back(sweep.summaries[k].name);
    }

    std::vector<std::string> pnames, ptypes, anames, atexts, snames, sdefs;
    for (const auto& p : sweep.parameters) {
      pnames.push_back(p.key);
      ptypes.emplace_back(io::to_string(p.type));
    }
    for (const auto& a : sweep.arms) {
      anames.push_back(a.name);
      atexts.push_back(arm_text(a));
    }
    for (const auto& s : sweep.summaries) {
      snames.push_back(s.name);
      sdefs.push_back(s.definition);
    }
    metadata(f, "column", {{"column", columns}});
    metadata(f, "parameter", {{"parameter", pnames}, {"parameter_type", ptypes}});
    metadata(f, "arm", {{"arm", anames}, {"arm_overrides", atexts}});
    metadata(f, "summary", {{"summary", snames}, {"summary_definition", sdefs}});
    h5::close_file(f);
    std::error_code renamed;
    io::fault::rename(tmp, final_path, renamed);  // atomic: readers see the old or the new index
    if (renamed) {
      throw core::Error(ErrorKind::kIo,
                        "cannot rename " + tmp.string() + " to " + final_path.string() + ": " +
                            renamed.message() + "; the previous index is left as it was",
                        {final_path.string(), 0, 0, ""});
    }
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
}

// ---- Reading -------------------------------------------------------------------------------

bool is_sweep_index(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  try {
    if (!io::h5::is_hdf5_file(path)) return false;
    const io::h5::File f = io::h5::open_file(path, false);
    return io::h5::has_attribute(f, "format") &&
           io::h5::read_attribute_as_text(f, "format") == kIndexFormat;
  } catch (const core::Error&) {
    return false;  // whoever reads it next reports why it cannot be read
  }
}

IndexTable read_index(const fs::path& path) {
  const core::InputLocation where{path.string(), 0, 0, ""};
  std::error_code ec;
  if (!fs::exists(path, ec)) throw core::Error(ErrorKind::kIo, "no such file", where);
  if (!is_sweep_index(path)) {
    throw core::Error(ErrorKind::kInput,
                      "not a sweep index (root attribute \"format\" is not \"" +
                          std::string(kIndexFormat) + "\")",
                      where);
  }
  const h5::File f = h5::open_file(path, false);
  IndexTable t;
  t.sweep_name = h5::read_attribute_as_text(f, "sweep_name");
  t.design = h5::read_attribute_as_text(f, "design");
  t.scenario = h5::read_attribute_as_text(f, "scenario");
  t.updated = h5::read_attribute_as_text(f, "updated");
  t.num_points = h5::read_uint64_attribute(f, "num_points");
  t.replicates = h5::read_uint64_attribute(f, "replicates");
  t.arms = h5::read_strings(h5::open_dataset(f, "sweep/arm"));
  t.parameters = h5::read_strings(h5::open_dataset(f, "sweep/parameter"));
  t.summaries = h5::read_strings(h5::open_dataset(f, "sweep/summary"));
  const auto ints = [&](const char* name) {
    return h5::read_array<std::int64_t>(h5::open_dataset(f, name));
  };
  const auto strings = [&](const char* name) {
    return h5::read_strings(h5::open_dataset(f, name));
  };
  t.run = ints("run");
  t.point = ints("point");
  t.replicate = ints("replicate");
  t.seed = ints("seed");
  t.arm = strings("arm");
  t.file = strings("file");
  t.status = strings("status");
  t.error = strings("error");
  t.host = strings("host");
  t.wall_seconds = h5::read_as_double(h5::open_dataset(f, "wall_seconds"));
  for (const auto& s : t.summaries) {
    t.summary_values.push_back(h5::read_as_double(h5::open_dataset(f, s)));
  }
  return t;
}

std::string describe_index(const fs::path& path, std::size_t max_listed) {
  const IndexTable t = read_index(path);
  const std::size_t n = t.run.size();
  std::map<std::string, std::size_t> by_status;
  for (const auto& s : t.status) ++by_status[s];
  std::ostringstream out;
  char buf[512];
  out << "sweep index: " << path.string() << "\n";
  out << "sweep:       " << t.sweep_name << " (" << t.design << ", " << t.num_points << " points x "
      << t.arms.size() << " arms x " << t.replicates << " replicates = " << n << " runs)\n";
  out << "scenario:    " << t.scenario << "\n";
  out << "parameters:  " << (t.parameters.empty() ? "(none)" : core::join(t.parameters, ", "))
      << "\n";
  out << "arms:        " << core::join(t.arms, ", ") << "\n";
  out << "updated:     " << t.updated << "\n";
  const std::size_t complete = by_status.count("complete") ? by_status["complete"] : 0;
  std::snprintf(buf, sizeof buf, "progress:    %zu/%zu complete (%.1f %%)", complete, n,
                n > 0 ? 100.0 * static_cast<double>(complete) / static_cast<double>(n) : 0.0);
  out << buf;
  for (const auto& [status, count] : by_status) {
    if (status != "complete") out << ", " << count << " " << status;
  }
  out << "\n";
  double total = 0.0;
  std::size_t timed = 0;
  for (double w : t.wall_seconds) {
    if (std::isfinite(w)) {
      total += w;
      ++timed;
    }
  }
  if (timed > 0) {
    std::snprintf(buf, sizeof buf, "run time:    %.1f s in %zu runs (%.3f s per run)\n", total,
                  timed, total / static_cast<double>(timed));
    out << buf;
  }
  const auto list = [&](const std::string& title, auto&& want) {
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < n; ++i) {
      if (want(i)) rows.push_back(i);
    }
    if (rows.empty()) return;
    out << title << " (" << rows.size() << "):\n";
    for (std::size_t k = 0; k < rows.size() && k < max_listed; ++k) {
      const std::size_t i = rows[k];
      out << "  " << t.file[i] << "  " << t.status[i];
      if (!t.error[i].empty()) out << ": " << t.error[i];
      out << "\n";
    }
    if (rows.size() > max_listed) out << "  ... and " << rows.size() - max_listed << " more\n";
  };
  list("failed runs", [&](std::size_t i) { return t.status[i] == "failed"; });
  list("unfinished runs",
       [&](std::size_t i) { return t.status[i] != "failed" && t.status[i] != "complete"; });
  if (!t.summaries.empty() && complete > 0) {
    out << "summaries (mean over complete runs):\n";
    std::snprintf(buf, sizeof buf, "  %-16s %6s", "arm", "runs");
    out << buf;
    for (const auto& s : t.summaries) {
      const int width = static_cast<int>(std::max<std::size_t>(s.size(), 10)) + 1;
      std::snprintf(buf, sizeof buf, "%*s", width, s.c_str());
      out << buf;
    }
    out << "\n";
    for (const auto& a : t.arms) {
      std::vector<double> sum(t.summaries.size(), 0.0);
      std::vector<std::size_t> count(t.summaries.size(), 0);
      std::size_t runs = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (t.arm[i] != a || t.status[i] != "complete") continue;
        ++runs;
        for (std::size_t k = 0; k < t.summaries.size(); ++k) {
          const double v = t.summary_values[k][i];
          if (std::isfinite(v)) {
            sum[k] += v;
            ++count[k];
          }
        }
      }
      std::snprintf(buf, sizeof buf, "  %-16s %6zu", a.c_str(), runs);
      out << buf;
      for (std::size_t k = 0; k < t.summaries.size(); ++k) {
        const int width = static_cast<int>(std::max<std::size_t>(t.summaries[k].size(), 10)) + 1;
        if (count[k] > 0) {
          std::snprintf(buf, sizeof buf, "%*.4f", width, sum[k] / static_cast<double>(count[k]));
        } else {
          std::snprintf(buf, sizeof buf, "%*s", width, "nan");
        }
        out << buf;
      }
      out << "\n";
    }
  }
  return out.str();
}

}  // namespace dipsim::sweep
