// `dipsim sweep`: run a parameter sweep locally, over MPI or as a Slurm job array, resume it,
// rebuild its index, or write its Slurm scripts (docs/sweeps.md, docs/cluster.md).
#pragma once
#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace dipsim::commands {

/// Registers the subcommand `sweep` on `app`; the parsed values live in this translation unit
/// until run_sweep_command() uses them.
void add_sweep_command(CLI::App& app);

/// Whether the command line chose `dipsim sweep`.
bool sweep_command_parsed();

/// Runs the `sweep` subcommand that was parsed and returns the exit code: 0 when every run is
/// complete (or for --collect, --slurm, --dry-run), 1 when some runs failed, 130 when interrupted
/// (SIGINT/SIGTERM: runs in flight are kept as interrupted .partial files; --resume continues).
/// `include_dirs` are the scenario include folders (as for `dipsim run`). Throws core::Error for a
/// bad sweep file (kInput) or folder problems; under --mpi it reports errors itself (once, from
/// rank 0) and ends the MPI job, so every rank exits.
int run_sweep_command(const std::vector<std::filesystem::path>& include_dirs);

}  // namespace dipsim::commands
