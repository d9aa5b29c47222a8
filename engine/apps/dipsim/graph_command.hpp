// `dipsim graph`: generate a scenario's follow graph into a file, describe a graph file, convert
// between graph formats (docs/cli.md, "dipsim graph").
#pragma once
#include <CLI/CLI.hpp>
#include <filesystem>
#include <vector>

namespace dipsim::commands {

/// Registers the subcommand `graph` (with `generate`, `describe`, `convert`) on `app`; the parsed
/// values live in this translation unit until run_graph_command() uses them.
void add_graph_command(CLI::App& app);

/// Whether the command line chose `dipsim graph`.
bool graph_command_parsed();

/// Runs the `graph` subcommand that was parsed and returns the exit code. `include_dirs` are the
/// folders searched for scenario `include:` files (as for `dipsim run`). Throws core::Error: kInput
/// for bad input (malformed graph file, unknown extension, bad scenario), kIo for file failures
/// (including an existing output without --force).
int run_graph_command(const std::vector<std::filesystem::path>& include_dirs);

}  // namespace dipsim::commands
