#include "dipsim/io/run.hpp"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <ctime>
#include <limits>
#include <numeric>
#include <optional>
#include <set>
#include <span>
#include <system_error>
#include <type_traits>
#include <variant>

#include "dipsim/core/error.hpp"
#include "dipsim/core/version.hpp"
#include "dipsim/graph/stats.hpp"
#include "dipsim/io/checkpoint.hpp"
#include "dipsim/io/hdf5.hpp"
#include "dipsim/io/journal.hpp"
#include "dipsim/sim/memory.hpp"
#include "dipsim/sim/simulation.hpp"

namespace dipsim::io {

std::string iso8601_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

std::set<std::uint32_t> snapshot_schedule(const sim::RunConfig& run) {
  std::set<std::uint32_t> steps(run.snapshot_steps.begin(), run.snapshot_steps.end());
  if (run.snapshot_every > 0) {
    for (std::uint32_t t = run.snapshot_every; t <= run.steps; t += run.snapshot_every) {
      steps.insert(t);
    }
  }
  return steps;
}

void write_graph_group(RunWriter& out, const sim::World& w) {
  const auto& g = w.graph;
  if (w.config.run.save_edges) {
    std::vector<std::uint32_t> from, to;
    from.reserve(g.num_edges());
    to.reserve(g.num_edges());
    for (NodeId v = 0; v < g.num_nodes(); ++v) {
      for (NodeId u : g.following.row(v)) {
        from.push_back(v);
        to.push_back(u);
      }
    }
    out.write_array<std::uint32_t>("graph/edge_follower", from, {"edge"});
    out.write_array<std::uint32_t>("graph/edge_followed", to, {"edge"});
  }
  out.write_array<std::uint16_t>("graph/node_country", g.country, {"node"});
  std::vector<std::uint8_t> kind(g.kind.size());
  for (std::size_t i = 0; i < kind.size(); ++i) kind[i] = static_cast<std::uint8_t>(g.kind[i]);
  out.write_array<std::uint8_t>("graph/node_kind", kind, {"node"});
  // Zealots: bit s set when the citizen holds its attitude toward state s fixed.
  out.write_array<std::uint8_t>("graph/citizen_fixed", w.citizens.fixed, {"citizen"});
  out.set_attribute("graph/citizen_fixed", "legend",
                    "bit s set: the citizen's attitude toward state s is fixed (a zealot)");
  std::vector<std::uint32_t> out_degree(g.num_nodes()), in_degree(g.num_nodes(), 0);
  for (NodeId v = 0; v < g.num_nodes(); ++v) {
    out_degree[v] = static_cast<std::uint32_t>(g.following.degree(v));
    for (NodeId u : g.following.row(v)) ++in_degree[u];
  }
  out.write_array<std::uint32_t>("graph/out_degree", out_degree, {"node"});
  out.write_array<std::uint32_t>("graph/in_degree", in_degree, {"node"});
  std::vector<std::string> country_names;
  for (const auto& c : w.config.model.countries) country_names.push_back(c.name);
  out.write_strings("graph/country", country_names, {"country"});
  out.write_array<std::uint32_t>("graph/country_population", w.country_population, {"country"});
  out.write_array<std::uint32_t>("graph/country_online", w.country_online, {"country"});
  std::vector<std::string> names, kinds_text;
  std::vector<std::uint32_t> nodes;
  std::vector<std::uint8_t> account_state;
  for (const auto& p : w.posters) {
    names.push_back(p.name);
    nodes.push_back(p.node);
    account_state.push_back(p.state);
    kinds_text.emplace_back(p.kind == sim::PosterKind::kMinistry         ? "ministry"
                            : p.kind == sim::PosterKind::kEmbassy        ? "embassy"
                            : p.kind == sim::PosterKind::kPaidInfluencer ? "paid_influencer"
                                                                         : "outlet");
  }
  out.write_strings("graph/account_name", names, {"account"});
  out.write_strings("graph/account_kind", kinds_text, {"account"});
  out.write_array<std::uint32_t>("graph/account_node", nodes, {"account"});
  out.write_array<std::uint8_t>("graph/account_state", account_state, {"account"});
  out.write_array<std::uint32_t>("graph/country_influencers", w.country_influencers, {"country"});
  const std::string kinds = "0=citizen 1=official 2=outlet 3=influencer 4=fact_checker 5=bot";
  out.set_attribute("graph/node_kind", "legend", kinds);
  out.set_attribute("graph", "num_nodes", static_cast<std::uint64_t>(g.num_nodes()));
  out.set_attribute("graph", "num_edges", static_cast<std::uint64_t>(g.num_edges()));
  out.set_attribute("graph", "num_citizens", static_cast<std::uint64_t>(w.citizens.count));
  const std::uint64_t max_out =
      out_degree.empty() ? 0 : *std::max_element(out_degree.begin(), out_degree.end());
  const std::uint64_t max_in =
      in_degree.empty() ? 0 : *std::max_element(in_degree.begin(), in_degree.end());
  if (w.config.run.graph_statistics) {
    // The graph layer's statistics (docs/graphs.md); triangles only up to 50M edges (cost).
    graph::DescribeOptions options;
    options.clustering = g.num_edges() <= 50'000'000;
    const graph::GraphStats st = graph::describe(g, options);
    out.set_attribute("graph", "reciprocity", st.reciprocity);
    out.set_attribute("graph", "isolated_nodes", static_cast<std::uint64_t>(st.isolated_nodes));
    out.set_attribute("graph", "assortativity", st.assortativity);
    out.set_attribute("graph", "undirected_assortativity", st.undirected_assortativity);
    out.set_attribute("graph", "cross_country_share", st.cross_country_share);
    out.set_attribute("graph", "cross_community_share", st.cross_community_share);
    out.set_attribute("graph", "weak_components", static_cast<std::uint64_t>(st.weak_components));
    out.set_attribute("graph", "largest_weak_component",
                      static_cast<std::uint64_t>(st.largest_weak_component));
    out.set_attribute("graph", "strong_components",
                      static_cast<std::uint64_t>(st.strong_components));
    out.set_attribute("graph", "largest_strong_component",
                      static_cast<std::uint64_t>(st.largest_strong_component));
    out.set_attribute("graph", "diameter_lower_bound",
                      static_cast<std::uint64_t>(st.diameter_lower_bound));
    if (options.clustering) {
      out.set_attribute("graph", "average_clustering", st.average_clustering);
      out.set_attribute("graph", "transitivity", st.transitivity);
      out.set_attribute("graph", "triangles", static_cast<std::uint64_t>(st.triangles));
    }
  }
  out.set_attribute("graph", "mean_out_degree",
                    g.num_nodes() ? static_cast<double>(g.num_edges()) / g.num_nodes() : 0.0);
  out.set_attribute("graph", "max_out_degree", max_out);
  out.set_attribute("graph", "max_in_degree", max_in);
}

template <class T>
const std::vector<T>* find_array(const sim::StateArrays& state, const std::string& name) {
  for (const auto& [n, a] : state) {
    if (n == name) return std::get_if<std::vector<T>>(&a);
  }
  return nullptr;
}

// The cascades/ table: one row per original item. Cascades finish during the run (item
// compaction drops their roots: sim/src/compaction.cpp); their rows are buffered and written a
// whole chunk at a time, so each chunk is written once and never rewritten; while the run keeps
// checkpoints each chunk also goes to the run journal (io/journal.hpp), from which a resume
// writes the rows up to its checkpoint again (as it does snapshots). The rows still
// buffered at a checkpoint go into the checkpoint. At the end, the buffer and then the live
// cascades (in serial order) are written: rows are in the order cascades finished, not in
// root_item order. Memory: one chunk of rows.
class CascadeTable {
 public:
  /// Rows per chunk and per write while running: a sixteenth of the citizens (a power of two),
  /// within [1024, 65536]. Fewer, larger chunks in large worlds, since HDF5 keeps about 140 B of
  /// chunk index in memory per chunk written; small worlds still write chunks during a run.
  static std::size_t chunk_rows(std::uint32_t citizens) {
    return std::clamp<std::size_t>(std::bit_floor(std::max<std::uint32_t>(citizens / 16, 1)), 1024,
                                   65536);
  }

  CascadeTable(RunWriter& out, std::uint32_t citizens, Journal* journal)
      : out_(out), chunk_rows_(chunk_rows(citizens)), journal_(journal) {}

  /// Takes the cascades that finished in a step.
  void add(std::span<const sim::CascadeRow> rows) {
    buffer_.insert(buffer_.end(), rows.begin(), rows.end());
    if (buffer_.size() < chunk_rows_) return;
    std::size_t done = 0;
    for (; buffer_.size() - done >= chunk_rows_; done += chunk_rows_) {
      const auto chunk = std::span<const sim::CascadeRow>(buffer_).subspan(done, chunk_rows_);
      write(chunk);
      if (journal_ != nullptr) journal_->append_cascades(chunk);
    }
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(done));
  }

  /// Writes the buffered rows, then `live` (the cascades still open at the end of the run), and
  /// the number of items posted.
  void finish(std::span<const sim::CascadeRow> live, std::uint64_t items_posted) {
    write(buffer_);
    buffer_.clear();
    write(live);
    out_.set_attribute("cascades", "num_items", items_posted);
  }

  /// Adds the table's position (rows written to the file) and its buffered rows to a checkpoint.
  void save(sim::StateArrays& state) const {
    std::vector<std::uint64_t> root;
    std::vector<std::uint32_t> author, size, depth, start, lifetime;
    std::vector<std::uint8_t> st;
    std::vector<float> quality;
    for (const auto& r : buffer_) {
      root.push_back(r.root);
      author.push_back(r.author);
      st.push_back(r.state);
      size.push_back(r.size);
      depth.push_back(r.depth);
      start.push_back(r.start);
      lifetime.push_back(r.lifetime);
      quality.push_back(r.quality);
    }
    state.emplace_back("run/cascade_rows_written", std::vector<std::uint64_t>{written_});
    state.emplace_back("run/cascade_root", std::move(root));
    state.emplace_back("run/cascade_author", std::move(author));
    state.emplace_back("run/cascade_state", std::move(st));
    state.emplace_back("run/cascade_size", std::move(size));
    state.emplace_back("run/cascade_depth", std::move(depth));
    state.emplace_back("run/cascade_start", std::move(start));
    state.emplace_back("run/cascade_lifetime", std::move(lifetime));
    state.emplace_back("run/cascade_quality", std::move(quality));
  }

  /// Continues a table from a checkpoint: writes again the rows it says were written (`written`,
  /// from the run journal), a chunk at a time, and takes back its buffered rows. A checkpoint
  /// without the table (written before cascades could finish early) holds every cascade live.
  void restore(const sim::StateArrays& state, std::span<const sim::CascadeRow> written_rows) {
    const auto* written = find_array<std::uint64_t>(state, "run/cascade_rows_written");
    if (written == nullptr) return;
    const auto* root = find_array<std::uint64_t>(state, "run/cascade_root");
    const auto* author = find_array<std::uint32_t>(state, "run/cascade_author");
    const auto* st = find_array<std::uint8_t>(state, "run/cascade_state");
    const auto* size = find_array<std::uint32_t>(state, "run/cascade_size");
    const auto* depth = find_array<std::uint32_t>(state, "run/cascade_depth");
    const auto* start = find_array<std::uint32_t>(state, "run/cascade_start");
    const auto* lifetime = find_array<std::uint32_t>(state, "run/cascade_lifetime");
    const auto* quality = find_array<float>(state, "run/cascade_quality");
    const std::size_t n = root != nullptr ? root->size() : 0;
    for (const std::size_t k :
         {author != nullptr ? author->size() : 0, st != nullptr ? st->size() : 0,
          size != nullptr ? size->size() : 0, depth != nullptr ? depth->size() : 0,
          start != nullptr ? start->size() : 0, lifetime != nullptr ? lifetime->size() : 0,
          quality != nullptr ? quality->size() : 0}) {
      if (root == nullptr || k != n || written->size() != 1 || written->front() % chunk_rows_) {
        throw core::Error(core::ErrorKind::kInput,
                          "checkpoint arrays run/cascade_* are missing or do not fit together");
      }
    }
    if (written_rows.size() != written->front()) {
      throw core::Error(core::ErrorKind::kInput,
                        "the run journal holds " + std::to_string(written_rows.size()) +
                            " finished cascades, but the checkpoint counts " +
                            std::to_string(written->front()));
    }
    for (std::size_t first = 0; first < written_rows.size(); first += chunk_rows_) {
      write(written_rows.subspan(first, std::min(chunk_rows_, written_rows.size() - first)));
    }
    buffer_.clear();
    for (std::size_t i = 0; i < n; ++i) {
      buffer_.push_back(sim::CascadeRow{(*root)[i], (*author)[i], (*st)[i], (*size)[i], (*depth)[i],
                                        (*start)[i], (*lifetime)[i], (*quality)[i]});
    }
  }

 private:
  template <h5::Number T, class Get>
  void column(const char* name, std::span<const sim::CascadeRow> rows, Get get) {
    std::vector<T>& v = scratch<T>();
    v.clear();
    for (const auto& r : rows) v.push_back(static_cast<T>(get(r)));
    out_.append_array<T>(std::string("cascades/") + name, v, "cascade", chunk_rows_);
  }
  template <class T>
  std::vector<T>& scratch() {
    if constexpr (std::is_same_v<T, std::uint64_t>) return u64_;
    if constexpr (std::is_same_v<T, std::uint32_t>) return u32_;
    if constexpr (std::is_same_v<T, std::uint8_t>) return u8_;
    if constexpr (std::is_same_v<T, float>) return f32_;
  }
  void write(std::span<const sim::CascadeRow> rows) {
    using Row = sim::CascadeRow;
    column<std::uint64_t>("root_item", rows, [](const Row& r) { return r.root; });
    column<std::uint32_t>("author", rows, [](const Row& r) { return r.author; });
    column<std::uint8_t>("state", rows, [](const Row& r) { return r.state; });
    column<std::uint32_t>("size", rows, [](const Row& r) { return r.size; });
    column<std::uint32_t>("depth", rows, [](const Row& r) { return r.depth; });
    column<std::uint32_t>("start_step", rows, [](const Row& r) { return r.start; });
    column<std::uint32_t>("lifetime", rows, [](const Row& r) { return r.lifetime; });
    column<float>("quality", rows, [](const Row& r) { return r.quality; });
    written_ += rows.size();
  }

  RunWriter& out_;
  std::size_t chunk_rows_;
  Journal* journal_;  ///< null when the run keeps no checkpoints
  std::vector<sim::CascadeRow> buffer_;
  std::uint64_t written_ = 0;  ///< rows in the file
  std::vector<std::uint64_t> u64_;
  std::vector<std::uint32_t> u32_;
  std::vector<std::uint8_t> u8_;
  std::vector<float> f32_;
};

// Per-state digital-diplomacy scorecard after the criteria of the digital-diplomacy rankings
// (presence, engagement, specialisation; e.g. the Digital Diplomacy Review's ranking): see
// docs/output-format.md for each formula.
void write_scorecard(RunWriter& out, const sim::Simulation& simulation,
                     const sim::MetricFrame& final_metrics) {
  const sim::World& w = simulation.world();
  const auto& crisis_response = simulation.crisis_response();
  const std::size_t num_states = w.config.model.states.size();
  const std::size_t num_themes = w.config.model.themes.size();
  std::vector<std::uint32_t> accounts(num_states, 0), posts(num_states, 0), paid(num_states, 0);
  std::vector<std::uint64_t> audience(num_states, 0), interactions(num_states, 0);
  std::vector<std::vector<double>> theme_posts(num_states, std::vector<double>(num_themes, 0.0));
  std::vector<std::uint32_t> in_degree(w.graph.num_nodes(), 0);
  for (NodeId v = 0; v < w.graph.num_nodes(); ++v) {
    for (NodeId u : w.graph.following.row(v)) ++in_degree[u];
  }
  for (const auto& p : w.posters) {
    if (p.kind == sim::PosterKind::kMinistry || p.kind == sim::PosterKind::kEmbassy) {
      ++accounts[p.state];
      audience[p.state] += in_degree[p.node];
    }
  }
  // Sums over every original post: finished cascades and live ones.
  const sim::ScorecardTally tally = simulation.scorecard_tally();
  for (std::size_t s = 0; s < num_states; ++s) {
    posts[s] = static_cast<std::uint32_t>(tally.posts[s]);
    paid[s] = static_cast<std::uint32_t>(tally.paid_posts[s]);
    interactions[s] = tally.interactions[s];
    for (std::size_t k = 0; k < num_themes; ++k) {
      theme_posts[s][k] = static_cast<double>(tally.theme_posts[s * num_themes + k]);
    }
  }
  std::vector<double> per_post(num_states, 0.0), specialisation(num_states, 0.0),
      reach_share(num_states, 0.0);
  double population = 0.0;
  for (auto n : w.country_population) population += n;
  for (std::size_t s = 0; s < num_states; ++s) {
    per_post[s] = posts[s] > 0 ? static_cast<double>(interactions[s]) / posts[s] : 0.0;
    for (double n : theme_posts[s]) {
      const double share = posts[s] > 0 ? n / posts[s] : 0.0;
      specialisation[s] += share * share;
    }
    double reached = 0.0;
    for (std::size_t c = 0; c < final_metrics.countries; ++c) {
      reached += final_metrics.at(sim::Metric::kReach, c, s);
    }
    reach_share[s] = population > 0 ? reached / population : 0.0;
  }
  std::vector<std::string> state_names;
  for (const auto& st : w.config.model.states) state_names.push_back(st.name);
  out.write_strings("scorecard/state", state_names, {"state"});
  out.write_array<std::uint32_t>("scorecard/accounts", accounts, {"state"});
  out.write_array<std::uint32_t>("scorecard/posts", posts, {"state"});
  out.write_array<std::uint32_t>("scorecard/paid_posts", paid, {"state"});
  out.write_array<std::uint64_t>("scorecard/audience", audience, {"state"});
  out.write_array<std::uint64_t>("scorecard/interactions", interactions, {"state"});
  out.write_array<double>("scorecard/engagement_per_post", per_post, {"state"});
  out.write_array<double>("scorecard/specialisation", specialisation, {"state"});
  out.write_array<double>("scorecard/reach_share", reach_share, {"state"});
  // Adaptability: mean steps from a crisis' start to the state's first crisis-aid post in the
  // crisis country (NaN without a crisis or without a response).
  std::vector<double> adaptability(num_states, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t s = 0; s < num_states; ++s) {
    double sum = 0.0;
    int n = 0;
    for (const auto& per_state : crisis_response) {
      if (per_state[s] != sim::kNever) {
        sum += per_state[s];
        ++n;
      }
    }
    if (n > 0) adaptability[s] = sum / n;
  }
  out.write_array<double>("scorecard/response_lag", adaptability, {"state"});
}

void write_platform(RunWriter& out, const sim::Simulation& simulation) {
  const auto& h = simulation.platform_history();
  std::vector<std::int64_t> step(h.size());
  std::vector<std::uint32_t> active, posts, detections, takedowns, checks, items;
  for (std::size_t t = 0; t < h.size(); ++t) {
    step[t] = static_cast<std::int64_t>(t + 1);
    active.push_back(h[t].bots_active);
    posts.push_back(h[t].bot_posts);
    detections.push_back(h[t].detections);
    takedowns.push_back(h[t].takedowns);
    checks.push_back(h[t].fact_checks);
    items.push_back(h[t].items_posted);
  }
  out.write_array<std::int64_t>("platform/step", step, {"step"});
  out.write_array<std::uint32_t>("platform/bots_active", active, {"step"});
  out.write_array<std::uint32_t>("platform/bot_posts", posts, {"step"});
  out.write_array<std::uint32_t>("platform/detections", detections, {"step"});
  out.write_array<std::uint32_t>("platform/takedowns", takedowns, {"step"});
  out.write_array<std::uint32_t>("platform/fact_checks", checks, {"step"});
  out.write_array<std::uint32_t>("platform/items_posted", items, {"step"});
}

void write_events(RunWriter& out, const sim::SimConfig& cfg) {
  const auto& ev = cfg.model.events;
  if (ev.empty()) return;
  static const char* kinds[] = {"crisis", "hacked_account", "scandal", "summit", "seed_posts"};
  std::vector<std::string> kind, country, state;
  std::vector<std::uint32_t> start, duration;
  std::vector<double> magnitude;
  for (const auto& e : ev) {
    kind.emplace_back(kinds[static_cast<int>(e.kind)]);
    country.push_back(e.country == sim::kNoCountry ? "" : cfg.model.countries[e.country].name);
    state.push_back(e.state == model::kNoState ? "" : cfg.model.states[e.state].name);
    start.push_back(e.start);
    duration.push_back(e.duration);
    magnitude.push_back(e.magnitude);
  }
  out.write_strings("events/kind", kind, {"event"});
  out.write_strings("events/country", country, {"event"});
  out.write_strings("events/state", state, {"event"});
  out.write_array<std::uint32_t>("events/start", start, {"event"});
  out.write_array<std::uint32_t>("events/duration", duration, {"event"});
  out.write_array<double>("events/magnitude", magnitude, {"event"});
}

}  // namespace

namespace {

// What a resumed run continues from: the checkpoint (with the metric rows of steps
// 0..checkpoint.step), the snapshots and finished cascades of the run journal, and the journal
// itself, cut back to the checkpoint and open for appending. Nothing comes from the interrupted
// file (io/journal.hpp says why).
struct ResumeData {
  Checkpoint checkpoint;
  std::vector<std::vector<double>> frames;  ///< per step 0..checkpoint.step: [metric][c][s]
  JournalContents journaled;
  std::optional<Journal> journal;
};

RunResult run_impl(const LoadedScenario& scenario, const RunOptions& options, ResumeData* resume) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const sim::SimConfig& cfg = scenario.config;

  RunResult result;
  for (const auto& c : cfg.model.countries) result.countries.push_back(c.name);
  for (const auto& s : cfg.model.states) result.states.push_back(s.name);

  RunProvenance prov;
  prov.dipsim_version = std::string(core::version());
  prov.git_revision = std::string(core::git_revision());
  // A resumed run keeps the scenario text of the run it continues (re-resolving it would name
  // the .partial as its source), so its checkpoints still match the file it writes.
  prov.scenario = resume != nullptr ? resume->checkpoint.scenario : scenario.resolved.to_yaml();
  prov.title = scenario.resolved.get_string("title");
  prov.host = host_name();
  prov.command_line = options.command_line;
  prov.start_time = iso8601_now();
  prov.seed = cfg.run.seed;
  prov.threads = options.threads;

  TimeSeriesLayout layout;
  layout.countries = result.countries;
  layout.states = result.states;
  for (const auto& m : sim::metric_infos()) {
    layout.metrics.emplace_back(m.name);
    layout.units.emplace_back(m.unit);
    layout.descriptions.emplace_back(m.description);
  }

  check_memory(cfg, options.threads, options.checkpoint_every > 0, options.max_memory);
  // The world is built before the run file exists, so that bad input found while building it
  // (a malformed graph file, an impossible size) leaves no file behind.
  sim::Simulation simulation(sim::build_world(cfg));
  RunWriter out(options.output, prov, layout, options.force);
  const std::filesystem::path ckpt = checkpoint_path(out.final_path());
  const std::filesystem::path journal_path = Journal::path_for(out.final_path());
  std::optional<Journal> journal;
  if (resume != nullptr) {
    journal = std::move(resume->journal);
  } else {
    // A checkpoint and journal left by an earlier run of the same output belong to the .partial
    // that this run has just replaced: they could only mislead a later --resume.
    std::error_code ec;
    for (const auto& stale : {ckpt, std::filesystem::path(ckpt.string() + ".tmp"), journal_path}) {
      std::filesystem::remove(stale, ec);
    }
    if (options.checkpoint_every > 0) journal = Journal::create(journal_path);
  }
  Journal* const journaling = options.checkpoint_every > 0 && journal ? &*journal : nullptr;
  const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  try {
    const auto& world = simulation.world();
    result.num_citizens = world.citizens.count;
    result.num_edges = world.graph.num_edges();
    write_graph_group(out, world);

    std::vector<NodeId> citizen_ids(world.citizens.count);
    std::iota(citizen_ids.begin(), citizen_ids.end(), NodeId{0});
    const auto snapshots = snapshot_schedule(cfg.run);
    auto snapshot_if_due = [&](std::uint32_t step) {
      if (!snapshots.count(step)) return;
      out.append_snapshot(step, citizen_ids, simulation.attitudes());
      if (journaling != nullptr) journaling->append_snapshot(step, simulation.attitudes());
    };
    CascadeTable cascades(out, simulation.world().citizens.count, journaling);
    auto save_checkpoint = [&]() {
      out.flush();
      // The journal holds every snapshot and cascade chunk the checkpoint covers.
      if (journaling != nullptr) journaling->sync();
      Checkpoint c{simulation.steps_done(),
                   prov.scenario,
                   cfg.run.seed,
                   simulation.save_state(),
                   out.metric_rows(simulation.steps_done() + 1),
                   simulation.metrics().values.size()};
      cascades.save(c.state);
      c.state.emplace_back("run/checkpoint_every",
                           std::vector<std::uint64_t>{options.checkpoint_every});
      if (journaling != nullptr) {
        c.state.emplace_back("run/journal_token", std::vector<std::uint64_t>{journaling->token()});
        c.state.emplace_back("run/journal_bytes", std::vector<std::uint64_t>{journaling->bytes()});
      }
      write_checkpoint(ckpt, c);
    };

    std::uint32_t first = 1;
    if (resume != nullptr) {
      // Rows up to the checkpoint come from the checkpoint and the journal, bit for bit.
      for (std::size_t t = 0; t < resume->frames.size(); ++t) {
        out.append_step(static_cast<std::uint32_t>(t), resume->frames[t]);
      }
      for (const auto& [step, values] : resume->journaled.snapshots) {
        out.append_snapshot(step, citizen_ids, values);
      }
      simulation.restore_state(resume->checkpoint.state);
      cascades.restore(resume->checkpoint.state, resume->journaled.cascades);
      resume->journaled = {};
      out.set_attribute("/", "resumed_from_step",
                        static_cast<std::uint64_t>(resume->checkpoint.step));
      out.flush();  // the root's attribute heap as it stays until the end
      first = resume->checkpoint.step + 1;
    } else {
      out.append_step(0, simulation.metrics().values);
      snapshot_if_due(0);
      if (options.on_step) options.on_step(0, simulation.metrics(), world);
    }
    bool interrupted = false;
    for (std::uint32_t t = first; t <= cfg.run.steps; ++t) {
      if (options.stop != nullptr && options.stop->load(std::memory_order_relaxed)) {
        interrupted = true;
        break;
      }
      simulation.step();
      out.append_step(t, simulation.metrics().values);
      cascades.add(simulation.finished_cascades());
      snapshot_if_due(t);
      if (options.checkpoint_every > 0 && t % options.checkpoint_every == 0 && t < cfg.run.steps) {
        save_checkpoint();
      }
      if (options.progress) options.progress(t, cfg.run.steps);
      if (options.on_step) options.on_step(t, simulation.metrics(), world);
    }
    if (interrupted && options.checkpoint_every > 0) save_checkpoint();
    result.steps_done = simulation.steps_done();
    result.num_items = world.items.posted();
    result.final_metrics = simulation.metrics();
    cascades.finish(simulation.live_cascades(), world.items.posted());
    write_scorecard(out, simulation, result.final_metrics);
    write_platform(out, simulation);
    write_events(out, cfg);
    out.set_attribute("/", "steps_done", static_cast<std::uint64_t>(result.steps_done));
    result.status = interrupted ? RunStatus::kInterrupted : RunStatus::kComplete;
    result.wall_seconds = elapsed();
    out.finish(result.status, result.wall_seconds);
    result.file = result.status == RunStatus::kComplete ? out.final_path() : out.partial_path();
    if (result.status == RunStatus::kComplete) {
      std::error_code ec;
      std::filesystem::remove(ckpt, ec);  // a finished run needs no checkpoint
      // nor the temporary of one that a killed process was writing, nor the journal
      std::filesystem::remove(ckpt.string() + ".tmp", ec);
      journal.reset();
      std::filesystem::remove(journal_path, ec);
    }
  } catch (const std::exception& e) {
    try {
      out.finish(RunStatus::kFailed, elapsed(), e.what());
    } catch (...) {
      // The original error is the one worth reporting.
    }
    throw;
  }
  return result;
}

}  // namespace

void check_memory(const sim::SimConfig& config, std::uint32_t threads, bool checkpoints,
                  std::uint64_t max_memory) {
  const sim::MemoryEstimate estimate = sim::estimate_memory(config, threads, checkpoints);
  std::string limit_text;
  std::uint64_t limit = max_memory;
  if (limit == 0) {
    const sim::MemoryLimit available = sim::available_memory();
    limit = available.bytes;
    limit_text = sim::format_bytes(limit) + " available (" + available.source + ")";
  } else {
    limit_text = "the limit of " + sim::format_bytes(limit) + " (--max-memory)";
  }
  if (estimate.peak_bytes <= limit) return;
  std::vector<sim::MemoryPart> parts = estimate.parts;
  std::sort(parts.begin(), parts.end(),
            [](const auto& a, const auto& b) { return a.bytes > b.bytes; });
  std::string largest;
  for (std::size_t i = 0; i < parts.size() && i < 3; ++i) {
    largest += (i > 0 ? ", " : "") + parts[i].name + " " + sim::format_bytes(parts[i].bytes);
  }
  throw core::Error(core::ErrorKind::kResource,
                    "the run needs an estimated " + sim::format_bytes(estimate.peak_bytes) +
                        " of memory, more than " + limit_text + "; largest parts: " + largest +
                        ". Reduce citizens.count, graph.mean_following or run.steps, or raise "
                        "--max-memory if the estimate is too cautious (dipsim validate prints "
                        "it in full)",
                    core::InputLocation{"", 0, 0, ""});
}

RunResult run_scenario(const LoadedScenario& scenario, const RunOptions& options) {
  return run_impl(scenario, options, nullptr);
}

RunResult resume_run(const std::filesystem::path& partial, RunOptions options) {
  const core::InputLocation where{partial.string(), 0, 0, ""};
  const std::string suffix = ".partial";
  const std::string name = partial.string();
  if (name.size() <= suffix.size() ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    throw core::Error(core::ErrorKind::kInput,
                      "expected the .partial file of an interrupted run (RUN.h5.partial)", where);
  }
  const std::filesystem::path final_path(name.substr(0, name.size() - suffix.size()));
  const std::filesystem::path ckpt = checkpoint_path(final_path);
  // Nothing is read from the interrupted file: a kill may have left its HDF5 metadata in a state
  // that no longer decodes (io/journal.hpp). The checkpoint and the journal hold the run.
  std::error_code ec;
  if (!std::filesystem::exists(ckpt, ec)) {
    throw core::Error(core::ErrorKind::kInput,
                      "nothing to resume from: the checkpoint " + ckpt.string() +
                          " is gone (the run kept no checkpoints (--checkpoint-every), was "
                          "stopped before its first one, or finished); run it again",
                      where);
  }
  ResumeData data;
  data.checkpoint = read_checkpoint(ckpt);
  const std::uint32_t step = data.checkpoint.step;
  const auto& state = data.checkpoint.state;
  const auto* token = find_array<std::uint64_t>(state, "run/journal_token");
  const auto* bytes = find_array<std::uint64_t>(state, "run/journal_bytes");
  const auto* every = find_array<std::uint64_t>(state, "run/checkpoint_every");
  if (token == nullptr || bytes == nullptr || token->size() != 1 || bytes->size() != 1 ||
      data.checkpoint.metric_rows.empty()) {
    throw core::Error(core::ErrorKind::kInput,
                      "the checkpoint " + ckpt.string() +
                          " has no run journal or metric rows (written by an older dipsim, or "
                          "damaged); resume it with that version or run the scenario again",
                      where);
  }
  LoadedScenario loaded{load_scenario_text(data.checkpoint.scenario, partial.string(),
                                           partial.parent_path(), scenario_schema()),
                        {}};
  loaded.config = to_sim_config(loaded.resolved);
  const std::size_t row = sim::metric_infos().size() * loaded.config.model.countries.size() *
                          loaded.config.model.states.size();
  if (data.checkpoint.metric_row_size != row ||
      data.checkpoint.metric_rows.size() != row * (step + 1ull)) {
    throw core::Error(core::ErrorKind::kInput,
                      "the checkpoint " + ckpt.string() + "'s metric rows do not fit its scenario",
                      where);
  }
  data.frames.assign(step + 1, std::vector<double>(row));
  for (std::size_t t = 0; t <= step; ++t) {
    std::copy_n(data.checkpoint.metric_rows.begin() + static_cast<std::ptrdiff_t>(t * row), row,
                data.frames[t].begin());
  }
  data.checkpoint.metric_rows = {};
  data.journal = Journal::resume(Journal::path_for(final_path), token->front(), bytes->front(),
                                 data.journaled);
  for (const auto& snapshot : data.journaled.snapshots) {
    if (snapshot.first > step) {  // (the run file checks the number of values when written)
      throw core::Error(core::ErrorKind::kInput,
                        "the run journal's snapshot of step " + std::to_string(snapshot.first) +
                            " does not fit the checkpoint of step " + std::to_string(step),
                        where);
    }
  }
  // A resume keeps checkpointing as the run did, unless told another interval.
  if (options.checkpoint_every == 0 && every != nullptr && every->size() == 1) {
    options.checkpoint_every = static_cast<std::uint32_t>(every->front());
  }
  options.output = final_path;
  return run_impl(loaded, options, &data);
}

}  // namespace dipsim::io
