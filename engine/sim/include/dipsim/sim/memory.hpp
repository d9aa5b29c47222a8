// Memory a run will need, estimated from its configuration before anything is allocated, and
// the memory this process may use (docs/reliability.md, "Memory").
//
// What: estimate_memory() adds up the world's arrays (citizens' structure of arrays, the follow
// graph's two CSR relations and node attributes, the transient edge lists of graph
// construction), the item store (the items held at once: compaction keeps those of about two feed
// windows and those still referenced, so it does not grow with the run), the state copy a
// checkpoint makes, the writer's buffers and chunk caches, per-thread scratch and the process's
// fixed base. available_memory() reads the smallest of MemAvailable
// (/proc/meminfo), the cgroup's remaining limit (v2 memory.max - memory.current, or v1
// memory.limit_in_bytes - usage) and RLIMIT_AS less the address space already in use.
// Why: a world that does not fit should be refused with the numbers in seconds, not killed by the
// kernel after an hour of graph building; and a sweep must not start more runs at once than fit.
// The per-element sizes mirror model/citizens.hpp, model/items.hpp and graph/follow_graph.hpp;
// the expected item rate and the build transient are calibrated against measured peak RSS
// (tests/python/test_reliability.py states the tolerance).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dipsim/sim/config.hpp"

namespace dipsim::sim {

/// One line of an estimate: what and how many bytes.
struct MemoryPart {
  std::string name;
  std::uint64_t bytes = 0;
};

struct MemoryEstimate {
  std::uint64_t citizens = 0;     ///< citizens in the world
  std::uint64_t accounts = 0;     ///< ministries, embassies, outlets, fact-checkers, bots
  double online = 0.0;            ///< expected online citizens
  double edges = 0.0;             ///< expected follow edges
  double items = 0.0;             ///< expected items posted over the run
  double items_held = 0.0;        ///< expected items held at once (bounded by the feed window)
  std::vector<MemoryPart> parts;  ///< the terms, in the order listed in the header comment
  std::uint64_t peak_bytes = 0;   ///< the larger of the build and the run phase
  std::uint64_t build_peak = 0;   ///< while the graph is built (edge lists alive)
  std::uint64_t run_peak = 0;     ///< while stepping and writing

  /// Several lines: the totals, the world's size and each part in MiB.
  std::string describe() const;
};

/// Estimates the peak resident memory of a run of `config` with `threads` worker threads (0:
/// the machine's cores); `checkpoints` adds the state copy a checkpoint makes.
MemoryEstimate estimate_memory(const SimConfig& config, std::uint32_t threads,
                               bool checkpoints = false);

/// Memory this process may still use and where the limit comes from.
struct MemoryLimit {
  std::uint64_t bytes = 0;
  std::string source;  ///< e.g. "MemAvailable", "cgroup memory.max", "RLIMIT_AS"
};
MemoryLimit available_memory();

/// Parses a size such as "512M", "4G", "1.5GiB", "300000000" (bytes; K/M/G/T are powers of
/// 1024, with or without "iB"/"B"). Throws core::Error(kInput) naming `what` otherwise.
std::uint64_t parse_size(const std::string& text, const std::string& what);

/// "1.50 GiB", "312.0 MiB", "900 B".
std::string format_bytes(std::uint64_t bytes);

}  // namespace dipsim::sim
