// Sweep file reader: YAML (yaml-cpp) -> checked Sweep with its design points.
//
// Values given for scenario keys (grid values, bounds, `overrides:`, arms) are checked by the
// scenario loader itself: each is applied as a `--set` override to the base scenario, and an error
// the loader reports at "--set" is moved to the place in the sweep file the value came from. So a
// sweep accepts exactly what `dipsim run --set` accepts, with the same messages, and the range
// check is the parameter table's own.
#include "dipsim/sweep/sweep_file.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "dipsim/core/text.hpp"
#include "dipsim/io/parameters.hpp"
#include "dipsim/sim/metrics.hpp"
#include "dipsim/sweep/design.hpp"

namespace dipsim::sweep {

namespace fs = std::filesystem;
using core::ErrorKind;
using core::InputLocation;
using core::quote;

std::string_view to_string(DesignKind kind) {
  switch (kind) {
    case DesignKind::kGrid:
      return "grid";
    case DesignKind::kLatinHypercube:
      return "latin_hypercube";
    case DesignKind::kSobol:
      return "sobol";
  }
  return "?";
}

std::string_view to_string(SummaryStat stat) {
  switch (stat) {
    case SummaryStat::kFinal:
      return "final";
    case SummaryStat::kMean:
      return "mean";
    case SummaryStat::kTimeTo:
      return "time_to";
  }
  return "?";
}

std::string shell_quote(const std::string& word) {
  const bool safe = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_-.,/:=+@%").find(c) != std::string_view::npos;
  });
  if (safe) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

namespace {

constexpr std::uint64_t kMaxRuns = 10'000'000;
constexpr std::uint64_t kMaxPoints = 1'000'000;
constexpr std::size_t kMaxGridChecks = 100;
/// Most YAML nodes a sweep file may have once aliases are expanded (as the scenario loader's
/// io::LoadOptions::max_nodes).
constexpr std::size_t kMaxYamlNodes = 1'000'000;

/// Counts a YAML document's nodes as if its aliases were expanded, without expanding them: each
/// anchor's expanded size is recorded when it closes and every alias adds it. YAML::Load keeps an
/// alias as a shared node, but whatever walks or prints the tree (the overrides handed to the
/// scenario loader as flow text) expands it, so a "billion laughs" sweep file (aliases of aliases
/// of lists) would run for hours and exhaust memory. Run before YAML::Load, this fails after a few
/// lines instead, at the alias that crosses the limit.
class AliasBudget final : public YAML::EventHandler {
 public:
  explicit AliasBudget(const std::string& file) : file_(file) {}

  void OnDocumentStart(const YAML::Mark& /*mark*/) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor, 1); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = sizes_.find(anchor);
    leaf(mark, 0, it == sizes_.end() ? 1 : it->second);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                const std::string& /*value*/) override {
    leaf(mark, anchor, 1);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YAML::anchor_t anchor;
    std::size_t start;  ///< total_ before the collection opened
  };

  void add(const YAML::Mark& mark, std::size_t n) {
    total_ += n;  // n <= kMaxYamlNodes + 1 (an anchor's size), so this cannot overflow
    if (total_ > kMaxYamlNodes) {
      throw core::Error(
          ErrorKind::kInput,
          "the YAML has more than " + std::to_string(kMaxYamlNodes) +
              " nodes once aliases (*name) are expanded; aliases that repeat large structures "
              "(\"billion laughs\") are not accepted",
          InputLocation{file_, static_cast<std::uint32_t>(std::max(mark.line, 0) + 1),
                        static_cast<std::uint32_t>(std::max(mark.column, 0) + 1), ""});
    }
  }
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, std::size_t n) {
    add(mark, n);
    if (anchor != 0) sizes_[anchor] = n;
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    add(mark, 1);
    stack_.push_back({anchor, total_ - 1});
  }
  void close() {
    if (stack_.empty()) return;
    const Open top = stack_.back();
    stack_.pop_back();
    if (top.anchor != 0) sizes_[top.anchor] = total_ - top.start;
  }

  const std::string& file_;
  std::size_t total_ = 0;
  std::vector<Open> stack_;
  std::map<YAML::anchor_t, std::size_t> sizes_;
};

/// Throws core::Error(kInput) if `text` expands to more than kMaxYamlNodes nodes. Syntax errors
/// are left to YAML::Load, which reports them with the same message and place.
void check_alias_expansion(const std::string& text, const std::string& file) {
  std::istringstream in(text);
  AliasBudget budget(file);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(budget)) {
    }
  } catch (const YAML::Exception&) {
  }
}
const std::vector<std::string> kTopKeys = {"name",      "description", "scenario",   "seed",
                                           "design",    "n",           "parameters", "replicates",
                                           "overrides", "arms",        "summaries"};
const std::vector<std::string> kSummaryKeys = {"name", "metric", "stat",      "country",  "state",
                                               "from", "to",     "threshold", "direction"};
/// Index columns every sweep has (docs/sweeps.md); parameter and summary names may not reuse them.
const std::vector<std::string> kFixedColumns = {"run",  "point",  "arm",   "replicate",    "seed",
                                                "file", "status", "error", "wall_seconds", "host"};

// ---- Sweep-file parsing helpers -----------------------------------------------------------

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  InputLocation at(const YAML::Node& node, std::string key) const {
    const YAML::Mark m = node.Mark();
    if (m.line < 0) return {file_, 0, 0, std::move(key)};
    return {file_, static_cast<std::uint32_t>(m.line + 1), static_cast<std::uint32_t>(m.column + 1),
            std::move(key)};
  }
  [[noreturn]] void fail(const std::string& message, const YAML::Node& node,
                         std::string key) const {
    throw core::Error(ErrorKind::kInput, message, at(node, std::move(key)));
  }
  [[noreturn]] void fail_at(const std::string& message, InputLocation where) const {
    throw core::Error(ErrorKind::kInput, message, std::move(where));
  }
  const std::string& file() const { return file_; }

  static std::string describe(const YAML::Node& n) {
    switch (n.Type()) {
      case YAML::NodeType::Null:
        return "nothing (an empty value)";
      case YAML::NodeType::Scalar:
        return n.Tag() == "!" ? "the string " + quote(n.Scalar()) : quote(n.Scalar());
      case YAML::NodeType::Sequence:
        return "a list";
      case YAML::NodeType::Map:
        return "a mapping";
      default:
        return "an undefined value";
    }
  }

  /// Iterates a mapping in file order, rejecting duplicate keys and keys that are not scalars;
  /// `valid` (if not empty) is the list of allowed keys (unknown ones get a did-you-mean).
  template <class F>
  void for_each_key(const YAML::Node& map, const std::string& path,
                    const std::vector<std::string>& valid, F&& f) const {
    std::map<std::string, int> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      // Copies: the iterator's pair is a temporary.
      const YAML::Node k = it->first;
      const YAML::Node value = it->second;
      const std::string child = path.empty() ? k.Scalar() : path + "." + k.Scalar();
      if (!k.IsScalar()) fail("expected a key name, got " + describe(k) + " as a key", k, path);
      const std::string name = k.Scalar();
      if (auto [pos, fresh] = seen.emplace(name, k.Mark().line + 1); !fresh) {
        fail("duplicate key " + quote(name) + " (first given on line " +
                 std::to_string(pos->second) + ")",
             k, child);
      }
      if (!valid.empty() && std::find(valid.begin(), valid.end(), name) == valid.end()) {
        std::string message = "unknown key " + quote(name);
        const std::string best = core::did_you_mean(name, valid);
        message += best.empty() ? "; valid keys here: " + core::join(valid, ", ")
                                : "; did you mean " + quote(best) + "?";
        fail(message, k, path);
      }
      // A null value has no useful mark of its own: point at its key.
      f(name, k, value.IsNull() ? k : value, value.IsNull());
    }
  }

  std::int64_t integer(const YAML::Node& n, const std::string& key, std::int64_t lo,
                       std::int64_t hi) const {
    const std::string expected =
        "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    if (!n.IsScalar() || n.Tag() != "?") {
      fail("expected " + expected + ", got " + describe(n), n, key);
    }
    const std::string& s = n.Scalar();
    std::int64_t x = 0;
    const auto res = std::from_chars(s.data(), s.data() + s.size(), x);
    if (res.ec != std::errc{} || res.ptr != s.data() + s.size() || x < lo || x > hi) {
      fail("expected " + expected + ", got " + quote(s), n, key);
    }
    return x;
  }

  double number(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar() || n.Tag() != "?") fail("expected a number, got " + describe(n), n, key);
    std::string_view s = n.Scalar();
    if (s.size() > 1 && s[0] == '+') s.remove_prefix(1);
    double x = 0;
    const auto res = std::from_chars(s.data(), s.data() + s.size(), x);
    if (res.ec != std::errc{} || res.ptr != s.data() + s.size() || !std::isfinite(x)) {
      fail("expected a finite number, got " + quote(n.Scalar()), n, key);
    }
    return x;
  }

  std::string string(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail("expected a string, got " + describe(n), n, key);
    return n.Scalar();
  }

  bool boolean(const YAML::Node& n, const std::string& key) const {
    if (n.IsScalar() && n.Tag() == "?" && (n.Scalar() == "true" || n.Scalar() == "false")) {
      return n.Scalar() == "true";
    }
    fail("expected true or false, got " + describe(n), n, key);
  }

 private:
  std::string file_;
};

/// A node that tests false (`if (node)`) until something is assigned to it.
YAML::Node absent() {
  return YAML::Node(YAML::NodeType::Undefined);
}

bool is_name(std::string_view s, bool allow_dash) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (allow_dash && c == '-');
  });
}

bool is_identifier(std::string_view s) {
  return is_name(s, false) && !(s[0] >= '0' && s[0] <= '9');
}

// A YAML value as flow text that the scenario loader reads back as the same tree: plain scalars
// as written, quoted ones double-quoted, collections in flow style.
std::string flow_text(const YAML::Node& n, bool in_flow) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      const bool special = s.empty() || s.find_first_of(",[]{}:#\"'\n\\") != std::string::npos ||
                           s.front() == ' ' || s.back() == ' ';
      if (n.Tag() == "?" && !(in_flow && special) && s.find('\n') == std::string::npos) return s;
      std::string out = "\"";
      for (char c : s) {
        if (c == '"' || c == '\\') {
          out += '\\';
          out += c;
        } else if (c == '\n') {
          out += "\\n";
        } else if (c == '\t') {
          out += "\\t";
        } else {
          out += c;
        }
      }
      return out + "\"";
    }
    case YAML::NodeType::Sequence: {
      std::string out = "[";
      for (std::size_t i = 0; i < n.size(); ++i) out += (i ? ", " : "") + flow_text(n[i], true);
      return out + "]";
    }
    case YAML::NodeType::Map: {
      std::string out = "{";
      bool first = true;
      for (auto it = n.begin(); it != n.end(); ++it) {
        out +=
            (first ? "" : ", ") + flow_text(it->first, true) + ": " + flow_text(it->second, true);
        first = false;
      }
      return out + "}";
    }
    default:
      return "null";
  }
}

// ---- Scenario keys ------------------------------------------------------------------------

struct KeyParts {
  std::string concrete;  ///< `bots[0].count`
  std::string abstract;  ///< `bots[].count`
  std::vector<std::string> indices;
};

/// Splits `bots[0].count` or `bots.0.count` into its concrete and schema forms; nullopt when the
/// key is malformed.
std::optional<KeyParts> split_key(const std::string& key) {
  KeyParts out;
  std::size_t i = 0;
  const std::size_t n = key.size();
  bool first = true;
  while (i < n) {
    std::string seg;
    bool index = false;
    if (key[i] == '[') {
      const std::size_t close = key.find(']', i);
      if (first || close == std::string::npos) return std::nullopt;
      seg = key.substr(i + 1, close - i - 1);
      if (seg.empty() ||
          !std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
      }
      index = true;
      i = close + 1;
    } else {
      const std::size_t end = std::min(key.find_first_of(".[", i), n);
      seg = key.substr(i, end - i);
      if (seg.empty()) return std::nullopt;
      index = std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (index && first) return std::nullopt;
      i = end;
    }
    if (index) {
      out.concrete += "[" + seg + "]";
      out.abstract += "[]";
      out.indices.push_back(seg);
    } else {
      if (!first) {
        out.concrete += '.';
        out.abstract += '.';
      }
      out.concrete += seg;
      out.abstract += seg;
    }
    first = false;
    if (i < n && key[i] == '.') {
      ++i;
      if (i == n) return std::nullopt;
    }
  }
  if (out.concrete.empty()) return std::nullopt;
  return out;
}

enum class KeyKind : std::uint8_t { kParam, kList };

struct SchemaKey {
  KeyKind kind = KeyKind::kParam;
  const io::ParamSpec* param = nullptr;
  std::string concrete;
};

/// Finds a scenario key in the parameter table; throws a did-you-mean error when it is not one.
SchemaKey lookup_key(const Reader& r, const std::string& key, const YAML::Node& node,
                     bool allow_lists) {
  const io::Schema& schema = io::scenario_schema();
  const auto parts = split_key(key);
  if (!parts) {
    r.fail("malformed scenario key " + quote(key) +
               " (keys look like a.b, list[2].field or list.2.field)",
           node, key);
  }
  for (const auto& p : schema.params) {
    if (p.path == parts->abstract) return {KeyKind::kParam, &p, parts->concrete};
  }
  for (const auto& l : schema.lists) {
    if (l.path == parts->abstract) {
      if (!allow_lists) {
        r.fail(parts->concrete +
                   " is a list of records, not a parameter; sweep one of its "
                   "fields, e.g. " +
                   parts->concrete + "[0].<field>",
               node, parts->concrete);
      }
      return {KeyKind::kList, nullptr, parts->concrete};
    }
  }
  std::vector<std::string> candidates;
  for (const auto& p : schema.params) {
    if (p.path.rfind(parts->abstract + ".", 0) == 0 ||
        p.path.rfind(parts->abstract + "[].", 0) == 0) {
      r.fail(parts->concrete + " is a section, not a parameter; give its keys one by one, e.g. " +
                 parts->concrete + p.path.substr(parts->abstract.size()),
             node, parts->concrete);
    }
    candidates.push_back(p.path);
  }
  for (const auto& l : schema.lists) candidates.push_back(l.path);
  std::string best = core::did_you_mean(parts->abstract, candidates);
  // Put the user's record indices back into the suggestion: bots[0].cont -> bots[0].count.
  for (const auto& idx : parts->indices) {
    const std::size_t pos = best.find("[]");
    if (pos == std::string::npos) break;
    best.replace(pos, 2, "[" + idx + "]");
  }
  r.fail("unknown scenario key " + quote(parts->concrete) +
             (best.empty() ? " (docs/scenario-reference.md lists every key)"
                           : "; did you mean " + quote(best) + "?"),
         node, parts->concrete);
}

bool is_number_type(io::ParamType t) {
  return t == io::ParamType::kInt || t == io::ParamType::kFloat;
}
bool is_scalar_type(io::ParamType t) {
  return t == io::ParamType::kBool || t == io::ParamType::kInt || t == io::ParamType::kFloat ||
         t == io::ParamType::kString || t == io::ParamType::kChoice;
}

std::string number_text(double x, bool integer) {
  if (integer) return std::to_string(static_cast<std::int64_t>(x));
  return io::format_value(io::Value(x));
}

// ---- The checker that loads the base scenario with overrides -----------------------------

/// Loads the base scenario with `--set` overrides whose sweep-file locations are known, and moves
/// the loader's errors about an override to that location.
class ScenarioChecker {
 public:
  ScenarioChecker(fs::path scenario, std::vector<fs::path> include_dirs)
      : scenario_(std::move(scenario)), include_dirs_(std::move(include_dirs)) {}

  io::LoadedScenario load(const std::vector<Override>& overrides, const std::string& context,
                          const InputLocation& context_where) const {
    io::LoadOptions options;
    options.include_dirs = include_dirs_;
    for (const auto& o : overrides) options.overrides.push_back(o.key + "=" + o.text);
    try {
      return io::load_dipsim_scenario(scenario_, options);
    } catch (const core::Error& e) {
      if (e.kind() != ErrorKind::kInput) throw;
      if (e.where().file != "--set") throw;  // the base scenario itself is wrong
      const std::string& key = e.where().key;
      const Override* best = nullptr;
      for (const auto& o : overrides) {
        const bool prefix =
            key.rfind(o.key, 0) == 0 &&
            (key.size() == o.key.size() || key[o.key.size()] == '.' || key[o.key.size()] == '[');
        if ((prefix || key.empty()) && (best == nullptr || o.key.size() >= best->key.size())) {
          best = &o;
        }
      }
      if (best != nullptr) {
        InputLocation where = best->where;
        where.key = key.empty() ? best->key : key;
        throw core::Error(ErrorKind::kInput, e.message(), where);
      }
      throw core::Error(ErrorKind::kInput, context + ": " + e.what(), context_where);
    }
  }

 private:
  fs::path scenario_;
  std::vector<fs::path> include_dirs_;
};

// ---- Parsing the sections ------------------------------------------------------------------

std::vector<Override> parse_overrides(const Reader& r, const YAML::Node& map,
                                      const std::string& path) {
  std::vector<Override> out;
  if (map.IsNull()) return out;
  if (!map.IsMap()) {
    r.fail("expected a mapping of scenario keys to values (e.g. {citizens.count: 2000}), got " +
               Reader::describe(map),
           map, path);
  }
  r.for_each_key(
      map, path, {},
      [&](const std::string& key, const YAML::Node& k, const YAML::Node& value, bool is_null) {
        const SchemaKey sk = lookup_key(r, key, k, true);
        if (sk.concrete == "run.seed") {
          r.fail(
              "run.seed is set for every run from the sweep's seed: and the replicate; change "
              "seed: instead",
              k, sk.concrete);
        }
        if (is_null) r.fail("expected a value, got nothing", k, sk.concrete);
        out.push_back({sk.concrete, flow_text(value, false), r.at(value, sk.concrete)});
      });
  return out;
}

Parameter parse_parameter(const Reader& r, DesignKind design, const std::string& key,
                          const YAML::Node& k, const YAML::Node& v, bool is_null) {
  const SchemaKey sk = lookup_key(r, key, k, false);
  const io::ParamSpec& spec = *sk.param;
  Parameter p;
  p.key = sk.concrete;
  p.type = spec.type;
  p.where = r.at(k, p.key);
  const std::string path = "parameters." + p.key;
  if (p.key == "run.seed") {
    r.fail(
        "run.seed is set for every run from the sweep's seed: and the replicate; sweep "
        "replicates: instead",
        k, p.key);
  }
  if (!is_scalar_type(spec.type)) {
    r.fail(p.key + " is a " + std::string(io::to_string(spec.type)) +
               "; only single values (bool, int, float, string, choice) can be swept; set it in "
               "an arm instead",
           k, p.key);
  }
  if (is_null) {
    r.fail("expected " +
               std::string(design == DesignKind::kGrid ? "a list of values or {from, to, steps}"
                                                       : "{min, max}") +
               ", got nothing",
           k, p.key);
  }
  if (design == DesignKind::kGrid) {
    if (v.IsSequence()) {
      if (v.size() == 0) r.fail("expected at least one value, got an empty list", v, p.key);
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].IsScalar()) {
          r.fail("expected a single value, got " + Reader::describe(v[i]), v[i],
                 p.key + "[" + std::to_string(i) + "]");
        }
      }
      return p;  // values are typed once the loader has checked them
    }
    if (v.IsMap()) {
      if (!is_number_type(spec.type)) {
        r.fail("{from, to, steps} needs a number parameter; " + p.key + " is a " +
                   std::string(io::to_string(spec.type)) + ": list its values instead",
               v, p.key);
      }
      YAML::Node from = absent(), to = absent(), steps = absent();
      r.for_each_key(
          v, path, {"from", "to", "steps"},
          [&](const std::string& name, const YAML::Node&, const YAML::Node& value, bool) {
            (name == "from" ? from : name == "to" ? to : steps) = value;
          });
      for (const auto& [node, name] :
           {std::pair{from, "from"}, std::pair{to, "to"}, std::pair{steps, "steps"}}) {
        if (!node) {
          r.fail(std::string("missing key ") + quote(name) + " in {from, to, steps}", v, p.key);
        }
      }
      const double a = r.number(from, path + ".from");
      const double b = r.number(to, path + ".to");
      const auto n = static_cast<std::uint32_t>(r.integer(steps, path + ".steps", 1, 100000));
      const bool integer = spec.type == io::ParamType::kInt;
      if (integer && (std::trunc(a) != a || std::trunc(b) != b)) {
        r.fail(p.key + " is an integer parameter; from and to must be whole numbers", v, p.key);
      }
      std::vector<double> xs = linear_axis(a, b, n);
      std::set<double> distinct;
      for (double& x : xs) {
        if (integer) x = std::round(x);
        distinct.insert(x);
      }
      if (distinct.size() != xs.size()) {
        r.fail("{from: " + number_text(a, integer) + ", to: " + number_text(b, integer) +
                   ", steps: " + std::to_string(n) +
                   "} gives repeated integer values; use at most " +
                   std::to_string(static_cast<std::int64_t>(std::fabs(b - a)) + 1) + " steps",
               steps, path + ".steps");
      }
      for (double x : xs) {
        p.values.push_back(integer ? io::Value(static_cast<std::int64_t>(x)) : io::Value(x));
      }
      return p;
    }
    r.fail("expected a list of values or {from, to, steps}, got " + Reader::describe(v), v, p.key);
  }
  // latin_hypercube, sobol: bounds.
  if (!is_number_type(spec.type)) {
    r.fail(std::string(to_string(design)) + " samples numbers; " + p.key + " is a " +
               std::string(io::to_string(spec.type)) + " (use design: grid for it)",
           k, p.key);
  }
  if (!v.IsMap()) {
    r.fail("expected bounds {min: ..., max: ...} (optionally integer: true), got " +
               Reader::describe(v),
           v, p.key);
  }
  YAML::Node lo = absent(), hi = absent();
  p.integer = spec.type == io::ParamType::kInt;
  r.for_each_key(v, path, {"min", "max", "integer"},
                 [&](const std::string& name, const YAML::Node&, const YAML::Node& value, bool) {
                   if (name == "min") lo = value;
                   if (name == "max") hi = value;
                   if (name == "integer") {
                     const bool integer = r.boolean(value, path + ".integer");
                     if (!integer && spec.type == io::ParamType::kInt) {
                       r.fail(p.key + " is an integer parameter; integer: false is not possible",
                              value, path + ".integer");
                     }
                     p.integer = p.integer || integer;
                   }
                 });
  if (!lo) r.fail("missing key \"min\" in the bounds", v, p.key);
  if (!hi) r.fail("missing key \"max\" in the bounds", v, p.key);
  p.min = r.number(lo, path + ".min");
  p.max = r.number(hi, path + ".max");
  if (p.integer && (std::trunc(p.min) != p.min || std::trunc(p.max) != p.max)) {
    r.fail("integer bounds must be whole numbers, got " + lo.Scalar() + " and " + hi.Scalar(), v,
           p.key);
  }
  if (!(p.min < p.max)) {
    r.fail("expected min < max, got min " + lo.Scalar() + " and max " + hi.Scalar(), v, p.key);
  }
  p.values.clear();
  return p;
}

struct SummaryEntry {
  std::string name, metric, country = "mean", state = "each";
  SummaryStat stat = SummaryStat::kFinal;
  std::int64_t from = 0, to = -1;
  std::optional<double> threshold;
  bool upward = true;
  YAML::Node node = absent(), country_node = absent(), state_node = absent(),
             metric_node = absent(), name_node = absent();
  bool has_window = false, has_direction = false;
};

SummaryEntry parse_summary(const Reader& r, const YAML::Node& entry, const std::string& path) {
  SummaryEntry s;
  s.node = entry;
  if (!entry.IsMap()) {
    r.fail("expected a summary (a mapping with name, metric, stat, ...), got " +
               Reader::describe(entry),
           entry, path);
  }
  r.for_each_key(
      entry, path, kSummaryKeys,
      [&](const std::string& key, const YAML::Node& k, const YAML::Node& v, bool is_null) {
        const std::string child = path + "." + key;
        if (is_null) r.fail("expected a value, got nothing", k, child);
        if (key == "name") {
          s.name = r.string(v, child);
          s.name_node = v;
        } else if (key == "metric") {
          s.metric = r.string(v, child);
          s.metric_node = v;
        } else if (key == "stat") {
          const std::string stat = r.string(v, child);
          const std::vector<std::string> stats = {"final", "mean", "time_to"};
          if (stat == "final") {
            s.stat = SummaryStat::kFinal;
          } else if (stat == "mean") {
            s.stat = SummaryStat::kMean;
          } else if (stat == "time_to") {
            s.stat = SummaryStat::kTimeTo;
          } else {
            const std::string best = core::did_you_mean(stat, stats);
            r.fail("expected one of final, mean, time_to, got " + quote(stat) +
                       (best.empty() ? "" : "; did you mean " + quote(best) + "?"),
                   v, child);
          }
        } else if (key == "country") {
          s.country = r.string(v, child);
          s.country_node = v;
        } else if (key == "state") {
          s.state = r.string(v, child);
          s.state_node = v;
        } else if (key == "from") {
          s.from = r.integer(v, child, 0, 10'000'000);
          s.has_window = true;
        } else if (key == "to") {
          s.to = r.integer(v, child, 0, 10'000'000);
          s.has_window = true;
        } else if (key == "threshold") {
          s.threshold = r.number(v, child);
        } else if (key == "direction") {
          const std::string d = r.string(v, child);
          if (d != "up" && d != "down") {
            r.fail("expected up (first step with value >= threshold) or down (<=), got " + quote(d),
                   v, child);
          }
          s.upward = d == "up";
          s.has_direction = true;
        }
      });
  if (s.name.empty()) {
    r.fail("missing key \"name\": every summary names its index column", entry, path);
  }
  if (!is_identifier(s.name)) {
    r.fail("expected a name of letters, digits and _ (not starting with a digit), got " +
               quote(s.name),
           s.name_node, path + ".name");
  }
  if (s.metric.empty()) r.fail("missing key \"metric\" (e.g. metric: mean_attitude)", entry, path);
  std::vector<std::string> metrics;
  for (const auto& m : sim::metric_infos()) metrics.emplace_back(m.name);
  if (std::find(metrics.begin(), metrics.end(), s.metric) == metrics.end()) {
    const std::string best = core::did_you_mean(s.metric, metrics);
    r.fail("unknown metric " + quote(s.metric) +
               (best.empty() ? "; metrics: " + core::join(metrics, ", ")
                             : "; did you mean " + quote(best) + "?"),
           s.metric_node, path + ".metric");
  }
  if (s.stat == SummaryStat::kTimeTo && !s.threshold) {
    r.fail("stat: time_to needs threshold: (the value whose first crossing is timed)", entry, path);
  }
  if (s.stat != SummaryStat::kTimeTo && (s.threshold || s.has_direction)) {
    r.fail("threshold and direction are only used with stat: time_to", entry, path);
  }
  if (s.stat != SummaryStat::kMean && s.has_window) {
    r.fail("from and to (the window) are only used with stat: mean", entry, path);
  }
  if (s.to >= 0 && s.to < s.from) {
    r.fail("expected from <= to, got from " + std::to_string(s.from) + " and to " +
               std::to_string(s.to),
           entry, path);
  }
  return s;
}

std::string summary_definition(const Summary& s) {
  std::string out = "metric=" + s.metric + " stat=" + std::string(to_string(s.stat)) +
                    " country=" + (s.country.empty() ? "mean" : s.country) + " state=" + s.state;
  if (s.stat == SummaryStat::kMean) {
    out += " from=" + std::to_string(s.from) + " to=" + (s.to < 0 ? "last" : std::to_string(s.to));
  }
  if (s.stat == SummaryStat::kTimeTo) {
    out += " threshold=" + io::format_value(io::Value(s.threshold)) +
           " direction=" + (s.upward ? "up" : "down");
  }
  return out;
}

std::vector<Summary> expand_summaries(const Reader& r, const std::vector<SummaryEntry>& entries,
                                      const std::vector<std::string>& countries,
                                      const std::vector<std::string>& states) {
  std::vector<Summary> out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const SummaryEntry& e = entries[i];
    const std::string path = "summaries[" + std::to_string(i) + "]";
    const auto check_name = [&](const std::string& value, const std::vector<std::string>& names,
                                const std::vector<std::string>& words, const YAML::Node& node,
                                const std::string& key, const std::string& what) {
      if (std::find(words.begin(), words.end(), value) != words.end()) return;
      if (std::find(names.begin(), names.end(), value) != names.end()) return;
      std::vector<std::string> all = names;
      all.insert(all.end(), words.begin(), words.end());
      const std::string best = core::did_you_mean(value, all);
      r.fail("unknown " + what + " " + quote(value) + " in the scenario" +
                 (best.empty() ? "; expected one of " + core::join(all, ", ")
                               : "; did you mean " + quote(best) + "?"),
             node ? node : e.node, path + "." + key);
    };
    check_name(e.country, countries, {"mean", "each"}, e.country_node, "country", "country");
    check_name(e.state, states, {"each"}, e.state_node, "state", "state");
    std::vector<std::string> cs = e.country == "each"   ? countries
                                  : e.country == "mean" ? std::vector<std::string>{""}
                                                        : std::vector<std::string>{e.country};
    std::vector<std::string> ss = e.state == "each" ? states : std::vector<std::string>{e.state};
    for (const auto& c : cs) {
      for (const auto& st : ss) {
        Summary s;
        s.name = e.name;
        if (e.country == "each") s.name += "." + c;
        if (e.state == "each" && states.size() > 1) s.name += "." + st;
        if (s.name.find('/') != std::string::npos) {
          r.fail("the column name " + quote(s.name) +
                     " would contain '/'; name countries and "
                     "states without '/'",
                 e.node, path);
        }
        s.metric = e.metric;
        s.stat = e.stat;
        s.country = c;
        s.state = st;
        s.from = e.from;
        s.to = e.to;
        s.threshold = e.threshold.value_or(0.0);
        s.upward = e.upward;
        s.definition = summary_definition(s);
        s.where = r.at(e.node ? e.node : YAML::Node(), path);
        out.push_back(std::move(s));
      }
    }
  }
  return out;
}

std::string zero_pad(std::uint64_t x, std::size_t width) {
  std::string s = std::to_string(x);
  return s.size() >= width ? s : std::string(width - s.size(), '0') + s;
}

std::size_t digits(std::uint64_t x) {
  return std::to_string(x).size();
}

}  // namespace

// ---- Sweep ---------------------------------------------------------------------------------

RunSpec Sweep::run(std::uint64_t index) const {
  if (index >= num_runs()) {
    throw core::Error(ErrorKind::kInternal,
                      "run index " + std::to_string(index) + " >= " + std::to_string(num_runs()));
  }
  RunSpec r;
  r.index = index;
  r.replicate = static_cast<std::uint32_t>(index % replicates);
  r.arm = static_cast<std::uint32_t>((index / replicates) % arms.size());
  r.point = index / (static_cast<std::uint64_t>(replicates) * arms.size());
  r.seed = run_seed(seed, r.point, r.replicate);
  const std::size_t pw = std::max<std::size_t>(4, digits(points.size() - 1));
  const std::size_t rw = std::max<std::size_t>(2, digits(replicates - 1));
  r.file = "p" + zero_pad(r.point, pw) + "_" + arms[r.arm].name + "_r" + zero_pad(r.replicate, rw) +
           ".h5";
  return r;
}

std::vector<std::string> Sweep::run_overrides(const RunSpec& run) const {
  std::vector<std::string> out;
  for (const auto& o : overrides) out.push_back(o.key + "=" + o.text);
  const auto& values = points.at(run.point);
  for (std::size_t k = 0; k < parameters.size(); ++k) {
    out.push_back(parameters[k].key + "=" + io::format_value(values[k]));
  }
  for (const auto& o : arms.at(run.arm).overrides) out.push_back(o.key + "=" + o.text);
  out.push_back("run.seed=" + std::to_string(run.seed));
  return out;
}

std::string Sweep::run_set_arguments(const RunSpec& run) const {
  std::string out;
  for (const auto& o : run_overrides(run)) out += " --set " + shell_quote(o);
  return out;
}

std::string Sweep::run_command(const RunSpec& run, const fs::path& output) const {
  return "dipsim run " + shell_quote(scenario.string()) + " -o " + shell_quote(output.string()) +
         run_set_arguments(run);
}

Sweep load_sweep(const fs::path& file, const std::vector<fs::path>& include_dirs) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) {
    throw core::Error(ErrorKind::kInput, "expected a sweep file (YAML), got a folder",
                      {file.string(), 0, 0, ""});
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw core::Error(ErrorKind::kIo, "cannot read the sweep file", {file.string(), 0, 0, ""});
  }
  std::stringstream ss;
  ss << in.rdbuf();
  Sweep s = load_sweep_text(ss.str(), file.string(), file.parent_path(), include_dirs);
  s.file = file;
  if (s.name.empty()) s.name = file.stem().string();
  return s;
}

Sweep load_sweep_text(const std::string& text, const std::string& display_name,
                      const fs::path& base_dir, const std::vector<fs::path>& include_dirs) {
  const Reader r(display_name);
  YAML::Node root;
  check_alias_expansion(text, display_name);
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    // Brackets in keys are the usual cause of flow errors: {bots[0].count: 0} is not YAML.
    const std::string hint =
        e.msg.find("flow") != std::string::npos
            ? " (inside { } and [ ], a key with brackets must be quoted, {\"bots[0].count\": 0}; "
              "or write bots.0.count, or use one key per line)"
            : "";
    throw core::Error(ErrorKind::kInput, "YAML syntax error: " + e.msg + hint,
                      {display_name, static_cast<std::uint32_t>(e.mark.line + 1),
                       static_cast<std::uint32_t>(e.mark.column + 1), ""});
  }
  if (!root.IsMap()) {
    r.fail("expected a sweep (a mapping with scenario:, design:, parameters:, ...), got " +
               Reader::describe(root),
           root, "");
  }
  Sweep s;
  s.file = display_name;
  s.text = text;
  s.include_dirs = include_dirs;
  YAML::Node scenario_node = absent(), parameters_node = absent(), arms_node = absent(),
             summaries_node = absent(), n_node = absent(), design_node = absent();
  r.for_each_key(
      root, "", kTopKeys,
      [&](const std::string& key, const YAML::Node& k, const YAML::Node& v, bool is_null) {
        if (is_null && key != "arms" && key != "overrides" && key != "parameters") {
          r.fail("expected a value, got nothing", k, key);
        }
        if (key == "name") {
          s.name = r.string(v, key);
          if (!is_name(s.name, true)) {
            r.fail("expected a name of letters, digits, _ and - (it names the sweep folder), got " +
                       quote(s.name),
                   v, key);
          }
        } else if (key == "description") {
          s.description = r.string(v, key);
        } else if (key == "scenario") {
          scenario_node = v;
        } else if (key == "seed") {
          s.seed = static_cast<std::uint64_t>(
              r.integer(v, key, 0, std::numeric_limits<std::int64_t>::max()));
        } else if (key == "design") {
          design_node = v;
          const std::string d = r.string(v, key);
          const std::vector<std::string> kinds = {"grid", "latin_hypercube", "sobol"};
          if (d == "grid") {
            s.design = DesignKind::kGrid;
          } else if (d == "latin_hypercube") {
            s.design = DesignKind::kLatinHypercube;
          } else if (d == "sobol") {
            s.design = DesignKind::kSobol;
          } else {
            const std::string best = core::did_you_mean(d, kinds);
            r.fail("expected one of grid, latin_hypercube, sobol, got " + quote(d) +
                       (best.empty() ? "" : "; did you mean " + quote(best) + "?"),
                   v, key);
          }
        } else if (key == "n") {
          n_node = v;
        } else if (key == "parameters") {
          parameters_node = is_null ? YAML::Node() : v;
        } else if (key == "replicates") {
          s.replicates = static_cast<std::uint32_t>(r.integer(v, key, 1, 1'000'000));
        } else if (key == "overrides") {
          if (!is_null) s.overrides = parse_overrides(r, v, key);
        } else if (key == "arms") {
          arms_node = is_null ? YAML::Node(YAML::NodeType::Map) : v;
        } else if (key == "summaries") {
          summaries_node = v;
        }
      });
  if (!scenario_node) {
    r.fail("missing key \"scenario\": the base scenario file, relative to the sweep file", root,
           "");
  }
  {
    const std::string name = r.string(scenario_node, "scenario");
    fs::path p(name);
    if (p.is_relative()) p = base_dir / p;
    std::error_code ec;
    if (name.empty() || !fs::is_regular_file(p, ec)) {
      r.fail("scenario file " + quote(p.string()) +
                 " not found (paths are relative to the sweep "
                 "file's folder)",
             scenario_node, "scenario");
    }
    s.scenario = p.lexically_normal();
  }

  // Design.
  if (s.design == DesignKind::kGrid) {
    if (n_node) {
      r.fail(
          "n is the sample size of latin_hypercube and sobol; a grid has one point "
          "per combination of values",
          n_node, "n");
    }
  } else {
    if (!n_node) {
      r.fail("missing key \"n\": the number of points of the " + std::string(to_string(s.design)) +
                 " design",
             design_node ? design_node : root, "design");
    }
    s.n = static_cast<std::uint64_t>(r.integer(n_node, "n", 1, kMaxPoints));
  }
  std::map<std::string, YAML::Node> value_nodes;  // grid values by parameter key
  if (parameters_node && !parameters_node.IsNull()) {
    if (!parameters_node.IsMap()) {
      r.fail("expected a mapping of scenario keys to values or bounds, got " +
                 Reader::describe(parameters_node),
             parameters_node, "parameters");
    }
    r.for_each_key(
        parameters_node, "parameters", {},
        [&](const std::string& key, const YAML::Node& k, const YAML::Node& v, bool is_null) {
          Parameter p = parse_parameter(r, s.design, key, k, v, is_null);
          for (const auto& q : s.parameters) {
            if (q.key == p.key) {
              r.fail("parameter given twice (as " + quote(q.key) + " on line " +
                         std::to_string(q.where.line) + ")",
                     k, p.key);
            }
          }
          value_nodes[p.key] = v;
          s.parameters.push_back(std::move(p));
        });
  }
  if (s.design != DesignKind::kGrid) {
    if (s.parameters.empty()) {
      r.fail(std::string(to_string(s.design)) + " needs at least one parameter with bounds",
             parameters_node ? parameters_node : root, "parameters");
    }
    if (s.design == DesignKind::kSobol && s.parameters.size() > kSobolMaxDims) {
      r.fail("sobol supports at most " + std::to_string(kSobolMaxDims) + " parameters, got " +
                 std::to_string(s.parameters.size()),
             parameters_node, "parameters");
    }
  }
  for (const auto& o : s.overrides) {
    for (const auto& p : s.parameters) {
      if (p.key == o.key) {
        r.fail_at("swept (parameters:, line " + std::to_string(p.where.line) +
                      ") and also fixed in overrides:; remove one",
                  o.where);
      }
    }
  }

  // Arms.
  if (!arms_node || (arms_node.IsMap() && arms_node.size() == 0)) {
    s.arms.push_back({"base", {}, r.at(root, "arms")});
  } else {
    if (!arms_node.IsMap()) {
      r.fail(
          "expected a mapping of arm names to overrides, e.g. {no_bots: {bots[0].count: 0}, "
          "bots: {}}, got " +
              Reader::describe(arms_node),
          arms_node, "arms");
    }
    r.for_each_key(
        arms_node, "arms", {},
        [&](const std::string& name, const YAML::Node& k, const YAML::Node& v, bool is_null) {
          if (!is_name(name, true)) {
            r.fail(
                "expected an arm name of letters, digits, _ and - (it is part of run file names), "
                "got " +
                    quote(name),
                k, "arms");
          }
          Arm arm;
          arm.name = name;
          arm.where = r.at(k, "arms." + name);
          if (!is_null) arm.overrides = parse_overrides(r, v, "arms." + name);
          s.arms.push_back(std::move(arm));
        });
  }

  // The base scenario with overrides; then each grid value, bound and arm on top of it.
  const ScenarioChecker checker(s.scenario, include_dirs);
  const InputLocation top = r.at(root, "");
  const io::LoadedScenario base = checker.load(s.overrides, "with overrides:", top);
  std::vector<std::string> countries, states;
  for (const auto& c : base.config.model.countries) countries.push_back(c.name);
  for (const auto& st : base.config.model.states) states.push_back(st.name);

  for (auto& p : s.parameters) {
    const YAML::Node& v = value_nodes[p.key];
    const auto check_value = [&](const std::string& value_text, const YAML::Node& node,
                                 const std::string& key) {
      std::vector<Override> with = s.overrides;
      with.push_back({p.key, value_text, r.at(node, key)});
      return checker.load(with, "with " + key, r.at(node, key));
    };
    if (s.design == DesignKind::kGrid && v.IsSequence()) {
      for (std::size_t i = 0; i < v.size(); ++i) {
        const io::LoadedScenario loaded = check_value(flow_text(v[i], false), v[i], p.key);
        p.values.push_back(loaded.resolved.value(p.key));
      }
      for (std::size_t i = 0; i < p.values.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
          if (p.values[i] == p.values[j]) {
            r.fail("value " + io::format_value(p.values[i]) + " is listed twice", v[i],
                   p.key + "[" + std::to_string(i) + "]");
          }
        }
      }
    } else if (s.design == DesignKind::kGrid) {
      // The ends as written (so messages quote them); the values between lie inside them.
      const bool integer = p.type == io::ParamType::kInt;
      const YAML::Node from = v["from"], to = v["to"];
      check_value(integer ? io::format_value(p.values.front()) : flow_text(from, false), from,
                  p.key);
      check_value(integer ? io::format_value(p.values.back()) : flow_text(to, false), to, p.key);
    } else {
      const bool integer = p.type == io::ParamType::kInt;
      check_value(integer ? number_text(p.min, true) : flow_text(v["min"], false), v["min"], p.key);
      check_value(integer ? number_text(p.max, true) : flow_text(v["max"], false), v["max"], p.key);
    }
  }

  // Points.
  if (s.design == DesignKind::kGrid) {
    std::uint64_t count = 1;
    for (const auto& p : s.parameters) {
      count *= p.values.size();
      if (count > kMaxPoints) {
        r.fail("the grid has more than " + std::to_string(kMaxPoints) + " points", parameters_node,
               "parameters");
      }
    }
    s.points.assign(count, {});
    for (std::uint64_t i = 0; i < count; ++i) {
      // The first parameter varies slowest (row-major, in file order).
      std::uint64_t rest = i;
      std::vector<io::Value> values(s.parameters.size());
      for (std::size_t k = s.parameters.size(); k-- > 0;) {
        const std::size_t m = s.parameters[k].values.size();
        values[k] = s.parameters[k].values[rest % m];
        rest /= m;
      }
      s.points[i] = std::move(values);
    }
  } else {
    const auto dims = static_cast<std::uint32_t>(s.parameters.size());
    const std::vector<double> unit = s.design == DesignKind::kSobol
                                         ? sobol_points(s.n, dims)
                                         : latin_hypercube(s.n, dims, s.seed);
    s.points.assign(s.n, {});
    for (std::uint64_t i = 0; i < s.n; ++i) {
      for (std::uint32_t j = 0; j < dims; ++j) {
        const Parameter& p = s.parameters[j];
        const double x = scale_unit(unit[i * dims + j], p.min, p.max, p.integer);
        s.points[i].push_back(
            p.type == io::ParamType::kInt ? io::Value(static_cast<std::int64_t>(x)) : io::Value(x));
      }
    }
  }
  if (s.num_runs() > kMaxRuns) {
    r.fail("the sweep has " + std::to_string(s.num_runs()) +
               " runs (points x arms x "
               "replicates); at most " +
               std::to_string(kMaxRuns) + " are supported",
           root, "");
  }

  // Each arm on the first point; each grid point (up to kMaxGridChecks) with the first arm.
  const auto point_overrides = [&](std::uint64_t point) {
    std::vector<Override> out = s.overrides;
    for (std::size_t k = 0; k < s.parameters.size(); ++k) {
      out.push_back(
          {s.parameters[k].key, io::format_value(s.points[point][k]), s.parameters[k].where});
    }
    return out;
  };
  for (const auto& arm : s.arms) {
    std::vector<Override> with = point_overrides(0);
    with.insert(with.end(), arm.overrides.begin(), arm.overrides.end());
    checker.load(with, "arm " + arm.name + " at point 0", arm.where);
  }
  if (s.design == DesignKind::kGrid) {
    for (std::uint64_t p = 1; p < std::min<std::uint64_t>(s.points.size(), kMaxGridChecks); ++p) {
      std::vector<Override> with = point_overrides(p);
      with.insert(with.end(), s.arms[0].overrides.begin(), s.arms[0].overrides.end());
      checker.load(with, "grid point " + std::to_string(p), r.at(parameters_node, "parameters"));
    }
  }

  // Summaries (default: final mean attitude toward each state, averaged over countries).
  std::vector<SummaryEntry> entries;
  if (!summaries_node) {
    SummaryEntry e;
    e.name = "mean_attitude";
    e.metric = "mean_attitude";
    entries.push_back(e);
  } else {
    if (!summaries_node.IsSequence()) {
      r.fail("expected a list of summaries (each - name: ..., metric: ...), got " +
                 Reader::describe(summaries_node),
             summaries_node, "summaries");
    }
    for (std::size_t i = 0; i < summaries_node.size(); ++i) {
      entries.push_back(
          parse_summary(r, summaries_node[i], "summaries[" + std::to_string(i) + "]"));
    }
  }
  s.summaries = expand_summaries(r, entries, countries, states);

  // Column names must be unique in the index.
  std::map<std::string, std::string> columns;
  for (const auto& c : kFixedColumns) columns[c] = "a fixed column of the index";
  for (const auto& p : s.parameters) {
    if (!columns.emplace(p.key, "a parameter").second) {
      r.fail_at("the parameter " + quote(p.key) + " would reuse the index column of that name",
                p.where);
    }
  }
  for (std::size_t i = 0; i < s.summaries.size(); ++i) {
    const auto [it, fresh] = columns.emplace(s.summaries[i].name, "a summary");
    if (!fresh) {
      r.fail_at("summary column " + quote(s.summaries[i].name) + " is already " + it->second +
                    "; choose another name",
                s.summaries[i].where);
    }
  }
  return s;
}

}  // namespace dipsim::sweep
