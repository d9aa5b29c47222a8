// Fuzz target: scenario YAML text -> resolved, validated scenario and simulator configuration, or
// a core::Error naming the place. Includes resolve against the project's configs/ folder, as
// `dipsim run` does. A scenario that loads must also survive the round trip its run file relies
// on (`dipsim run --resume` reloads the resolved YAML stored in the file): ResolvedScenario::
// to_yaml() must load again, convert, and print the same YAML.
#include <cstddef>
#include <cstdint>
#include <string>

#include "dipsim/io/parameters.hpp"
#include "fuzz_common.hpp"

namespace {

std::string without_header(const std::string& yaml) {
  // The header names the file the scenario was loaded from; the body must match exactly.
  std::size_t pos = 0;
  while (pos < yaml.size() && yaml[pos] == '#') pos = yaml.find('\n', pos) + 1;
  return yaml.substr(pos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dipsim;
  static const fuzz::TempDir base;  // empty: includes are found in configs/ only
  io::LoadOptions options;
  options.include_dirs = {std::filesystem::path(DIPSIM_SOURCE_DIR) / "configs"};
  std::string first;
  fuzz::expect_result_or_error([&] {
    const io::ResolvedScenario resolved = io::load_scenario_text(
        fuzz::as_text(data, size), "fuzz.yaml", base.path(), io::scenario_schema(), options);
    static_cast<void>(io::to_sim_config(resolved));
    first = resolved.to_yaml();
  });
  if (first.empty()) return 0;
  try {
    const io::ResolvedScenario again =
        io::load_scenario_text(first, "resolved.yaml", base.path(), io::scenario_schema(), options);
    static_cast<void>(io::to_sim_config(again));
    if (without_header(again.to_yaml()) != without_header(first)) {
      fuzz::contract_broken("resolved YAML does not round-trip", first);
    }
  } catch (const std::exception& e) {
    fuzz::contract_broken("resolved YAML does not load again",
                          std::string(e.what()) + "\n" + first);
  }
  return 0;
}
