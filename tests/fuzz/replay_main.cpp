// Replay driver: a main() that feeds files to a fuzz target's LLVMFuzzerTestOneInput, so the
// committed corpora and regression inputs run without libFuzzer, under any compiler and any
// sanitizer (the default test suite replays them under AddressSanitizer + UBSan; docs/fuzzing.md).
//
//   fuzz_<target> [--max-seconds S] FILE_OR_DIR... [--optional DIR]...
//
// `--optional DIR` names a folder that may not exist yet (a target's regressions/ folder before
// its first regression input).
// Folders are walked recursively, files in name order. The file being replayed is named on
// stderr if the process dies (a signal, an abort from the contract check or a sanitizer report),
// so a failing ctest says which input broke. An input that takes longer than --max-seconds
// (default 10) fails as a hang.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));
extern "C" void __sanitizer_set_death_callback(void (*callback)()) __attribute__((weak));

namespace {

namespace fs = std::filesystem;

char g_current[4096] = "";

void say_current() {
  if (g_current[0] == '\0') return;
  constexpr char kPrefix[] = "\nfuzz replay: failed on input ";
  ssize_t ignored = write(STDERR_FILENO, kPrefix, sizeof kPrefix - 1);
  ignored = write(STDERR_FILENO, g_current, std::strlen(g_current));
  ignored = write(STDERR_FILENO, "\n", 1);
  static_cast<void>(ignored);
}

extern "C" void on_fatal_signal(int sig) {
  say_current();
  signal(sig, SIG_DFL);
  raise(sig);
}

void collect(const fs::path& p, std::vector<fs::path>& out) {
  if (fs::is_directory(p)) {
    std::vector<fs::path> entries;
    for (const auto& e : fs::recursive_directory_iterator(p)) {
      if (e.is_regular_file()) entries.push_back(e.path());
    }
    std::sort(entries.begin(), entries.end());
    out.insert(out.end(), entries.begin(), entries.end());
  } else if (fs::exists(p)) {
    out.push_back(p);
  } else {
    std::fprintf(stderr, "fuzz replay: %s does not exist\n", p.c_str());
    std::exit(2);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  if (__sanitizer_set_death_callback != nullptr) __sanitizer_set_death_callback(say_current);
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) signal(sig, on_fatal_signal);

  double max_seconds = 10.0;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--max-seconds" && i + 1 < argc) {
      max_seconds = std::atof(argv[++i]);
    } else if (arg == "--optional" && i + 1 < argc) {
      if (fs::exists(argv[++i])) collect(argv[i], inputs);
    } else {
      collect(arg, inputs);
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: %s [--max-seconds S] FILE_OR_DIR...\n", argv[0]);
    return 2;
  }

  std::uintmax_t bytes = 0;
  double slowest = 0.0;
  std::string slowest_name;
  const auto start = std::chrono::steady_clock::now();
  for (const fs::path& p : inputs) {
    std::ifstream in(p, std::ios::binary);
    const std::vector<char> data((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
    std::snprintf(g_current, sizeof g_current, "%s", p.c_str());
    const auto t0 = std::chrono::steady_clock::now();
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (secs > slowest) {
      slowest = secs;
      slowest_name = p.string();
    }
    if (secs > max_seconds) {
      std::fprintf(stderr, "fuzz replay: %s took %.1f s, more than --max-seconds %.1f (a hang)\n",
                   p.c_str(), secs, max_seconds);
      return 1;
    }
    bytes += data.size();
  }
  g_current[0] = '\0';
  const double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: replayed %zu inputs (%ju bytes) in %.2f s; slowest %.3f s (%s)\n",
              fs::path(argv[0]).filename().c_str(), inputs.size(), bytes, total, slowest,
              slowest_name.c_str());
  return 0;
}
