// `dipsim serve`: the classroom page (docs/teaching/classroom.md).
//
// One process serves one embedded page (web/, compiled in by web/embed.cmake) and a small JSON
// API. A "session" is one press of Run: one or two arms (the scenario with and without one change,
// same seed, so the arms share random numbers), each an ordinary io::run_scenario call on its own
// thread writing its own HDF5 file. The run's per-step callback records the step's metrics as a
// Server-Sent Event, copies the attitudes of a fixed sample of the graph for the network view, and
// then paces the run (pause, single step, steps per second). Pages follow a session through
// /api/sessions/N/events; a client that goes away only ends its own stream.
//
// Safety: the server answers only its own routes (no file-system paths are taken from requests:
// scenarios are named, files are addressed by session and arm), binds to 127.0.0.1 unless told
// otherwise, accepts overrides only for the scenario's classroom knobs and validates them with the
// parameter table, and bounds the runs in flight and the world size per run.
#include "serve_command.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <httplib.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dipsim/core/error.hpp"
#include "dipsim/core/text.hpp"
#include "dipsim/io/hdf5.hpp"
#include "dipsim/io/parameters.hpp"
#include "dipsim/io/run.hpp"
#include "dipsim/sim/metrics.hpp"
#include "dipsim/sim/world.hpp"
#include "web_assets.hpp"

extern char** environ;

namespace dipsim::commands {

namespace fs = std::filesystem;

namespace {

struct ServeFlags {
  std::string scenario, host = "127.0.0.1", output_dir = "runs/serve";
  int port = 8080;
  bool open = false;
  std::uint32_t max_runs = 4, threads = 0, max_streams = 64;
  std::int64_t max_citizens = 200'000, max_steps = 5'000;
};

ServeFlags g_flags;
CLI::App* g_command = nullptr;

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_serve_signal(int) {
  if (g_stop.exchange(true)) _exit(130);  // a second signal exits at once
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_serve_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a closed browser tab must not end the server
}

// --- JSON text ------------------------------------------------------------------------------

using core::json_number;
using core::json_string;

std::string json_strings(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + json_string(v[i]);
  return out + "]";
}

std::string json_value(const io::Value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) {
          return x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return std::to_string(x);
        } else if constexpr (std::is_same_v<T, double>) {
          return json_number(x);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return json_string(x);
        } else {
          return json_string(io::format_value(io::Value{x}));
        }
      },
      v);
}

std::string error_json(const std::string& message) {
  return "{\"error\":" + json_string(message) + "}";
}

// --- scenarios -----------------------------------------------------------------------------

struct Scenario {
  std::string name;  ///< file stem; the only way requests refer to a scenario
  fs::path file;
  io::LoadedScenario loaded;
  std::vector<std::string> knobs;
};

// A knob as the page needs it, straight from the parameter table's row.
std::string knob_json(const std::string& key, const io::ResolvedScenario& r) {
  const io::ParamSpec* spec = io::find_param(io::scenario_schema(), key);
  if (spec == nullptr) return "null";
  std::string out = "{\"key\":" + json_string(key);
  out += ",\"type\":" + json_string(io::to_string(spec->type));
  out += ",\"value\":" + json_value(r.value(key));
  out += ",\"default\":" + (spec->default_value ? json_value(*spec->default_value) : "null");
  out += ",\"min\":" + (spec->min ? json_number(*spec->min) : "null");
  out += ",\"max\":" + (spec->max ? json_number(*spec->max) : "null");
  out += ",\"unit\":" + json_string(spec->unit);
  out += ",\"doc\":" + json_string(spec->doc);
  out += ",\"choices\":" + json_strings(spec->choices) + "}";
  return out;
}

std::vector<std::string> names_of(const io::ResolvedScenario& r, const std::string& list) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < r.list_size(list); ++i) {
    out.push_back(r.get_string(list + "[" + std::to_string(i) + "].name"));
  }
  return out;
}

std::string scenario_json(const Scenario& s) {
  const auto& r = s.loaded.resolved;
  std::string out = "{\"name\":" + json_string(s.name);
  out += ",\"title\":" + json_string(r.get_string("title"));
  out += ",\"description\":" + json_string(r.get_string("description"));
  out += ",\"question\":" + json_string(r.get_string("classroom.question"));
  out += ",\"compare\":" + json_string(r.get_string("classroom.compare"));
  out += ",\"countries\":" + json_strings(names_of(r, "countries"));
  out += ",\"states\":" + json_strings(names_of(r, "states"));
  out += ",\"steps\":" + std::to_string(r.get_int("run.steps"));
  out += ",\"citizens\":" + std::to_string(r.get_int("citizens.count"));
  out += ",\"seed\":" + std::to_string(r.get_int("run.seed"));
  out += ",\"knobs\":[";
  for (std::size_t i = 0; i < s.knobs.size(); ++i) {
    if (i) out += ',';
    out += knob_json(s.knobs[i], r);
  }
  return out + "]}";
}

// --- sessions ------------------------------------------------------------------------------

// The metrics streamed to the page each step (all are in the run file's metrics/ group).
constexpr sim::Metric kStreamed[] = {sim::Metric::kMeanAttitude, sim::Metric::kFavourableShare,
                                     sim::Metric::kBotShareRead, sim::Metric::kReach,
                                     sim::Metric::kReshares,     sim::Metric::kItemsRead};

constexpr std::size_t kSampleNodes = 2000;
constexpr std::size_t kSampleEdges = 12000;

struct Arm {
  std::string label;
  std::vector<std::string> overrides;
  io::LoadedScenario loaded;
  fs::path output;
  // Guarded by Session::mu.
  std::uint32_t step = 0;
  bool started = false, finished = false;
  std::string status = "queued", error;
  fs::path file;  ///< where the run file is once the run ended
  std::string scorecard = "null", steps_json;
  std::vector<NodeId> sample;
  std::vector<std::uint8_t> sample_kind;
  std::vector<std::uint16_t> sample_country;
  std::vector<std::uint32_t> sample_edges;  ///< pairs of indices into sample (follower, followed)
  std::vector<float> sample_attitude;       ///< [i * states + s]; NaN for accounts
  std::mutex report_mu;                     ///< one report build at a time
};

struct Session {
  std::uint64_t id = 0;
  std::string scenario;
  std::size_t num_states = 0;
  std::vector<std::unique_ptr<Arm>> arms;
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> events;  ///< SSE messages; the index is the event id
  std::uint32_t limit = std::numeric_limits<std::uint32_t>::max();  ///< last step allowed
  double speed = 0.0;                                               ///< steps/s; 0 = no pacing
  bool paused = false;
  std::size_t arms_done = 0;
  std::vector<std::thread> threads;
};

void push_event(Session& s, const std::string& name, const std::string& data) {
  s.events.push_back("id: " + std::to_string(s.events.size() + 1) + "\nevent: " + name +
                     "\ndata: " + data + "\n\n");
  s.cv.notify_all();
}

// A connected sample of the follow graph for the network view: every account that is not a
// citizen (officials, outlets, influencers, fact-checkers; bots thinned to 300), then citizens met
// breadth-first from evenly spread starts, so that the sample shows communities, not dust.
void take_sample(Arm& arm, const sim::World& w) {
  const auto& g = w.graph;
  const NodeId n = g.num_nodes();
  std::vector<std::int32_t> index(n, -1);
  auto add = [&](NodeId v) {
    if (index[v] >= 0 || arm.sample.size() >= kSampleNodes) return;
    index[v] = static_cast<std::int32_t>(arm.sample.size());
    arm.sample.push_back(v);
  };
  std::size_t bots = 0;
  for (NodeId v = 0; v < n; ++v) {
    if (g.kind[v] == graph::NodeKind::kBot) ++bots;
  }
  const std::size_t bot_stride = bots > 300 ? (bots + 299) / 300 : 1;
  std::size_t bot_seen = 0;
  for (NodeId v = 0; v < n; ++v) {
    if (g.kind[v] == graph::NodeKind::kBot && bot_seen++ % bot_stride != 0) continue;
    if (g.kind[v] != graph::NodeKind::kCitizen) add(v);
  }
  const NodeId citizens = w.citizens.count;
  const NodeId starts = 24;
  const std::size_t per_start = (kSampleNodes - arm.sample.size()) / starts + 1;
  // Breadth-first from each start, a bounded number of citizens each, round-robin over starts.
  std::vector<std::deque<NodeId>> fronts(starts);
  for (NodeId k = 0; k < starts && citizens > 0; ++k) {
    fronts[k].push_back(static_cast<NodeId>((static_cast<std::uint64_t>(citizens) * k) / starts));
  }
  std::vector<std::size_t> taken(starts, 0);
  bool progress = true;
  while (arm.sample.size() < kSampleNodes && progress) {
    progress = false;
    for (NodeId k = 0; k < starts; ++k) {
      auto& f = fronts[k];
      while (!f.empty() && taken[k] < per_start) {
        const NodeId v = f.front();
        f.pop_front();
        if (index[v] >= 0 || g.kind[v] != graph::NodeKind::kCitizen) continue;
        add(v);
        ++taken[k];
        progress = true;
        for (NodeId u : g.following.row(v)) {
          if (index[u] < 0 && g.kind[u] == graph::NodeKind::kCitizen) f.push_back(u);
        }
        break;
      }
    }
  }
  for (std::size_t i = 0; i < arm.sample.size() && arm.sample_edges.size() < 2 * kSampleEdges;
       ++i) {
    for (NodeId u : g.following.row(arm.sample[i])) {
      if (index[u] >= 0) {
        arm.sample_edges.push_back(static_cast<std::uint32_t>(i));
        arm.sample_edges.push_back(static_cast<std::uint32_t>(index[u]));
      }
    }
  }
  for (NodeId v : arm.sample) {
    arm.sample_kind.push_back(static_cast<std::uint8_t>(g.kind[v]));
    arm.sample_country.push_back(g.country[v]);
  }
}

void copy_sample_attitudes(Arm& arm, const sim::World& w, std::size_t states) {
  arm.sample_attitude.assign(arm.sample.size() * states, std::numeric_limits<float>::quiet_NaN());
  for (std::size_t i = 0; i < arm.sample.size(); ++i) {
    const NodeId v = arm.sample[i];
    if (v >= w.citizens.count) continue;
    for (std::size_t s = 0; s < states; ++s) {
      arm.sample_attitude[i * states + s] = static_cast<float>(w.citizens.attitude[v * states + s]);
    }
  }
}

std::string step_json(std::size_t arm, std::uint32_t step, const sim::MetricFrame& f) {
  std::string out = "{\"arm\":" + std::to_string(arm) + ",\"step\":" + std::to_string(step) + ",";
  for (std::size_t m = 0; m < std::size(kStreamed); ++m) {
    const auto metric = kStreamed[m];
    if (m) out += ',';
    out += json_string(sim::metric_infos()[static_cast<std::size_t>(metric)].name);
    out += ":[";
    for (std::size_t c = 0; c < f.countries; ++c) {
      for (std::size_t s = 0; s < f.states; ++s) {
        if (c + s) out += ',';
        out += json_number(f.at(metric, c, s));
      }
    }
    out += "]";
  }
  return out + "}";
}

// Name, unit and meaning of each streamed metric, from the metric table (docs/output-format.md).
std::string streamed_metrics_json() {
  std::string out = "[";
  for (std::size_t m = 0; m < std::size(kStreamed); ++m) {
    const auto& info = sim::metric_infos()[static_cast<std::size_t>(kStreamed[m])];
    if (m) out += ',';
    out += "{\"name\":" + json_string(info.name) + ",\"unit\":" + json_string(info.unit) +
           ",\"description\":" + json_string(info.description) + "}";
  }
  return out + "]";
}

// The scorecard group run.cpp wrote (docs/output-format.md), as {column: [per state]}.
std::string read_scorecard(const fs::path& file) {
  io::h5::File f = io::h5::open_file(file, false);
  if (!io::h5::exists(f, "scorecard/state")) return "null";
  std::string out = "{\"state\":" +
                    json_strings(io::h5::read_strings(io::h5::open_dataset(f, "scorecard/state")));
  for (const char* column :
       {"accounts", "posts", "paid_posts", "audience", "interactions", "engagement_per_post",
        "specialisation", "reach_share", "response_lag"}) {
    const std::string path = std::string("scorecard/") + column;
    if (!io::h5::exists(f, path)) continue;
    const auto v = io::h5::read_as_double(io::h5::open_dataset(f, path));
    out += "," + json_string(column) + ":[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + json_number(v[i]);
    out += "]";
  }
  return out + "}";
}

std::string run_command_line(const Scenario& sc, const Arm& arm) {
  std::string out = "dipsim run " + sc.file.string();
  for (const auto& o : arm.overrides) out += " --set '" + o + "'";
  return out + " -o " + arm.output.string() + "  # via dipsim serve";
}

class Server {
 public:
  Server(std::vector<Scenario> scenarios, std::optional<std::string> chosen, fs::path dir,
         std::vector<fs::path> include_dirs)
      : scenarios_(std::move(scenarios)),
        chosen_(std::move(chosen)),
        dir_(std::move(dir)),
        include_dirs_(std::move(include_dirs)) {
    hbool_t threadsafe = 0;
    H5is_library_threadsafe(&threadsafe);
    hdf5_threadsafe_ = threadsafe > 0;
  }

  void routes(httplib::Server& http);
  void stop_all();
  void join_all();
  std::size_t interrupted() const { return interrupted_; }

 private:
  const Scenario* find_scenario(const std::string& name) const {
    for (const auto& s : scenarios_) {
      if (s.name == name) return &s;
    }
    return nullptr;
  }
  std::shared_ptr<Session> find_session(const std::string& id_text) {
    std::lock_guard lock(mu_);
    for (const auto& s : sessions_) {
      if (std::to_string(s->id) == id_text) return s;
    }
    return nullptr;
  }
  std::size_t runs_in_flight() {
    std::size_t n = 0;
    for (const auto& s : sessions_) {
      std::lock_guard lock(s->mu);
      for (const auto& a : s->arms) n += a->finished ? 0 : 1;
    }
    return n;
  }

  void start(const httplib::Request& req, httplib::Response& res);
  void control(const httplib::Request& req, httplib::Response& res);
  void events(const httplib::Request& req, httplib::Response& res);
  void network(const httplib::Request& req, httplib::Response& res);
  void download(const httplib::Request& req, httplib::Response& res, bool report);
  void run_arm(const std::shared_ptr<Session>& session, std::size_t index, const Scenario& sc);

  std::vector<Scenario> scenarios_;
  std::optional<std::string> chosen_;
  fs::path dir_;
  std::vector<fs::path> include_dirs_;
  bool hdf5_threadsafe_ = true;
  std::mutex mu_;  ///< guards sessions_, next_id_, streams_
  std::vector<std::shared_ptr<Session>> sessions_;
  std::uint64_t next_id_ = 1;
  std::uint32_t streams_ = 0;
  std::atomic<std::size_t> interrupted_{0};
};

void send_json(httplib::Response& res, const std::string& body, int status = 200) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body, "application/json");
}

// Overrides from the page: only the scenario's knobs (and only key=value text); the parameter
// table validates the values when the scenario is loaded with them.
std::optional<std::string> check_override(const Scenario& sc, const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return "expected key=value, got " + core::quote(text);
  }
  const std::string key = text.substr(0, eq);
  if (std::find(sc.knobs.begin(), sc.knobs.end(), key) == sc.knobs.end()) {
    return key + " is not a classroom knob of " + sc.name +
           "; knobs: " + core::join(sc.knobs, ", ");
  }
  return std::nullopt;
}

void Server::start(const httplib::Request& req, httplib::Response& res) {
  const std::string name = req.get_param_value("scenario");
  const Scenario* sc = find_scenario(name);
  if (sc == nullptr)
    return send_json(res, error_json("unknown scenario " + core::quote(name)), 404);
  std::vector<std::string> sets;
  for (std::size_t i = 0; i < req.get_param_value_count("set"); ++i) {
    sets.push_back(req.get_param_value("set", i));
  }
  const std::string compare = req.get_param_value("compare");
  for (const auto& text : sets) {
    if (auto bad = check_override(*sc, text)) return send_json(res, error_json(*bad), 400);
  }
  if (!compare.empty()) {
    if (auto bad = check_override(*sc, compare)) {
      return send_json(res, error_json("second arm: " + *bad), 400);
    }
  }
  double speed = 0.0;
  if (req.has_param("speed")) {
    const std::string text = req.get_param_value("speed");
    char* end = nullptr;
    speed = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(speed >= 0.0) || speed > 1e6) {
      return send_json(
          res, error_json("speed: expected steps per second >= 0, got " + core::quote(text)), 400);
    }
  }

  auto session = std::make_shared<Session>();
  session->scenario = sc->name;
  session->speed = speed;
  session->paused = req.get_param_value("paused") == "true";
  if (session->paused) session->limit = 0;
  std::vector<std::vector<std::string>> arm_sets{sets};
  if (!compare.empty()) {
    arm_sets.push_back(sets);
    arm_sets.back().push_back(compare);
  }
  for (std::size_t a = 0; a < arm_sets.size(); ++a) {
    auto arm = std::make_unique<Arm>();
    arm->label = a == 0 ? "A" : "B";
    arm->overrides = arm_sets[a];
    io::LoadOptions options;
    options.overrides = arm_sets[a];
    options.include_dirs = include_dirs_;
    try {
      arm->loaded = io::load_dipsim_scenario(sc->file, options);
    } catch (const core::Error& e) {
      const std::string prefix = a == 0 ? "" : "second arm: ";
      return send_json(res, error_json(prefix + e.what()), 400);
    }
    const auto& r = arm->loaded.resolved;
    if (r.get_int("citizens.count") > g_flags.max_citizens) {
      return send_json(
          res,
          error_json("citizens.count: " + std::to_string(r.get_int("citizens.count")) +
                     " is above this server's limit of " + std::to_string(g_flags.max_citizens) +
                     " citizens per run (dipsim serve --max-citizens)"),
          400);
    }
    if (r.get_int("run.steps") > g_flags.max_steps) {
      return send_json(
          res,
          error_json("run.steps: " + std::to_string(r.get_int("run.steps")) +
                     " is above this server's limit of " + std::to_string(g_flags.max_steps) +
                     " steps per run (dipsim serve --max-steps)"),
          400);
    }
    session->arms.push_back(std::move(arm));
  }
  session->num_states = session->arms[0]->loaded.config.model.states.size();

  std::lock_guard lock(mu_);
  if (g_stop.load()) return send_json(res, error_json("the server is shutting down"), 503);
  const std::size_t busy = runs_in_flight();
  if (busy + session->arms.size() > g_flags.max_runs) {
    return send_json(res,
                     error_json(std::to_string(busy) + " runs are in progress and this server " +
                                "runs at most " + std::to_string(g_flags.max_runs) +
                                " at once (dipsim serve --max-runs); stop one or wait"),
                     429);
  }
  session->id = next_id_++;
  for (auto& arm : session->arms) {
    arm->output = dir_ / (std::to_string(session->id) + "-" + sc->name + "-" + arm->label + ".h5");
  }
  {
    std::string meta = "{\"session\":" + std::to_string(session->id) +
                       ",\"scenario\":" + json_string(sc->name) + ",\"arms\":[";
    for (std::size_t a = 0; a < session->arms.size(); ++a) {
      const auto& arm = *session->arms[a];
      meta += std::string(a ? "," : "") + "{\"label\":" + json_string(arm.label) +
              ",\"overrides\":" + json_strings(arm.overrides) +
              ",\"file\":" + json_string(arm.output.filename().string()) + "}";
    }
    meta += "],\"countries\":" +
            json_strings(names_of(session->arms[0]->loaded.resolved, "countries")) +
            ",\"states\":" + json_strings(names_of(session->arms[0]->loaded.resolved, "states")) +
            ",\"steps\":" + std::to_string(session->arms[0]->loaded.config.run.steps) +
            ",\"metrics\":" + streamed_metrics_json() + "}";
    std::lock_guard slock(session->mu);
    push_event(*session, "meta", meta);
    send_json(res, meta);
  }
  // Drop the oldest finished sessions from memory (their files stay on disk).
  while (sessions_.size() >= 32) {
    auto it = std::find_if(sessions_.begin(), sessions_.end(), [](const auto& s) {
      std::lock_guard slock(s->mu);
      return s->arms_done == s->arms.size();
    });
    if (it == sessions_.end()) break;
    for (auto& t : (*it)->threads) t.join();
    sessions_.erase(it);
  }
  sessions_.push_back(session);
  if (hdf5_threadsafe_) {
    for (std::size_t a = 0; a < session->arms.size(); ++a) {
      session->threads.emplace_back([this, session, a, sc] { run_arm(session, a, *sc); });
    }
  } else {  // HDF5 calls from two threads need a thread-safe HDF5 build: one arm after the other
    session->threads.emplace_back([this, session, sc] {
      for (std::size_t a = 0; a < session->arms.size(); ++a) run_arm(session, a, *sc);
    });
  }
}

void Server::run_arm(const std::shared_ptr<Session>& session, std::size_t index,
                     const Scenario& sc) {
  Session& s = *session;
  Arm& arm = *s.arms[index];
  io::RunOptions ro;
  ro.output = arm.output;
  ro.force = true;
  ro.threads = g_flags.threads;
  ro.command_line = run_command_line(sc, arm);
  ro.stop = &s.stop;
  auto next = std::chrono::steady_clock::now();
  ro.on_step = [&](std::uint32_t step, const sim::MetricFrame& frame, const sim::World& world) {
    std::unique_lock lock(s.mu);
    if (!arm.started) {
      arm.started = true;
      arm.status = "running";
      take_sample(arm, world);
    }
    arm.step = step;
    copy_sample_attitudes(arm, world, s.num_states);
    const std::string data = step_json(index, step, frame);
    arm.steps_json += (arm.steps_json.empty() ? "" : ",") + data;
    push_event(s, "step", data);
    // Pacing: wait while paused at the limit, then keep to the speed; stop ends both waits.
    s.cv.wait(lock, [&] { return s.stop.load() || step < s.limit; });
    if (s.speed > 0.0) {
      next += std::chrono::microseconds(static_cast<std::int64_t>(1e6 / s.speed));
      const auto now = std::chrono::steady_clock::now();
      if (next < now) next = now;
      s.cv.wait_until(lock, next, [&] { return s.stop.load(); });
    }
  };
  std::string status = "failed", error;
  fs::path file;
  try {
    const io::RunResult result = io::run_scenario(arm.loaded, ro);
    status = std::string(io::to_string(result.status));
    file = result.file;
  } catch (const std::exception& e) {
    error = e.what();
    file = arm.output.string() + ".partial";
  }
  std::string scorecard = "null";
  if (error.empty()) {
    try {
      scorecard = read_scorecard(file);
    } catch (const std::exception& e) {
      error = std::string("reading the scorecard: ") + e.what();
    }
  }
  std::lock_guard lock(s.mu);
  arm.finished = true;
  arm.status = status;
  arm.error = error;
  arm.file = file;
  arm.scorecard = scorecard;
  if (status == "interrupted") ++interrupted_;
  push_event(s, "arm_done",
             "{\"arm\":" + std::to_string(index) + ",\"status\":" + json_string(status) +
                 ",\"error\":" + json_string(error) + ",\"steps\":" + std::to_string(arm.step) +
                 ",\"scorecard\":" + scorecard + "}");
  if (++s.arms_done == s.arms.size()) push_event(s, "done", "{}");
}

void Server::control(const httplib::Request& req, httplib::Response& res) {
  auto session = find_session(req.matches[1]);
  if (!session) return send_json(res, error_json("no such session"), 404);
  const std::string action = req.matches[2];
  Session& s = *session;
  std::lock_guard lock(s.mu);
  std::uint32_t at = 0;
  for (const auto& a : s.arms) at = std::max(at, a->step);
  if (action == "pause") {
    s.paused = true;
    s.limit = at;
  } else if (action == "resume") {
    s.paused = false;
    s.limit = std::numeric_limits<std::uint32_t>::max();
  } else if (action == "step") {
    s.paused = true;
    s.limit = std::max(s.limit == std::numeric_limits<std::uint32_t>::max() ? at : s.limit, at) + 1;
  } else if (action == "stop") {
    s.stop = true;
  } else if (action == "speed") {
    const std::string text = req.get_param_value("value");
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(v >= 0.0) || v > 1e6) {
      return send_json(
          res, error_json("speed: expected steps per second >= 0, got " + core::quote(text)), 400);
    }
    s.speed = v;
  } else {
    return send_json(res, error_json("unknown action " + core::quote(action)), 404);
  }
  s.cv.notify_all();
  send_json(res, "{\"session\":" + std::to_string(s.id) + ",\"paused\":" +
                     (s.paused ? "true" : "false") + ",\"speed\":" + json_number(s.speed) + "}");
}

// Server-Sent Events: every message of the session from the client's position on (Last-Event-ID
// lets a reconnecting EventSource continue), a comment every second so that a closed tab is
// noticed, and the end of the stream after `done`.
void Server::events(const httplib::Request& req, httplib::Response& res) {
  auto session = find_session(req.matches[1]);
  if (!session) return send_json(res, error_json("no such session"), 404);
  {
    std::lock_guard lock(mu_);
    if (streams_ >= g_flags.max_streams) {
      return send_json(res, error_json("too many open streams; close some tabs"), 503);
    }
    ++streams_;
  }
  std::size_t from = 0;
  if (req.has_header("Last-Event-ID")) {
    from = std::strtoull(req.get_header_value("Last-Event-ID").c_str(), nullptr, 10);
  }
  auto cursor = std::make_shared<std::size_t>(from);
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider(
      "text/event-stream",
      [session, cursor](std::size_t, httplib::DataSink& sink) {
        std::string chunk;
        bool finished = false;
        {
          std::unique_lock lock(session->mu);
          session->cv.wait_for(lock, std::chrono::seconds(1),
                               [&] { return *cursor < session->events.size() || g_stop.load(); });
          while (*cursor < session->events.size()) chunk += session->events[(*cursor)++];
          finished = session->arms_done == session->arms.size();
        }
        if (chunk.empty()) chunk = ": waiting\n\n";
        if (!sink.write(chunk.data(), chunk.size())) return false;  // the client went away
        if (finished || g_stop.load()) sink.done();
        return true;
      },
      [this](bool) {
        std::lock_guard lock(mu_);
        --streams_;
      });
}

void Server::network(const httplib::Request& req, httplib::Response& res) {
  auto session = find_session(req.matches[1]);
  if (!session) return send_json(res, error_json("no such session"), 404);
  const std::string arm_text = req.get_param_value("arm");
  const std::size_t a = arm_text == "1" ? 1 : 0;
  Session& s = *session;
  std::lock_guard lock(s.mu);
  if (a >= s.arms.size()) return send_json(res, error_json("no such arm"), 404);
  const Arm& arm = *s.arms[a];
  std::string out = "{\"arm\":" + std::to_string(a) + ",\"step\":" + std::to_string(arm.step) +
                    ",\"states\":" + std::to_string(s.num_states) + ",\"kind\":[";
  for (std::size_t i = 0; i < arm.sample_kind.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(arm.sample_kind[i]);
  }
  out += "],\"country\":[";
  for (std::size_t i = 0; i < arm.sample_country.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(arm.sample_country[i]);
  }
  out += "],\"edges\":[";
  for (std::size_t i = 0; i < arm.sample_edges.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(arm.sample_edges[i]);
  }
  out += "],\"attitude\":[";
  for (std::size_t i = 0; i < arm.sample_attitude.size(); ++i) {
    const float v = arm.sample_attitude[i];
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(v));
    if (i) out += ',';
    out += (std::isfinite(v) ? std::string(buf) : std::string("null"));
  }
  send_json(res, out + "]}");
}

// Runs the Python report (as `dipsim report` does) into `html`; returns an error text or "".
std::string make_report(const fs::path& h5, const fs::path& html) {
  const std::string python = "/usr/bin/python3";
  std::string path = std::string(DIPSIM_SOURCE_DIR) + "/analysis";
  std::vector<std::string> env_s{"PYTHONPATH=" + path, "DIPSIM_PROG=dipsim", "MPLBACKEND=Agg"};
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    if (entry.starts_with("PYTHONPATH=") || entry.starts_with("DIPSIM_PROG=") ||
        entry.starts_with("MPLBACKEND=")) {
      continue;
    }
    env_s.emplace_back(entry);
  }
  std::vector<std::string> argv_s{python,      "-m", "dipsim_analysis", "report",
                                  h5.string(), "-o", html.string()};
  std::vector<char*> argv_c, env_c;
  for (auto& a : argv_s) argv_c.push_back(a.data());
  argv_c.push_back(nullptr);
  for (auto& e : env_s) env_c.push_back(e.data());
  env_c.push_back(nullptr);
  const fs::path log = html.string() + ".log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, python.c_str(), &actions, nullptr, argv_c.data(), env_c.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return "cannot run " + python + ": " + std::strerror(rc);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    std::string tail = text.str();
    if (tail.size() > 2000) tail = tail.substr(tail.size() - 2000);
    return "the report failed: " + tail;
  }
  return "";
}

void Server::download(const httplib::Request& req, httplib::Response& res, bool report) {
  auto session = find_session(req.matches[1]);
  if (!session) return send_json(res, error_json("no such session"), 404);
  const std::string arm_text = req.get_param_value("arm");
  const std::size_t a = arm_text == "1" ? 1 : 0;
  fs::path file;
  Arm* arm = nullptr;
  {
    std::lock_guard lock(session->mu);
    if (a >= session->arms.size()) return send_json(res, error_json("no such arm"), 404);
    arm = session->arms[a].get();
    if (!arm->finished || arm->error.size() > 0) {
      return send_json(res,
                       error_json(arm->finished ? "the run failed: " + arm->error
                                                : "the run is still going; stop it or wait"),
                       409);
    }
    file = arm->file;
  }
  std::string name = session->scenario + "-" + arm->label;
  fs::path send = file;
  std::string type = "application/x-hdf5";
  if (report) {
    std::lock_guard lock(arm->report_mu);
    send = file.string() + ".html";
    if (!fs::exists(send)) {
      const std::string err = make_report(file, send);
      if (!err.empty()) return send_json(res, error_json(err), 500);
    }
    type = "text/html; charset=utf-8";
    name += ".html";
  } else {
    name += ".h5";
  }
  std::ifstream in(send, std::ios::binary);
  std::stringstream body;
  body << in.rdbuf();
  if (!in) return send_json(res, error_json("cannot read " + send.filename().string()), 500);
  res.set_header("Content-Disposition", (report && req.get_param_value("inline") == "true"
                                             ? std::string("inline")
                                             : "attachment; filename=\"" + name + "\""));
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.str(), type.c_str());
}

void Server::routes(httplib::Server& http) {
  for (const auto& asset : web::assets()) {
    const std::string route = asset.name == "index.html" ? "/" : "/" + std::string(asset.name);
    const std::string type(asset.type);
    const std::string body(asset.data);
    http.Get(route, [type, body](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-store");
      res.set_header("Content-Security-Policy",
                     "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                     "connect-src 'self'");
      res.set_content(body, type.c_str());
    });
  }
  http.Get("/api/scenarios", [this](const httplib::Request&, httplib::Response& res) {
    std::string out = "{\"default\":" + (chosen_ ? json_string(*chosen_) : "null") +
                      ",\"limits\":{\"max_runs\":" + std::to_string(g_flags.max_runs) +
                      ",\"max_citizens\":" + std::to_string(g_flags.max_citizens) +
                      ",\"max_steps\":" + std::to_string(g_flags.max_steps) + "},\"scenarios\":[";
    for (std::size_t i = 0; i < scenarios_.size(); ++i) {
      const auto& r = scenarios_[i].loaded.resolved;
      out += std::string(i ? "," : "") + "{\"name\":" + json_string(scenarios_[i].name) +
             ",\"title\":" + json_string(r.get_string("title")) +
             ",\"question\":" + json_string(r.get_string("classroom.question")) + "}";
    }
    send_json(res, out + "]}");
  });
  http.Get(R"(/api/scenarios/([A-Za-z0-9_.-]+))",
           [this](const httplib::Request& req, httplib::Response& res) {
             const Scenario* sc = find_scenario(req.matches[1]);
             if (sc == nullptr) {
               return send_json(
                   res, error_json("unknown scenario " + core::quote(req.matches[1].str())), 404);
             }
             send_json(res, scenario_json(*sc));
           });
  http.Get("/api/knob", [this](const httplib::Request& req, httplib::Response& res) {
    const Scenario* sc = find_scenario(req.get_param_value("scenario"));
    if (sc == nullptr) return send_json(res, error_json("unknown scenario"), 404);
    const std::string key = req.get_param_value("key");
    if (std::find(sc->knobs.begin(), sc->knobs.end(), key) == sc->knobs.end()) {
      return send_json(res, error_json(key + " is not a classroom knob of " + sc->name), 404);
    }
    send_json(res, knob_json(key, sc->loaded.resolved));
  });
  http.Post("/api/sessions",
            [this](const httplib::Request& req, httplib::Response& res) { start(req, res); });
  http.Post(R"(/api/sessions/(\d+)/(pause|resume|step|stop|speed))",
            [this](const httplib::Request& req, httplib::Response& res) { control(req, res); });
  http.Get(R"(/api/sessions/(\d+)/events)",
           [this](const httplib::Request& req, httplib::Response& res) { events(req, res); });
  http.Get(R"(/api/sessions/(\d+)/network)",
           [this](const httplib::Request& req, httplib::Response& res) { network(req, res); });
  http.Get(R"(/api/sessions/(\d+)/metrics)", [this](const httplib::Request& req,
                                                    httplib::Response& res) {
    auto session = find_session(req.matches[1]);
    if (!session) return send_json(res, error_json("no such session"), 404);
    std::lock_guard lock(session->mu);
    std::string out = "{\"arms\":[";
    for (std::size_t a = 0; a < session->arms.size(); ++a) {
      const Arm& arm = *session->arms[a];
      out += std::string(a ? "," : "") + "{\"label\":" + json_string(arm.label) +
             ",\"status\":" + json_string(arm.status) + ",\"error\":" + json_string(arm.error) +
             ",\"file\":" + json_string(arm.output.filename().string()) +
             ",\"scorecard\":" + arm.scorecard + ",\"steps\":[" + arm.steps_json + "]}";
    }
    send_json(res, out + "]}");
  });
  http.Get(
      R"(/api/sessions/(\d+)/run\.h5)",
      [this](const httplib::Request& req, httplib::Response& res) { download(req, res, false); });
  http.Get(
      R"(/api/sessions/(\d+)/report\.html)",
      [this](const httplib::Request& req, httplib::Response& res) { download(req, res, true); });
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "internal error";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        send_json(res, error_json(what), 500);
      });
}

void Server::stop_all() {
  std::lock_guard lock(mu_);
  for (const auto& s : sessions_) {
    std::lock_guard slock(s->mu);
    s->stop = true;
    s->cv.notify_all();
  }
}

void Server::join_all() {
  std::vector<std::shared_ptr<Session>> all;
  {
    std::lock_guard lock(mu_);
    all = sessions_;
  }
  for (const auto& s : all) {
    for (auto& t : s->threads) {
      if (t.joinable()) t.join();
    }
  }
}

std::vector<Scenario> load_scenarios(const std::string& chosen,
                                     const std::vector<fs::path>& include_dirs) {
  std::vector<fs::path> files;
  if (!chosen.empty()) {
    files.emplace_back(chosen);
  } else {
    const fs::path dir = fs::path(DIPSIM_SOURCE_DIR) / "scenarios" / "teaching";
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.path().extension() == ".yaml") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
  }
  std::vector<Scenario> out;
  for (const auto& f : files) {
    Scenario s;
    s.name = f.stem().string();
    s.file = fs::absolute(f);
    io::LoadOptions options;
    options.include_dirs = include_dirs;
    try {
      s.loaded = io::load_dipsim_scenario(s.file, options);
    } catch (const core::Error& e) {
      if (!chosen.empty()) throw;
      std::fprintf(stderr, "dipsim serve: warning: leaving out %s: %s\n", f.string().c_str(),
                   e.what());
      continue;
    }
    s.knobs = std::get<std::vector<std::string>>(s.loaded.resolved.value("classroom.knobs"));
    if (std::any_of(out.begin(), out.end(), [&](const Scenario& o) { return o.name == s.name; })) {
      continue;
    }
    out.push_back(std::move(s));
  }
  if (out.empty()) {
    throw core::Error(core::ErrorKind::kInput,
                      "no scenario to serve (none found in " +
                          (fs::path(DIPSIM_SOURCE_DIR) / "scenarios" / "teaching").string() + ")");
  }
  return out;
}

void open_browser(const std::string& url) {
  std::vector<std::string> argv_s{"xdg-open", url};
  std::vector<char*> argv_c;
  for (auto& a : argv_s) argv_c.push_back(a.data());
  argv_c.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, "xdg-open", nullptr, nullptr, argv_c.data(), environ) != 0) {
    std::fprintf(stderr, "dipsim serve: cannot start a browser (xdg-open); open %s yourself\n",
                 url.c_str());
    return;
  }
  std::thread([pid] { waitpid(pid, nullptr, 0); }).detach();  // reap it, leave no zombie
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto& f = g_flags;
  g_command = app.add_subcommand(
      "serve", "classroom mode: serve a live page on 127.0.0.1 to run scenarios and watch them");
  g_command
      ->add_option("scenario", f.scenario,
                   "scenario YAML file (default: offer the teaching scenarios)")
      ->check(CLI::ExistingFile);
  g_command->add_option("--port", f.port, "TCP port (0: any free port)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  g_command
      ->add_option("--host", f.host, "address to listen on; 0.0.0.0 opens the page to the network")
      ->capture_default_str();
  g_command->add_flag("--open", f.open, "open the page in the default browser");
  g_command->add_option("--max-runs", f.max_runs, "runs (arms) in progress at once")
      ->capture_default_str()
      ->check(CLI::Range(1u, 64u));
  g_command->add_option("--max-citizens", f.max_citizens, "largest citizens.count per run")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{100'000'000}));
  g_command->add_option("--max-steps", f.max_steps, "largest run.steps per run")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{10'000'000}));
  g_command->add_option("--threads", f.threads, "worker threads for the runs (default: all cores)")
      ->check(CLI::Range(1u, 4096u));
  g_command
      ->add_option("--output-dir", f.output_dir,
                   "folder for the run files (a subfolder per server start)")
      ->capture_default_str();
}

bool serve_command_parsed() {
  return g_command != nullptr && g_command->parsed();
}

int run_serve_command(const std::vector<fs::path>& include_dirs) {
  const ServeFlags& f = g_flags;
  std::vector<Scenario> scenarios = load_scenarios(f.scenario, include_dirs);
  std::optional<std::string> chosen;
  if (!f.scenario.empty()) chosen = scenarios.front().name;

  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  const fs::path dir =
      fs::absolute(fs::path(f.output_dir) / (std::string(stamp) + "-" + std::to_string(getpid())));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw core::Error(core::ErrorKind::kIo, "cannot create " + dir.string() + ": " + ec.message());

  const auto hw = static_cast<std::uint32_t>(tbb::info::default_concurrency());
  g_flags.threads = f.threads == 0 ? hw : f.threads;
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, g_flags.threads);

  Server server(std::move(scenarios), chosen, dir, include_dirs);
  httplib::Server http;
  // Each open event stream holds a worker; leave room for the page's other requests.
  http.new_task_queue = [] { return new httplib::ThreadPool(g_flags.max_streams + 16); };
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, with which a second server would
  // share the port silently instead of failing to bind.
  http.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  http.set_keep_alive_timeout(2);
  http.set_read_timeout(10);
  http.set_write_timeout(10);
  http.set_payload_max_length(64 * 1024);
  server.routes(http);

  if (f.host != "127.0.0.1" && f.host != "localhost" && f.host != "::1") {
    std::fprintf(stderr,
                 "dipsim serve: warning: listening on %s makes the page reachable from other "
                 "machines; anyone who reaches it can start runs on this computer\n",
                 f.host.c_str());
  }
  int port = f.port;
  if (port == 0) {
    port = http.bind_to_any_port(f.host);
    if (port <= 0) {
      throw core::Error(core::ErrorKind::kIo, "cannot listen on " + f.host + " (any port)");
    }
  } else if (!http.bind_to_port(f.host, port)) {
    throw core::Error(core::ErrorKind::kIo, "cannot listen on " + f.host + ":" +
                                                std::to_string(port) +
                                                " (in use? try --port 0 or another port)");
  }
  install_signal_handlers();
  const std::string shown_host =
      f.host.find(':') != std::string::npos ? "[" + f.host + "]" : f.host;
  const std::string url = "http://" + shown_host + ":" + std::to_string(port) + "/";
  std::printf("dipsim serve: %s  (run files in %s; Ctrl-C to stop)\n", url.c_str(),
              dir.string().c_str());
  std::fflush(stdout);
  if (f.open) open_browser(url);

  std::thread watcher([&] {
    while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    server.stop_all();
    http.stop();
  });
  const bool ok = http.listen_after_bind();
  g_stop = true;
  watcher.join();
  server.stop_all();
  server.join_all();
  std::printf("dipsim serve: stopped (%zu run%s interrupted)\n", server.interrupted(),
              server.interrupted() == 1 ? "" : "s");
  if (!ok && !g_stop.load()) throw core::Error(core::ErrorKind::kIo, "the server failed");
  return 0;
}

}  // namespace dipsim::commands
