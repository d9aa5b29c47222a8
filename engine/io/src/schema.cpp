// The parameter table's read side: ResolvedScenario accessors, the resolved scenario as YAML and
// the Markdown reference page (docs/scenario-reference.md). Loading lives in scenario_loader.cpp.
//
// Both the YAML and the Markdown are laid out from the schema alone (sections and lists in the
// order their first row appears), so they are deterministic and never drift from the table.
// Floats are written with std::to_chars' shortest round-trip form, so reading the resolved YAML
// back gives bit-identical doubles.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "dipsim/core/error.hpp"
#include "dipsim/core/text.hpp"
#include "dipsim/io/schema.hpp"

namespace dipsim::io {

std::string format_bound(double x, bool integer);

namespace {

// Sections, lists and parameters as nested keys, in the order of the schema's rows.
struct LayoutNode {
  enum class Kind : std::uint8_t { kSection, kList, kParam };
  Kind kind = Kind::kSection;
  std::string name;       ///< key at its own level
  std::string path;       ///< abstract path: "citizens.count", "countries", "countries[].name"
  std::size_t index = 0;  ///< ParamSpec index for kParam
  std::vector<LayoutNode> children;
};

std::string join_path(std::string_view prefix, std::string_view name) {
  std::string out(prefix);
  if (!out.empty()) out += '.';
  out += name;
  return out;
}

std::vector<std::string_view> split_dots(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

// Assumes a schema that passed validate_schema().
LayoutNode build_layout(const Schema& schema) {
  LayoutNode root;
  for (std::size_t i = 0; i < schema.params.size(); ++i) {
    const auto parts = split_dots(schema.params[i].path);
    LayoutNode* cur = &root;
    std::string scope;  // abstract scope of `cur`'s keys
    for (std::size_t k = 0; k + 1 < parts.size(); ++k) {
      const bool is_list = parts[k].ends_with("[]");
      const std::string_view name = is_list ? parts[k].substr(0, parts[k].size() - 2) : parts[k];
      const std::string path = join_path(scope, name);
      auto it = std::find_if(cur->children.begin(), cur->children.end(),
                             [&](const LayoutNode& c) { return c.name == name; });
      if (it == cur->children.end()) {
        cur->children.push_back({is_list ? LayoutNode::Kind::kList : LayoutNode::Kind::kSection,
                                 std::string(name),
                                 path,
                                 0,
                                 {}});
        it = cur->children.end() - 1;
      }
      cur = &*it;
      scope = is_list ? path + "[]" : path;
    }
    cur->children.push_back(
        {LayoutNode::Kind::kParam, std::string(parts.back()), schema.params[i].path, i, {}});
  }
  return root;
}

const ListSpec* find_list(const Schema& schema, std::string_view path) {
  for (const auto& l : schema.lists) {
    if (l.path == path) return &l;
  }
  return nullptr;
}

std::string format_double(double x) {
  if (std::isnan(x)) return ".nan";
  if (std::isinf(x)) return x > 0 ? ".inf" : "-.inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, x);
  std::string s(buf, res.ptr);
  if (s.find('.') == std::string::npos) {
    const std::size_t e = s.find('e');
    if (e == std::string::npos) {
      s += ".0";
    } else {
      s.insert(e, ".0");
    }
  }
  return s;
}

// A YAML double-quoted scalar; yaml-cpp and PyYAML read the escapes used here.
std::string quote_yaml(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (u < 0x20 || u == 0x7F) {
          out += "\\x";
          out += kHex[u >> 4];
          out += kHex[u & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

template <class T, class F>
std::string flow_list(const std::vector<T>& items, F&& format_item) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += format_item(items[i]);
  }
  out += ']';
  return out;
}

[[noreturn]] void internal_error(std::string message) {
  throw core::Error(core::ErrorKind::kInternal, std::move(message));
}

template <class Map>
std::string suggestion(std::string_view word, const Map& map) {
  std::vector<std::string> keys;
  keys.reserve(map.size());
  for (const auto& kv : map) keys.push_back(kv.first);
  const std::string best = core::did_you_mean(word, keys);
  return best.empty() ? std::string{} : "; did you mean " + core::quote(best) + "?";
}

// ---- to_yaml ----------------------------------------------------------------------------------

void emit_keys(const ResolvedScenario& scenario, const Schema& schema, const LayoutNode& node,
               std::string_view concrete_prefix, std::size_t indent, std::string& out) {
  for (const LayoutNode& child : node.children) {
    const std::string concrete = join_path(concrete_prefix, child.name);
    out.append(indent, ' ');
    out += child.name;
    switch (child.kind) {
      case LayoutNode::Kind::kParam: {
        const ParamSpec& spec = schema.params[child.index];
        out += ": ";
        out += format_value(scenario.value(concrete));
        if (!spec.unit.empty()) out += "  # unit: " + spec.unit;
        out += '\n';
        break;
      }
      case LayoutNode::Kind::kSection:
        out += ":\n";
        emit_keys(scenario, schema, child, concrete, indent + 2, out);
        break;
      case LayoutNode::Kind::kList: {
        const std::size_t n = scenario.list_size(concrete);
        if (n == 0) {
          out += ": []\n";
          break;
        }
        out += ":\n";
        for (std::size_t r = 0; r < n; ++r) {
          // Lay the record out as a mapping indented by 4, then turn its first line's
          // indentation into the "- " that starts a sequence item.
          std::string record;
          emit_keys(scenario, schema, child, concrete + '[' + std::to_string(r) + ']', indent + 4,
                    record);
          record[indent + 2] = '-';
          out += record;
        }
        break;
      }
    }
  }
}

// ---- reference_markdown -----------------------------------------------------------------------

std::string md_cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string md_code(std::string_view text) {
  return '`' + md_cell(text) + '`';
}

std::string range_text(const ParamSpec& p) {
  if (p.type == ParamType::kChoice) {
    std::string out;
    for (std::size_t i = 0; i < p.choices.size(); ++i) {
      if (i > 0) out += ", ";
      out += md_code(p.choices[i]);
    }
    return out;
  }
  const bool integer = p.type == ParamType::kInt || p.type == ParamType::kIntList;
  std::string out;
  if (p.min && p.max) {
    out = "[" + format_bound(*p.min, integer) + ", " + format_bound(*p.max, integer) + "]";
  } else if (p.min) {
    out = ">= " + format_bound(*p.min, integer);
  } else if (p.max) {
    out = "<= " + format_bound(*p.max, integer);
  }
  const bool elementwise = p.type == ParamType::kIntList || p.type == ParamType::kFloatList ||
                           p.type == ParamType::kFloatMap;
  if (elementwise && !out.empty()) out = "each " + out;
  return out;
}

std::string count_text(const ListSpec& l) {
  return std::to_string(l.min_items) + " to " + std::to_string(l.max_items) + " records";
}

struct MdTable {
  bool with_source = false;
  std::string rows;

  static std::string header(bool with_source) {
    std::string h = "| key | type | default | range / choices | unit | description |";
    std::string rule = "|---|---|---|---|---|---|";
    if (with_source) {
      h += " source |";
      rule += "---|";
    }
    return h + '\n' + rule + '\n';
  }

  void add(std::string_view key, std::string_view type, std::string_view def,
           std::string_view range, std::string_view unit, std::string_view doc,
           std::string_view source) {
    // Appended piece by piece: `"| " + std::string&&` trips GCC 12's -Wrestrict at -O3.
    for (const std::string& cell : {md_code(key), std::string(type), std::string(def),
                                    std::string(range), md_cell(unit), md_cell(doc)}) {
      rows += "| ";
      rows += cell;
      rows += ' ';
    }
    if (with_source) {
      rows += "| ";
      rows += md_cell(source);
      rows += ' ';
    }
    rows += "|\n";
  }
};

void add_rows(const Schema& schema, const LayoutNode& node, MdTable& table) {
  for (const LayoutNode& child : node.children) {
    switch (child.kind) {
      case LayoutNode::Kind::kParam: {
        const ParamSpec& p = schema.params[child.index];
        const std::string def =
            p.default_value ? md_code(format_value(*p.default_value)) : "*required*";
        table.add(p.path, to_string(p.type), def, range_text(p), p.unit, p.doc, p.source);
        break;
      }
      case LayoutNode::Kind::kSection:
        add_rows(schema, child, table);
        break;
      case LayoutNode::Kind::kList: {
        const ListSpec* l = find_list(schema, child.path);
        if (l != nullptr) {
          table.add(child.path, "list of records", l->min_items > 0 ? "*required*" : "`[]`",
                    count_text(*l), "", l->doc, "");
        }
        add_rows(schema, child, table);
        break;
      }
    }
  }
}

// The first parameter matching `want`, for the examples in the introduction.
template <class Pred>
const ParamSpec* first_param(const Schema& schema, Pred&& want) {
  for (const auto& p : schema.params) {
    if (want(p)) return &p;
  }
  return nullptr;
}

}  // namespace

// A range bound for people: shortest digits, no forced ".0" ("0", "0.5", "1e+06").
std::string format_bound(double x, bool integer) {
  // 2^63 is the closest double to INT64_MAX; show the integer limits people can actually give.
  constexpr double kTwo63 = 9223372036854775808.0;
  if (integer && x >= kTwo63) return "9223372036854775807";
  if (integer && x <= -kTwo63) return "-9223372036854775808";
  char buf[64];
  // Whole numbers in plain digits ("10000000", not "1e+07"); others in the shortest form.
  const auto res = std::trunc(x) == x && std::fabs(x) < 1e16
                       ? std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(x))
                       : std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, res.ptr);
}

std::string_view to_string(ParamType type) {
  switch (type) {
    case ParamType::kBool:
      return "bool";
    case ParamType::kInt:
      return "int";
    case ParamType::kFloat:
      return "float";
    case ParamType::kString:
      return "string";
    case ParamType::kChoice:
      return "choice";
    case ParamType::kIntList:
      return "int list";
    case ParamType::kFloatList:
      return "float list";
    case ParamType::kStringList:
      return "string list";
    case ParamType::kFloatMap:
      return "float map";
  }
  return "unknown";
}

std::string format_value(const Value& value) {
  struct Formatter {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return format_double(d); }
    std::string operator()(const std::string& s) const { return quote_yaml(s); }
    std::string operator()(const std::vector<std::int64_t>& v) const {
      return flow_list(v, [](std::int64_t i) { return std::to_string(i); });
    }
    std::string operator()(const std::vector<double>& v) const {
      return flow_list(v, [](double d) { return format_double(d); });
    }
    std::string operator()(const std::vector<std::string>& v) const {
      return flow_list(v, [](const std::string& s) { return quote_yaml(s); });
    }
    std::string operator()(const FloatMap& m) const {
      std::string out = "{";
      for (std::size_t i = 0; i < m.size(); ++i) {
        if (i > 0) out += ", ";
        out += quote_yaml(m[i].first) + ": " + format_double(m[i].second);
      }
      out += '}';
      return out;
    }
  };
  return std::visit(Formatter{}, value);
}

const Value& ResolvedScenario::value(std::string_view path) const {
  const auto it = index_.find(path);
  if (it == index_.end()) {
    internal_error("the resolved scenario has no parameter " + core::quote(path) +
                   suggestion(path, index_));
  }
  return entries_[it->second].second;
}

std::size_t ResolvedScenario::list_size(std::string_view list_path) const {
  const auto it = list_sizes_.find(list_path);
  if (it == list_sizes_.end()) {
    internal_error("the resolved scenario has no list " + core::quote(list_path) +
                   suggestion(list_path, list_sizes_));
  }
  return it->second;
}

core::InputLocation ResolvedScenario::location(std::string_view path) const {
  const auto it = origins_.find(path);
  if (it == origins_.end()) {
    internal_error("the resolved scenario has no parameter " + core::quote(path) +
                   suggestion(path, origins_));
  }
  return core::InputLocation{it->second.file, it->second.line, it->second.column,
                             std::string(path)};
}

std::string ResolvedScenario::to_yaml() const {
  if (schema_ == nullptr) internal_error("ResolvedScenario::to_yaml: no schema attached");
  std::string source = source_file_;
  std::replace(source.begin(), source.end(), '\n', ' ');
  std::replace(source.begin(), source.end(), '\r', ' ');
  std::string out =
      "# Resolved scenario: every parameter with its value (includes, --set overrides and "
      "defaults applied).\n# Loaded from: " +
      source + "\n";
  emit_keys(*this, *schema_, build_layout(*schema_), "", 0, out);
  return out;
}

std::string reference_markdown(const Schema& schema, std::string_view title) {
  validate_schema(schema);
  const LayoutNode layout = build_layout(schema);
  const bool with_source =
      first_param(schema, [](const ParamSpec& p) { return !p.source.empty(); }) != nullptr;

  std::string out = "# " + std::string(title) + "\n\n";
  out +=
      "Every key a scenario file may contain. This page is generated from the parameter table in "
      "the source code, the same table that checks scenarios, fills in defaults and writes the "
      "resolved scenario into every run file; do not edit it by hand.\n\n";
  out += "## How to read this page\n\n";
  out +=
      "- **key**: the path of the parameter. `a.b` is the key `b` inside the section `a:`; "
      "`l[].f` is the field `f` of every record in the list `l:` (each record starts with "
      "`- `).\n"
      "- **default**: used when the key is left out. Keys marked *required* must be given.\n"
      "- **range / choices**: bounds are inclusive; for lists and maps they apply to each "
      "element. A choice must be one of the listed values.\n"
      "- Numbers must be finite (no `.nan` or `.inf`); integers must be written without a "
      "fraction. Unknown keys are rejected, with a suggestion for near misses.\n\n";

  out += "## Overrides and includes\n\n";
  out += "Any key can be set on the command line with `--set key=value`";
  const ParamSpec* scalar_example = first_param(schema, [](const ParamSpec& p) {
    return p.path.find("[]") == std::string::npos && p.default_value.has_value();
  });
  if (scalar_example != nullptr) {
    out += ", for example `--set " + scalar_example->path + "=" +
           md_cell(format_value(*scalar_example->default_value)) + "`";
  }
  out += ". ";
  const ParamSpec* list_example = first_param(
      schema, [](const ParamSpec& p) { return p.path.find("[]") != std::string::npos; });
  if (list_example != nullptr) {
    std::string bracket = list_example->path;
    std::string dotted = list_example->path;
    bracket.replace(bracket.find("[]"), 2, "[0]");
    dotted.replace(dotted.find("[]"), 2, ".0");
    out += "Fields of list records take the record's index: `--set " + bracket + "=...` (or `" +
           dotted + "`); the record must exist, or set the whole list at once. ";
  }
  out +=
      "The value is read as YAML, so lists and mappings work too: `--set key=[1, 2]`, "
      "`--set key={a: 1}`. Overrides are applied in order, after includes.\n\n";
  out +=
      "A scenario may name other files in a top-level `include:` (one file name or a list). "
      "Included files are read first, in order, and looked up relative to the including file's "
      "folder, then in the include folders; the including file's own keys override theirs. "
      "Sections are merged key by key; lists and single values are replaced whole.\n";

  // Parameters at the top level share one table; each section or list gets its own.
  MdTable top{with_source, {}};
  for (const LayoutNode& child : layout.children) {
    if (child.kind != LayoutNode::Kind::kParam) continue;
    const ParamSpec& p = schema.params[child.index];
    const std::string def =
        p.default_value ? md_code(format_value(*p.default_value)) : "*required*";
    top.add(p.path, to_string(p.type), def, range_text(p), p.unit, p.doc, p.source);
  }
  if (!top.rows.empty()) {
    out += "\n## Top-level keys\n\n" + MdTable::header(with_source) + top.rows;
  }
  for (const LayoutNode& child : layout.children) {
    if (child.kind == LayoutNode::Kind::kParam) continue;
    out += "\n## " + child.name + "\n\n";
    if (child.kind == LayoutNode::Kind::kList) {
      const ListSpec* l = find_list(schema, child.path);
      out += "A list of records (" + (l != nullptr ? count_text(*l) : std::string("records")) + ")";
      if (l != nullptr && !l->doc.empty()) out += ": " + md_cell(l->doc);
      out += ". Each record starts with `- ` and has the fields below.\n\n";
    }
    MdTable table{with_source, {}};
    add_rows(schema, child, table);
    out += MdTable::header(with_source) + table.rows;
  }
  return out;
}

}  // namespace dipsim::io
