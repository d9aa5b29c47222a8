#include "dipsim/io/run.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <numeric>
#include <set>

#include "dipsim/core/error.hpp"
#include "dipsim/core/version.hpp"
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
  out.write_array<std::uint16_t>("graph/node_country", g.country, {"node"});
  std::vector<std::uint8_t> kind(g.kind.size());
  for (std::size_t i = 0; i < kind.size(); ++i) kind[i] = static_cast<std::uint8_t>(g.kind[i]);
  out.write_array<std::uint8_t>("graph/node_kind", kind, {"node"});
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
  std::vector<std::string> names;
  std::vector<std::uint32_t> nodes;
  for (const auto& a : w.officials) {
    names.push_back(a.name);
    nodes.push_back(a.node);
  }
  out.write_strings("graph/official_name", names, {"official"});
  out.write_array<std::uint32_t>("graph/official_node", nodes, {"official"});
  const std::string kinds = "0=citizen 1=official 2=outlet 3=influencer 4=fact_checker 5=bot";
  out.set_attribute("graph/node_kind", "legend", kinds);
  out.set_attribute("graph", "num_nodes", static_cast<std::uint64_t>(g.num_nodes()));
  out.set_attribute("graph", "num_edges", static_cast<std::uint64_t>(g.num_edges()));
  out.set_attribute("graph", "num_citizens", static_cast<std::uint64_t>(w.citizens.count));
  const std::uint64_t max_out =
      out_degree.empty() ? 0 : *std::max_element(out_degree.begin(), out_degree.end());
  const std::uint64_t max_in =
      in_degree.empty() ? 0 : *std::max_element(in_degree.begin(), in_degree.end());
  out.set_attribute("graph", "mean_out_degree",
                    g.num_nodes() ? static_cast<double>(g.num_edges()) / g.num_nodes() : 0.0);
  out.set_attribute("graph", "max_out_degree", max_out);
  out.set_attribute("graph", "max_in_degree", max_in);
}

void write_cascades(RunWriter& out, const model::ItemStore& items) {
  std::vector<std::uint32_t> root, author, size, depth, start, lifetime;
  std::vector<std::uint8_t> state;
  std::vector<float> quality;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items.root[i] != i) continue;
    root.push_back(static_cast<std::uint32_t>(i));
    author.push_back(items.author[i]);
    state.push_back(items.state[i]);
    size.push_back(items.cascade_size[i]);
    depth.push_back(items.cascade_depth[i]);
    start.push_back(items.created[i]);
    lifetime.push_back(items.cascade_last[i] - items.created[i]);
    quality.push_back(items.quality[i]);
  }
  out.write_array<std::uint32_t>("cascades/root_item", root, {"cascade"});
  out.write_array<std::uint32_t>("cascades/author", author, {"cascade"});
  out.write_array<std::uint8_t>("cascades/state", state, {"cascade"});
  out.write_array<std::uint32_t>("cascades/size", size, {"cascade"});
  out.write_array<std::uint32_t>("cascades/depth", depth, {"cascade"});
  out.write_array<std::uint32_t>("cascades/start_step", start, {"cascade"});
  out.write_array<std::uint32_t>("cascades/lifetime", lifetime, {"cascade"});
  out.write_array<float>("cascades/quality", quality, {"cascade"});
  out.set_attribute("cascades", "num_items", static_cast<std::uint64_t>(items.size()));
}

}  // namespace

RunResult run_scenario(const LoadedScenario& scenario, const RunOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const sim::SimConfig& cfg = scenario.config;

  RunResult result;
  for (const auto& c : cfg.model.countries) result.countries.push_back(c.name);
  for (const auto& s : cfg.model.states) result.states.push_back(s.name);

  RunProvenance prov;
  prov.dipsim_version = std::string(core::version());
  prov.git_revision = std::string(core::git_revision());
  prov.scenario = scenario.resolved.to_yaml();
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

  // The writer checks the output path before anything expensive happens.
  RunWriter out(options.output, prov, layout, options.force);
  const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  try {
    sim::Simulation simulation(sim::build_world(cfg));
    const auto& world = simulation.world();
    result.num_citizens = world.citizens.count;
    result.num_edges = world.graph.num_edges();
    out.set_attribute("/", "title", scenario.resolved.get_string("title"));
    write_graph_group(out, world);

    std::vector<NodeId> citizen_ids(world.citizens.count);
    std::iota(citizen_ids.begin(), citizen_ids.end(), NodeId{0});
    const auto snapshots = snapshot_schedule(cfg.run);
    auto snapshot_if_due = [&](std::uint32_t step) {
      if (snapshots.count(step)) out.append_snapshot(step, citizen_ids, simulation.attitudes());
    };

    out.append_step(0, simulation.metrics().values);
    snapshot_if_due(0);
    bool interrupted = false;
    for (std::uint32_t t = 1; t <= cfg.run.steps; ++t) {
      if (options.stop != nullptr && options.stop->load(std::memory_order_relaxed)) {
        interrupted = true;
        break;
      }
      simulation.step();
      out.append_step(t, simulation.metrics().values);
      snapshot_if_due(t);
      if (options.progress) options.progress(t, cfg.run.steps);
    }
    result.steps_done = simulation.steps_done();
    result.num_items = world.items.size();
    result.final_metrics = simulation.metrics();
    write_cascades(out, world.items);
    out.set_attribute("/", "steps_done", static_cast<std::uint64_t>(result.steps_done));
    result.status = interrupted ? RunStatus::kInterrupted : RunStatus::kComplete;
    result.wall_seconds = elapsed();
    out.finish(result.status, result.wall_seconds);
    result.file = result.status == RunStatus::kComplete ? out.final_path() : out.partial_path();
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

}  // namespace dipsim::io
