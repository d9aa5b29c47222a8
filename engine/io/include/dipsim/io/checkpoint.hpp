// Checkpoints: the dynamic state of a run at a step, in an HDF5 file beside the run file
// (`RUN.h5.checkpoint`), written atomically (temporary name, fsync, then rename) so that a
// checkpoint on disk is always whole. `dipsim run --resume RUN.h5.partial` rebuilds the world
// from the run's resolved scenario, restores the state, writes the rows up to the checkpoint
// again (metric rows from the checkpoint, snapshots and cascades from the run journal,
// io/journal.hpp) and continues; the finished file's datasets are byte-identical to an
// uninterrupted run's.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

#include "dipsim/sim/simulation.hpp"

namespace dipsim::io {

struct Checkpoint {
  std::uint32_t step = 0;  ///< steps completed when the state was saved
  std::string scenario;    ///< the run's resolved scenario (YAML)
  std::uint64_t seed = 0;
  sim::StateArrays state;
  /// The run file's metric rows of steps 0..step, [step][metric][country][state], so a resume
  /// does not depend on the interrupted file's chunks (a kill during a later write may leave a
  /// compressed chunk that no longer decodes). Empty in checkpoints written before this field.
  std::vector<double> metric_rows;
  std::uint64_t metric_row_size = 0;  ///< values per step in metric_rows
};

/// Where the checkpoint of a run file lives: `RUN.h5` -> `RUN.h5.checkpoint`.
std::filesystem::path checkpoint_path(const std::filesystem::path& run_file);

/// Writes `path` atomically (as `path.tmp`, then renamed). Throws core::Error(kIo) naming the file.
void write_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint);

/// Reads a checkpoint. Throws core::Error(kIo) for a missing or unreadable file and kInput for a
/// file that is not a dipsim checkpoint.
Checkpoint read_checkpoint(const std::filesystem::path& path);

}  // namespace dipsim::io
