// The run journal: an append-only sidecar file (`RUN.h5.journal`) holding what a run writes to
// its file a little at a time and a checkpoint does not hold: attitude snapshots and the rows of
// finished cascades. It exists only while a run keeps checkpoints (--checkpoint-every).
//
// Why: HDF5 does not keep a file consistent across a kill. A process killed while the library
// evicts or relocates metadata leaves a .partial whose B-trees, heaps or object headers may no
// longer decode, even in parts written long before the kill. A resume therefore reads nothing
// from the interrupted file: the metric rows come from the checkpoint, everything else from this
// journal, whose bytes up to the length the checkpoint records were written with write(2) before
// the checkpoint was renamed into place, and are never rewritten; a kill cannot damage them.
//
// Format (native byte order; the header records it): a 24-byte header "DSJRNL01", a 64-bit token
// shared with the checkpoints of the same run, sizeof(Real) and a byte-order mark; then records
// of a 24-byte head (kind, step, count, FNV-1a checksum of the payload) and their payload.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <utility>
#include <vector>

#include "dipsim/core/types.hpp"
#include "dipsim/sim/simulation.hpp"

namespace dipsim::io {

/// What a journal held up to a checkpoint.
struct JournalContents {
  std::vector<std::pair<std::uint32_t, std::vector<Real>>> snapshots;  ///< (step, attitudes)
  std::vector<sim::CascadeRow> cascades;  ///< finished cascade rows, in the order written
};

class Journal {
 public:
  /// `RUN.h5` -> `RUN.h5.journal`.
  static std::filesystem::path path_for(const std::filesystem::path& run_file);

  /// Creates (truncates) a journal with a fresh random token. Throws core::Error(kIo) naming
  /// the file.
  static Journal create(const std::filesystem::path& path);

  /// Reads the first `bytes` bytes of an existing journal, checks its token and every record,
  /// cuts the file to `bytes` (dropping what was written after the checkpoint) and opens it for
  /// appending. Throws core::Error(kInput) for a journal that does not match (another run's,
  /// shorter than the checkpoint says, a damaged record) and kIo when it cannot be read or cut.
  static Journal resume(const std::filesystem::path& path, std::uint64_t token, std::uint64_t bytes,
                        JournalContents& contents);

  Journal(Journal&& other) noexcept;
  Journal& operator=(Journal&& other) noexcept;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  ~Journal();

  void append_snapshot(std::uint32_t step, std::span<const Real> attitudes);
  void append_cascades(std::span<const sim::CascadeRow> rows);
  /// Puts the journal on stable storage (fdatasync), before a checkpoint that counts its bytes.
  void sync();

  std::uint64_t bytes() const noexcept { return bytes_; }
  std::uint64_t token() const noexcept { return token_; }
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  Journal(std::filesystem::path path, int fd, std::uint64_t token, std::uint64_t bytes);
  void append(std::uint32_t kind, std::uint32_t step, std::uint64_t count,
              std::span<const std::byte> payload);

  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t token_ = 0;
  std::uint64_t bytes_ = 0;
  std::vector<std::byte> scratch_;
};

}  // namespace dipsim::io
