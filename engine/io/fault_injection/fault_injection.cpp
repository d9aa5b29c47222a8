// The environment-driven fault-injection hook (docs/reliability.md, "I/O failures"). Linked only
// into test binaries (`dipsim-faults`, the io unit tests), never into `dipsim` itself: a static
// initializer installs the hook when one of these variables is set:
//   DIPSIM_FAULT=OP:N         fail the N-th operation of kind OP (create, write, flush, close,
//                             rename; counted from 1 over the whole process, all threads)
//   DIPSIM_FAULT_COUNT=FILE   at exit, write how many operations of each kind ran ("write 212")
// A test first counts the operations of a run, then fails each one in turn.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dipsim/io/fault.hpp"

namespace dipsim::io::fault {
namespace {

std::atomic<long long> g_count[kNumOps];
int g_target_op = -1;
long long g_target_n = 0;
std::string g_count_file;

bool hook(Op op) {
  const auto index = static_cast<int>(op);
  const long long n = g_count[index].fetch_add(1, std::memory_order_relaxed) + 1;
  return index == g_target_op && n == g_target_n;
}

void write_counts() {
  std::FILE* f = std::fopen(g_count_file.c_str(), "w");
  if (f == nullptr) return;
  for (int i = 0; i < kNumOps; ++i) {
    const std::string_view name = to_string(static_cast<Op>(i));
    std::fprintf(f, "%.*s %lld\n", static_cast<int>(name.size()), name.data(),
                 g_count[i].load(std::memory_order_relaxed));
  }
  std::fclose(f);
}

bool install() {
  const char* spec = std::getenv("DIPSIM_FAULT");
  const char* count_file = std::getenv("DIPSIM_FAULT_COUNT");
  if (spec == nullptr && count_file == nullptr) return false;
  if (spec != nullptr && *spec != '\0') {
    const std::string_view text(spec);
    const std::size_t colon = text.find(':');
    bool ok = false;
    if (colon != std::string_view::npos) {
      for (int i = 0; i < kNumOps; ++i) {
        if (text.substr(0, colon) == to_string(static_cast<Op>(i))) g_target_op = i;
      }
      g_target_n = std::atoll(std::string(text.substr(colon + 1)).c_str());
      ok = g_target_op >= 0 && g_target_n > 0;
    }
    if (!ok) {
      std::fprintf(stderr,
                   "dipsim: DIPSIM_FAULT=%s: expected OP:N with OP one of create, write, flush, "
                   "close, rename and N >= 1\n",
                   spec);
      std::exit(2);
    }
  }
  if (count_file != nullptr && *count_file != '\0') {
    g_count_file = count_file;
    std::atexit(write_counts);
  }
  set_hook(hook);
  return true;
}

const bool g_installed = install();

}  // namespace
}  // namespace dipsim::io::fault
