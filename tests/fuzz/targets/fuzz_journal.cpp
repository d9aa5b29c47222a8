// Fuzz target: the run journal (io/journal.hpp), as `dipsim run --resume` reads it. The input
// bytes are written as RUN.h5.journal and resumed with the token of its own header and its whole
// length as the checkpoint's count, so the checks past the header (records, lengths, checksums)
// are reached. Besides the contract (a result or a core::Error), a journal that is accepted must
// have been cut to the length asked for, and reading it again must give the same contents.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>

#include "dipsim/io/journal.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dipsim;
  static const fuzz::TempDir dir;
  const std::filesystem::path file = dir.path() / "run.h5.journal";
  fuzz::write_file(file, fuzz::as_text(data, size));
  std::uint64_t token = 0;
  if (size >= 16) std::memcpy(&token, data + 8, sizeof token);
  fuzz::expect_result_or_error([&] {
    io::JournalContents first;
    { const io::Journal j = io::Journal::resume(file, token, size, first); }
    if (std::filesystem::file_size(file) != size) {
      fuzz::contract_broken("an accepted journal was not cut to its checkpoint's length",
                            std::to_string(size));
    }
    io::JournalContents again;
    { const io::Journal j = io::Journal::resume(file, token, size, again); }
    if (again.snapshots != first.snapshots || again.cascades.size() != first.cascades.size()) {
      fuzz::contract_broken("a journal read twice gave different contents", std::to_string(size));
    }
  });
  return 0;
}
