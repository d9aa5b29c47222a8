// `dipsim sweep` (docs/cli.md, docs/sweeps.md, docs/cluster.md): parses the options, loads the
// sweep file and hands it to the executor the options choose; prints progress on a terminal and a
// summary at the end.
#include "sweep_command.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <tuple>

#include "dipsim/core/error.hpp"
#include "dipsim/core/text.hpp"
#include "dipsim/io/schema.hpp"
#include "dipsim/sim/memory.hpp"
#include "dipsim/sweep/executor.hpp"
#include "dipsim/sweep/index.hpp"
#include "dipsim/sweep/sweep_file.hpp"

namespace dipsim::commands {

namespace fs = std::filesystem;

namespace {

struct SweepFlags {
  std::string file, output, shard, max_memory;
  std::uint32_t jobs = 0, threads = 0;
  bool resume = false, force = false, mpi = false, collect = false, slurm = false, dry_run = false,
       quiet = false;
  sweep::SlurmOptions slurm_options;
};

SweepFlags g_flags;
CLI::App* g_command = nullptr;

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_sweep_signal(int) {
  if (g_stop.exchange(true)) _exit(130);  // a second signal exits at once
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_sweep_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// The launcher's rank before MPI_Init (Open MPI, MPICH/PMI, PMIx, Slurm's srun), so that only
// one process of an MPI job prints a mistake in the sweep file.
int launcher_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"}) {
    if (const char* v = std::getenv(name); v != nullptr && *v != '\0') return std::atoi(v);
  }
  return 0;
}

std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  const auto bad = [&] {
    throw core::Error(core::ErrorKind::kInput,
                      "expected i/n with 0 <= i < n (e.g. 3/10), got " + core::quote(text),
                      {"", 0, 0, "--shard"});
  };
  if (slash == std::string::npos) bad();
  std::uint64_t i = 0, n = 0;
  try {
    std::size_t used = 0;
    const std::string a = text.substr(0, slash), b = text.substr(slash + 1);
    if (a.empty() || b.empty() || a[0] == '-' || b[0] == '-') bad();
    i = std::stoull(a, &used);
    if (used != a.size()) bad();
    n = std::stoull(b, &used);
    if (used != b.size()) bad();
  } catch (const std::logic_error&) {
    bad();
  }
  if (n == 0 || i >= n) bad();
  return {i, n};
}

std::string plural(std::uint64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

struct ProgressPrinter {
  bool enabled;
  std::chrono::steady_clock::time_point last{};

  void operator()(const sweep::SweepProgress& p) {
    if (!enabled) return;
    const std::uint64_t todo = p.total - p.skipped;
    const auto done = static_cast<double>(p.done);
    const double rate = p.elapsed_seconds > 0 ? done / p.elapsed_seconds : 0.0;
    const double eta = rate > 0 ? (static_cast<double>(todo) - done) / rate : 0.0;
    std::fprintf(stderr, "\rsweep: %llu/%llu runs", static_cast<unsigned long long>(p.done),
                 static_cast<unsigned long long>(todo));
    if (p.failed > 0) {
      std::fprintf(stderr, " (%llu failed)", static_cast<unsigned long long>(p.failed));
    }
    std::fprintf(stderr, "  %llu running  %.2f runs/s  ETA %.0fs   ",
                 static_cast<unsigned long long>(p.running), rate, eta);
    std::fflush(stderr);
  }
  void finish() {
    if (enabled) std::fprintf(stderr, "\n");
  }
};

void print_plan(const sweep::Sweep& s, const fs::path& dir) {
  std::printf("sweep %s: %s (%s) x %s x %s = %s\n", s.name.c_str(),
              plural(s.points.size(), "point").c_str(),
              std::string(sweep::to_string(s.design)).c_str(), plural(s.arms.size(), "arm").c_str(),
              plural(s.replicates, "replicate").c_str(), plural(s.num_runs(), "run").c_str());
  std::printf("scenario: %s\nfolder:   %s\n", s.scenario.string().c_str(), dir.string().c_str());
  for (std::size_t p = 0; p < s.points.size() && p < 50; ++p) {
    std::printf("  point %zu:", p);
    for (std::size_t k = 0; k < s.parameters.size(); ++k) {
      std::printf(" %s=%s", s.parameters[k].key.c_str(), io::format_value(s.points[p][k]).c_str());
    }
    std::printf("\n");
  }
  if (s.points.size() > 50) std::printf("  ... and %zu more points\n", s.points.size() - 50);
  for (const auto& a : s.arms) {
    std::printf("  arm %s:", a.name.c_str());
    for (const auto& o : a.overrides) std::printf(" %s=%s", o.key.c_str(), o.text.c_str());
    std::printf("\n");
  }
  for (const auto& m : s.summaries) {
    std::printf("  summary %s: %s\n", m.name.c_str(), m.definition.c_str());
  }
  std::printf("first run: %s\n", s.run_command(s.run(0), dir / s.run(0).file).c_str());
}

int finish(const sweep::Sweep& s, const sweep::SweepOutcome& out, const SweepFlags& f,
           const fs::path& dir) {
  if (!out.is_root) return out.interrupted ? 130 : 0;
  if (!f.quiet) {
    const auto& p = out.progress;
    std::printf("sweep %s: ran %s in %.2f s (%u %s, %u thread%s per run)", s.name.c_str(),
                plural(p.done, "run").c_str(), p.elapsed_seconds, out.jobs,
                f.mpi ? (out.jobs == 1 ? "rank" : "ranks") : "at a time", out.threads_per_run,
                out.threads_per_run == 1 ? "" : "s");
    if (p.skipped > 0) std::printf(", kept %s complete before", plural(p.skipped, "run").c_str());
    if (!f.mpi && out.jobs < out.jobs_asked) {
      std::printf("; memory allows %u at a time (%s per run, %s in all)", out.jobs,
                  sim::format_bytes(out.run_memory).c_str(),
                  sim::format_bytes(out.memory_limit).c_str());
    }
    std::printf("\nindex %s: %llu complete, %llu failed, %llu unfinished of %llu runs\n",
                out.index.string().c_str(), static_cast<unsigned long long>(out.complete),
                static_cast<unsigned long long>(out.failed),
                static_cast<unsigned long long>(out.unfinished),
                static_cast<unsigned long long>(s.num_runs()));
  }
  if (out.interrupted) {
    std::fprintf(stderr,
                 "dipsim: sweep interrupted; unfinished runs are kept as .partial files. Continue "
                 "with: dipsim sweep %s -o %s --resume\n",
                 sweep::shell_quote(s.file.string()).c_str(),
                 sweep::shell_quote(dir.string()).c_str());
    return 130;
  }
  // Only this invocation's own runs decide the exit code: a shard's index also shows the other
  // shards' runs, some of them still being written.
  if (out.progress.failed > 0) {
    std::fprintf(stderr, "dipsim: %s failed; `dipsim info %s` lists them with their errors\n",
                 plural(out.progress.failed, "run").c_str(), out.index.string().c_str());
    try {  // the first few, so a log shows why without opening the index
      const sweep::IndexTable table = sweep::read_index(out.index);
      std::size_t shown = 0;
      for (std::size_t i = 0; i < table.status.size() && shown < 3; ++i) {
        if (table.status[i] != "failed") continue;
        std::fprintf(stderr, "  %s: %s\n", table.file[i].c_str(), table.error[i].c_str());
        ++shown;
      }
    } catch (const core::Error&) {
    }
    return 1;
  }
  return 0;
}

int run(const std::vector<fs::path>& include_dirs) {
  const SweepFlags& f = g_flags;
  const sweep::Sweep s = sweep::load_sweep(f.file, include_dirs);
  const fs::path dir = f.output.empty() ? fs::path("sweeps") / s.name : fs::path(f.output);
  if (f.dry_run) {
    print_plan(s, dir);
    return 0;
  }
  if (f.collect) {
    const sweep::SweepOutcome out = sweep::collect(s, dir);
    if (!f.quiet) std::fputs(sweep::describe_index(out.index).c_str(), stdout);
    return 0;
  }
  if (f.slurm) {
    sweep::SlurmOptions o = f.slurm_options;
    o.output_dir = dir;
    std::error_code ec;
    o.dipsim = fs::read_symlink("/proc/self/exe", ec);
    if (ec) o.dipsim = "dipsim";
    const sweep::SlurmScripts scripts = sweep::write_slurm_scripts(s, o);
    if (!f.quiet) {
      std::printf("wrote %s (job array of %llu tasks for %s), %s and %s\n",
                  scripts.array_script.string().c_str(),
                  static_cast<unsigned long long>(scripts.shards),
                  plural(s.num_runs(), "run").c_str(), scripts.collect_script.string().c_str(),
                  scripts.submit_script.string().c_str());
      std::printf("submit with: bash %s\n",
                  sweep::shell_quote(scripts.submit_script.string()).c_str());
    }
    return 0;
  }

  sweep::ExecOptions options;
  options.output_dir = dir;
  options.jobs = f.jobs;
  options.threads = f.threads;
  options.resume = f.resume;
  options.force = f.force;
  options.stop = &g_stop;
  if (!f.max_memory.empty()) options.max_memory = sim::parse_size(f.max_memory, "--max-memory");
  if (!f.shard.empty()) std::tie(options.shard, options.shards) = parse_shard(f.shard);
  ProgressPrinter printer{!f.quiet && isatty(STDERR_FILENO) != 0};
  options.progress = [&](const sweep::SweepProgress& p) { printer(p); };
  install_signal_handlers();
  if (!f.mpi) {
    const sweep::SweepOutcome out = sweep::run_local(s, options);
    printer.finish();
    return finish(s, out, f, dir);
  }
  try {
    const sweep::SweepOutcome out = sweep::run_mpi(s, options);
    printer.finish();
    return finish(s, out, f, dir);
  } catch (const core::Error& e) {
    // Report once (rank 0, or a worker's own failure), then end every rank of the job.
    const std::string text = e.what();
    if (text.rfind("rank 0 could not start", 0) != 0) {
      const int rank = launcher_rank();
      std::fprintf(stderr, "dipsim: error: %s%s\n",
                   rank == 0 ? "" : ("rank " + std::to_string(rank) + ": ").c_str(), text.c_str());
    }
    std::fflush(stderr);
    const int code = core::exit_code(e.kind());
    sweep::abort_mpi(code);
    return code;
  }
}

}  // namespace

void add_sweep_command(CLI::App& app) {
  SweepFlags& f = g_flags;
  auto* cmd = app.add_subcommand(
      "sweep",
      "run a parameter sweep (design x arms x replicates) locally, with MPI or on Slurm; "
      "docs/sweeps.md");
  g_command = cmd;
  cmd->add_option("sweep", f.file, "sweep file (YAML)")->required()->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", f.output, "sweep folder (default: sweeps/<sweep name>)");
  auto* jobs = cmd->add_option("--jobs", f.jobs, "runs at a time on this machine (default: cores)")
                   ->check(CLI::Range(1u, 4096u));
  cmd->add_option("--threads", f.threads,
                  "threads in all, split over the runs at a time (default: cores); with --mpi: "
                  "per rank (default: cores / ranks on the node)")
      ->check(CLI::Range(1u, 4096u));
  auto* resume = cmd->add_flag("--resume", f.resume,
                               "keep complete runs, rerun failed, interrupted and missing ones");
  auto* force =
      cmd->add_flag("--force", f.force, "delete this sweep's old run files and start over");
  auto* mpi = cmd->add_flag(
      "--mpi", f.mpi, "distribute runs over MPI ranks (mpirun -np N dipsim sweep S.yaml --mpi)");
  auto* shard = cmd->add_option("--shard", f.shard,
                                "run share i of n: the runs whose index is i modulo n (Slurm array "
                                "task i)");
  auto* collect = cmd->add_flag("--collect", f.collect,
                                "rebuild index.h5 from the run files on disk and describe it");
  auto* slurm = cmd->add_flag(
      "--slurm", f.slurm, "write SWEEP_DIR/sweep.slurm (job array), collect.slurm and submit.sh");
  auto* dry = cmd->add_flag("--dry-run", f.dry_run, "check the sweep file and print its plan");
  cmd->add_flag("-q,--quiet", f.quiet, "print nothing but errors");
  cmd->add_option("--max-memory", f.max_memory,
                  "memory for the runs at a time (e.g. 16G; default: the memory available); "
                  "fewer runs run at once when they would not fit");
  auto& so = f.slurm_options;
  auto* partition = cmd->add_option("--partition", so.partition, "--slurm: partition");
  auto* time = cmd->add_option("--time", so.time, "--slurm: time limit per array task (HH:MM:SS)")
                   ->capture_default_str();
  auto* cpus = cmd->add_option("--cpus", so.cpus, "--slurm: CPUs per array task")
                   ->check(CLI::Range(1u, 4096u))
                   ->capture_default_str();
  auto* mem = cmd->add_option("--mem", so.mem, "--slurm: memory per array task (e.g. 4G)");
  auto* parallel = cmd->add_option("--array-parallel", so.array_parallel,
                                   "--slurm: at most K array tasks at once (%K)")
                       ->check(CLI::Range(1u, 1000000u));
  auto* shards = cmd->add_option("--shards", so.shards,
                                 "--slurm: number of array tasks (default: runs, at most 1000)")
                     ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000}));
  auto* account = cmd->add_option("--account", so.account, "--slurm: account to charge");
  for (auto* o : {partition, time, cpus, mem, parallel, shards, account}) o->needs(slurm);
  mpi->excludes(shard)->excludes(collect)->excludes(slurm)->excludes(dry)->excludes(jobs);
  shard->excludes(collect)->excludes(slurm)->excludes(dry);
  collect->excludes(slurm)->excludes(dry)->excludes(force);
  force->excludes(resume);
  slurm->excludes(dry)->excludes(force);
}

bool sweep_command_parsed() {
  return g_command != nullptr && g_command->parsed();
}

int run_sweep_command(const std::vector<fs::path>& include_dirs) {
  if (!g_flags.mpi || launcher_rank() == 0) return run(include_dirs);
  try {
    return run(include_dirs);
  } catch (const core::Error& e) {
    // A mistake in the sweep file is the same on every rank: rank 0 reports it. Anything else
    // (a file missing on this node) is reported by this rank.
    if (e.kind() != core::ErrorKind::kInput) {
      std::fprintf(stderr, "dipsim: error: rank %d: %s\n", launcher_rank(), e.what());
    }
    return core::exit_code(e.kind());
  }
}

}  // namespace dipsim::commands
