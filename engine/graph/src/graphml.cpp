// GraphML reader and writer; see graph_io.hpp.
//
// How: a small XML scanner (elements, attributes in single or double quotes, character data,
// comments, CDATA, processing instructions, DOCTYPE, the five predefined entities and numeric
// character references) with line/column tracking feeds a reader that understands the GraphML
// subset dipsim needs: <key> (with <default>), one <graph>, <node> with <data>, <edge>. Elements
// of other namespaces (e.g. yEd's) are skipped. Nodes get dense ids in order of declaration;
// edges are resolved after the graph is read, so an edge may precede its nodes.
//
// Why a reader of our own rather than boost::read_graphml: boost reports no line numbers and needs
// each attribute's type registered before reading; dipsim's errors must point at file:line.
//
// Reference: U. Brandes, M. Eiglsperger, I. Herman, M. Himsolt and M. S. Marshall, "GraphML
// progress report", Graph Drawing 2001, LNCS 2265; GraphML primer, graphml.graphdrawing.org.
#include <charconv>
#include <fstream>
#include <ostream>
#include <unordered_map>

#include "dipsim/core/text.hpp"
#include "dipsim/graph/graph_io.hpp"
#include "io_common.hpp"

namespace dipsim::graph {

namespace {

struct Attribute {
  std::string_view name;
  std::string value;  // entities decoded
};

enum class XmlKind { kOpen, kClose, kText, kEnd };

struct XmlEvent {
  XmlKind kind = XmlKind::kEnd;
  std::string_view name;  // element name (open/close)
  std::vector<Attribute> attributes;
  bool self_closing = false;
  std::string text;  // character data (decoded)
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  const std::string* attribute(std::string_view key) const {
    for (const Attribute& a : attributes) {
      if (a.name == key) return &a.value;
    }
    return nullptr;
  }
};

class XmlScanner {
 public:
  XmlScanner(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  XmlEvent next() {
    XmlEvent ev;
    for (;;) {
      ev.line = line_;
      ev.column = column();
      if (pos_ >= text_.size()) return ev;
      if (text_[pos_] != '<') {
        ev.kind = XmlKind::kText;
        const std::size_t end = std::min(text_.find('<', pos_), text_.size());
        ev.text = decode(text_.substr(pos_, end - pos_), ev.line, ev.column);
        advance_to(end);
        return ev;
      }
      if (starts("<!--")) {
        skip_past("-->", "comment");
      } else if (starts("<![CDATA[")) {
        const std::size_t begin = pos_ + 9;
        const std::size_t end = text_.find("]]>", begin);
        if (end == std::string_view::npos)
          fail(ev.line, ev.column, "CDATA section is not closed; expected ']]>'");
        ev.kind = XmlKind::kText;
        ev.text = std::string(text_.substr(begin, end - begin));
        advance_to(end + 3);
        return ev;
      } else if (starts("<?")) {
        skip_past("?>", "processing instruction");
      } else if (starts("<!")) {
        skip_declaration();
      } else if (starts("</")) {
        advance_to(pos_ + 2);
        ev.kind = XmlKind::kClose;
        ev.name = name();
        skip_space();
        expect('>', "'>' to end the closing tag");
        return ev;
      } else {
        advance_to(pos_ + 1);
        ev.kind = XmlKind::kOpen;
        ev.name = name();
        for (;;) {
          skip_space();
          if (pos_ >= text_.size())
            fail(ev.line, ev.column, "tag opened here is not closed; expected '>'");
          if (text_[pos_] == '>') {
            advance_to(pos_ + 1);
            return ev;
          }
          if (starts("/>")) {
            advance_to(pos_ + 2);
            ev.self_closing = true;
            return ev;
          }
          const std::uint32_t attr_line = line_, attr_column = column();
          Attribute a;
          a.name = name();
          skip_space();
          expect('=', "'=' after attribute name " + core::quote(a.name));
          skip_space();
          if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\'')) {
            fail(line_, column(), "expected a quoted value for attribute " + core::quote(a.name));
          }
          const char quote = text_[pos_];
          const std::size_t end = text_.find(quote, pos_ + 1);
          if (end == std::string_view::npos) {
            fail(attr_line, attr_column,
                 "value of attribute " + core::quote(a.name) + " is not closed; expected " +
                     std::string(1, quote));
          }
          a.value = decode(text_.substr(pos_ + 1, end - pos_ - 1), line_, column());
          advance_to(end + 1);
          ev.attributes.push_back(std::move(a));
        }
      }
    }
  }

  [[noreturn]] void fail(std::uint32_t line, std::uint32_t column,
                         const std::string& message) const {
    detail::input_error(file_, line, column, message);
  }

 private:
  bool starts(std::string_view s) const { return text_.substr(pos_, s.size()) == s; }
  std::uint32_t column() const { return static_cast<std::uint32_t>(pos_ - line_start_ + 1); }
  void advance_to(std::size_t target) {
    for (; pos_ < target && pos_ < text_.size(); ++pos_) {
      if (text_[pos_] == '\n') {
        ++line_;
        line_start_ = pos_ + 1;
      }
    }
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\n')) {
      advance_to(pos_ + 1);
    }
  }
  void skip_past(std::string_view end, const char* what) {
    const std::uint32_t l = line_, c = column();
    const std::size_t at = text_.find(end, pos_);
    if (at == std::string_view::npos) {
      fail(l, c, std::string(what) + " opened here is not closed; expected " + core::quote(end));
    }
    advance_to(at + end.size());
  }
  void skip_declaration() {  // <!DOCTYPE ...> with an optional [internal subset]
    const std::uint32_t l = line_, c = column();
    int depth = 0;
    for (std::size_t i = pos_ + 2; i < text_.size(); ++i) {
      if (text_[i] == '[') ++depth;
      if (text_[i] == ']') --depth;
      if (text_[i] == '>' && depth <= 0) {
        advance_to(i + 1);
        return;
      }
    }
    fail(l, c, "declaration opened here is not closed; expected '>'");
  }
  std::string_view name() {
    const std::size_t begin = pos_;
    while (pos_ < text_.size()) {
      const char ch = text_[pos_];
      if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '>' || ch == '/' ||
          ch == '=') {
        break;
      }
      ++pos_;
    }
    if (pos_ == begin) {
      fail(line_, column(),
           "expected a name, got " + (pos_ < text_.size() ? core::quote(text_.substr(pos_, 1))
                                                          : std::string("the end of the file")));
    }
    return text_.substr(begin, pos_ - begin);
  }
  void expect(char c, const std::string& what) {
    if (pos_ >= text_.size() || text_[pos_] != c) {
      fail(line_, column(),
           "expected " + what + ", got " +
               (pos_ < text_.size() ? core::quote(text_.substr(pos_, 1))
                                    : std::string("the end of the file")));
    }
    advance_to(pos_ + 1);
  }
  std::string decode(std::string_view raw, std::uint32_t line, std::uint32_t column) const {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        out.push_back(raw[i]);
        continue;
      }
      const std::size_t semi = raw.find(';', i);
      if (semi == std::string_view::npos)
        fail(line, column, "'&' without ';': expected an entity such as &amp;");
      const std::string_view entity = raw.substr(i + 1, semi - i - 1);
      if (entity == "amp")
        out.push_back('&');
      else if (entity == "lt")
        out.push_back('<');
      else if (entity == "gt")
        out.push_back('>');
      else if (entity == "quot")
        out.push_back('"');
      else if (entity == "apos")
        out.push_back('\'');
      else if (entity.starts_with('#')) {
        unsigned code = 0;
        const bool hex = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X');
        const std::string_view digits = entity.substr(hex ? 2 : 1);
        const auto [p, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
        if (ec != std::errc() || p != digits.data() + digits.size()) {
          fail(line, column, "bad character reference " + core::quote(entity));
        }
        append_utf8(out, code);
      } else {
        fail(line, column,
             "unknown entity &" + std::string(entity) + "; expected amp, lt, gt, quot, apos or #N");
      }
      i = semi;
    }
    return out;
  }
  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (code >> 6)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (code >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (code >> 18)));
      out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
  }

  std::string_view text_;
  std::string_view file_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  std::uint32_t line_ = 1;
};

struct KeyInfo {
  std::string domain;     // "node", "edge", "graph", "all"
  std::string attr_name;  // attr.name
  bool is_string = true;  // attr.type string (or missing) vs numeric/boolean
  std::string default_value;
  bool has_default = false;
};

struct PendingEdge {
  std::string source;
  std::string target;
  bool directed;
  std::uint32_t line;
  std::uint32_t column;
};

class GraphmlReader {
 public:
  GraphmlReader(std::string_view text, std::string_view file, const GraphmlOptions& options)
      : xml_(text, file),
        file_(file),
        options_(options),
        country_(options.country_attribute, std::numeric_limits<std::uint16_t>::max()),
        community_(options.community_attribute, std::numeric_limits<std::uint32_t>::max() - 1) {}

  LoadedGraph read() {
    bool seen_root = false;
    for (XmlEvent ev = xml_.next(); ev.kind != XmlKind::kEnd; ev = xml_.next()) {
      if (ev.kind == XmlKind::kText) {
        require_blank(ev, "outside the root element");
        continue;
      }
      if (ev.kind == XmlKind::kClose) {
        xml_.fail(ev.line, ev.column,
                  "closing tag </" + std::string(ev.name) + "> without an opening tag");
      }
      if (seen_root) xml_.fail(ev.line, ev.column, "a second root element; expected one <graphml>");
      seen_root = true;
      if (ev.name != "graphml") {
        xml_.fail(ev.line, ev.column,
                  "root element is <" + std::string(ev.name) + ">; expected <graphml>");
      }
      if (!ev.self_closing) read_graphml_body(ev);
    }
    if (!seen_graph_) {
      detail::input_error(file_, 0, 0, "no <graph> element found; expected a GraphML graph");
    }
    return finish();
  }

 private:
  void require_blank(const XmlEvent& ev, const char* where) {
    for (char c : ev.text) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        xml_.fail(ev.line, ev.column,
                  std::string("unexpected text ") + core::quote(ev.text) + " " + where);
      }
    }
  }

  /// Reads children of `parent` until its closing tag; dispatches known elements.
  template <class OnChild>
  void children(const XmlEvent& parent, OnChild&& on_child) {
    for (XmlEvent ev = xml_.next();; ev = xml_.next()) {
      switch (ev.kind) {
        case XmlKind::kEnd:
          xml_.fail(parent.line, parent.column,
                    "<" + std::string(parent.name) + "> opened here is not closed; expected </" +
                        std::string(parent.name) + ">");
        case XmlKind::kClose:
          if (ev.name != parent.name) {
            xml_.fail(ev.line, ev.column,
                      "expected </" + std::string(parent.name) + "> (opened at line " +
                          std::to_string(parent.line) + "), got </" + std::string(ev.name) + ">");
          }
          return;
        case XmlKind::kText:
          on_child(ev);
          break;
        case XmlKind::kOpen:
          on_child(ev);
          break;
      }
    }
  }

  /// Skips an element's content (after its open tag), checking nesting; returns its text.
  /// Elements nested deeper than kMaxSkipDepth are refused: each level is a recursive call, and a
  /// file of a million `<a>` would otherwise overflow the stack (GraphML needs about 5 levels).
  std::string skip_element(const XmlEvent& open) {
    std::string text;
    if (open.self_closing) return text;
    if (skip_depth_ >= kMaxSkipDepth) {
      xml_.fail(open.line, open.column,
                "elements are nested more than " + std::to_string(kMaxSkipDepth) +
                    " levels deep; expected GraphML (<graphml>, <graph>, <node>, <data>, ...)");
    }
    ++skip_depth_;
    children(open, [&](const XmlEvent& ev) {
      if (ev.kind == XmlKind::kText) {
        text += ev.text;
      } else {
        text += skip_element(ev);
      }
    });
    --skip_depth_;
    return text;
  }

  static constexpr int kMaxSkipDepth = 256;
  int skip_depth_ = 0;  ///< skip_element calls under way (an error ends the whole read)

  void read_graphml_body(const XmlEvent& root) {
    children(root, [&](const XmlEvent& ev) {
      if (ev.kind == XmlKind::kText) return require_blank(ev, "inside <graphml>");
      if (ev.name == "key") {
        read_key(ev);
      } else if (ev.name == "graph") {
        if (seen_graph_) {
          xml_.fail(ev.line, ev.column, "a second <graph>; expected one graph per file");
        }
        seen_graph_ = true;
        read_graph(ev);
      } else {
        skip_element(ev);
      }
    });
  }

  void read_key(const XmlEvent& ev) {
    const std::string* id = ev.attribute("id");
    if (id == nullptr)
      xml_.fail(ev.line, ev.column, "<key> has no 'id' attribute; expected id=\"...\"");
    KeyInfo info;
    if (const std::string* f = ev.attribute("for")) info.domain = *f;
    if (const std::string* n = ev.attribute("attr.name")) info.attr_name = *n;
    if (const std::string* t = ev.attribute("attr.type")) info.is_string = *t == "string";
    if (!ev.self_closing) {
      children(ev, [&](const XmlEvent& child) {
        if (child.kind == XmlKind::kText) return;
        if (child.name == "default") {
          info.default_value = skip_element(child);
          info.has_default = true;
        } else {
          skip_element(child);
        }
      });
    }
    keys_[*id] = std::move(info);
  }

  void read_graph(const XmlEvent& ev) {
    if (const std::string* d = ev.attribute("edgedefault")) {
      if (*d != "directed" && *d != "undirected") {
        xml_.fail(ev.line, ev.column,
                  "edgedefault " + core::quote(*d) + "; expected \"directed\" or \"undirected\"");
      }
      directed_default_ = *d == "directed";
    }
    if (ev.self_closing) return;
    children(ev, [&](const XmlEvent& child) {
      if (child.kind == XmlKind::kText) return require_blank(child, "inside <graph>");
      if (child.name == "node") {
        read_node(child);
      } else if (child.name == "edge") {
        read_edge(child);
      } else if (child.name == "hyperedge") {
        xml_.fail(child.line, child.column, "<hyperedge> is not supported; expected <edge>");
      } else {
        skip_element(child);
      }
    });
  }

  void read_node(const XmlEvent& ev) {
    const std::string* id = ev.attribute("id");
    if (id == nullptr)
      xml_.fail(ev.line, ev.column, "<node> has no 'id' attribute; expected id=\"...\"");
    const auto [it, inserted] = index_.try_emplace(*id, static_cast<NodeId>(names_.size()));
    if (!inserted) {
      xml_.fail(ev.line, ev.column,
                "duplicate node id " + core::quote(*id) + "; expected unique ids");
    }
    std::uint64_t country = 0, community = 0;
    bool has_country = false, has_community = false, has_kind = false;
    NodeKind kind = NodeKind::kCitizen;
    auto take = [&](const std::string& key_id, const std::string& value, std::uint32_t line,
                    std::uint32_t column) {
      const KeyInfo& key = key_info(key_id, line, column);
      if (country_.active() && key.attr_name == country_.name()) {
        country = country_.code(trim(value), key.is_string, file_, line, column);
        has_country = true;
      } else if (community_.active() && key.attr_name == community_.name()) {
        community = community_.code(trim(value), key.is_string, file_, line, column);
        has_community = true;
      } else if (!options_.kind_attribute.empty() && key.attr_name == options_.kind_attribute) {
        kind = detail::code_kind(trim(value), file_, line, column, options_.kind_attribute);
        has_kind = true;
      }
    };
    if (!ev.self_closing) {
      children(ev, [&](const XmlEvent& child) {
        if (child.kind == XmlKind::kText) return require_blank(child, "inside <node>");
        if (child.name == "data") {
          const std::string* key = child.attribute("key");
          if (key == nullptr) {
            xml_.fail(child.line, child.column,
                      "<data> has no 'key' attribute; expected key=\"...\"");
          }
          take(*key, skip_element(child), child.line, child.column);
        } else if (child.name == "graph") {
          xml_.fail(child.line, child.column, "nested <graph> inside a node is not supported");
        } else if (child.name == "port") {
          xml_.fail(child.line, child.column, "<port> is not supported");
        } else {
          skip_element(child);
        }
      });
    }
    // Defaults declared by <key><default>.
    for (const auto& [key_id, key] : keys_) {
      if (!key.has_default || (key.domain != "node" && key.domain != "all")) continue;
      if (country_.active() && key.attr_name == country_.name() && !has_country) {
        country = country_.code(trim(key.default_value), key.is_string, file_, ev.line, ev.column);
      } else if (community_.active() && key.attr_name == community_.name() && !has_community) {
        community =
            community_.code(trim(key.default_value), key.is_string, file_, ev.line, ev.column);
      } else if (!options_.kind_attribute.empty() && key.attr_name == options_.kind_attribute &&
                 !has_kind) {
        kind = detail::code_kind(trim(key.default_value), file_, ev.line, ev.column,
                                 options_.kind_attribute);
      }
    }
    if (names_.size() >= kNoNode - 1) xml_.fail(ev.line, ev.column, "too many nodes");
    names_.push_back(*id);
    countries_.push_back(static_cast<std::uint16_t>(country));
    communities_.push_back(static_cast<std::uint32_t>(community));
    kinds_.push_back(kind);
  }

  const KeyInfo& key_info(const std::string& id, std::uint32_t line, std::uint32_t column) {
    const auto it = keys_.find(id);
    if (it == keys_.end()) {
      xml_.fail(line, column,
                "<data key=" + core::quote(id) + "> refers to no <key>; declare <key id=" +
                    core::quote(id) + " ...> before the graph");
    }
    return it->second;
  }

  static std::string_view trim(const std::string& s) {
    std::size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r'))
      --e;
    return std::string_view(s).substr(b, e - b);
  }

  void read_edge(const XmlEvent& ev) {
    const std::string* source = ev.attribute("source");
    const std::string* target = ev.attribute("target");
    if (source == nullptr || target == nullptr) {
      xml_.fail(ev.line, ev.column,
                std::string("<edge> has no '") + (source == nullptr ? "source" : "target") +
                    "' attribute; expected source=\"...\" target=\"...\"");
    }
    bool directed = directed_default_;
    if (const std::string* d = ev.attribute("directed")) {
      if (*d != "true" && *d != "false") {
        xml_.fail(ev.line, ev.column,
                  "directed=" + core::quote(*d) + "; expected \"true\" or \"false\"");
      }
      directed = *d == "true";
    }
    edges_.push_back(PendingEdge{*source, *target, directed, ev.line, ev.column});
    skip_element(ev);
  }

  LoadedGraph finish() {
    LoadedGraph out;
    const auto n = static_cast<NodeId>(names_.size());
    std::vector<Edge> edges;
    edges.reserve(edges_.size());
    for (const PendingEdge& e : edges_) {
      const auto s = index_.find(e.source);
      const auto t = index_.find(e.target);
      if (s == index_.end() || t == index_.end()) {
        detail::input_error(file_, e.line, e.column,
                            std::string("edge ") + (s == index_.end() ? "source " : "target ") +
                                core::quote(s == index_.end() ? e.source : e.target) +
                                " names no node; expected the id of a <node> in the graph");
      }
      out.self_loops_read += s->second == t->second ? 1 : 0;
      edges.push_back(Edge{s->second, t->second});
      if (!e.directed) edges.push_back(Edge{t->second, s->second});
    }
    out.edges_read = edges_.size();
    out.node_names = std::move(names_);
    out.country_names = country_.take_names();
    out.community_names = community_.take_names();
    out.graph.country = std::move(countries_);
    out.graph.community = std::move(communities_);
    out.graph.kind = std::move(kinds_);
    build_csr(out.graph, n, std::move(edges), options_.build);
    return out;
  }

  XmlScanner xml_;
  std::string_view file_;
  const GraphmlOptions& options_;
  detail::AttributeCoder country_;
  detail::AttributeCoder community_;
  std::unordered_map<std::string, KeyInfo> keys_;
  bool seen_graph_ = false;
  bool directed_default_ = true;
  std::unordered_map<std::string, NodeId> index_;
  std::vector<std::string> names_;
  std::vector<std::uint16_t> countries_;
  std::vector<std::uint32_t> communities_;
  std::vector<NodeKind> kinds_;
  std::vector<PendingEdge> edges_;
};

}  // namespace

LoadedGraph parse_graphml(std::string_view text, std::string_view source_name,
                          const GraphmlOptions& options) {
  return GraphmlReader(text, source_name, options).read();
}

LoadedGraph read_graphml(const std::filesystem::path& path, const GraphmlOptions& options) {
  const std::string text = detail::read_whole_file(path);
  return parse_graphml(text, path.string(), options);
}

void write_graphml(const FollowGraph& graph, std::ostream& out) {
  const NodeId n = graph.num_nodes();
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
         "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
         "  <!-- dipsim follow graph: an edge u -> v means u follows v -->\n"
         "  <key id=\"country\" for=\"node\" attr.name=\"country\" attr.type=\"int\"/>\n"
         "  <key id=\"community\" for=\"node\" attr.name=\"community\" attr.type=\"long\"/>\n"
         "  <key id=\"kind\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>\n"
         "  <graph id=\"G\" edgedefault=\"directed\">\n";
  std::string buffer;
  auto flush = [&] {
    out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    buffer.clear();
  };
  for (NodeId v = 0; v < n; ++v) {
    buffer += "    <node id=\"n" + std::to_string(v) + "\"><data key=\"country\">" +
              std::to_string(graph.country.empty() ? 0 : graph.country[v]) +
              "</data><data key=\"community\">" +
              std::to_string(graph.community.empty() ? 0 : graph.community[v]) +
              "</data><data key=\"kind\">" + std::string(to_string(graph.kind[v])) +
              "</data></node>\n";
    if (buffer.size() > (1 << 20)) flush();
  }
  const NodeId rows = graph.following.num_nodes();
  for (NodeId u = 0; u < rows; ++u) {
    for (NodeId v : graph.following.row(u)) {
      buffer += "    <edge source=\"n" + std::to_string(u) + "\" target=\"n" + std::to_string(v) +
                "\"/>\n";
      if (buffer.size() > (1 << 20)) flush();
    }
  }
  buffer += "  </graph>\n</graphml>\n";
  flush();
}

void write_graphml(const FollowGraph& graph, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    throw core::Error(core::ErrorKind::kIo, "cannot open file for writing",
                      core::InputLocation{path.string(), 0, 0, ""});
  }
  write_graphml(graph, out);
  out.flush();
  if (!out) {
    throw core::Error(core::ErrorKind::kIo, "write error",
                      core::InputLocation{path.string(), 0, 0, ""});
  }
}

}  // namespace dipsim::graph
