// Memory estimate of a run and the memory available to the process (see memory.hpp).
#include "dipsim/sim/memory.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>

#include "dipsim/core/error.hpp"
#include "dipsim/core/types.hpp"
#include "dipsim/sim/metrics.hpp"

namespace dipsim::sim {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

/// Resident memory of the process before the world exists: code and data of dipsim and its
/// libraries (oneTBB, HDF5, yaml-cpp), the parsed scenario, the allocator's arenas. Measured as
/// the peak RSS of a 100-citizen run of scenarios/demo.yaml (22.6 MiB), rounded up.
constexpr double kBaseBytes = 23.0 * kMiB;

/// Bytes per citizen (model/citizens.hpp): country 2, online 1, openness, susceptibility and
/// literacy 3 x 4, language 1, reached 8, fixed 1, seen roots and counts kSeenSlots x 5,
/// last session 4, pending reshare 4, advocated item 4, pending post 1, pending reply 4; plus
/// per state: attitude (sizeof(Real): 4, or 8 in a float64 build) and trust bonus 4 (and the
/// initial attitude, sizeof(Real), with stubbornness).
constexpr double kCitizenBytes = 2 + 1 + 12 + 1 + 8 + 1 + 4 * 5 + 4 + 4 + 4 + 1 + 4;
constexpr double kCitizenStateBytes = sizeof(Real) + 4;

/// Bytes per item held (model/items.hpp): serial 8; author, root, previous, created,
/// correction, reshares, replies, cascade size and last 9 x 4; state, kind, theme, language,
/// labels, from_bot 6 x 1; depth and cascade depth 2 x 2; stance sizeof(Real), quality, appeal,
/// credibility 3 x 4; the fact-check queue flag 1; compaction's keep flag, new id and kept list
/// 1 + 4 + 4. Times 1.25: a growing vector briefly holds its old and new buffers.
constexpr double kItemBytes = (8 + 36 + 6 + 4 + sizeof(Real) + 12 + 1 + 9) * 1.25;

/// Items held at once, as steps of posting: compaction runs every feed.window_steps steps and
/// keeps the window, so between two compactions the store holds up to 2 windows (+ the step
/// itself); times 1.5 for what outlives the window (roots of live cascades, roots awaiting a
/// fact-check or a delivered correction, pending reshares and replies). Advocacy adds up to one
/// advocated share per online citizen. Checked against the most items held in the compaction
/// test (tests/unit/sim/test_compaction.cpp: 12 455 held, 13 800 estimated this way).
constexpr double kHeldWindows = 2.0;
constexpr double kHeldMargin = 1.5;

/// Finished cascade rows buffered before they are written (io/src/run.cpp: a chunk of citizens /
/// 16 rows, 1024 to 65536), bytes per row with the column written and its chunk cache.
constexpr double kCascadeRowBytes = 48.0 + 8.0 + 16.0;

/// The graph once built (graph/follow_graph.hpp): following and followers CSR, 4 bytes per edge
/// each and 8 per node each, and country 2, community 4, kind 1 per node; the run also keeps
/// removed 1 per node.
constexpr double kEdgeBytes = 8;
constexpr double kNodeBytes = 16 + 7 + 1;

/// While the graph is built, the generator's edge list (8 bytes per edge) and its copy mapped to
/// node ids (8 more) coexist with the first CSR relation; vectors that grow by doubling add up
/// to half again. Calibrated against measured peak RSS (docs/reliability.md).
constexpr double kBuildEdgeBytes = 16;

/// Expected reshares per platform session, per unit of reshare_propensity: a session reads up to
/// `attention` items and reshares at most one of them. Calibrated (conservatively) on the test
/// worlds, whose measured rate is about a fifth of this.
constexpr double kResharesPerSession = 0.5;

/// Scratch per worker thread (feed candidates of a block of citizens, TBB's own buffers).
constexpr double kThreadBytes = 1.0 * kMiB;

double online_citizens(const SimConfig& c, std::vector<double>& per_country) {
  const auto& countries = c.model.countries;
  double total_share = 0.0;
  for (const auto& k : countries) total_share += k.population_share;
  per_country.assign(countries.size(), 0.0);
  double online = 0.0;
  for (std::size_t i = 0; i < countries.size(); ++i) {
    const double people = total_share > 0
                              ? c.model.citizens.count * countries[i].population_share / total_share
                              : 0.0;
    per_country[i] = people * countries[i].internet_penetration;
    online += per_country[i];
  }
  return online;
}

void add(MemoryEstimate& e, const char* name, double bytes) {
  e.parts.push_back({name, static_cast<std::uint64_t>(std::max(0.0, std::ceil(bytes)))});
}

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

/// The first number in a file such as memory.max ("max" and unreadable files give nullopt).
bool read_number(const char* path, double& out) {
  std::ifstream in(path);
  std::string word;
  if (!(in >> word) || word == "max") return false;
  try {
    out = std::stod(word);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

}  // namespace

MemoryEstimate estimate_memory(const SimConfig& c, std::uint32_t threads, bool checkpoints) {
  MemoryEstimate e;
  const auto& m = c.model;
  const double states = static_cast<double>(m.states.size());
  std::vector<double> online_by_country;
  e.online = online_citizens(c, online_by_country);
  e.citizens = c.model.citizens.count;

  // Accounts and the follows they receive (world.cpp: reach probabilities per online citizen).
  double accounts = 0.0, account_edges = 0.0, account_items = 0.0;
  for (const auto& s : m.states) {
    const double embassies = s.target_countries.empty()
                                 ? static_cast<double>(m.countries.size())
                                 : static_cast<double>(s.target_countries.size());
    accounts += 1 + embassies;
    account_edges += e.online * s.ministry_reach;
    double targeted_online = 0.0;
    if (s.target_countries.empty()) {
      targeted_online = e.online;
    } else {
      for (const auto t : s.target_countries) {
        if (t < online_by_country.size()) targeted_online += online_by_country[t];
      }
    }
    account_edges += targeted_online * s.embassy_reach;
    account_items += (1 + embassies) * s.posts_per_day / 24.0;
  }
  for (const auto& o : m.outlets) {
    accounts += 1;
    if (o.country < online_by_country.size()) {
      account_edges += online_by_country[o.country] * o.platform_reach;
    }
    account_items += (o.posts_per_day + o.pickups_per_day) / 24.0;
  }
  for (const auto& f : m.fact_checkers) {
    accounts += 1;
    if (f.country < online_by_country.size()) {
      account_edges += online_by_country[f.country] * f.platform_reach;
    }
    account_items += f.checks_per_day / 24.0;
  }
  for (const auto& b : m.bots) {
    const double bots = b.count > 0 ? b.count : std::round(b.share * m.citizens.count);
    accounts += bots;
    account_edges += bots * b.follow_requests * (1.0 + b.follow_back);
    // Each bot post may be reshared at once by a share `coordination` of the network.
    account_items += bots * b.posts_per_day / 24.0 * (1.0 + b.coordination * bots);
  }
  e.accounts = static_cast<std::uint64_t>(accounts);

  // Citizen follows by generator.
  double citizen_edges = 0.0;
  switch (c.graph.generator) {
    case GraphGenerator::kComplete:
      citizen_edges = e.online * std::max(0.0, e.online - 1.0);
      break;
    case GraphGenerator::kFile: {
      // A real graph: its edges are not known before reading it. An edge list line is at least
      // 4 bytes ("1 2\n"); GML and GraphML spend far more per edge, so this is an upper bound.
      std::ifstream in(c.graph.file, std::ios::binary | std::ios::ate);
      const double bytes = in ? static_cast<double>(in.tellg()) : 0.0;
      citizen_edges = bytes / (c.graph.format == GraphFileFormat::kEdgeList ? 4.0 : 40.0);
      if (!c.graph.directed) citizen_edges *= 2.0;
      break;
    }
    default:
      citizen_edges = e.online * c.graph.mean_following;
      break;
  }
  e.edges = citizen_edges + account_edges;
  const double nodes = static_cast<double>(e.citizens) + accounts;

  // Items over the whole run.
  const auto& z = m.citizens;
  double influencers = 0.0;
  for (const auto& k : m.countries) influencers += k.influencers;
  const double sessions = e.online * std::min(1.0, z.activity_per_hour);
  const double citizen_items =
      sessions * (z.post_probability + kResharesPerSession * z.reshare_propensity) +
      influencers * std::min(1.0, z.activity_per_hour) * z.influencer_post_probability;
  const double per_step = citizen_items + account_items;
  e.items = per_step * c.run.steps;
  // Compaction keeps the items that can still matter: memory does not grow with the run.
  const double window = std::max<std::uint32_t>(1, m.feed.window_steps);
  e.items_held = std::min(
      e.items, kHeldMargin * per_step * (kHeldWindows * window + 1) + (z.advocacy ? e.online : 0));

  const double cit =
      static_cast<double>(e.citizens) * (kCitizenBytes + kCitizenStateBytes * states +
                                         (z.stubbornness > 0 ? sizeof(Real) * states : 0.0));
  const double graph = e.edges * kEdgeBytes + nodes * kNodeBytes;
  const double build = e.edges * kBuildEdgeBytes;
  const double items = e.items_held * kItemBytes;
  const double checkpoint = checkpoints ? cit + items : 0.0;
  // The writer: node arrays of graph/ (degrees, 8 per node), the edges when saved (8 per edge),
  // the scorecard's in-degrees (5 per node), per metric one chunk of 64 steps cached (and its
  // compressed copy), a chunk of finished cascade rows, and HDF5's buffers for a snapshot chunk.
  const double cells =
      static_cast<double>(std::max<std::size_t>(1, m.countries.size())) * std::max(1.0, states);
  const double writer =
      nodes * 13.0 + (c.run.save_edges ? e.edges * 8.0 : 0.0) +
      static_cast<double>(kNumMetrics) * 64.0 * cells * 8.0 * 2 +
      std::clamp(static_cast<double>(e.citizens) / 16.0, 1024.0, 65536.0) * kCascadeRowBytes +
      2 * kMiB;
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const double scratch = (threads > 0 ? threads : hw) * kThreadBytes;

  add(e, "process base (code, libraries, scenario)", kBaseBytes);
  add(e, "citizens", cit);
  add(e, "follow graph", graph);
  add(e, "graph construction (transient)", build);
  add(e, "items held (feed window and live cascades)", items);
  add(e, "checkpoint state copy", checkpoint);
  add(e, "run-file writer", writer);
  add(e, "per-thread scratch", scratch);

  e.build_peak = static_cast<std::uint64_t>(kBaseBytes + cit + graph + build + scratch);
  e.run_peak =
      static_cast<std::uint64_t>(kBaseBytes + cit + graph + items + checkpoint + writer + scratch);
  e.peak_bytes = std::max(e.build_peak, e.run_peak);
  return e;
}

std::string MemoryEstimate::describe() const {
  std::ostringstream out;
  char line[160];
  std::snprintf(line, sizeof line, "memory estimate: %s peak (building the world %s, running %s)\n",
                format_bytes(peak_bytes).c_str(), format_bytes(build_peak).c_str(),
                format_bytes(run_peak).c_str());
  out << line;
  std::snprintf(line, sizeof line,
                "  world: %llu citizens (%.0f online), %llu accounts, %.0f follow edges, %.0f "
                "items expected (%.0f held at once)\n",
                static_cast<unsigned long long>(citizens), online,
                static_cast<unsigned long long>(accounts), edges, items, items_held);
  out << line;
  for (const auto& p : parts) {
    if (p.bytes == 0) continue;
    std::snprintf(line, sizeof line, "  %-42s %12s\n", p.name.c_str(),
                  format_bytes(p.bytes).c_str());
    out << line;
  }
  return out.str();
}

MemoryLimit available_memory() {
  MemoryLimit limit{std::numeric_limits<std::uint64_t>::max(), "unlimited"};
  const auto consider = [&](double bytes, const char* source) {
    if (bytes >= 0 && bytes < static_cast<double>(limit.bytes)) {
      limit.bytes = static_cast<std::uint64_t>(bytes);
      limit.source = source;
    }
  };
  {
    std::ifstream in("/proc/meminfo");
    std::string key;
    double value = 0;
    std::string unit;
    while (in >> key >> value) {
      std::getline(in, unit);
      if (key == "MemAvailable:") {
        consider(value * 1024.0, "MemAvailable");
        break;
      }
    }
  }
  double max = 0, current = 0;
  if (read_number("/sys/fs/cgroup/memory.max", max) &&
      read_number("/sys/fs/cgroup/memory.current", current)) {
    consider(max - current, "cgroup memory.max");
  } else if (read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes", max) &&
             read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes", current) && max < 1e18) {
    consider(max - current, "cgroup memory.limit_in_bytes");
  }
  rlimit rl{};
  if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    double used = 0;  // VmSize: address space already taken
    std::ifstream in("/proc/self/status");
    std::string key;
    while (in >> key) {
      if (key == "VmSize:") {
        in >> used;
        used *= 1024.0;
        break;
      }
      std::getline(in, key);
    }
    consider(static_cast<double>(rl.rlim_cur) - used, "RLIMIT_AS");
  }
  return limit;
}

std::uint64_t parse_size(const std::string& text, const std::string& what) {
  const std::string t = trim(text);
  const auto bad = [&] {
    throw core::Error(
        core::ErrorKind::kInput,
        "expected a size such as 512M, 4G or 1.5GiB (bytes without a unit), got \"" + text + "\"",
        core::InputLocation{"", 0, 0, what});
  };
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(t, &used);
  } catch (const std::exception&) {
    bad();
  }
  std::string unit = trim(t.substr(used));
  for (auto& ch : unit) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  double scale = 1;
  if (!unit.empty()) {
    const char prefix = unit[0];
    const std::string rest = unit.substr(1);
    if (rest != "" && rest != "B" && rest != "IB") bad();
    switch (prefix) {
      case 'B':
        if (!rest.empty()) bad();
        break;
      case 'K':
        scale = 1024.0;
        break;
      case 'M':
        scale = kMiB;
        break;
      case 'G':
        scale = kMiB * 1024.0;
        break;
      case 'T':
        scale = kMiB * kMiB;
        break;
      default:
        bad();
    }
  }
  if (!(value > 0) || !std::isfinite(value * scale) || value * scale > 1.8e19) bad();
  return static_cast<std::uint64_t>(value * scale);
}

std::string format_bytes(std::uint64_t bytes) {
  char buf[48];
  const double b = static_cast<double>(bytes);
  if (b >= kMiB * 1024.0) {
    std::snprintf(buf, sizeof buf, "%.2f GiB", b / (kMiB * 1024.0));
  } else if (b >= kMiB) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", b / kMiB);
  } else {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  }
  return buf;
}

}  // namespace dipsim::sim
