// Helpers for the sweep tests: a scratch folder and sweep files over the small test world.
#pragma once
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dipsim/core/error.hpp"

namespace dipsim::sweep::test {

namespace fs = std::filesystem;

/// The two-country test world of the CLI tests (runs in well under a second).
inline fs::path small_scenario() {
  return fs::path(DIPSIM_SOURCE_DIR) / "tests" / "python" / "data" / "small.yaml";
}
inline std::vector<fs::path> include_dirs() {
  return {fs::path(DIPSIM_SOURCE_DIR) / "configs"};
}

/// Overrides that make the small world tiny (a run takes about 10 ms).
inline const char* kTinyOverrides = R"(overrides:
  citizens.count: 200
  run.steps: 12
  run.snapshot_steps: []
  run.snapshot_every: 0
)";

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    dir_ =
        fs::temp_directory_path() / ("dipsim_sweep_test_" + std::to_string(std::random_device{}()) +
                                     "_" + std::to_string(counter++));
    fs::create_directories(dir_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// Writes `text` to `name`, replacing "SCENARIO" by the small world's path.
  fs::path write(const std::string& name, std::string text) const {
    for (std::size_t pos; (pos = text.find("SCENARIO")) != std::string::npos;) {
      text.replace(pos, 8, small_scenario().string());
    }
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  const fs::path& path() const { return dir_; }

 private:
  fs::path dir_;
};

inline core::Error error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a core::Error";
  return core::Error(core::ErrorKind::kInternal, "no error was thrown");
}

}  // namespace dipsim::sweep::test
