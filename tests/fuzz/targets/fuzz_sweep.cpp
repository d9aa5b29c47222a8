// Fuzz target: sweep files (sweep::load_sweep_text). The input is the sweep file's text; it sits
// in a private folder beside `base.yaml` (a copy of tests/fuzz/base_scenario.yaml), which seeds
// name as `scenario: base.yaml`. A sweep that loads is then planned: the first runs' specs,
// overrides and reproducing commands are computed, as `dipsim sweep` does before running.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "dipsim/sweep/sweep_file.hpp"
#include "fuzz_common.hpp"

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dipsim;
  static const fuzz::TempDir dir;
  static const bool ready = [] {
    fuzz::write_file(dir.path() / "base.yaml", read_text(std::filesystem::path(DIPSIM_SOURCE_DIR) /
                                                         "tests/fuzz/base_scenario.yaml"));
    return true;
  }();
  static_cast<void>(ready);
  const std::vector<std::filesystem::path> include_dirs = {
      std::filesystem::path(DIPSIM_SOURCE_DIR) / "configs"};
  fuzz::expect_result_or_error([&] {
    const sweep::Sweep s = sweep::load_sweep_text(std::string(fuzz::as_text(data, size)),
                                                  "sweep.yaml", dir.path(), include_dirs);
    const std::uint64_t n = std::min<std::uint64_t>(s.num_runs(), 8);
    for (std::uint64_t i = 0; i < n; ++i) {
      const sweep::RunSpec run = s.run(i);
      static_cast<void>(s.run_overrides(run));
      static_cast<void>(s.run_command(run, dir.path() / run.file));
    }
  });
  return 0;
}
