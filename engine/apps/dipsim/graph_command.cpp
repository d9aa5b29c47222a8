// `dipsim graph generate | describe | convert`: the follow graph as a file.
//
// What: `generate` loads a scenario (with --set/--seed as `dipsim run`), builds its world and
// writes the world's follow graph; `describe` prints the statistics of graph::describe() (text or
// JSON); `convert` reads one format and writes another. Formats are chosen by extension: SNAP edge
// lists (.txt/.edges/.tsv), GML (.gml), GraphML (.graphml) and the dipsim graph file (.h5, layout
// in io/graph_file.hpp).
// How: readers throw core::Error(kInput) with file, line and column; outputs are checked before
// any work (extension, folder, existing file) and written to `OUT.tmp`, then renamed, so a failed
// or refused command never leaves a half-written OUT.
// Why here: the libraries read and write graphs; only the app decides file names, prints and
// picks exit codes (STYLE.md, Errors).
#include "graph_command.hpp"

#include <tbb/global_control.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "dipsim/core/error.hpp"
#include "dipsim/core/text.hpp"
#include "dipsim/graph/graph_io.hpp"
#include "dipsim/graph/stats.hpp"
#include "dipsim/io/graph_file.hpp"
#include "dipsim/io/parameters.hpp"
#include "dipsim/sim/world.hpp"

namespace dipsim::commands {
namespace fs = std::filesystem;

namespace {

// ---- formats -----------------------------------------------------------------------------------

enum class Format : std::uint8_t { kEdgeList, kGml, kGraphml, kH5 };

const char* format_name(Format f) {
  switch (f) {
    case Format::kEdgeList:
      return "edge list";
    case Format::kGml:
      return "GML";
    case Format::kGraphml:
      return "GraphML";
    case Format::kH5:
      return "dipsim graph file";
  }
  return "?";
}

const char* format_key(Format f) {
  switch (f) {
    case Format::kEdgeList:
      return "edge_list";
    case Format::kGml:
      return "gml";
    case Format::kGraphml:
      return "graphml";
    case Format::kH5:
      return "h5";
  }
  return "?";
}

constexpr const char* kExtensions = ".txt, .edges, .tsv (edge list), .gml, .graphml or .h5";

Format format_of(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".txt" || ext == ".edges" || ext == ".tsv") return Format::kEdgeList;
  if (ext == ".gml") return Format::kGml;
  if (ext == ".graphml") return Format::kGraphml;
  if (ext == ".h5" || ext == ".hdf5") return Format::kH5;
  throw core::Error(core::ErrorKind::kInput,
                    "cannot tell the graph format from the extension " +
                        (ext.empty() ? std::string("(none)") : core::quote(ext)) + "; expected " +
                        kExtensions,
                    core::InputLocation{path.string(), 0, 0, ""});
}

// ---- parsed command line ----------------------------------------------------------------------

/// How input files are read (flags of describe and convert).
struct ReadFlags {
  bool undirected = false;
  bool one_based = false;
  bool ignore_extra_columns = false;
  bool keep_self_loops = false;
  std::optional<std::string> country_attribute;
  std::optional<std::string> community_attribute;
  std::optional<std::string> kind_attribute;
};

struct GraphCommand {
  CLI::App* graph = nullptr;
  CLI::App* generate = nullptr;
  CLI::App* describe = nullptr;
  CLI::App* convert = nullptr;

  std::string scenario, input, output;
  std::vector<std::string> sets;
  std::optional<std::uint64_t> seed;
  std::uint32_t threads = 0;
  bool force = false, quiet = false, compress = false, json = false;
  ReadFlags read;
};

GraphCommand& command() {
  static GraphCommand c;
  return c;
}

// ---- reading -----------------------------------------------------------------------------------

/// A graph read from any format, with what the file said about itself.
struct Input {
  Format format = Format::kEdgeList;
  graph::FollowGraph graph;
  io::GraphFileInfo info;
  bool text = false;  ///< read from a text format: the two counts below are set
  EdgeId edges_read = 0;
  EdgeId self_loops_read = 0;
};

/// Node count from the header `# dipsim follow graph: N nodes, ...` that write_edge_list() puts
/// first, so isolated nodes survive an edge-list round trip; nullopt for other files.
std::optional<NodeId> dipsim_edge_list_nodes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  constexpr std::string_view kPrefix = "# dipsim follow graph: ";
  if (line.rfind(kPrefix, 0) != 0) return std::nullopt;
  const char* begin = line.data() + kPrefix.size();
  const char* end = line.data() + line.size();
  NodeId n = 0;
  const auto [ptr, ec] = std::from_chars(begin, end, n);
  if (ec != std::errc() ||
      std::string_view(ptr, static_cast<std::size_t>(end - ptr)).rfind(" nodes", 0) != 0) {
    return std::nullopt;
  }
  return n;
}

void refuse_flag(const fs::path& path, Format format, const char* flag, const char* applies_to) {
  throw core::Error(
      core::ErrorKind::kInput,
      std::string(flag) + " applies to " + applies_to + " inputs, not to a " + format_name(format),
      core::InputLocation{path.string(), 0, 0, ""});
}

Input read_input(const fs::path& path, const ReadFlags& flags) {
  Input in;
  in.format = format_of(path);
  const bool attribute_flags =
      flags.country_attribute || flags.community_attribute || flags.kind_attribute;
  if (in.format != Format::kEdgeList) {
    if (flags.undirected) refuse_flag(path, in.format, "--undirected", "edge-list");
    if (flags.one_based) refuse_flag(path, in.format, "--one-based", "edge-list");
    if (flags.ignore_extra_columns) {
      refuse_flag(path, in.format, "--ignore-extra-columns", "edge-list");
    }
  }
  if (attribute_flags && in.format != Format::kGml && in.format != Format::kGraphml) {
    refuse_flag(path, in.format, "--country/community/kind-attribute", "GML and GraphML");
  }
  if (flags.keep_self_loops && in.format == Format::kH5) {
    refuse_flag(path, in.format, "--keep-self-loops", "edge-list, GML and GraphML");
  }
  graph::BuildOptions build;
  build.keep_self_loops = flags.keep_self_loops;

  graph::LoadedGraph loaded;
  switch (in.format) {
    case Format::kH5: {
      io::GraphFile file = io::read_graph_file(path);
      in.graph = std::move(file.graph);
      in.info = std::move(file.info);
      return in;
    }
    case Format::kEdgeList: {
      graph::EdgeListOptions options;
      options.directed = !flags.undirected;
      options.one_based = flags.one_based;
      options.ignore_extra_columns = flags.ignore_extra_columns;
      options.build = build;
      if (!flags.one_based) {
        if (const auto n = dipsim_edge_list_nodes(path)) {
          options.mapping = graph::IdMapping::kIdentity;
          options.num_nodes = *n;
        }
      }
      loaded = graph::read_edge_list(path, options);
      break;
    }
    case Format::kGml:
    case Format::kGraphml: {
      graph::NodeAttributeOptions options;
      // dipsim's own GML and GraphML files use these names; absent attributes read as 0.
      options.country_attribute = flags.country_attribute.value_or("country");
      options.community_attribute = flags.community_attribute.value_or("community");
      options.kind_attribute = flags.kind_attribute.value_or("kind");
      options.build = build;
      loaded = in.format == Format::kGml ? graph::read_gml(path, options)
                                         : graph::read_graphml(path, options);
      break;
    }
  }
  in.graph = std::move(loaded.graph);
  in.info.country_names = std::move(loaded.country_names);
  in.info.community_names = std::move(loaded.community_names);
  in.text = true;
  in.edges_read = loaded.edges_read;
  in.self_loops_read = loaded.self_loops_read;
  return in;
}

// ---- writing -----------------------------------------------------------------------------------

[[noreturn]] void throw_io(const fs::path& path, const std::string& message) {
  throw core::Error(core::ErrorKind::kIo, message, core::InputLocation{path.string(), 0, 0, ""});
}

/// Everything checkable before the work starts, so a refused command is quick and leaves no trace.
Format check_output(const fs::path& path, bool force, bool compress) {
  if (path.empty()) {
    throw core::Error(core::ErrorKind::kInput, "no output file given (-o FILE)");
  }
  const Format format = format_of(path);
  if (compress && format != Format::kH5) {
    throw core::Error(
        core::ErrorKind::kInput,
        std::string("--compress applies to .h5 outputs, not to a ") + format_name(format),
        core::InputLocation{path.string(), 0, 0, ""});
  }
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (fs::is_directory(status)) {
    throw_io(path, "cannot write the graph: " + core::quote(path.string()) + " is a directory");
  }
  fs::path folder = path.parent_path();
  if (folder.empty()) folder = ".";
  const fs::file_status folder_status = fs::status(folder, error);
  if (!fs::is_directory(folder_status)) {
    throw_io(path, "cannot write " + core::quote(path.string()) + ": folder " +
                       core::quote(folder.string()) + " does not exist");
  }
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    throw_io(path, "cannot write " + core::quote(path.string()) + ": folder " +
                       core::quote(folder.string()) + " is not writable (" + std::strerror(errno) +
                       ")");
  }
  if (fs::exists(status) && !force) {
    throw_io(path, "output file " + core::quote(path.string()) +
                       " already exists and is left untouched; use --force to overwrite it");
  }
  return format;
}

/// `path.tmp`, removed on destruction unless committed (renamed to `path`).
class TempFile {
 public:
  explicit TempFile(fs::path target) : target_(std::move(target)) {
    temp_ = target_;
    temp_ += ".tmp";
  }
  ~TempFile() {
    if (committed_) return;
    std::error_code ignored;  // a destructor cannot report errors
    fs::remove(temp_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const fs::path& path() const { return temp_; }
  void commit() {
    std::error_code error;
    fs::rename(temp_, target_, error);  // atomic within one file system
    if (error) {
      throw_io(target_, "cannot rename " + core::quote(temp_.string()) + " to " +
                            core::quote(target_.string()) + ": " + error.message());
    }
    committed_ = true;
  }

 private:
  fs::path target_;
  fs::path temp_;
  bool committed_ = false;
};

void write_output(const fs::path& path, Format format, const graph::FollowGraph& graph,
                  const io::GraphFileInfo& info, bool compress) {
  TempFile temp(path);
  switch (format) {
    case Format::kEdgeList:
      graph::write_edge_list(graph, temp.path());
      break;
    case Format::kGml:
      graph::write_gml(graph, temp.path());
      break;
    case Format::kGraphml:
      graph::write_graphml(graph, temp.path());
      break;
    case Format::kH5: {
      io::GraphFileOptions options;
      options.compress = compress;
      io::write_graph_file(temp.path(), graph, info, options);
      break;
    }
  }
  temp.commit();
}

void print_written(const fs::path& path, Format format, const graph::FollowGraph& graph) {
  std::printf("wrote %s: %u nodes, %llu edges (%s)\n", path.string().c_str(), graph.num_nodes(),
              static_cast<unsigned long long>(graph.num_edges()), format_name(format));
}

// ---- describe output ----------------------------------------------------------------------------

std::array<NodeId, graph::kNumNodeKinds> count_kinds(const graph::FollowGraph& graph) {
  std::array<NodeId, graph::kNumNodeKinds> counts{};
  for (graph::NodeKind k : graph.kind) ++counts[static_cast<std::size_t>(k)];
  return counts;
}

using core::json_number;
using core::json_string;

std::string json_number(std::uint64_t x) {
  return std::to_string(x);
}

/// Flat JSON writer for one object of scalars, nested objects and arrays of numbers.
class JsonObject {
 public:
  explicit JsonObject(int indent = 2) : indent_(indent) {}
  JsonObject& raw(std::string_view key, const std::string& value) {
    body_ += (body_.empty() ? "" : ",\n") + std::string(static_cast<std::size_t>(indent_), ' ') +
             json_string(key) + ": " + value;
    return *this;
  }
  template <class T>
  JsonObject& number(std::string_view key, T value) {
    if constexpr (std::is_floating_point_v<T>) {
      return raw(key, json_number(static_cast<double>(value)));
    } else {
      return raw(key, json_number(static_cast<std::uint64_t>(value)));
    }
  }
  JsonObject& string(std::string_view key, std::string_view value) {
    return raw(key, json_string(value));
  }
  std::string str() const {
    return "{\n" + body_ + "\n" + std::string(static_cast<std::size_t>(indent_ - 2), ' ') + "}";
  }

 private:
  int indent_;
  std::string body_;
};

std::string degree_json(const graph::DegreeStats& d) {
  JsonObject o(4);
  o.number("mean", d.mean).number("variance", d.variance).number("sd", std::sqrt(d.variance));
  o.number("max", d.max);
  return o.str();
}

std::string describe_json(const fs::path& path, const Input& in, const graph::GraphStats& s) {
  JsonObject o;
  o.string("file", path.string()).string("format", format_key(in.format));
  o.number("num_nodes", s.num_nodes).number("num_edges", s.num_edges);
  o.number("self_loops", s.self_loops).number("isolated_nodes", s.isolated_nodes);
  if (in.text) o.number("edges_read", in.edges_read).number("self_loops_read", in.self_loops_read);
  o.raw("out_degree", degree_json(s.out_degree)).raw("in_degree", degree_json(s.in_degree));
  o.number("reciprocity", s.reciprocity).number("undirected_edges", s.undirected_edges);
  o.number("triangles", s.triangles).number("average_clustering", s.average_clustering);
  o.number("transitivity", s.transitivity).number("assortativity", s.assortativity);
  o.number("undirected_assortativity", s.undirected_assortativity);
  o.number("cross_country_share", s.cross_country_share);
  o.number("cross_community_share", s.cross_community_share);
  o.number("num_countries", s.num_countries);
  if (!s.country_mixing.empty()) {
    std::string rows = "[";
    const std::size_t k = s.num_countries;
    for (std::size_t a = 0; a < k; ++a) {
      rows += a ? ", [" : "[";
      for (std::size_t b = 0; b < k; ++b) {
        rows += (b ? ", " : "") + std::to_string(s.country_mixing[a * k + b]);
      }
      rows += "]";
    }
    o.raw("country_mixing", rows + "]");
  }
  o.number("weak_components", s.weak_components);
  o.number("largest_weak_component", s.largest_weak_component);
  o.number("strong_components", s.strong_components);
  o.number("largest_strong_component", s.largest_strong_component);
  o.number("diameter_lower_bound", s.diameter_lower_bound);
  o.number("diameter_sweeps", s.diameter_sweeps);
  const auto kinds = count_kinds(in.graph);
  JsonObject k(4);
  for (int i = 0; i < graph::kNumNodeKinds; ++i) {
    k.number(graph::to_string(static_cast<graph::NodeKind>(i)), kinds[static_cast<std::size_t>(i)]);
  }
  o.raw("kinds", k.str());
  return o.str() + "\n";
}

std::string describe_text(const fs::path& path, const Input& in, const graph::GraphStats& s) {
  std::string out =
      "file                   " + path.string() + " (" + format_name(in.format) + ")\n";
  if (in.text) {
    out += "records read           " + std::to_string(in.edges_read) + " edges, " +
           std::to_string(in.self_loops_read) + " self-loops" +
           (in.self_loops_read > 0 && s.self_loops == 0 ? " (dropped; --keep-self-loops keeps them)"
                                                        : "") +
           "\n";
  }
  out += graph::format_stats(s);
  const auto kinds = count_kinds(in.graph);
  if (kinds[0] != in.graph.num_nodes()) {
    out += "kinds                 ";
    for (int i = 0; i < graph::kNumNodeKinds; ++i) {
      out += " " + std::string(graph::to_string(static_cast<graph::NodeKind>(i))) + " " +
             std::to_string(kinds[static_cast<std::size_t>(i)]);
    }
    out += "\n";
  }
  return out;
}

// ---- subcommands -------------------------------------------------------------------------------

int cmd_generate(GraphCommand& c, const std::vector<fs::path>& include_dirs) {
  const Format format = check_output(c.output, c.force, c.compress);
  io::LoadOptions options;
  options.overrides = c.sets;
  if (c.seed) options.overrides.push_back("run.seed=" + std::to_string(*c.seed));
  options.include_dirs = include_dirs;
  const io::LoadedScenario loaded = io::load_dipsim_scenario(c.scenario, options);
  const sim::World world = sim::build_world(loaded.config);

  io::GraphFileInfo info;
  for (const auto& country : loaded.config.model.countries)
    info.country_names.push_back(country.name);
  info.source = "dipsim graph generate " + c.scenario + " (seed " +
                std::to_string(loaded.config.run.seed) + ")";
  for (const auto& s : c.sets) info.source += " --set " + s;
  write_output(c.output, format, world.graph, info, c.compress);
  if (!c.quiet) print_written(c.output, format, world.graph);
  return 0;
}

int cmd_describe(GraphCommand& c) {
  const Input in = read_input(c.input, c.read);
  const graph::GraphStats stats = graph::describe(in.graph);
  const std::string text =
      c.json ? describe_json(c.input, in, stats) : describe_text(c.input, in, stats);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

int cmd_convert(GraphCommand& c) {
  const Format format = check_output(c.output, c.force, c.compress);
  Input in = read_input(c.input, c.read);
  if (in.info.source.empty()) in.info.source = "dipsim graph convert " + c.input;
  write_output(c.output, format, in.graph, in.info, c.compress);
  if (!c.quiet) print_written(c.output, format, in.graph);
  return 0;
}

void add_read_flags(CLI::App* sub, ReadFlags& f) {
  sub->add_flag("--undirected", f.undirected,
                "edge list: each line u v is a link, added as u->v and v->u");
  sub->add_flag("--one-based", f.one_based, "edge list: ids start at 1 (id 0 is an error)");
  sub->add_flag("--ignore-extra-columns", f.ignore_extra_columns,
                "edge list: accept and ignore tokens after the second (e.g. weights)");
  sub->add_flag("--keep-self-loops", f.keep_self_loops,
                "keep edges u->u (dropped by default, as the simulator does)");
  sub->add_option("--country-attribute", f.country_attribute,
                  "GML/GraphML: node attribute giving the country (default: country)");
  sub->add_option("--community-attribute", f.community_attribute,
                  "GML/GraphML: node attribute giving the community (default: community)");
  sub->add_option("--kind-attribute", f.kind_attribute,
                  "GML/GraphML: node attribute giving the account kind (default: kind)");
}

void add_threads(CLI::App* sub, std::uint32_t& threads) {
  sub->add_option("--threads", threads, "worker threads (default: all cores)")
      ->check(CLI::Range(1u, 4096u));
}

}  // namespace

void add_graph_command(CLI::App& app) {
  GraphCommand& c = command();
  c.graph = app.add_subcommand(
      "graph",
      "generate, describe and convert follow graphs (.txt/.edges/.tsv, .gml, .graphml, .h5)");
  c.graph->require_subcommand(1);

  c.generate = c.graph->add_subcommand(
      "generate", "build a scenario's world and write its follow graph: generate S.yaml -o G");
  c.generate->add_option("scenario", c.scenario, "scenario YAML file")
      ->required()
      ->check(CLI::ExistingFile);
  c.generate->add_option("-o,--output", c.output, std::string("graph file: ") + kExtensions)
      ->required();
  c.generate->add_option("--seed", c.seed, "seed (overrides run.seed)");
  c.generate->add_option("--set", c.sets, "override a scenario key: --set citizens.count=20000")
      ->take_all()
      ->allow_extra_args(false);
  c.generate->add_flag("--compress", c.compress, ".h5 output: shuffle + deflate the arrays");
  c.generate->add_flag("--force", c.force, "overwrite an existing output file");
  c.generate->add_flag("-q,--quiet", c.quiet, "print nothing but errors");
  add_threads(c.generate, c.threads);

  c.describe = c.graph->add_subcommand(
      "describe", "print a graph's statistics (degrees, clustering, reciprocity, mixing, ...)");
  c.describe->add_option("file", c.input, std::string("graph file: ") + kExtensions)
      ->required()
      ->check(CLI::ExistingFile);
  c.describe->add_flag("--json", c.json, "print the statistics as JSON");
  add_read_flags(c.describe, c.read);
  add_threads(c.describe, c.threads);

  c.convert = c.graph->add_subcommand(
      "convert", "convert a graph between formats (chosen by extension): convert IN OUT");
  c.convert->add_option("input", c.input, std::string("input graph: ") + kExtensions)
      ->required()
      ->check(CLI::ExistingFile);
  c.convert->add_option("output", c.output, "output graph (same extensions)")->required();
  c.convert->add_flag("--compress", c.compress, ".h5 output: shuffle + deflate the arrays");
  c.convert->add_flag("--force", c.force, "overwrite an existing output file");
  c.convert->add_flag("-q,--quiet", c.quiet, "print nothing but errors");
  add_read_flags(c.convert, c.read);
  add_threads(c.convert, c.threads);
}

bool graph_command_parsed() {
  const GraphCommand& c = command();
  return c.graph != nullptr && c.graph->parsed();
}

int run_graph_command(const std::vector<fs::path>& include_dirs) {
  GraphCommand& c = command();
  std::optional<tbb::global_control> limit;
  if (c.threads > 0) limit.emplace(tbb::global_control::max_allowed_parallelism, c.threads);
  if (c.generate->parsed()) return cmd_generate(c, include_dirs);
  if (c.describe->parsed()) return cmd_describe(c);
  if (c.convert->parsed()) return cmd_convert(c);
  throw core::Error(core::ErrorKind::kInput,
                    "expected a graph subcommand: generate, describe or convert");
}

}  // namespace dipsim::commands
