// `dipsim serve` (docs/cli.md, docs/teaching/classroom.md): the classroom page. A local HTTP
// server (cpp-httplib) that serves one embedded page, runs scenarios on the engine's normal path
// (io::run_scenario, same RNG and HDF5 writer as `dipsim run`) paced for viewing, and streams each
// step's metrics to the page as Server-Sent Events.
#pragma once
#include <CLI/CLI.hpp>
#include <filesystem>
#include <vector>

namespace dipsim::commands {

/// Registers the subcommand `serve` on `app`; the parsed values live in this translation unit
/// until run_serve_command() uses them.
void add_serve_command(CLI::App& app);

/// Whether the command line chose `dipsim serve`.
bool serve_command_parsed();

/// Runs the server until SIGINT/SIGTERM, then stops the runs in flight (their files are marked
/// interrupted) and returns 0. `include_dirs` are the scenario include folders (as for
/// `dipsim run`). Throws core::Error for a bad scenario (kInput) or when the address cannot be
/// bound (kIo).
int run_serve_command(const std::vector<std::filesystem::path>& include_dirs);

}  // namespace dipsim::commands
