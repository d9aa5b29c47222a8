// Sweep files (docs/sweeps.md): a base scenario, a design over some of its parameters, replicates,
// named arms and the summaries to tabulate. load_sweep() reads and checks one against the scenario
// schema and returns the Sweep: the full, ordered list of runs with each run's overrides, seed and
// file name.
//
// Errors are core::Error(kInput) with the sweep file's name, line, column and key, what was given
// and what was expected; unknown keys and parameter names get a did-you-mean suggestion. Every
// swept key must be a parameter of docs/scenario-reference.md, and every value or range must lie
// inside that parameter's range. The scenario with each arm (and each grid point) is loaded once
// before anything runs, so a mistake is reported before any run starts.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "dipsim/core/error.hpp"
#include "dipsim/io/schema.hpp"

namespace dipsim::sweep {

enum class DesignKind : std::uint8_t { kGrid, kLatinHypercube, kSobol };
std::string_view to_string(DesignKind kind);

/// One `key=value` scenario override and where it was written in the sweep file.
struct Override {
  std::string key;   ///< concrete key, brackets for indices: `bots[0].count`
  std::string text;  ///< the value as YAML flow text, as `--set` reads it
  core::InputLocation where;
};

/// One swept parameter: its schema row and, for a grid, its values; for a sampled design, bounds.
struct Parameter {
  std::string key;  ///< concrete key, e.g. `bots[0].count`
  io::ParamType type = io::ParamType::kFloat;
  std::vector<io::Value> values;  ///< grid: the values, in file order
  double min = 0.0, max = 0.0;    ///< latin_hypercube, sobol: bounds (inclusive)
  bool integer = false;           ///< sampled values are integers
  core::InputLocation where;
};

struct Arm {
  std::string name;  ///< [A-Za-z0-9_-]+; part of run file names
  std::vector<Override> overrides;
  core::InputLocation where;
};

enum class SummaryStat : std::uint8_t { kFinal, kMean, kTimeTo };
std::string_view to_string(SummaryStat stat);

/// One column of summaries in the index (a `summaries:` entry with `each` expands into several).
struct Summary {
  std::string name;    ///< column name
  std::string metric;  ///< a metric of docs/output-format.md, e.g. mean_attitude
  SummaryStat stat = SummaryStat::kFinal;
  std::string country;        ///< a country name; empty = unweighted mean over the countries
  std::string state;          ///< a state actor's name
  std::int64_t from = 0;      ///< kMean: first step of the window
  std::int64_t to = -1;       ///< kMean: last step of the window (inclusive); -1 = last step
  double threshold = 0.0;     ///< kTimeTo
  bool upward = true;         ///< kTimeTo: first step with value >= threshold (else <=)
  std::string definition;     ///< one-line text of all of the above, stored in the index
  core::InputLocation where;  ///< the `summaries:` entry it comes from
};

/// What one run is: indices into the sweep's points, arms and replicates.
struct RunSpec {
  std::uint64_t index = 0;  ///< run index: (point * arms + arm) * replicates + replicate
  std::uint64_t point = 0;
  std::uint32_t arm = 0;
  std::uint32_t replicate = 0;
  std::uint64_t seed = 0;  ///< run.seed (run_seed(sweep seed, point, replicate))
  std::string file;        ///< run file name inside the sweep folder, e.g. p0003_bots_r01.h5
};

/// A checked sweep file and its plan.
class Sweep {
 public:
  std::filesystem::path file;  ///< the sweep file as given
  std::string text;            ///< its text (stored in the index)
  std::string name;            ///< `name:` or the file's stem
  std::string description;
  std::filesystem::path scenario;  ///< base scenario, resolved against the sweep file's folder
  std::uint64_t seed = 1;
  DesignKind design = DesignKind::kGrid;
  std::uint64_t n = 0;  ///< latin_hypercube, sobol: number of points
  std::vector<Parameter> parameters;
  std::uint32_t replicates = 1;
  std::vector<Override> overrides;  ///< `overrides:` applied to every run first
  std::vector<Arm> arms;
  std::vector<Summary> summaries;
  /// Design points: points[p][k] is the value of parameters[k] at point p.
  std::vector<std::vector<io::Value>> points;
  std::vector<std::filesystem::path> include_dirs;  ///< as given to load_sweep

  std::uint64_t num_runs() const {
    return static_cast<std::uint64_t>(points.size()) * arms.size() * replicates;
  }
  /// The run with this index (0 <= index < num_runs()).
  RunSpec run(std::uint64_t index) const;
  /// The scenario overrides of a run, in the order they are applied: `overrides:`, the point's
  /// parameter values, the arm's overrides, then `run.seed=<seed>`.
  std::vector<std::string> run_overrides(const RunSpec& run) const;
  /// The `dipsim run` command that reproduces one run on its own (recorded in the run file as its
  /// command_line; a resumed sweep checks that a finished file's `--set` part is unchanged).
  std::string run_command(const RunSpec& run, const std::filesystem::path& output) const;
  /// The `--set ...` tail of run_command().
  std::string run_set_arguments(const RunSpec& run) const;
};

/// Reads and checks a sweep file. `include_dirs` are the scenario include folders (as for
/// `dipsim run`). Loads the base scenario with every arm (and the first 100 points of a grid)
/// to find mistakes before running. Throws core::Error(kInput) for a malformed sweep file (kIo
/// when it cannot be read).
Sweep load_sweep(const std::filesystem::path& file,
                 const std::vector<std::filesystem::path>& include_dirs);

/// As load_sweep, from text; `display_name` names it in messages and relative paths resolve
/// against `base_dir`.
Sweep load_sweep_text(const std::string& text, const std::string& display_name,
                      const std::filesystem::path& base_dir,
                      const std::vector<std::filesystem::path>& include_dirs);

/// Quotes a word for a POSIX shell when it needs it ('...'), for printed commands and scripts.
std::string shell_quote(const std::string& word);

}  // namespace dipsim::sweep
