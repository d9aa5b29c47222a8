// Fuzz target: the HDF5 readers, on truncated, corrupted and foreign files. The input bytes are
// written to a file which is then opened by each reader dipsim has for HDF5 input:
//   - `dipsim info`: sweep::is_sweep_index, then sweep::describe_index or io::read_run_summary;
//   - `dipsim run --resume` and checkpoints: io::read_checkpoint;
//   - `dipsim graph describe/convert` and graph.file: io::read_graph_file.
// Besides the contract (a result or a core::Error), every reader must close what it opened:
// after each call no HDF5 file, group, dataset, attribute or type may be left open; and a run
// summary must be consistent where `dipsim info` relies on it (a last-step value per country and
// state).
#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "dipsim/io/checkpoint.hpp"
#include "dipsim/io/graph_file.hpp"
#include "dipsim/io/run_file.hpp"
#include "dipsim/sweep/index.hpp"
#include "fuzz_common.hpp"

namespace {

void expect_nothing_open(const char* reader) {
  const ssize_t open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  if (open != 0) {
    dipsim::fuzz::contract_broken("HDF5 objects left open",
                                  std::string(reader) + ": " + std::to_string(open) + " open");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dipsim;
  static const fuzz::TempDir dir;
  const std::filesystem::path file = dir.path() / "run.h5";
  fuzz::write_file(file, fuzz::as_text(data, size));

  fuzz::expect_result_or_error([&] {
    if (sweep::is_sweep_index(file)) {
      static_cast<void>(sweep::describe_index(file));
    } else {
      const io::RunSummary summary = io::read_run_summary(file);
      // What `dipsim info` prints: the last step's values indexed [country][state].
      for (const auto& [metric, values] : summary.last_values) {
        if (values.size() != summary.countries.size() * summary.states.size()) {
          fuzz::contract_broken("RunSummary::last_values does not match countries x states",
                                metric);
        }
      }
    }
  });
  expect_nothing_open("dipsim info");
  fuzz::expect_result_or_error([&] { static_cast<void>(io::read_checkpoint(file)); });
  expect_nothing_open("read_checkpoint");
  fuzz::expect_result_or_error([&] { static_cast<void>(io::read_graph_file(file)); });
  expect_nothing_open("read_graph_file");
  return 0;
}
