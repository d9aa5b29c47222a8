// dipsim's parameter table: every scenario key, with type, default, range, unit, meaning and
// source, and the binding of each key to the field of sim::SimConfig it sets.
#pragma once
#include "dipsim/io/schema.hpp"
#include "dipsim/sim/config.hpp"

namespace dipsim::io {

/// The scenario schema (built once; the same object for the process lifetime).
const Schema& scenario_schema();

/// The row of `schema` for a concrete key such as `bots[0].share` (row `bots[].share`), or nullptr
/// when the table has none. Whether a list index exists is for the resolved scenario to say.
const ParamSpec* find_param(const Schema& schema, std::string_view path);

/// Converts a resolved scenario into the simulator's configuration: applies every row's binding,
/// then the cross-checks a single row cannot do (unique names, state and country references).
/// Throws core::Error(kInput) naming the file, line and key of the offending value.
sim::SimConfig to_sim_config(const ResolvedScenario& scenario);

/// Loads a scenario file with dipsim's schema and converts it (load_scenario + to_sim_config).
struct LoadedScenario {
  ResolvedScenario resolved;
  sim::SimConfig config;
};
LoadedScenario load_dipsim_scenario(const std::filesystem::path& file,
                                    const LoadOptions& options = {});

}  // namespace dipsim::io
