// Fuzz target: `include:` resolution. The input is split at `#@file` lines into up to five
// virtual files written to a private folder: main.yaml, a.yaml, b.yaml, sub/c.yaml and
// sub/d.yaml (so includes can be relative, nested, cyclic, missing or deep). main.yaml is loaded
// with dipsim's schema and converted; any result or a core::Error is fine.
#include <array>
#include <cstddef>
#include <cstdint>

#include "dipsim/io/parameters.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dipsim;
  static const fuzz::TempDir dir;
  static constexpr std::array<const char*, 5> kNames = {"main.yaml", "a.yaml", "b.yaml",
                                                        "sub/c.yaml", "sub/d.yaml"};
  dir.clear();
  const auto parts = fuzz::split_files(fuzz::as_text(data, size));
  for (std::size_t i = 0; i < parts.size() && i < kNames.size(); ++i) {
    fuzz::write_file(dir.path() / kNames[i], parts[i]);
  }
  io::LoadOptions options;
  options.include_dirs = {dir.path() / "sub"};
  options.max_include_depth = 8;
  fuzz::expect_result_or_error(
      [&] { static_cast<void>(io::load_dipsim_scenario(dir.path() / "main.yaml", options)); });
  return 0;
}
