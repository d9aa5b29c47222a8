// Fault-injection points of the io layer (docs/reliability.md, "I/O failures").
//
// What: every file creation, HDF5 write, flush and close in hdf5.cpp and every rename of a run,
// checkpoint or index file asks should_fail() first; when a hook is installed and says so, the
// operation is not performed and reported as failed through the ordinary error path (a
// core::Error(kIo) naming the file and the operation).
// How: the hook is a plain function pointer, null by default, so a release binary pays one
// relaxed atomic load per I/O call and carries no way to trigger a fault. The hook that reads
// DIPSIM_FAULT=op:N from the environment lives in engine/io/fault_injection/, which is linked
// only into the test binary `dipsim-faults` and the unit tests.
// Why: errors on a full disk, a yanked mount or a failing rename are rare in testing and common
// in production; injecting the N-th failure of each kind lets a test walk every failure point of
// a whole run and check that no file ever claims to be complete when it is not.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace dipsim::io::fault {

/// Kinds of operation a fault can be injected into.
enum class Op : std::uint8_t {
  kCreate,  ///< creating a file (H5Fcreate, the .error file of a sweep run)
  kWrite,   ///< HDF5 writes: datasets and groups created, data written or extended, attributes
  kFlush,   ///< H5Fflush
  kClose,   ///< H5Fclose of a file being written (close_file)
  kRename,  ///< renaming a finished file to its final name
};
inline constexpr int kNumOps = 5;

/// "create", "write", "flush", "close" or "rename".
std::string_view to_string(Op op) noexcept;

/// Decides whether the operation must fail; called once per operation, from any thread.
using Hook = bool (*)(Op op);

/// Installs a hook (nullptr removes it). Not for release binaries: see the file comment.
void set_hook(Hook hook) noexcept;

/// Whether the current operation must fail (false without a hook).
bool should_fail(Op op) noexcept;

/// Text put into the error message of an injected failure, e.g. "injected fault (write)".
std::string describe(Op op);

/// std::filesystem::rename with an injection point (Op::kRename); the error goes to `error`.
void rename(const std::filesystem::path& from, const std::filesystem::path& to,
            std::error_code& error);

}  // namespace dipsim::io::fault
