// dipsim command-line program: the only place that prints errors and picks exit codes
// (0 success, 1 I/O or internal failure, 2 bad input, 130 interrupted).
#include <sys/wait.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "dipsim/core/error.hpp"
#include "dipsim/core/version.hpp"
#include "dipsim/io/parameters.hpp"
#include "dipsim/io/run.hpp"
#include "dipsim/io/run_file.hpp"
#include "dipsim/sim/memory.hpp"
#include "dipsim/sim/metrics.hpp"
#include "dipsim/sweep/index.hpp"
#include "graph_command.hpp"
#include "serve_command.hpp"
#include "sweep_command.hpp"

namespace fs = std::filesystem;
using namespace dipsim;

namespace {

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_signal(int) {
  if (g_stop.exchange(true)) _exit(130);  // a second signal exits at once
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

std::vector<fs::path> include_dirs() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("DIPSIM_CONFIG_PATH")) {
    std::stringstream ss(env);
    std::string item;
    while (std::getline(ss, item, ':')) {
      if (!item.empty()) dirs.emplace_back(item);
    }
  }
  dirs.emplace_back(fs::path(DIPSIM_SOURCE_DIR) / "configs");
  return dirs;
}

std::string command_line(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) out += ' ';
    out += argv[i];
  }
  return out;
}

struct Progress {
  bool enabled;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last{};

  void operator()(std::uint32_t done, std::uint32_t total) {
    if (!enabled) return;
    const auto now = std::chrono::steady_clock::now();
    if (done != total && now - last < std::chrono::milliseconds(200)) return;
    last = now;
    const double secs = std::chrono::duration<double>(now - start).count();
    const double rate = secs > 0 ? done / secs : 0.0;
    const double eta = rate > 0 ? (total - done) / rate : 0.0;
    std::fprintf(stderr, "\rstep %u/%u  %.1f steps/s  ETA %.0fs   ", done, total, rate, eta);
    if (done == total) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }
};

void print_summary(const io::RunResult& r) {
  std::printf("%s: %s after %u steps in %.2f s\n", r.file.string().c_str(),
              r.status == io::RunStatus::kComplete ? "complete" : "interrupted", r.steps_done,
              r.wall_seconds);
  std::printf("world: %u citizens, %llu follow edges, %llu items posted\n", r.num_citizens,
              static_cast<unsigned long long>(r.num_edges),
              static_cast<unsigned long long>(r.num_items));
  std::printf("%-16s %-12s %14s %12s %10s %12s\n", "country", "state", "mean_attitude",
              "favourable", "reach", "items_read");
  const auto& f = r.final_metrics;
  for (std::size_t c = 0; c < r.countries.size(); ++c) {
    for (std::size_t s = 0; s < r.states.size(); ++s) {
      std::printf("%-16s %-12s %14.4f %12.4f %10.0f %12.0f\n", r.countries[c].c_str(),
                  r.states[s].c_str(), f.at(sim::Metric::kMeanAttitude, c, s),
                  f.at(sim::Metric::kFavourableShare, c, s), f.at(sim::Metric::kReach, c, s),
                  f.at(sim::Metric::kItemsRead, c, s));
    }
  }
}

struct RunFlags {
  std::string scenario, output, resume, max_memory;
  std::optional<std::uint64_t> seed;
  std::uint32_t threads = 0, checkpoint_every = 0;
  std::vector<std::string> sets;
  bool force = false, quiet = false;
};

int cmd_run(RunFlags f, const std::string& cmdline) {
  if (f.scenario.empty() == f.resume.empty()) {
    throw core::Error(core::ErrorKind::kInput,
                      "expected either a scenario file or --resume RUN.h5.partial, not " +
                          std::string(f.scenario.empty() ? "neither" : "both"));
  }
  if (!f.resume.empty() && (!f.sets.empty() || f.seed)) {
    throw core::Error(core::ErrorKind::kInput,
                      "--resume continues a run as it was: --set and --seed are not allowed");
  }
  const std::string& scenario = f.scenario;
  std::string output = f.output;
  const auto threads = f.threads;
  const bool quiet = f.quiet;
  std::optional<io::LoadedScenario> loaded;
  if (f.resume.empty()) {
    io::LoadOptions options;
    options.overrides = std::move(f.sets);
    if (f.seed) options.overrides.push_back("run.seed=" + std::to_string(*f.seed));
    options.include_dirs = include_dirs();
    loaded = io::load_dipsim_scenario(scenario, options);
  }

  if (output.empty() && f.resume.empty()) {
    fs::create_directories("runs");
    output = (fs::path("runs") / fs::path(scenario).stem()).string() + ".h5";
  }
  if (f.resume.empty()) {
    // Even with --force, the run file must not replace its own scenario.
    std::error_code ec;
    if (fs::equivalent(scenario, output, ec)) {
      throw core::Error(
          core::ErrorKind::kInput,
          "the output file " + output + " is the scenario file itself; choose another name with -o",
          {output, 0, 0, ""});
    }
  }
  const auto hw = static_cast<std::uint32_t>(tbb::info::default_concurrency());
  const std::uint32_t n = threads == 0 ? hw : threads;
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, n);

  install_signal_handlers();
  io::RunOptions run;
  run.output = output;
  run.force = f.force;
  run.threads = n;
  run.command_line = cmdline;
  run.stop = &g_stop;
  run.checkpoint_every = f.checkpoint_every;
  if (!f.max_memory.empty()) run.max_memory = sim::parse_size(f.max_memory, "--max-memory");
  Progress progress{!quiet && isatty(STDERR_FILENO) != 0};
  run.progress = [&](std::uint32_t d, std::uint32_t t) { progress(d, t); };
  const io::RunResult result =
      f.resume.empty() ? io::run_scenario(*loaded, run) : io::resume_run(f.resume, run);
  if (result.status == io::RunStatus::kInterrupted) {
    std::fprintf(stderr, "dipsim: interrupted after %u steps; partial results kept in %s\n",
                 result.steps_done, result.file.string().c_str());
    return 130;
  }
  if (!quiet) print_summary(result);
  return 0;
}

int cmd_validate(const std::string& scenario, std::vector<std::string> sets) {
  io::LoadOptions options;
  options.overrides = std::move(sets);
  options.include_dirs = include_dirs();
  const io::LoadedScenario loaded = io::load_dipsim_scenario(scenario, options);
  std::cout << "# " << scenario << ": valid\n";
  // The estimate as YAML comments, so the output can still be run as it is.
  const auto estimate = sim::estimate_memory(loaded.config, 0);
  const auto available = sim::available_memory();
  std::istringstream lines(estimate.describe() + "memory available: " +
                           sim::format_bytes(available.bytes) + " (" + available.source + ")\n");
  for (std::string line; std::getline(lines, line);) std::cout << "# " << line << '\n';
  std::cout << loaded.resolved.to_yaml();
  return 0;
}

int cmd_info_in_process(const std::string& file);

/// `dipsim info` reads files written by others, and libhdf5 itself crashes or loops on some
/// corrupted files (tests/fuzz/known-hdf5-crashes). The reading therefore happens in a child
/// process: a crash or a hang there becomes an error message naming the file, exit 2.
int cmd_info(const std::string& file) {
  // DIPSIM_READ_TIMEOUT (seconds, default 60) bounds the reading (a hang in libhdf5).
  double timeout = 60.0;
  if (const char* env = std::getenv("DIPSIM_READ_TIMEOUT"); env != nullptr) {
    char* end = nullptr;
    const double t = std::strtod(env, &end);
    if (end != env && *end == '\0' && t > 0.0 && t < 1e6) timeout = t;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) return cmd_info_in_process(file);  // no child: read here
  if (pid == 0) {
    int code;
    try {
      code = cmd_info_in_process(file);
    } catch (const core::Error& e) {
      std::fprintf(stderr, "dipsim: error: %s\n", e.what());
      code = core::exit_code(e.kind());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "dipsim: internal error: %s\n", e.what());
      code = 1;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    _exit(code);
  }
  const auto start = std::chrono::steady_clock::now();
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) {
      throw core::Error(core::ErrorKind::kInternal,
                        "waiting for the reader of " + file + " failed");
    }
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > timeout) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      throw core::Error(core::ErrorKind::kInput,
                        "reading took more than " + std::to_string(static_cast<int>(timeout)) +
                            " s and was stopped (DIPSIM_READ_TIMEOUT): the HDF5 library is "
                            "looping on a corrupted file",
                        core::InputLocation{file, 0, 0, ""});
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  throw core::Error(core::ErrorKind::kInput,
                    "the HDF5 library crashed reading this file (signal " +
                        std::to_string(WTERMSIG(status)) +
                        "): it is corrupted or not a dipsim run file",
                    core::InputLocation{file, 0, 0, ""});
}

int cmd_info_in_process(const std::string& file) {
  if (sweep::is_sweep_index(file)) {
    std::fputs(sweep::describe_index(file).c_str(), stdout);
    return 0;
  }
  const io::RunSummary s = io::read_run_summary(file);
  std::printf("file:     %s\nstatus:   %s\n", file.c_str(), s.status.c_str());
  for (const char* key : {"title", "dipsim_version", "git_revision", "seed", "threads", "host",
                          "start_time", "wall_seconds", "steps_done", "command_line"}) {
    if (auto it = s.attributes.find(key); it != s.attributes.end()) {
      std::printf("%-14s %s\n", (std::string(key) + ":").c_str(), it->second.c_str());
    }
  }
  if (auto it = s.attributes.find("error"); it != s.attributes.end()) {
    std::printf("%-14s %s\n", "error:", it->second.c_str());
  }
  std::printf("steps written: %llu\n", static_cast<unsigned long long>(s.steps_written));
  std::printf("datasets:\n");
  for (const auto& [path, shape] : s.datasets) {
    std::string dims;
    for (std::size_t i = 0; i < shape.size(); ++i) {
      dims += (i ? " x " : "") + std::to_string(shape[i]);
    }
    std::printf("  %-32s %s\n", path.c_str(), dims.c_str());
  }
  if (!s.last_values.empty() && s.steps_written > 0) {
    std::printf("last step:\n  %-16s %-12s", "country", "state");
    const char* shown[] = {"mean_attitude", "favourable_share", "reach"};
    for (const char* m : shown) std::printf(" %16s", m);
    std::printf("\n");
    for (std::size_t c = 0; c < s.countries.size(); ++c) {
      for (std::size_t k = 0; k < s.states.size(); ++k) {
        std::printf("  %-16s %-12s", s.countries[c].c_str(), s.states[k].c_str());
        for (const char* m : shown) {
          auto it = s.last_values.find(m);
          const double v = it == s.last_values.end() ? 0.0 : it->second[c * s.states.size() + k];
          std::printf(" %16.4f", v);
        }
        std::printf("\n");
      }
    }
  }
  return 0;
}

// `dipsim report` runs the Python analysis package (analysis/dipsim_analysis) with Debian's
// interpreter; the package draws the plots and writes the self-contained HTML page.
int cmd_report(const std::vector<std::string>& args) {
  const std::string python = "/usr/bin/python3";
  std::string path = std::string(DIPSIM_SOURCE_DIR) + "/analysis";
  if (const char* old = std::getenv("PYTHONPATH"); old != nullptr && *old != '\0') {
    path += ":" + std::string(old);
  }
  setenv("PYTHONPATH", path.c_str(), 1);
  setenv("DIPSIM_PROG", "dipsim", 1);
  std::vector<std::string> argv_s{python, "-m", "dipsim_analysis", "report"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv_c;
  for (auto& a : argv_s) argv_c.push_back(a.data());
  argv_c.push_back(nullptr);
  execv(python.c_str(), argv_c.data());
  throw core::Error(core::ErrorKind::kIo, "cannot run " + python +
                                              " for the report (install python3 with "
                                              "scripts/setup.sh): " +
                                              std::strerror(errno));
}

int cmd_reference(const std::string& output) {
  const std::string text = io::reference_markdown(io::scenario_schema(), "Scenario reference");
  if (output.empty() || output == "-") {
    std::cout << text;
    return 0;
  }
  std::FILE* f = std::fopen(output.c_str(), "wb");
  if (f == nullptr || std::fwrite(text.data(), 1, text.size(), f) != text.size() ||
      std::fclose(f) != 0) {
    throw core::Error(core::ErrorKind::kIo, "cannot write " + output);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dipsim: agent-based simulator of international information campaigns"};
  app.set_version_flag("--version", std::string("dipsim ") + std::string(core::version()) + " (" +
                                        std::string(core::git_revision()) + ")");
  app.require_subcommand(1);

  std::string scenario, output, file;
  std::vector<std::string> sets;
  RunFlags rf;

  auto* run = app.add_subcommand("run", "run a scenario and write its HDF5 run file");
  run->add_option("scenario", rf.scenario, "scenario YAML file")->check(CLI::ExistingFile);
  run->add_option("-o,--output", rf.output, "run file (default: runs/<scenario>.h5)");
  run->add_option("--seed", rf.seed, "seed (overrides run.seed)");
  run->add_option("--threads", rf.threads, "worker threads (default: all cores)")
      ->check(CLI::Range(1u, 4096u));
  run->add_option("--set", rf.sets, "override a scenario key: --set citizens.count=20000")
      ->take_all()
      ->allow_extra_args(false);
  run->add_option("--checkpoint-every", rf.checkpoint_every,
                  "write RUN.h5.checkpoint every N steps and on interrupt")
      ->check(CLI::Range(1u, 4'000'000'000u));
  // Not CLI::ExistingFile: a resume needs the checkpoint and journal beside RUN.h5.partial, not
  // the .partial itself (io::resume_run reads nothing from it).
  run->add_option("--resume", rf.resume,
                  "continue an interrupted run from RUN.h5.partial and its checkpoint");
  run->add_flag("--force", rf.force, "overwrite an existing run file");
  run->add_option("--max-memory", rf.max_memory,
                  "refuse runs whose estimated peak memory exceeds SIZE (e.g. 8G; default: the "
                  "memory available)");
  run->add_flag("-q,--quiet", rf.quiet, "print nothing but errors");

  auto* validate = app.add_subcommand("validate", "check a scenario and print it fully resolved");
  validate->add_option("scenario", scenario, "scenario YAML file")
      ->required()
      ->check(CLI::ExistingFile);
  validate->add_option("--set", sets, "override a scenario key")->allow_extra_args(false);

  auto* info = app.add_subcommand("info", "summarise a run file");
  info->add_option("file", file, "run file (.h5 or .h5.partial)")->required();

  auto* report = app.add_subcommand("report",
                                    "write a self-contained HTML report of a run or a sweep: "
                                    "dipsim report RUN.h5|SWEEP_DIR [-o FILE]");
  report->allow_extras();
  report->prefix_command();
  report->set_help_flag();

  auto* reference = app.add_subcommand(
      "reference", "print the scenario reference (Markdown) generated from the parameter table");
  reference->add_option("-o,--output", output, "write to this file instead of stdout");

  commands::add_graph_command(app);
  commands::add_sweep_command(app);
  commands::add_serve_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  try {
    if (*run) {
      return cmd_run(rf, command_line(argc, argv));
    }
    if (*validate) return cmd_validate(scenario, sets);
    if (*info) return cmd_info(file);
    if (*reference) return cmd_reference(output);
    if (*report) return cmd_report(report->remaining());
    if (commands::graph_command_parsed()) return commands::run_graph_command(include_dirs());
    if (commands::sweep_command_parsed()) return commands::run_sweep_command(include_dirs());
    if (commands::serve_command_parsed()) return commands::run_serve_command(include_dirs());
  } catch (const core::Error& e) {
    std::fprintf(stderr, "dipsim: error: %s\n", e.what());
    return core::exit_code(e.kind());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dipsim: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}
