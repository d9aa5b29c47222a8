// Scenario loader: YAML text -> located tree -> includes merged -> `--set` overrides -> checked
// against the parameter table -> ResolvedScenario.
//
// yaml-cpp parses; its events are turned into our own `Tree`, which keeps (file, line, column)
// for every node, so an error found after several files and command-line overrides were merged
// still points at the place the offending value came from. Building from events (not YAML::Node)
// is also where input limits are enforced: aliases are visible there, so each one is charged its
// expanded size against LoadOptions::max_nodes before it is copied, and a "billion laughs"
// document fails after a few lines instead of exhausting memory; nesting depth is capped too.
//
// Merge rules: included files first (in order), then the including file's own keys; mappings are
// merged key by key, everything else (lists, scalars) is replaced whole. An empty value (`key:`)
// never wipes out a section given by an include.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dipsim/core/error.hpp"
#include "dipsim/core/text.hpp"
#include "dipsim/io/schema.hpp"

namespace dipsim::io {

/// Defined in schema.cpp: a range bound as people write it ("10000000", "0.5").
std::string format_bound(double x, bool integer);

namespace {

namespace fs = std::filesystem;
using core::ErrorKind;
using core::quote;

/// Deepest nesting of YAML collections we accept; real scenarios use fewer than 8 levels.
constexpr std::size_t kMaxDepth = 64;
constexpr std::string_view kIncludeKey = "include";
constexpr std::uint32_t kSetFile = 0;  // index of "--set" in Loader::files_

std::string join_path(std::string_view prefix, std::string_view name) {
  std::string out(prefix);
  if (!out.empty()) out += '.';
  out += name;
  return out;
}

std::string indexed(std::string_view prefix, std::size_t i) {
  return std::string(prefix) + '[' + std::to_string(i) + ']';
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

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(s[0]) && s[0] != '_') return false;
  return std::all_of(s.begin(), s.end(),
                     [&](char c) { return alpha(c) || (c >= '0' && c <= '9') || c == '_'; });
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += quote(items[i]);
  }
  return out;
}

std::string plural(std::size_t n, std::string_view word) {
  return std::to_string(n) + ' ' + std::string(word) + (n == 1 ? "" : "s");
}

// ---- The schema as a tree of keys -------------------------------------------------------------

[[noreturn]] void schema_error(const std::string& message) {
  throw core::Error(ErrorKind::kInternal, "invalid scenario schema: " + message);
}

struct SchemaNode {
  enum class Kind : std::uint8_t { kSection, kList, kRecord, kParam };
  Kind kind = Kind::kSection;
  std::size_t index = 0;              ///< ListSpec (kList, kRecord) or ParamSpec (kParam) index
  std::vector<std::string> children;  ///< keys of a section or record, in schema order
};

std::string_view kind_name(SchemaNode::Kind kind) {
  switch (kind) {
    case SchemaNode::Kind::kSection:
      return "a section";
    case SchemaNode::Kind::kList:
      return "a list";
    case SchemaNode::Kind::kRecord:
      return "a list record";
    case SchemaNode::Kind::kParam:
      return "a parameter";
  }
  return "?";
}

std::size_t value_index(ParamType type) {
  switch (type) {
    case ParamType::kBool:
      return 0;
    case ParamType::kInt:
      return 1;
    case ParamType::kFloat:
      return 2;
    case ParamType::kString:
    case ParamType::kChoice:
      return 3;
    case ParamType::kIntList:
      return 4;
    case ParamType::kFloatList:
      return 5;
    case ParamType::kStringList:
      return 6;
    case ParamType::kFloatMap:
      return 7;
  }
  return 0;
}

void check_param_spec(const ParamSpec& p) {
  const std::string row = "parameter " + quote(p.path);
  if (p.min && p.max && *p.min > *p.max) schema_error(row + ": min > max");
  if ((p.min && std::isnan(*p.min)) || (p.max && std::isnan(*p.max))) {
    schema_error(row + ": a bound is NaN");
  }
  if (p.type == ParamType::kChoice && p.choices.empty()) {
    schema_error(row + ": a choice parameter needs choices");
  }
  if (!p.default_value) return;
  const Value& d = *p.default_value;
  if (d.index() != value_index(p.type)) {
    schema_error(row + ": the default does not have the row's type (" +
                 std::string(to_string(p.type)) + ")");
  }
  const auto in_range = [&](double x) {
    return std::isfinite(x) && !(p.min && x < *p.min) && !(p.max && x > *p.max);
  };
  bool ok = true;
  if (const auto* i = std::get_if<std::int64_t>(&d)) ok = in_range(static_cast<double>(*i));
  if (const auto* x = std::get_if<double>(&d)) ok = in_range(*x);
  if (const auto* v = std::get_if<std::vector<std::int64_t>>(&d)) {
    ok = std::all_of(v->begin(), v->end(),
                     [&](std::int64_t i) { return in_range(static_cast<double>(i)); });
  }
  if (const auto* v = std::get_if<std::vector<double>>(&d)) {
    ok = std::all_of(v->begin(), v->end(), in_range);
  }
  if (const auto* m = std::get_if<FloatMap>(&d)) {
    ok = std::all_of(m->begin(), m->end(), [&](const auto& kv) { return in_range(kv.second); });
  }
  if (!ok) schema_error(row + ": the default " + format_value(d) + " is outside its range");
  if (p.type == ParamType::kChoice &&
      std::find(p.choices.begin(), p.choices.end(), std::get<std::string>(d)) == p.choices.end()) {
    schema_error(row + ": the default " + quote(std::get<std::string>(d)) +
                 " is not one of its choices");
  }
}

/// Every key path of a schema: sections, lists, list records (`countries[]`) and parameters.
/// Keys at each level are kept in the order their first row appears in Schema::params.
class SchemaIndex {
 public:
  explicit SchemaIndex(const Schema& schema) {
    nodes_[""] = SchemaNode{};
    for (std::size_t i = 0; i < schema.lists.size(); ++i) check_list(schema.lists[i], i);
    list_params_.resize(schema.lists.size());
    for (std::size_t i = 0; i < schema.params.size(); ++i) add_param(schema.params[i], i);
    for (const ListSpec& l : schema.lists) {
      if (!nodes_.contains(l.path)) {
        schema_error("list " + quote(l.path) + " has no fields (no row " +
                     quote(l.path + "[].<field>") + ")");
      }
    }
  }

  const SchemaNode* find(std::string_view path) const {
    const auto it = nodes_.find(path);
    return it == nodes_.end() ? nullptr : &it->second;
  }
  const SchemaNode& at(std::string_view path) const { return *find(path); }

  /// For each parameter, the list it belongs to (or nullopt).
  const std::vector<std::optional<std::size_t>>& param_list() const { return param_list_; }
  /// For each list, its parameters in schema order.
  const std::vector<std::vector<std::size_t>>& list_params() const { return list_params_; }

 private:
  void check_list(const ListSpec& list, std::size_t i) {
    const std::string row = "list " + quote(list.path);
    if (list.path.find("[]") != std::string::npos) {
      schema_error(row + ": lists inside list records are not supported");
    }
    for (const auto part : split_dots(list.path)) {
      if (!is_identifier(part)) {
        schema_error(row + ": " + quote(part) + " is not a name ([A-Za-z_][A-Za-z0-9_]*)");
      }
    }
    if (list.path == kIncludeKey) schema_error(row + ": \"include\" is reserved at the top level");
    if (list.min_items > list.max_items) schema_error(row + ": min_items > max_items");
    if (!list_index_.emplace(list.path, i).second) schema_error(row + ": declared twice");
  }

  void add_child(const std::string& scope, std::string_view name) {
    nodes_.at(scope).children.emplace_back(name);
  }

  std::string add_section(const std::string& scope, std::string_view name, const std::string& row) {
    std::string path = join_path(scope, name);
    const auto it = nodes_.find(path);
    if (list_index_.contains(path)) {
      schema_error(row + ": " + quote(path) + " is a list; write " + quote(path + "[].<field>"));
    }
    if (it == nodes_.end()) {
      nodes_[path] = SchemaNode{};
      add_child(scope, name);
    } else if (it->second.kind != SchemaNode::Kind::kSection) {
      schema_error(row + ": " + quote(path) + " is " + std::string(kind_name(it->second.kind)) +
                   ", not a section");
    }
    return path;
  }

  void add_param(const ParamSpec& p, std::size_t i) {
    const std::string row = "parameter " + quote(p.path);
    check_param_spec(p);
    const auto parts = split_dots(p.path);
    std::string scope;
    std::optional<std::size_t> list;
    for (std::size_t k = 0; k < parts.size(); ++k) {
      const bool is_list = parts[k].ends_with("[]");
      const std::string_view name = is_list ? parts[k].substr(0, parts[k].size() - 2) : parts[k];
      if (!is_identifier(name)) {
        schema_error(row + ": " + quote(name) + " is not a name ([A-Za-z_][A-Za-z0-9_]*)");
      }
      if (scope.empty() && name == kIncludeKey) {
        schema_error(row + ": \"include\" is reserved at the top level");
      }
      const std::string path = join_path(scope, name);
      if (k + 1 == parts.size()) {
        if (is_list) schema_error(row + ": a parameter's own name cannot end in []");
        if (const SchemaNode* existing = find(path)) {
          schema_error(row + ": the path is already " + std::string(kind_name(existing->kind)) +
                       (existing->kind == SchemaNode::Kind::kParam ? " (declared twice)" : ""));
        }
        if (list_index_.contains(path)) {
          schema_error(row + ": the path is already declared as a list");
        }
        add_child(scope, name);
        nodes_[path] = SchemaNode{SchemaNode::Kind::kParam, i, {}};
      } else if (is_list) {
        const auto li = list_index_.find(path);
        if (li == list_index_.end()) {
          schema_error(row + ": " + quote(path) + " is not declared in Schema::lists");
        }
        if (list) schema_error(row + ": lists inside list records are not supported");
        if (!nodes_.contains(path)) {
          add_child(scope, name);
          nodes_[path] = SchemaNode{SchemaNode::Kind::kList, li->second, {}};
          nodes_[path + "[]"] = SchemaNode{SchemaNode::Kind::kRecord, li->second, {}};
        } else if (nodes_.at(path).kind != SchemaNode::Kind::kList) {
          schema_error(row + ": " + quote(path) + " is already " +
                       std::string(kind_name(nodes_.at(path).kind)));
        }
        list = li->second;
        scope = path + "[]";
      } else {
        scope = add_section(scope, name, row);
      }
    }
    param_list_.push_back(list);
    if (list) list_params_[*list].push_back(i);
  }

  std::map<std::string, SchemaNode, std::less<>> nodes_;
  std::map<std::string, std::size_t, std::less<>> list_index_;
  std::vector<std::optional<std::size_t>> param_list_;
  std::vector<std::vector<std::size_t>> list_params_;
};

// ---- Located YAML tree ------------------------------------------------------------------------

struct Loc {
  std::uint32_t file = 0;  ///< index into Loader::files_
  std::uint32_t line = 0;  ///< 1-based; 0 = unknown
  std::uint32_t column = 0;
};

struct Entry;

struct Tree {
  enum class Kind : std::uint8_t { kNull, kScalar, kSequence, kMapping };
  Kind kind = Kind::kNull;
  bool plain = false;     ///< scalar written without quotes or tag (may be a number or bool)
  bool tagged = false;    ///< scalar with an explicit tag such as !!str
  std::size_t alias = 0;  ///< while parsing: an alias to this yaml-cpp anchor id, not yet copied
  std::string text;       ///< scalar text
  Loc loc;
  std::vector<Tree> items;     ///< sequence
  std::vector<Entry> entries;  ///< mapping, in file order

  Entry* find(std::string_view key);
};

struct Entry {
  std::string key;
  Loc key_loc;
  Tree value;
};

Entry* Tree::find(std::string_view key) {
  for (Entry& e : entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

Tree empty_mapping(Loc loc) {
  Tree t;
  t.kind = Tree::Kind::kMapping;
  t.loc = loc;
  return t;
}

std::string describe(const Tree& t) {
  switch (t.kind) {
    case Tree::Kind::kNull:
      return "an empty value";
    case Tree::Kind::kScalar:
      return quote(t.text);
    case Tree::Kind::kSequence:
      return "a list";
    case Tree::Kind::kMapping:
      return "a mapping";
  }
  return "?";
}

/// Merges `over` into `base`: mappings key by key (recursively), anything else replaced whole.
/// An empty value never replaces a mapping, so `section:` with its keys commented out keeps what
/// an include gave.
void merge_into(Tree& base, Tree&& over) {
  if (base.kind == Tree::Kind::kMapping && over.kind == Tree::Kind::kNull) return;
  if (base.kind != Tree::Kind::kMapping || over.kind != Tree::Kind::kMapping) {
    base = std::move(over);
    return;
  }
  std::unordered_map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < base.entries.size(); ++i) position[base.entries[i].key] = i;
  for (Entry& e : over.entries) {
    const auto it = position.find(e.key);
    if (it == position.end()) {
      position[e.key] = base.entries.size();
      base.entries.push_back(std::move(e));
    } else {
      Entry& target = base.entries[it->second];
      target.key_loc = e.key_loc;
      merge_into(target.value, std::move(e.value));
    }
  }
  base.loc = over.loc;
}

// ---- --set keys -------------------------------------------------------------------------------

struct KeySeg {
  std::string name;
  bool bracket = false;  ///< written as `[N]`
};

// ---- The loader -------------------------------------------------------------------------------

struct IncludeFrame {
  std::string display;
  fs::path canonical;  ///< empty for in-memory text
};

struct Found {
  Value value;
  Loc loc;
};

class Loader {
 public:
  Loader(const Schema& schema, const LoadOptions& options)
      : schema_(schema), options_(options), index_(schema) {
    files_.emplace_back("--set");
  }

  std::uint32_t add_file(std::string name) {
    files_.push_back(std::move(name));
    return static_cast<std::uint32_t>(files_.size() - 1);
  }

  std::string read_file(const fs::path& path, std::uint32_t file) const {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      fail("cannot read the scenario file: it does not exist", Loc{file, 0, 0});
    }
    if (fs::is_directory(status)) {
      fail("expected a YAML file, got a folder", Loc{file, 0, 0});
    }
    const auto size = fs::file_size(path, ec);
    if (!ec && size > options_.max_bytes) {
      fail("the file is " + std::to_string(size) + " bytes, more than the limit of " +
               std::to_string(options_.max_bytes) + " bytes (LoadOptions::max_bytes)",
           Loc{file, 0, 0});
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) fail("cannot open the file for reading", Loc{file, 0, 0});
    // Read in chunks and stop one byte past the limit, so a file whose size is unknown or
    // changing (a pipe, a growing file) cannot make us read without bound.
    std::string text;
    char chunk[1 << 16];
    while (in && text.size() <= options_.max_bytes) {
      in.read(chunk, sizeof chunk);
      text.append(chunk, static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) fail("reading the file failed", Loc{file, 0, 0});
    if (text.size() > options_.max_bytes) {
      fail("the file is more than " + std::to_string(options_.max_bytes) +
               " bytes (LoadOptions::max_bytes)",
           Loc{file, 0, 0});
    }
    return text;
  }

  ResolvedScenario load(std::string_view text, std::uint32_t file, const fs::path& base_dir,
                        fs::path canonical) {
    std::vector<IncludeFrame> chain{{files_[file], std::move(canonical)}};
    Tree root = load_tree(text, file, base_dir, chain);
    for (const std::string& o : options_.overrides) apply_override(root, o);
    return resolve(root, file);
  }

 private:
  [[noreturn]] void fail(std::string message, Loc loc, std::string key = {}) const {
    throw core::Error(ErrorKind::kInput, std::move(message),
                      core::InputLocation{files_[loc.file], loc.line, loc.column, std::move(key)});
  }
  [[noreturn]] void fail_set(std::string message, std::string key) const {
    fail(std::move(message), Loc{kSetFile, 0, 0}, std::move(key));
  }

  Loc mark_loc(std::uint32_t file, const YAML::Mark& mark) const {
    if (file == kSetFile || mark.line < 0 || mark.column < 0) return Loc{file, 0, 0};
    return Loc{file, static_cast<std::uint32_t>(mark.line) + 1,
               static_cast<std::uint32_t>(mark.column) + 1};
  }

  // -- Parsing

  static std::string tab_hint(std::string_view text, int line0) {
    // yaml-cpp reports a tab in indentation as a generic structure error; say what it is.
    std::size_t start = 0;
    for (int l = 0; l < line0 - 1 && start != std::string_view::npos; ++l) {
      start = text.find('\n', start);
      if (start != std::string_view::npos) ++start;
    }
    for (int l = std::max(line0 - 1, 0);
         l <= line0 && start != std::string_view::npos && start < text.size(); ++l) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      const std::string_view ln = text.substr(start, end - start);
      const std::size_t first = ln.find_first_not_of(" \t");
      if (ln.substr(0, first).find('\t') != std::string_view::npos) {
        return " (line " + std::to_string(l + 1) +
               " is indented with a tab; YAML allows only spaces for indentation)";
      }
      start = end + 1;
    }
    return {};
  }

  // Builds a Tree from yaml-cpp's parse events. Events, unlike YAML::Node, show aliases: each
  // alias becomes a placeholder charged its anchored subtree's expanded size against max_nodes,
  // and is copied in only once the whole document is known to fit. A "billion laughs" document
  // therefore fails after reading a few lines, having copied nothing, and each copy gets the
  // alias's own line and column. Mistakes in the document's structure (keys that are not names,
  // duplicate keys) are held back until yaml-cpp has checked the syntax, so a syntax error is
  // reported first; the limits (nodes, depth) stop parsing at once.
  class Builder final : public YAML::EventHandler {
   public:
    Builder(Loader& loader, std::uint32_t file) : loader_(loader), file_(file) {}

    /// The document's tree with aliases expanded; nullopt when the text holds no document.
    std::optional<Tree> finish() {
      if (deferred_) throw *deferred_;
      if (root_) expand(*root_, 1);
      return std::move(root_);
    }

    void OnDocumentStart(const YAML::Mark& mark) override {
      if (documents_++ > 0) {
        loader_.fail(
            "expected one YAML document, found a second one (documents are separated by "
            "'---'); use include: to combine files",
            loc(mark));
      }
    }
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
      Tree t;
      t.loc = loc(mark);
      leaf(std::move(t), anchor, 1);
    }

    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
      Tree t;
      t.kind = Tree::Kind::kScalar;
      t.text = value;
      t.plain = tag == "?";
      t.tagged = tag != "?" && tag != "!";  // "!" = quoted; anything else = an explicit tag
      t.loc = loc(mark);
      leaf(std::move(t), anchor, 1);
    }

    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
      const Loc at = loc(mark);
      const auto it = anchors_.find(anchor);
      if (it == anchors_.end()) {
        open_slot();  // so the path below names the alias's own place
        loader_.fail("an alias cannot refer to a list or mapping that contains it", at,
                     child_path(stack_.size()));
      }
      if (expecting_key() && it->second.tree.kind == Tree::Kind::kScalar) {
        Tree key = it->second.tree;
        key.loc = at;
        take_key(key, 1);
        return;
      }
      Tree placeholder;
      placeholder.kind = it->second.tree.kind;
      placeholder.alias = anchor;
      placeholder.loc = at;
      leaf(std::move(placeholder), 0, it->second.size);
    }

    void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value /*style*/) override {
      open(Tree::Kind::kSequence, mark, anchor);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value /*style*/) override {
      open(Tree::Kind::kMapping, mark, anchor);
    }
    void OnMapEnd() override { close(); }

   private:
    struct Frame {
      Tree* node = nullptr;         ///< the open sequence or mapping
      std::size_t start_count = 0;  ///< Loader::node_count_ before it opened
      YAML::anchor_t anchor = 0;
      bool have_key = false;  ///< mapping: a key was read, its value comes next
      std::string key;
      Loc key_loc;
      std::unordered_map<std::string, std::uint32_t> key_lines;  ///< keys seen -> line
    };
    struct Anchor {
      Tree tree;             ///< may itself hold alias placeholders
      std::size_t size = 0;  ///< nodes once expanded, for max_nodes
    };

    Loc loc(const YAML::Mark& mark) const { return loader_.mark_loc(file_, mark); }

    void defer(std::string message, Loc at, std::string key) {
      if (!deferred_) {
        deferred_.emplace(
            ErrorKind::kInput, std::move(message),
            core::InputLocation{loader_.files_[at.file], at.line, at.column, std::move(key)});
      }
    }

    bool expecting_key() const {
      return !stack_.empty() && stack_.back().node->kind == Tree::Kind::kMapping &&
             !stack_.back().have_key;
    }

    // Path through the last child of each of the first `depth` open collections.
    std::string child_path(std::size_t depth) const {
      std::string out;
      for (std::size_t i = 0; i < depth; ++i) {
        const Tree& n = *stack_[i].node;
        if (n.kind == Tree::Kind::kSequence) {
          if (!n.items.empty()) out = indexed(out, n.items.size() - 1);
        } else if (!n.entries.empty()) {
          out = join_path(out, n.entries.back().key);
        }
      }
      return out;
    }

    void count(std::size_t size, Loc at, const std::string* key_path = nullptr) {
      loader_.node_count_ += size;
      if (loader_.node_count_ > loader_.options_.max_nodes) {
        loader_.fail("the YAML has more than " + std::to_string(loader_.options_.max_nodes) +
                         " nodes once aliases (*name) are expanded (LoadOptions::max_nodes); "
                         "aliases that repeat large structures (\"billion laughs\") are not "
                         "accepted",
                     at, key_path != nullptr ? *key_path : child_path(stack_.size()));
      }
    }

    // The place for the next value: the root, a new sequence item, the pending key's value, or
    // scratch space for a list or mapping used as a key (an error reported after parsing).
    Tree* open_slot() {
      if (stack_.empty()) {
        root_.emplace();
        return &*root_;
      }
      Frame& top = stack_.back();
      if (top.node->kind == Tree::Kind::kSequence) {
        top.node->items.emplace_back();
        return &top.node->items.back();
      }
      if (!top.have_key) {
        scratch_.emplace_back();
        top.have_key = true;
        top.key = "?";
        return &scratch_.back();
      }
      top.node->entries.push_back(Entry{std::move(top.key), top.key_loc, Tree{}});
      top.have_key = false;
      return &top.node->entries.back().value;
    }

    void take_key(const Tree& key, std::size_t size) {
      const std::string parent = child_path(stack_.size() - 1);
      const std::string path = join_path(parent, key.text);
      count(size, key.loc, &path);
      Frame& top = stack_.back();
      const auto [it, inserted] = top.key_lines.emplace(key.text, key.loc.line);
      if (!inserted) {
        // A --set value has no lines to point at.
        defer("duplicate key " + quote(key.text) +
                  (file_ == kSetFile ? std::string(" in the value")
                                     : ": first given at line " + std::to_string(it->second) +
                                           ", again at line " + std::to_string(key.loc.line)),
              key.loc, path);
      }
      top.have_key = true;
      top.key = key.text;
      top.key_loc = key.loc;
    }

    void leaf(Tree t, YAML::anchor_t anchor, std::size_t size) {
      if (anchor != 0) anchors_[anchor] = Anchor{t, 1};
      if (expecting_key()) {
        if (t.kind == Tree::Kind::kScalar) {
          take_key(t, size);
          return;
        }
        defer("expected a key name, got " + describe(t) + " as a key", t.loc,
              child_path(stack_.size() - 1));
      }
      const bool in_mapping = !stack_.empty() && stack_.back().node->kind == Tree::Kind::kMapping;
      const Loc key_loc = in_mapping ? stack_.back().key_loc : Loc{};
      Tree* slot = open_slot();
      *slot = std::move(t);
      // yaml-cpp marks an empty value at the next token; point at its key instead.
      if (slot->kind == Tree::Kind::kNull && in_mapping) slot->loc = key_loc;
      count(size, slot->loc);
    }

    void open(Tree::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
      Tree t;
      t.kind = kind;
      t.loc = loc(mark);
      if (expecting_key()) {
        defer("expected a key name, got " + describe(t) + " as a key", t.loc,
              child_path(stack_.size() - 1));
      }
      const std::size_t start = loader_.node_count_;
      Tree* slot = open_slot();
      *slot = std::move(t);
      if (stack_.size() + 1 > kMaxDepth) {
        loader_.fail(
            "lists and mappings are nested more than " + std::to_string(kMaxDepth) + " levels deep",
            slot->loc, child_path(stack_.size()));
      }
      count(1, slot->loc);
      stack_.push_back(Frame{slot, start, anchor, false, {}, {}, {}});
    }

    void close() {
      const Frame& top = stack_.back();
      if (top.anchor != 0) {
        anchors_[top.anchor] = Anchor{*top.node, loader_.node_count_ - top.start_count};
      }
      stack_.pop_back();
    }

    // Replaces alias placeholders by copies of their anchors (already counted in max_nodes).
    void expand(Tree& t, std::size_t depth) {
      if (t.alias != 0) {
        const Loc at = t.loc;
        t = anchors_.at(t.alias).tree;
        t.loc = at;
      }
      if (t.kind != Tree::Kind::kSequence && t.kind != Tree::Kind::kMapping) return;
      if (depth > kMaxDepth) {
        loader_.fail("lists and mappings are nested more than " + std::to_string(kMaxDepth) +
                         " levels deep once aliases are expanded",
                     t.loc);
      }
      for (Tree& item : t.items) expand(item, depth + 1);
      for (Entry& e : t.entries) expand(e.value, depth + 1);
    }

    Loader& loader_;
    std::uint32_t file_;
    int documents_ = 0;
    std::optional<Tree> root_;
    std::vector<Frame> stack_;
    std::deque<Tree> scratch_;  ///< lists and mappings given as keys (stable addresses)
    std::unordered_map<YAML::anchor_t, Anchor> anchors_;
    std::optional<core::Error> deferred_;
  };

  /// Parses YAML text into a located tree; nullopt when it holds no document at all.
  std::optional<Tree> parse_yaml(std::string_view text, std::uint32_t file, const std::string& key,
                                 std::string_view what) {
    if (text.size() > options_.max_bytes) {
      fail(std::string(what) + " is " + std::to_string(text.size()) +
               " bytes, more than the limit of " + std::to_string(options_.max_bytes) +
               " bytes (LoadOptions::max_bytes)",
           Loc{file, 0, 0}, key);
    }
    std::istringstream in{std::string(text)};
    Builder builder(*this, file);
    try {
      try {
        YAML::Parser parser(in);
        while (parser.HandleNextDocument(builder)) {
        }
      } catch (const YAML::DeepRecursion& e) {
        fail("invalid YAML: collections nested too deeply", mark_loc(file, e.mark), key);
      } catch (const YAML::Exception& e) {
        std::string message = "invalid YAML: " + e.msg;
        if (file == kSetFile) message = "cannot read " + quote(text) + " as YAML: " + e.msg;
        fail(message + tab_hint(text, e.mark.line), mark_loc(file, e.mark), key);
      }
      return builder.finish();
    } catch (const core::Error& e) {
      // The builder names places inside the value (`[0][2]`); a --set value sits under its key.
      if (file != kSetFile || key.empty() || e.where().key.rfind(key, 0) == 0) throw;
      const std::string& inner = e.where().key;
      fail(e.message(), Loc{kSetFile, 0, 0},
           inner.empty() || inner[0] == '[' ? key + inner : join_path(key, inner));
    }
  }

  /// Parses one file's text; an empty document gives an empty mapping.
  Tree parse_document(std::string_view text, std::uint32_t file) {
    std::optional<Tree> root = parse_yaml(text, file, {}, "the file");
    if (!root || root->kind == Tree::Kind::kNull) return empty_mapping(Loc{file, 0, 0});
    if (root->kind != Tree::Kind::kMapping) {
      fail("expected a mapping of keys (key: value) at the top level, got " + describe(*root),
           root->loc);
    }
    return std::move(*root);
  }

  // -- Includes

  Tree load_tree(std::string_view text, std::uint32_t file, const fs::path& base_dir,
                 std::vector<IncludeFrame>& chain) {
    Tree doc = parse_document(text, file);
    Tree merged = empty_mapping(doc.loc);
    const auto it = std::find_if(doc.entries.begin(), doc.entries.end(),
                                 [](const Entry& e) { return e.key == kIncludeKey; });
    if (it != doc.entries.end()) {
      const Entry include = std::move(*it);
      doc.entries.erase(it);
      std::vector<std::pair<const Tree*, std::string>> names;
      if (include.value.kind == Tree::Kind::kScalar) {
        names.emplace_back(&include.value, std::string(kIncludeKey));
      } else if (include.value.kind == Tree::Kind::kSequence) {
        for (std::size_t i = 0; i < include.value.items.size(); ++i) {
          const Tree& item = include.value.items[i];
          if (item.kind != Tree::Kind::kScalar) {
            fail("expected a file name, got " + describe(item), item.loc, indexed(kIncludeKey, i));
          }
          names.emplace_back(&item, indexed(kIncludeKey, i));
        }
      } else {
        fail("expected a file name or a list of file names, got " + describe(include.value),
             include.value.loc, std::string(kIncludeKey));
      }
      for (const auto& [name, key] : names) {
        merge_into(merged, load_include(*name, key, base_dir, chain));
      }
    }
    merge_into(merged, std::move(doc));
    return merged;
  }

  Tree load_include(const Tree& name, const std::string& key, const fs::path& base_dir,
                    std::vector<IncludeFrame>& chain) {
    if (name.text.empty()) fail("expected a file name, got an empty string", name.loc, key);
    const fs::path rel(name.text);
    std::vector<fs::path> tried;
    if (rel.is_absolute()) {
      tried.push_back(rel.lexically_normal());
    } else {
      tried.push_back((base_dir / rel).lexically_normal());
      for (const auto& dir : options_.include_dirs) tried.push_back((dir / rel).lexically_normal());
    }
    const fs::path* found = nullptr;
    for (const auto& candidate : tried) {
      std::error_code ec;
      if (fs::is_regular_file(candidate, ec)) {
        found = &candidate;
        break;
      }
    }
    if (found == nullptr) {
      std::vector<std::string> tried_names;
      for (const auto& t : tried) tried_names.push_back(t.string());
      fail("included file " + quote(name.text) + " not found; tried " +
               core::join(tried_names, ", "),
           name.loc, key);
    }
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(*found, ec);
    if (ec) canonical = fs::absolute(*found, ec);
    std::string chain_text;
    for (const auto& frame : chain) chain_text += frame.display + " -> ";
    chain_text += found->string();
    for (const auto& frame : chain) {
      if (!frame.canonical.empty() && frame.canonical == canonical) {
        fail("include cycle: " + chain_text, name.loc, key);
      }
    }
    if (chain.size() > options_.max_include_depth) {
      fail("includes are nested more than " + std::to_string(options_.max_include_depth) +
               " levels deep (LoadOptions::max_include_depth): " + chain_text,
           name.loc, key);
    }
    const std::uint32_t file = add_file(found->string());
    const std::string text = read_file(*found, file);
    chain.push_back({files_[file], canonical});
    Tree t = load_tree(text, file, found->parent_path(), chain);
    chain.pop_back();
    return t;
  }

  // -- Overrides

  std::vector<KeySeg> parse_key(const std::string& key) const {
    const auto bad = [&](const std::string& why) {
      fail_set("malformed key: " + why + " (keys look like a.b, list[2].field or list.2.field)",
               key);
    };
    std::vector<KeySeg> segs;
    std::size_t i = 0;
    const std::size_t n = key.size();
    while (i < n) {
      if (key[i] == '[') {
        if (segs.empty()) bad("it starts with '['");
        const std::size_t close = key.find(']', i);
        if (close == std::string::npos) bad("'[' without ']'");
        const std::string digits = key.substr(i + 1, close - i - 1);
        if (!is_digits(digits)) bad("expected a number inside [], got " + quote(digits));
        segs.push_back({digits, true});
        i = close + 1;
        if (i < n && key[i] != '.' && key[i] != '[') bad("expected '.' or '[' after ']'");
      } else {
        const std::size_t end = std::min(key.find_first_of(".[", i), n);
        if (end == i) bad("an empty name between dots");
        segs.push_back({key.substr(i, end - i), false});
        i = end;
      }
      if (i < n && key[i] == '.') {
        ++i;
        if (i == n) bad("it ends with '.'");
      }
    }
    return segs;
  }

  static std::size_t parse_index(const std::string& digits) {
    std::size_t value = 0;
    const auto res = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return res.ec == std::errc{} ? value : std::numeric_limits<std::size_t>::max();
  }

  static Entry& ensure_entry(Tree& mapping, const std::string& key) {
    if (Entry* e = mapping.find(key)) return *e;
    mapping.entries.push_back({key, Loc{kSetFile, 0, 0}, Tree{}});
    mapping.entries.back().value.loc = Loc{kSetFile, 0, 0};
    return mapping.entries.back();
  }

  std::string unknown_key(std::string_view key, const std::vector<std::string>& valid) const {
    std::string message = "unknown key " + quote(key);
    if (key == "<<") {
      return message + "; YAML merge keys are not supported, use include: to share settings";
    }
    const std::string best = core::did_you_mean(key, valid);
    if (!best.empty()) return message + "; did you mean " + quote(best) + "?";
    return message + "; valid keys here: " + core::join(valid, ", ");
  }

  void apply_override(Tree& root, std::string_view arg) {
    const std::size_t eq = arg.find('=');
    if (eq == std::string_view::npos) {
      fail_set("expected key=value, got " + quote(arg) + " (no '=')", std::string(arg));
    }
    std::string key(arg.substr(0, eq));
    key.erase(0, key.find_first_not_of(" \t"));
    key.erase(key.find_last_not_of(" \t") + 1);
    if (key.empty()) fail_set("expected key=value, got " + quote(arg) + " (no key before '=')", "");
    const std::vector<KeySeg> segs = parse_key(key);

    const std::string_view value_text = arg.substr(eq + 1);
    std::optional<Tree> parsed = parse_yaml(value_text, kSetFile, key, "the value");
    Tree value = parsed ? std::move(*parsed) : Tree{};
    value.loc = Loc{kSetFile, 0, 0};

    Tree* cur = &root;
    std::string scope;     // abstract path of `cur` in the schema ("", "citizens", "countries[]")
    std::string concrete;  // concrete path of `cur` ("", "citizens", "countries[1]")
    for (std::size_t k = 0; k < segs.size(); ++k) {
      const KeySeg& seg = segs[k];
      const SchemaNode& here = index_.at(scope);
      if (seg.bracket) {
        fail_set((concrete.empty() ? std::string("the top level") : concrete) +
                     " is not a list; [" + seg.name + "] cannot follow it",
                 key);
      }
      const std::string abstract = join_path(scope, seg.name);
      const std::string path = join_path(concrete, seg.name);
      const SchemaNode* node = index_.find(abstract);
      if (node == nullptr) fail_set(unknown_key(seg.name, here.children), path);
      const bool last = k + 1 == segs.size();
      Entry& entry = ensure_entry(*cur, seg.name);
      switch (node->kind) {
        case SchemaNode::Kind::kSection:
          if (last) {
            merge_into(entry.value, std::move(value));
            return;
          }
          if (entry.value.kind != Tree::Kind::kMapping) entry.value = empty_mapping(Loc{});
          cur = &entry.value;
          scope = abstract;
          concrete = path;
          break;
        case SchemaNode::Kind::kList: {
          if (last) {
            entry.value = std::move(value);
            return;
          }
          const KeySeg& idx = segs[++k];
          if (!is_digits(idx.name)) {
            fail_set(path + " is a list of records; expected a record index after it (" + path +
                         "[0]." + idx.name + "), got " + quote(idx.name),
                     key);
          }
          const std::size_t i = parse_index(idx.name);
          const std::size_t n =
              entry.value.kind == Tree::Kind::kSequence ? entry.value.items.size() : 0;
          if (i >= n) {
            fail_set("index " + idx.name + " is out of range: " + path + " has " +
                         plural(n, "record") +
                         (n > 0 ? " (indices 0 to " + std::to_string(n - 1) + ")" : "") +
                         "; --set can change fields of existing records only, or replace the "
                         "whole list (" +
                         path + "=[...])",
                     key);
          }
          Tree& record = entry.value.items[i];
          const std::string record_path = indexed(path, i);
          if (k + 1 == segs.size()) {
            record = std::move(value);
            return;
          }
          if (record.kind == Tree::Kind::kNull) record = empty_mapping(record.loc);
          if (record.kind != Tree::Kind::kMapping) {
            fail_set(record_path + " is " + describe(record) + ", not a record", key);
          }
          cur = &record;
          scope = abstract + "[]";
          concrete = record_path;
          break;
        }
        case SchemaNode::Kind::kParam: {
          if (last) {
            entry.value = std::move(value);
            return;
          }
          const ParamSpec& p = schema_.params[node->index];
          const KeySeg& part = segs[k + 1];
          const bool is_list = p.type == ParamType::kIntList || p.type == ParamType::kFloatList ||
                               p.type == ParamType::kStringList;
          if (k + 2 == segs.size() && is_list && is_digits(part.name)) {
            const std::size_t i = parse_index(part.name);
            const std::size_t n =
                entry.value.kind == Tree::Kind::kSequence ? entry.value.items.size() : 0;
            if (i >= n) {
              fail_set("index " + part.name + " is out of range: " + path + " has " +
                           plural(n, "element") + "; set the whole list instead (" + path +
                           "=[...])",
                       key);
            }
            entry.value.items[i] = std::move(value);
            return;
          }
          if (k + 2 == segs.size() && p.type == ParamType::kFloatMap && !part.bracket) {
            if (entry.value.kind != Tree::Kind::kMapping) entry.value = empty_mapping(Loc{});
            Entry& item = ensure_entry(entry.value, part.name);
            item.value = std::move(value);
            return;
          }
          fail_set(path + " is a single " + std::string(to_string(p.type)) +
                       " parameter; it has no part " + quote(part.name),
                   key);
        }
        case SchemaNode::Kind::kRecord:
          fail_set("internal: unexpected record node", key);
      }
    }
  }

  // -- Validation

  std::string expected_element(const ParamSpec& p) const {
    const bool is_int = p.type == ParamType::kInt || p.type == ParamType::kIntList;
    std::string out = is_int ? "an integer" : "a number";
    if (p.min && p.max) {
      out += " in [" + format_bound(*p.min, is_int) + ", " + format_bound(*p.max, is_int) + "]";
    } else if (p.min) {
      out += " >= " + format_bound(*p.min, is_int);
    } else if (p.max) {
      out += " <= " + format_bound(*p.max, is_int);
    } else if (!is_int) {
      out = "a finite number";
    }
    return out;
  }

  std::string expected_phrase(const ParamSpec& p) const {
    switch (p.type) {
      case ParamType::kBool:
        return "true or false";
      case ParamType::kInt:
      case ParamType::kFloat:
        return expected_element(p);
      case ParamType::kString:
        return "a string";
      case ParamType::kChoice:
        return "one of " + quoted_list(p.choices);
      case ParamType::kIntList: {
        std::string e = expected_element(p);  // "an integer >= 0" -> "a list of integers >= 0"
        return "a list of integers" + e.substr(std::string_view("an integer").size());
      }
      case ParamType::kFloatList: {
        std::string e = expected_element(p);
        if (e == "a finite number") return "a list of finite numbers";
        return "a list of numbers" + e.substr(std::string_view("a number").size());
      }
      case ParamType::kStringList:
        return "a list of strings";
      case ParamType::kFloatMap: {
        std::string e = expected_element(p);
        if (e == "a finite number") return "a mapping of names to finite numbers";
        return "a mapping of names to numbers" + e.substr(std::string_view("a number").size());
      }
    }
    return "?";
  }

  // What was given, for "expected X, got Y"; notes quoting where a number or bool was expected.
  static std::string got(const Tree& v) {
    std::string out = describe(v);
    if (v.kind == Tree::Kind::kScalar && !v.plain) {
      out += v.tagged ? " (YAML tags such as !!int are not supported; remove the tag)"
                      : " (quoted, so it is a string; remove the quotes)";
    }
    return out;
  }

  std::int64_t to_int(const Tree& v, const ParamSpec& p, const std::string& path) const {
    const std::string expected = expected_element(p);
    if (v.kind != Tree::Kind::kScalar || !v.plain) {
      fail("expected " + expected + ", got " + got(v), v.loc, path);
    }
    std::string_view s = v.text;
    if (s.size() > 1 && s[0] == '+' && s[1] >= '0' && s[1] <= '9') s.remove_prefix(1);
    std::int64_t x = 0;
    const auto res = std::from_chars(s.data(), s.data() + s.size(), x);
    if (res.ec == std::errc::result_out_of_range) {
      fail(
          "expected " + expected + ", got " + quote(v.text) + " (outside the 64-bit integer range)",
          v.loc, path);
    }
    if (res.ec != std::errc{} || res.ptr != s.data() + s.size()) {
      double d = 0;
      const auto fres = std::from_chars(s.data(), s.data() + s.size(), d);
      const bool is_number = fres.ec == std::errc{} && fres.ptr == s.data() + s.size();
      fail("expected " + expected + ", got " + quote(v.text) +
               (is_number ? " (not a whole number)" : ""),
           v.loc, path);
    }
    if ((p.min && static_cast<double>(x) < *p.min) || (p.max && static_cast<double>(x) > *p.max)) {
      fail("expected " + expected + ", got " + v.text, v.loc, path);
    }
    return x;
  }

  double to_float(const Tree& v, const ParamSpec& p, const std::string& path) const {
    const std::string expected = expected_element(p);
    if (v.kind != Tree::Kind::kScalar || !v.plain) {
      fail("expected " + expected + ", got " + got(v), v.loc, path);
    }
    std::string_view s = v.text;
    std::string_view unsigned_text = s;
    if (!unsigned_text.empty() && (unsigned_text[0] == '+' || unsigned_text[0] == '-')) {
      unsigned_text.remove_prefix(1);
    }
    std::string lower(unsigned_text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    if (lower == ".nan" || lower == "nan") {
      fail("expected " + expected + ", got " + quote(v.text) + " (NaN is not allowed)", v.loc,
           path);
    }
    if (lower == ".inf" || lower == "inf" || lower == "infinity") {
      fail("expected " + expected + ", got " + quote(v.text) + " (infinity is not allowed)", v.loc,
           path);
    }
    if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
    double x = 0;
    const auto res = std::from_chars(s.data(), s.data() + s.size(), x);
    if (res.ptr != s.data() + s.size() ||
        (res.ec != std::errc{} && res.ec != std::errc::result_out_of_range)) {
      fail("expected " + expected + ", got " + quote(v.text), v.loc, path);
    }
    if (res.ec == std::errc::result_out_of_range || !std::isfinite(x)) {
      fail("expected " + expected + ", got " + quote(v.text) +
               " (outside the range of a 64-bit float)",
           v.loc, path);
    }
    if ((p.min && x < *p.min) || (p.max && x > *p.max)) {
      fail("expected " + expected + ", got " + v.text, v.loc, path);
    }
    return x;
  }

  Value to_value(const Tree& v, const ParamSpec& p, const std::string& path) const {
    const auto expect = [&](Tree::Kind kind) {
      if (v.kind != kind)
        fail("expected " + expected_phrase(p) + ", got " + describe(v), v.loc, path);
    };
    switch (p.type) {
      case ParamType::kBool:
        if (v.kind == Tree::Kind::kScalar && v.plain && (v.text == "true" || v.text == "false")) {
          return v.text == "true";
        }
        fail("expected true or false, got " + got(v), v.loc, path);
      case ParamType::kInt:
        return to_int(v, p, path);
      case ParamType::kFloat:
        return to_float(v, p, path);
      case ParamType::kString:
        expect(Tree::Kind::kScalar);
        return v.text;
      case ParamType::kChoice: {
        expect(Tree::Kind::kScalar);
        if (std::find(p.choices.begin(), p.choices.end(), v.text) != p.choices.end()) return v.text;
        const std::string best = core::did_you_mean(v.text, p.choices);
        fail("expected " + expected_phrase(p) + ", got " + quote(v.text) +
                 (best.empty() ? "" : "; did you mean " + quote(best) + "?"),
             v.loc, path);
      }
      case ParamType::kIntList: {
        expect(Tree::Kind::kSequence);
        std::vector<std::int64_t> out;
        out.reserve(v.items.size());
        for (std::size_t i = 0; i < v.items.size(); ++i) {
          out.push_back(to_int(v.items[i], p, indexed(path, i)));
        }
        return out;
      }
      case ParamType::kFloatList: {
        expect(Tree::Kind::kSequence);
        std::vector<double> out;
        out.reserve(v.items.size());
        for (std::size_t i = 0; i < v.items.size(); ++i) {
          out.push_back(to_float(v.items[i], p, indexed(path, i)));
        }
        return out;
      }
      case ParamType::kStringList: {
        expect(Tree::Kind::kSequence);
        std::vector<std::string> out;
        out.reserve(v.items.size());
        for (std::size_t i = 0; i < v.items.size(); ++i) {
          if (v.items[i].kind != Tree::Kind::kScalar) {
            fail("expected a string, got " + describe(v.items[i]), v.items[i].loc,
                 indexed(path, i));
          }
          out.push_back(v.items[i].text);
        }
        return out;
      }
      case ParamType::kFloatMap: {
        expect(Tree::Kind::kMapping);
        FloatMap out;
        out.reserve(v.entries.size());
        for (const Entry& e : v.entries) {
          out.emplace_back(e.key, to_float(e.value, p, join_path(path, e.key)));
        }
        return out;
      }
    }
    fail("internal: unknown parameter type", v.loc, path);
  }

  void validate_mapping(const Tree& mapping, const std::string& scope,
                        const std::string& concrete) {
    mapping_locs_[concrete] = mapping.loc;
    const SchemaNode& here = index_.at(scope);
    for (const Entry& e : mapping.entries) {
      const std::string path = join_path(concrete, e.key);
      const std::string abstract = join_path(scope, e.key);
      const SchemaNode* node = index_.find(abstract);
      if (node == nullptr) {
        std::vector<std::string> valid = here.children;
        if (scope.empty()) valid.emplace_back(kIncludeKey);
        fail(unknown_key(e.key, valid), e.key_loc, path);
      }
      switch (node->kind) {
        case SchemaNode::Kind::kSection:
          if (e.value.kind == Tree::Kind::kNull) {
            mapping_locs_[path] = e.key_loc;
            break;
          }
          if (e.value.kind != Tree::Kind::kMapping) {
            fail("expected a section (a mapping with the keys " +
                     core::join(index_.at(abstract).children, ", ") + "), got " + describe(e.value),
                 e.value.loc, path);
          }
          validate_mapping(e.value, abstract, path);
          break;
        case SchemaNode::Kind::kList:
          validate_list(e, *node, path);
          break;
        case SchemaNode::Kind::kParam:
          values_[path] = Found{to_value(e.value, schema_.params[node->index], path), e.value.loc};
          break;
        case SchemaNode::Kind::kRecord:
          fail("internal: unexpected record node", e.key_loc, path);
      }
    }
  }

  void validate_list(const Entry& e, const SchemaNode& node, const std::string& path) {
    const ListSpec& spec = schema_.lists[node.index];
    const std::string record_scope = spec.path + "[]";
    const std::string fields = core::join(index_.at(record_scope).children, ", ");
    std::size_t n = 0;
    if (e.value.kind == Tree::Kind::kSequence) {
      n = e.value.items.size();
    } else if (e.value.kind != Tree::Kind::kNull) {
      fail("expected a list of records (each starting with '- ' and having the keys " + fields +
               "), got " + describe(e.value),
           e.value.loc, path);
    }
    if (n < spec.min_items) {
      fail("expected at least " + plural(spec.min_items, "record") + ", got " + std::to_string(n),
           e.value.loc, path);
    }
    if (n > spec.max_items) {
      fail("expected at most " + plural(spec.max_items, "record") + ", got " + std::to_string(n),
           e.value.loc, path);
    }
    for (std::size_t i = 0; i < n; ++i) {
      const Tree& record = e.value.items[i];
      if (record.kind != Tree::Kind::kMapping) {
        fail("expected a record (a mapping with the keys " + fields + "), got " + describe(record),
             record.loc, indexed(path, i));
      }
      validate_mapping(record, record_scope, indexed(path, i));
    }
    list_sizes_[path] = n;
  }

  // Location of the innermost mapping that exists on the way to `path` (for "missing" errors).
  Loc nearest_mapping(std::string path) const {
    while (true) {
      if (const auto it = mapping_locs_.find(path); it != mapping_locs_.end()) return it->second;
      if (path.empty()) return Loc{};
      const std::size_t cut = path.find_last_of(".[");
      path = cut == std::string::npos ? std::string{} : path.substr(0, cut);
    }
  }

  std::string empty_note() const { return root_empty_ ? " (the scenario is empty)" : ""; }

  void missing_param(const ParamSpec& p, const std::string& path) const {
    const std::size_t cut = path.find_last_of('.');
    const std::string parent = cut == std::string::npos ? std::string{} : path.substr(0, cut);
    const std::string name = cut == std::string::npos ? path : path.substr(cut + 1);
    std::string message = "missing required key " + quote(name);
    if (!parent.empty()) message += " in " + parent;
    if (!p.doc.empty()) message += " (" + p.doc + ")";
    fail(message + empty_note(), nearest_mapping(parent), path);
  }

  ResolvedScenario resolve(Tree& root, std::uint32_t file) {
    root_empty_ = root.entries.empty();
    // Missing keys at the top level are reported against the file, not its first line.
    root.loc = Loc{file, 0, 0};
    validate_mapping(root, "", "");

    for (const ListSpec& l : schema_.lists) {
      if (list_sizes_.contains(l.path)) continue;
      if (l.min_items > 0) {
        const std::size_t cut = l.path.find_last_of('.');
        const std::string parent = cut == std::string::npos ? std::string{} : l.path.substr(0, cut);
        std::string message = "missing required list " + quote(l.path) + " (at least " +
                              plural(l.min_items, "record") + ")";
        fail(message + empty_note(), nearest_mapping(parent), l.path);
      }
      list_sizes_[l.path] = 0;
    }

    ResolvedScenario out;
    out.schema_ = &schema_;
    out.source_file_ = files_[file];
    const auto emit = [&](const ParamSpec& p, const std::string& path) {
      out.index_[path] = out.entries_.size();
      if (const auto it = values_.find(path); it != values_.end()) {
        out.entries_.emplace_back(path, std::move(it->second.value));
        const Loc loc = it->second.loc;
        out.origins_[path] = Origin{files_[loc.file], loc.line, loc.column};
      } else if (p.default_value) {
        out.entries_.emplace_back(path, *p.default_value);
        out.origins_[path] = Origin{"(default)", 0, 0};
      } else {
        missing_param(p, path);
      }
    };
    std::vector<bool> list_done(schema_.lists.size(), false);
    for (std::size_t i = 0; i < schema_.params.size(); ++i) {
      const auto list = index_.param_list()[i];
      if (!list) {
        emit(schema_.params[i], schema_.params[i].path);
        continue;
      }
      if (list_done[*list]) continue;
      list_done[*list] = true;
      const std::size_t n = list_sizes_.at(schema_.lists[*list].path);
      for (std::size_t r = 0; r < n; ++r) {
        for (const std::size_t q : index_.list_params()[*list]) {
          std::string path = schema_.params[q].path;
          path.replace(path.find("[]"), 2, '[' + std::to_string(r) + ']');
          emit(schema_.params[q], path);
        }
      }
    }
    for (const auto& [path, n] : list_sizes_) out.list_sizes_[path] = n;
    return out;
  }

  const Schema& schema_;
  const LoadOptions& options_;
  SchemaIndex index_;
  std::vector<std::string> files_;  ///< file names for Loc::file; [0] is "--set"
  std::size_t node_count_ = 0;      ///< YAML nodes read so far, over all files and overrides
  bool root_empty_ = false;
  std::map<std::string, Found, std::less<>> values_;  ///< concrete path -> value given
  std::map<std::string, std::size_t, std::less<>> list_sizes_;
  std::map<std::string, Loc, std::less<>> mapping_locs_;  ///< sections and records present
};

}  // namespace

void validate_schema(const Schema& schema) {
  const SchemaIndex index(schema);
  static_cast<void>(index);
}

ResolvedScenario load_scenario(const std::filesystem::path& file, const Schema& schema,
                               const LoadOptions& options) {
  Loader loader(schema, options);
  const std::uint32_t id = loader.add_file(file.string());
  const std::string text = loader.read_file(file, id);
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(file, ec);
  if (ec) canonical = fs::absolute(file, ec);
  return loader.load(text, id, file.parent_path(), canonical);
}

ResolvedScenario load_scenario_text(std::string_view text, const std::string& display_name,
                                    const std::filesystem::path& base_dir, const Schema& schema,
                                    const LoadOptions& options) {
  Loader loader(schema, options);
  const std::uint32_t id = loader.add_file(display_name);
  return loader.load(text, id, base_dir, {});
}

}  // namespace dipsim::io
