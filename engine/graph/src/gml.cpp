// GML reader and writer; see graph_io.hpp.
//
// How: a small tokenizer (keys, integers, reals, quoted strings, brackets; `#` comments) with line
// and column tracking, and a recursive-descent reader of `graph [ ... ]` that keeps node ids,
// labels and the requested attributes and skips every other key (including nested lists). Nodes
// get dense ids in order of declaration; edges are resolved after the whole graph is read, so
// edges may precede the nodes they name.
//
// Reference: M. Himsolt, "GML: A portable graph file format", Universität Passau (1997).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <limits>
#include <ostream>
#include <string>
#include <unordered_map>

#include "dipsim/core/text.hpp"
#include "dipsim/graph/graph_io.hpp"
#include "io_common.hpp"

namespace dipsim::graph {

namespace {

enum class Tok { kKey, kInt, kReal, kString, kOpen, kClose, kEnd };

const char* tok_name(Tok t) {
  switch (t) {
    case Tok::kKey:
      return "a key";
    case Tok::kInt:
      return "an integer";
    case Tok::kReal:
      return "a real number";
    case Tok::kString:
      return "a string";
    case Tok::kOpen:
      return "'['";
    case Tok::kClose:
      return "']'";
    case Tok::kEnd:
      return "the end of the file";
  }
  return "?";
}

struct Token {
  Tok type = Tok::kEnd;
  std::string_view text;  // for strings: without the quotes
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

class Lexer {
 public:
  Lexer(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  Token next() {
    skip_blank();
    Token t;
    t.line = line_;
    t.column = column();
    if (pos_ >= text_.size()) return t;
    const char c = text_[pos_];
    if (c == '[' || c == ']') {
      t.type = c == '[' ? Tok::kOpen : Tok::kClose;
      t.text = text_.substr(pos_, 1);
      advance(1);
      return t;
    }
    if (c == '"') {
      const std::size_t begin = pos_ + 1;
      std::size_t end = begin;
      while (end < text_.size() && text_[end] != '"') ++end;
      if (end >= text_.size()) {
        detail::input_error(file_, t.line, t.column,
                            "string opened here is not closed; expected a closing '\"'");
      }
      t.type = Tok::kString;
      t.text = text_.substr(begin, end - begin);
      advance(end + 1 - pos_);
      return t;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t end = pos_;
      while (end < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_')) {
        ++end;
      }
      t.type = Tok::kKey;
      t.text = text_.substr(pos_, end - pos_);
      advance(end - pos_);
      return t;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.') {
      std::size_t end = pos_ + 1;
      bool real = c == '.';
      while (end < text_.size()) {
        const char d = text_[end];
        if (std::isdigit(static_cast<unsigned char>(d))) {
        } else if (d == '.' || d == 'e' || d == 'E' ||
                   ((d == '-' || d == '+') && (text_[end - 1] == 'e' || text_[end - 1] == 'E'))) {
          real = true;
        } else {
          break;
        }
        ++end;
      }
      t.type = real ? Tok::kReal : Tok::kInt;
      t.text = text_.substr(pos_, end - pos_);
      advance(end - pos_);
      return t;
    }
    detail::input_error(file_, t.line, t.column,
                        "unexpected character " + core::quote(std::string_view(&text_[pos_], 1)) +
                            "; expected a key, a number, a string, '[' or ']'");
  }

 private:
  void skip_blank() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '#' && (pos_ == line_start_ || only_blank_since_line_start())) {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (c == '\n') {
        ++pos_;
        ++line_;
        line_start_ = pos_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else {
        break;
      }
    }
  }
  bool only_blank_since_line_start() const {
    for (std::size_t i = line_start_; i < pos_; ++i) {
      if (!std::isspace(static_cast<unsigned char>(text_[i]))) return false;
    }
    return true;
  }
  void advance(std::size_t k) {
    for (std::size_t i = 0; i < k; ++i) {
      if (text_[pos_ + i] == '\n') {
        ++line_;
        line_start_ = pos_ + i + 1;
      }
    }
    pos_ += k;
  }
  std::uint32_t column() const { return static_cast<std::uint32_t>(pos_ - line_start_ + 1); }

  std::string_view text_;
  std::string_view file_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  std::uint32_t line_ = 1;
};

struct PendingEdge {
  std::int64_t source;
  std::int64_t target;
  std::uint32_t line;
  std::uint32_t column;
};

class GmlReader {
 public:
  GmlReader(std::string_view text, std::string_view file, const GmlOptions& options)
      : lex_(text, file),
        file_(file),
        options_(options),
        country_(options.country_attribute, std::numeric_limits<std::uint16_t>::max()),
        community_(options.community_attribute, std::numeric_limits<std::uint32_t>::max() - 1) {}

  LoadedGraph read() {
    bool seen_graph = false;
    for (Token key = lex_.next(); key.type != Tok::kEnd; key = lex_.next()) {
      expect_key(key);
      if (key.text == "graph") {
        if (seen_graph) error(key, "a second 'graph' list; expected one graph per file");
        seen_graph = true;
        const Token open = lex_.next();
        if (open.type != Tok::kOpen) unexpected(open, "'[' after 'graph'");
        read_graph(open);
      } else {
        skip_value(lex_.next());
      }
    }
    if (!seen_graph) {
      detail::input_error(file_, 0, 0, "no 'graph [ ... ]' list found; expected a GML graph");
    }
    return finish();
  }

 private:
  [[noreturn]] void error(const Token& at, const std::string& message) {
    detail::input_error(file_, at.line, at.column, message);
  }
  [[noreturn]] void unexpected(const Token& got, const std::string& expected) {
    std::string what = tok_name(got.type);
    if (got.type != Tok::kEnd) what += " " + core::quote(got.text);
    error(got, "expected " + expected + ", got " + what);
  }
  void expect_key(const Token& t) {
    if (t.type != Tok::kKey) unexpected(t, "a key");
  }

  static constexpr int kMaxSkipDepth = 256;

  /// Skips one value; lists recursively. Lists nested deeper than kMaxSkipDepth are refused: each
  /// level is a recursive call, and `a [ a [ a [ ...` a million times would otherwise overflow the
  /// stack (real GML files nest a few levels, e.g. `graphics [ Line [ point [ ... ] ] ]`).
  void skip_value(const Token& value, int depth = 0) {
    switch (value.type) {
      case Tok::kInt:
      case Tok::kReal:
      case Tok::kString:
        return;
      case Tok::kOpen:
        if (depth >= kMaxSkipDepth) {
          error(value, "lists are nested more than " + std::to_string(kMaxSkipDepth) +
                           " levels deep; expected GML (graph [ node [ ... ] edge [ ... ] ])");
        }
        for (Token t = lex_.next();; t = lex_.next()) {
          if (t.type == Tok::kClose) return;
          if (t.type == Tok::kEnd) unclosed(value);
          expect_key(t);
          skip_value(lex_.next(), depth + 1);
        }
      default:
        unexpected(value, "a value (number, string or '[')");
    }
  }
  [[noreturn]] void unclosed(const Token& open) {
    error(open, "'[' opened here is not closed before the end of the file; expected ']'");
  }

  std::int64_t integer(const Token& t, const char* what) {
    if (t.type != Tok::kInt) unexpected(t, std::string("an integer ") + what);
    std::int64_t x = 0;
    const char* first = t.text.data() + (t.text.starts_with('+') ? 1 : 0);
    const auto [ptr, ec] = std::from_chars(first, t.text.data() + t.text.size(), x);
    if (ec != std::errc() || ptr != t.text.data() + t.text.size()) {
      error(t, std::string("expected an integer ") + what + " within 64 bits, got " +
                   core::quote(t.text));
    }
    return x;
  }

  void read_graph(const Token& open) {
    for (Token key = lex_.next();; key = lex_.next()) {
      if (key.type == Tok::kClose) return;
      if (key.type == Tok::kEnd) unclosed(open);
      expect_key(key);
      if (key.text == "directed") {
        directed_ = integer(lex_.next(), "for 'directed' (0 or 1)") != 0;
      } else if (key.text == "node") {
        read_node(key);
      } else if (key.text == "edge") {
        read_edge(key);
      } else {
        skip_value(lex_.next());
      }
    }
  }

  void read_node(const Token& node_key) {
    const Token open = lex_.next();
    if (open.type != Tok::kOpen) unexpected(open, "'[' after 'node'");
    bool has_id = false;
    std::int64_t id = 0;
    std::string label;
    std::uint64_t country = 0, community = 0;
    NodeKind kind = NodeKind::kCitizen;
    for (Token key = lex_.next();; key = lex_.next()) {
      if (key.type == Tok::kClose) break;
      if (key.type == Tok::kEnd) unclosed(open);
      expect_key(key);
      const Token value = lex_.next();
      if (key.text == "id") {
        if (has_id) error(key, "node has a second 'id'; expected one");
        id = integer(value, "node id");
        has_id = true;
      } else if (key.text == "label" && value.type == Tok::kString) {
        label = std::string(value.text);
      } else if (attribute_value(key, value, country_)) {
        country = last_code_;
      } else if (attribute_value(key, value, community_)) {
        community = last_code_;
      } else if (!options_.kind_attribute.empty() && key.text == options_.kind_attribute &&
                 value.type != Tok::kOpen) {
        kind =
            detail::code_kind(value.text, file_, value.line, value.column, options_.kind_attribute);
      } else {
        skip_value(value);
      }
    }
    if (!has_id) error(node_key, "node has no 'id'; expected 'id <integer>'");
    const auto [it, inserted] = index_.try_emplace(id, static_cast<NodeId>(ids_.size()));
    if (!inserted) {
      error(node_key, "duplicate node id " + std::to_string(id) + " (first declared as node #" +
                          std::to_string(it->second) + "); expected unique ids");
    }
    if (ids_.size() >= kNoNode - 1)
      error(node_key, "too many nodes; at most 2^32 - 2 are supported");
    ids_.push_back(id);
    labels_.push_back(std::move(label));
    countries_.push_back(static_cast<std::uint16_t>(country));
    communities_.push_back(static_cast<std::uint32_t>(community));
    kinds_.push_back(kind);
  }

  bool attribute_value(const Token& key, const Token& value, detail::AttributeCoder& coder) {
    if (!coder.active() || key.text != coder.name()) return false;
    if (value.type != Tok::kInt && value.type != Tok::kString) {
      unexpected(value, "an integer or a string for node attribute '" + coder.name() + "'");
    }
    last_code_ =
        coder.code(value.text, value.type == Tok::kString, file_, value.line, value.column);
    return true;
  }

  void read_edge(const Token& edge_key) {
    const Token open = lex_.next();
    if (open.type != Tok::kOpen) unexpected(open, "'[' after 'edge'");
    bool has_source = false, has_target = false;
    PendingEdge e{0, 0, edge_key.line, edge_key.column};
    for (Token key = lex_.next();; key = lex_.next()) {
      if (key.type == Tok::kClose) break;
      if (key.type == Tok::kEnd) unclosed(open);
      expect_key(key);
      const Token value = lex_.next();
      if (key.text == "source") {
        e.source = integer(value, "edge source");
        has_source = true;
      } else if (key.text == "target") {
        e.target = integer(value, "edge target");
        has_target = true;
      } else {
        skip_value(value);
      }
    }
    if (!has_source || !has_target) {
      error(edge_key, std::string("edge has no '") + (has_source ? "target" : "source") +
                          "'; expected 'source <id> target <id>'");
    }
    edges_.push_back(e);
  }

  LoadedGraph finish() {
    LoadedGraph out;
    const auto n = static_cast<NodeId>(ids_.size());
    std::vector<Edge> edges;
    edges.reserve(directed_ ? edges_.size() : 2 * edges_.size());
    for (const PendingEdge& e : edges_) {
      const auto s = index_.find(e.source);
      const auto t = index_.find(e.target);
      if (s == index_.end() || t == index_.end()) {
        detail::input_error(file_, e.line, e.column,
                            "edge " + std::string(s == index_.end() ? "source " : "target ") +
                                std::to_string(s == index_.end() ? e.source : e.target) +
                                " names no node; expected the id of a declared node");
      }
      out.self_loops_read += s->second == t->second ? 1 : 0;
      edges.push_back(Edge{s->second, t->second});
      if (!directed_) edges.push_back(Edge{t->second, s->second});
    }
    out.edges_read = edges_.size();
    out.original_ids = std::move(ids_);
    out.node_names = std::move(labels_);
    out.country_names = country_.take_names();
    out.community_names = community_.take_names();
    out.graph.country = std::move(countries_);
    out.graph.community = std::move(communities_);
    out.graph.kind = std::move(kinds_);
    build_csr(out.graph, n, std::move(edges), options_.build);
    return out;
  }

  Lexer lex_;
  std::string_view file_;
  const GmlOptions& options_;
  detail::AttributeCoder country_;
  detail::AttributeCoder community_;
  std::uint64_t last_code_ = 0;
  bool directed_ = false;
  std::unordered_map<std::int64_t, NodeId> index_;
  std::vector<std::int64_t> ids_;
  std::vector<std::string> labels_;
  std::vector<std::uint16_t> countries_;
  std::vector<std::uint32_t> communities_;
  std::vector<NodeKind> kinds_;
  std::vector<PendingEdge> edges_;
};

}  // namespace

LoadedGraph parse_gml(std::string_view text, std::string_view source_name,
                      const GmlOptions& options) {
  return GmlReader(text, source_name, options).read();
}

LoadedGraph read_gml(const std::filesystem::path& path, const GmlOptions& options) {
  const std::string text = detail::read_whole_file(path);
  return parse_gml(text, path.string(), options);
}

void write_gml(const FollowGraph& graph, std::ostream& out) {
  out << "Creator \"dipsim\"\n"
         "graph [\n"
         "  comment \"dipsim follow graph: an edge u -> v means u follows v\"\n"
         "  directed 1\n";
  std::string buffer;
  auto flush = [&] {
    out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    buffer.clear();
  };
  const NodeId n = graph.num_nodes();
  for (NodeId v = 0; v < n; ++v) {
    const std::string id = std::to_string(v);
    buffer += "  node [ id " + id + " label \"n" + id + "\" country " +
              std::to_string(graph.country.empty() ? 0 : graph.country[v]) + " community " +
              std::to_string(graph.community.empty() ? 0 : graph.community[v]) + " kind \"" +
              std::string(to_string(graph.kind[v])) + "\" ]\n";
    if (buffer.size() > (1 << 20)) flush();
  }
  const NodeId rows = graph.following.num_nodes();
  for (NodeId u = 0; u < rows; ++u) {
    for (NodeId v : graph.following.row(u)) {
      buffer += "  edge [ source " + std::to_string(u) + " target " + std::to_string(v) + " ]\n";
      if (buffer.size() > (1 << 20)) flush();
    }
  }
  buffer += "]\n";
  flush();
}

void write_gml(const FollowGraph& graph, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    throw core::Error(core::ErrorKind::kIo, "cannot open file for writing",
                      core::InputLocation{path.string(), 0, 0, ""});
  }
  write_gml(graph, out);
  out.flush();
  if (!out) {
    throw core::Error(core::ErrorKind::kIo, "write error",
                      core::InputLocation{path.string(), 0, 0, ""});
  }
}

std::optional<NodeKind> parse_node_kind(std::string_view name) {
  for (int k = 0; k < kNumNodeKinds; ++k) {
    const auto kind = static_cast<NodeKind>(k);
    if (to_string(kind) == name) return kind;
  }
  return std::nullopt;
}

}  // namespace dipsim::graph
