// Shared pieces of dipsim's fuzz targets (docs/fuzzing.md).
//
// The contract every target checks: any input gives a result or a core::Error of kind kInput,
// kIo or kResource. Anything else is a bug and aborts, so libFuzzer (and the replay driver) report
// it with the input: another exception type (std::bad_alloc, std::out_of_range, a yaml-cpp or
// CLI exception escaping), a core::Error of kind kInternal (a broken invariant reached from user
// input), an input error that does not say where (no file), as well as what the sanitizers catch
// on their own (crashes, leaks, undefined behaviour).
#pragma once
#include <stdlib.h>  // mkdtemp
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dipsim/core/error.hpp"

namespace dipsim::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void contract_broken(const char* what, const std::string& detail) {
  std::fprintf(stderr, "dipsim fuzz: contract broken: %s: %s\n", what, detail.c_str());
  std::abort();
}

/// Runs `parse` and checks the contract: it returns, or throws core::Error of an input, I/O or
/// resource kind that names the file it is about (unless `need_file` is false).
template <class F>
void expect_result_or_error(F&& parse, bool need_file = true) {
  try {
    std::forward<F>(parse)();
  } catch (const core::Error& e) {
    if (e.kind() == core::ErrorKind::kInternal || e.kind() == core::ErrorKind::kInterrupted) {
      contract_broken("core::Error of kind internal/interrupted from user input", e.what());
    }
    if (need_file && e.kind() == core::ErrorKind::kInput && e.where().file.empty()) {
      contract_broken("input error without a file name", e.what());
    }
  } catch (const std::exception& e) {
    contract_broken("exception other than core::Error", e.what());
  } catch (...) {
    contract_broken("exception other than core::Error", "(not a std::exception)");
  }
}

/// A private folder under $TMPDIR (or /tmp), removed when the object is destroyed.
class TempDir {
 public:
  TempDir() {
    std::filesystem::path base = std::filesystem::temp_directory_path();
    std::string tmpl = (base / "dipsim-fuzz-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::perror("dipsim fuzz: mkdtemp");
      std::abort();
    }
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  /// Empties the folder (between inputs) and keeps it.
  void clear() const {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(path_, ec)) {
      std::filesystem::remove_all(entry.path(), ec);
    }
  }

 private:
  std::filesystem::path path_;
};

/// Writes `bytes` to `path` (creating parent folders), aborting on failure: a fuzz harness that
/// cannot write its own temp files would silently test nothing.
inline void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "dipsim fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
}

/// Splits an input into virtual files at lines that are exactly `#@file` (the marker used by
/// the include and sweep targets and their seed corpora).
inline std::vector<std::string_view> split_files(std::string_view text) {
  constexpr std::string_view kMarker = "\n#@file\n";
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(kMarker, start);
    if (at == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, at - start));
    start = at + kMarker.size();
  }
}

}  // namespace dipsim::fuzz
