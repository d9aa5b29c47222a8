// The fault-injection hook of the io layer (see fault.hpp).
#include "dipsim/io/fault.hpp"

#include <atomic>

namespace dipsim::io::fault {
namespace {
std::atomic<Hook> g_hook{nullptr};

class InjectedCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "dipsim-fault"; }
  std::string message(int) const override { return "injected fault (rename)"; }
};
}  // namespace

std::string_view to_string(Op op) noexcept {
  switch (op) {
    case Op::kCreate:
      return "create";
    case Op::kWrite:
      return "write";
    case Op::kFlush:
      return "flush";
    case Op::kClose:
      return "close";
    case Op::kRename:
      return "rename";
  }
  return "?";
}

void set_hook(Hook hook) noexcept {
  g_hook.store(hook, std::memory_order_release);
}

bool should_fail(Op op) noexcept {
  const Hook hook = g_hook.load(std::memory_order_acquire);
  return hook != nullptr && hook(op);
}

std::string describe(Op op) {
  return "injected fault (" + std::string(to_string(op)) + ")";
}

void rename(const std::filesystem::path& from, const std::filesystem::path& to,
            std::error_code& error) {
  if (should_fail(Op::kRename)) {
    static const InjectedCategory category;
    error = std::error_code(1, category);
    return;
  }
  std::filesystem::rename(from, to, error);
}

}  // namespace dipsim::io::fault
