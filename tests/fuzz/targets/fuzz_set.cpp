// Fuzz target: `--set key=value` overrides. Each line of the input is one override, applied in
// order to a fixed base scenario that has records in every list (tests/fuzz/base_scenario.yaml),
// then the scenario is validated and converted, as `dipsim run --set ...` does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dipsim/io/parameters.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dipsim;
  const std::string_view text = fuzz::as_text(data, size);
  io::LoadOptions options;
  options.include_dirs = {std::filesystem::path(DIPSIM_SOURCE_DIR) / "configs"};
  std::size_t start = 0;
  while (start <= text.size() && options.overrides.size() < 64) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    options.overrides.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  fuzz::expect_result_or_error([&] {
    static_cast<void>(io::load_dipsim_scenario(
        std::filesystem::path(DIPSIM_SOURCE_DIR) / "tests/fuzz/base_scenario.yaml", options));
  });
  return 0;
}
