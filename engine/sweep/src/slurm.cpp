// Slurm job scripts for a sweep (docs/cluster.md): a job array whose task i runs shard i of n
// (`dipsim sweep S.yaml --shard i/n --resume`), a collect job that rebuilds the index once the
// array is over, and submit.sh that submits both with the dependency between them.
#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "dipsim/core/error.hpp"
#include "dipsim/core/text.hpp"
#include "dipsim/io/run.hpp"
#include "dipsim/sweep/executor.hpp"

namespace dipsim::sweep {

namespace fs = std::filesystem;
using core::ErrorKind;

namespace {

constexpr std::uint64_t kMaxArrayTasks = 1000;  // below Slurm's default MaxArraySize (1001)

void check_word(const std::string& value, const std::string& option, const std::string& allowed,
                const std::string& example) {
  const bool ok = std::all_of(value.begin(), value.end(), [&](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           allowed.find(c) != std::string::npos;
  });
  if (!ok) {
    throw core::Error(ErrorKind::kInput,
                      "expected a value like " + example + ", got " + core::quote(value),
                      {"", 0, 0, option});
  }
}

// Slurm's time formats: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S.
void check_time(const std::string& t) {
  const bool ok =
      !t.empty() &&
      std::all_of(t.begin(), t.end(),
                  [](char c) { return (c >= '0' && c <= '9') || c == ':' || c == '-'; }) &&
      std::count(t.begin(), t.end(), '-') <= 1 && std::count(t.begin(), t.end(), ':') <= 2 &&
      t.front() != ':' && t.back() != ':' && t.front() != '-' && t.back() != '-';
  if (!ok) {
    throw core::Error(
        ErrorKind::kInput,
        "expected a Slurm time such as 01:30:00, 90 (minutes) or 1-12:00:00, got " + core::quote(t),
        {"", 0, 0, "--time"});
  }
}

std::uint64_t shard_count(const Sweep& sweep, const SlurmOptions& o) {
  const std::uint64_t runs = sweep.num_runs();
  const std::uint64_t n = o.shards > 0 ? o.shards : std::min(runs, kMaxArrayTasks);
  return std::max<std::uint64_t>(1, std::min(n, runs));
}

std::string header(const SlurmOptions& o, const std::string& job, const std::string& log) {
  std::string s = "#SBATCH --job-name=" + job + "\n";
  if (!o.partition.empty()) s += "#SBATCH --partition=" + o.partition + "\n";
  if (!o.account.empty()) s += "#SBATCH --account=" + o.account + "\n";
  s += "#SBATCH --nodes=1\n#SBATCH --ntasks=1\n";
  s += "#SBATCH --output=" + (fs::absolute(o.output_dir) / "slurm" / log).string() + "\n";
  return s;
}

std::string environment() {
  std::string s;
  if (const char* path = std::getenv("DIPSIM_CONFIG_PATH"); path != nullptr && *path != '\0') {
    s += "export DIPSIM_CONFIG_PATH=" + shell_quote(path) + "\n";
  }
  return s;
}

void write_file(const fs::path& path, const std::string& text, bool executable) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw core::Error(ErrorKind::kIo, "cannot write", {path.string(), 0, 0, ""});
  }
  if (executable) {
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add, ec);
  }
}

}  // namespace

std::string slurm_array_script(const Sweep& sweep, const SlurmOptions& o) {
  check_time(o.time);
  if (!o.partition.empty()) check_word(o.partition, "--partition", "_-.,", "batch");
  if (!o.account.empty()) check_word(o.account, "--account", "_-.", "proj123");
  if (!o.mem.empty()) check_word(o.mem, "--mem", "", "4G or 4000M");
  if (o.cpus == 0) {
    throw core::Error(ErrorKind::kInput, "expected at least 1", {"", 0, 0, "--cpus"});
  }
  const std::uint64_t shards = shard_count(sweep, o);
  const fs::path dir = fs::absolute(o.output_dir).lexically_normal();
  const fs::path sweep_file = fs::absolute(sweep.file).lexically_normal();
  const std::string cpus = std::to_string(o.cpus);
  std::string s = "#!/bin/bash\n";
  s += "# Slurm job array for the dipsim sweep \"" + sweep.name +
       "\": " + std::to_string(sweep.num_runs()) + " runs in " + std::to_string(shards) +
       " array tasks; task i runs the runs whose index is i modulo " + std::to_string(shards) +
       ".\n";
  s += "# Written by `dipsim sweep --slurm` on " + io::iso8601_now() + ". Submit it with\n";
  s += "#   bash " + (dir / "submit.sh").string() + "\n";
  s += "# which also queues collect.slurm to rebuild the index when every task has ended.\n";
  s += "# A task that is requeued or resubmitted skips its runs that are complete (--resume).\n";
  s += header(o, "dipsim-" + sweep.name, "%A_%a.out");
  std::string array = "0-" + std::to_string(shards - 1);
  if (o.array_parallel > 0) {
    array += '%';  // (not "%" + text: GCC 12 -O3 warns falsely about that, -Wrestrict)
    array += std::to_string(o.array_parallel);
  }
  s += "#SBATCH --array=" + array + "\n";
  s += "#SBATCH --cpus-per-task=" + cpus + "\n";
  if (!o.mem.empty()) s += "#SBATCH --mem=" + o.mem + "\n";
  s += "#SBATCH --time=" + o.time + "\n";
  s += "set -euo pipefail\n";
  s += environment();
  s += "exec " + shell_quote(fs::absolute(o.dipsim).string()) + " sweep " +
       shell_quote(sweep_file.string()) + " -o " + shell_quote(dir.string()) +
       " --shard \"${SLURM_ARRAY_TASK_ID}/" + std::to_string(shards) +
       "\" --resume --jobs \"${SLURM_CPUS_PER_TASK:-" + cpus +
       "}\" --threads \"${SLURM_CPUS_PER_TASK:-" + cpus + "}\" --quiet\n";
  return s;
}

SlurmScripts write_slurm_scripts(const Sweep& sweep, const SlurmOptions& o) {
  const std::string array = slurm_array_script(sweep, o);
  const fs::path dir = fs::absolute(o.output_dir).lexically_normal();
  std::error_code ec;
  fs::create_directories(dir / "slurm", ec);
  if (ec) {
    throw core::Error(ErrorKind::kIo, "cannot create the sweep folder: " + ec.message(),
                      {dir.string(), 0, 0, ""});
  }
  const fs::path sweep_file = fs::absolute(sweep.file).lexically_normal();
  std::string collect = "#!/bin/bash\n";
  collect += "# Rebuilds the index of the dipsim sweep \"" + sweep.name +
             "\" from its run files (queued by submit.sh after sweep.slurm).\n";
  collect += header(o, "dipsim-" + sweep.name + "-collect", "collect_%j.out");
  collect += "#SBATCH --cpus-per-task=1\n#SBATCH --time=" + o.time + "\n";
  if (!o.mem.empty()) collect += "#SBATCH --mem=" + o.mem + "\n";
  collect += "set -euo pipefail\n" + environment();
  collect += "exec " + shell_quote(fs::absolute(o.dipsim).string()) + " sweep " +
             shell_quote(sweep_file.string()) + " -o " + shell_quote(dir.string()) + " --collect\n";
  std::string submit = "#!/bin/bash\n";
  submit +=
      "# Submits the sweep's job array, then the collect job to run after it (afterany: also\n"
      "# when some tasks failed, so the index shows what is missing).\n";
  submit += "set -euo pipefail\n";
  submit += "job=$(sbatch --parsable " + shell_quote((dir / "sweep.slurm").string()) + ")\n";
  submit += "job=${job%%;*}\n";
  submit += "collect=$(sbatch --parsable --dependency=afterany:${job} " +
            shell_quote((dir / "collect.slurm").string()) + ")\n";
  submit += "echo \"submitted job array ${job} and collect job ${collect%%;*}\"\n";

  SlurmScripts out;
  out.array_script = dir / "sweep.slurm";
  out.collect_script = dir / "collect.slurm";
  out.submit_script = dir / "submit.sh";
  out.shards = shard_count(sweep, o);
  write_file(out.array_script, array, true);
  write_file(out.collect_script, collect, true);
  write_file(out.submit_script, submit, true);
  return out;
}

}  // namespace dipsim::sweep
