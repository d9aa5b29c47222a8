// The declarative parameter table and the scenario loader.
//
// A `Schema` is one table with a row per parameter (path, type, default, range or choices, unit,
// one-line doc, source). The same table drives YAML parsing, defaults, validation, `--set`
// overrides, the resolved scenario written into every run file, and docs/scenario-reference.md.
// Lists of records (e.g. `countries`, `states`) are declared once as a `ListSpec`; their fields
// are rows whose path contains `[]` (e.g. `countries[].name`).
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "dipsim/core/error.hpp"

namespace dipsim::io {

enum class ParamType : std::uint8_t {
  kBool,
  kInt,    ///< 64-bit signed integer
  kFloat,  ///< double; NaN and Inf are rejected
  kString,
  kChoice,      ///< a string from `choices`
  kIntList,     ///< list of integers
  kFloatList,   ///< list of floats
  kStringList,  ///< list of strings
  kFloatMap,    ///< mapping string -> float, kept in file order (e.g. per-state values)
};
std::string_view to_string(ParamType type);

using FloatMap = std::vector<std::pair<std::string, double>>;
using Value = std::variant<bool, std::int64_t, double, std::string, std::vector<std::int64_t>,
                           std::vector<double>, std::vector<std::string>, FloatMap>;

/// One row of the parameter table.
struct ParamSpec {
  std::string path;  ///< dotted key path; fields of list records use `list[].field`
  ParamType type = ParamType::kFloat;
  std::optional<Value> default_value;  ///< std::nullopt: the key is required
  std::optional<double> min;         ///< inclusive lower bound (numbers, list elements, map values)
  std::optional<double> max;         ///< inclusive upper bound
  std::vector<std::string> choices;  ///< allowed strings for kChoice
  std::string unit;                  ///< e.g. "1", "per hour", "steps"; empty = dimensionless
  std::string doc;                   ///< one line shown in errors, docs and the classroom page
  std::string source;                ///< reference for the default (citation) or empty
};

/// A list of records such as `countries`.
struct ListSpec {
  std::string path;  ///< e.g. "countries"; may be nested in a section, e.g. "media.outlets"
  std::size_t min_items = 0;
  std::size_t max_items = 1'000'000;
  std::string doc;
};

struct Schema {
  std::vector<ListSpec> lists;
  std::vector<ParamSpec> params;  ///< in the order shown in docs and in the resolved YAML
};

/// Where a resolved value came from.
struct Origin {
  std::string file;  ///< scenario or included file, "--set" for overrides, "(default)"
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

/// A scenario after includes, overrides, defaults and validation against a schema. Every
/// parameter of the schema has a value (defaults filled in), addressed by its concrete path
/// (`citizens.count`, `countries[1].name`).
class ResolvedScenario {
 public:
  /// Value at a concrete path; throws core::Error(kInternal) for a path the schema lacks.
  const Value& value(std::string_view path) const;
  bool get_bool(std::string_view path) const { return std::get<bool>(value(path)); }
  std::int64_t get_int(std::string_view path) const { return std::get<std::int64_t>(value(path)); }
  double get_float(std::string_view path) const { return std::get<double>(value(path)); }
  const std::string& get_string(std::string_view path) const {
    return std::get<std::string>(value(path));
  }
  /// Number of records in a list section (e.g. "countries").
  std::size_t list_size(std::string_view list_path) const;
  /// Where the value at `path` was set (file, line, column; key = path), for cross-checks.
  core::InputLocation location(std::string_view path) const;
  /// All resolved entries in schema order (list fields expanded per record).
  const std::vector<std::pair<std::string, Value>>& entries() const { return entries_; }
  /// The whole resolved scenario as YAML (schema order, every value, comments with units).
  std::string to_yaml() const;
  /// The top-level file this scenario was loaded from ("<text>" for in-memory text).
  const std::string& source_file() const { return source_file_; }

  // Filled by the loader.
  std::vector<std::pair<std::string, Value>> entries_;
  std::map<std::string, std::size_t, std::less<>> index_;  ///< path -> position in entries_
  std::map<std::string, Origin, std::less<>> origins_;     ///< path -> where it was set
  std::map<std::string, std::size_t, std::less<>> list_sizes_;
  std::string source_file_;
  const Schema* schema_ = nullptr;
};

struct LoadOptions {
  /// `key=value` overrides applied after includes, in order (`--set` on the command line).
  /// Keys use dots and indices: `citizens.count=20000`, `states[1].credibility=0.4`
  /// (`states.1.credibility` is accepted too). Values are parsed as YAML (`[1,2]`, `{a: 1}`).
  std::vector<std::string> overrides;
  /// Extra folders searched for `include:` files after the including file's own folder.
  std::vector<std::filesystem::path> include_dirs;
  std::size_t max_include_depth = 16;
  std::size_t max_nodes = 1'000'000;  ///< YAML nodes after alias expansion (billion laughs guard)
  std::size_t max_bytes = 64u << 20;  ///< largest scenario or include file read
};

/// Loads, merges (`include:` first, then the file's own keys, then overrides), validates and
/// resolves a scenario file. Throws core::Error(kInput) with file, line, column and key path.
ResolvedScenario load_scenario(const std::filesystem::path& file, const Schema& schema,
                               const LoadOptions& options = {});

/// Same for in-memory text; `display_name` names it in messages, includes resolve from base_dir.
ResolvedScenario load_scenario_text(std::string_view text, const std::string& display_name,
                                    const std::filesystem::path& base_dir, const Schema& schema,
                                    const LoadOptions& options = {});

/// Markdown reference of a schema (one table per top-level section), as docs/scenario-reference.md.
std::string reference_markdown(const Schema& schema, std::string_view title);

/// Checks a schema as declared by developers: every path is made of names
/// (`[A-Za-z_][A-Za-z0-9_]*`) and appears once; `list[].field` rows name a declared `ListSpec` and
/// every list has at least one field; no name is used both as a section and as a parameter; lists
/// are not nested in lists; `include` is not a top-level name; defaults have the row's type and lie
/// within its range and choices; kChoice rows have choices; min <= max. Throws
/// core::Error(kInternal) naming the row. The loader calls it first, so a broken table fails every
/// load, not only some scenarios.
void validate_schema(const Schema& schema);

/// A value as YAML flow text, exactly as ResolvedScenario::to_yaml() writes it: `true`, `42`,
/// `0.25`, `"text"` (always double-quoted, escaped), `[1, 2]`, `{"US": 0.5}`. Floats use the
/// shortest digits that read back to the same double and always contain a `.` (`1.0`, `1.0e+06`)
/// so YAML 1.1 readers such as PyYAML also see a float.
std::string format_value(const Value& value);

}  // namespace dipsim::io
