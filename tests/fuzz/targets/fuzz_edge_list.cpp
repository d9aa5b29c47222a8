// Fuzz target: the SNAP edge-list reader (graph::parse_edge_list). The first byte picks the
// options (directed, one-based, id mapping, extra columns, self-loop/duplicate handling), the rest
// is the file's text.
//
// The identity mapping keeps every id below the largest as a node, so `0 300000000` is a valid
// request for a 300M-node graph: legitimate, but more than libFuzzer's 2 GB memory limit. Such
// inputs (an id above 2^22 whose graph would still fit this machine's memory) are read with the
// sorted mapping here. Ids whose graph cannot fit keep the identity mapping: the reader must refuse
// them (core::Error kResource) before allocating anything.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "dipsim/graph/graph_io.hpp"
#include "graph_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dipsim;
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  graph::EdgeListOptions options;
  options.directed = (flags & 1u) == 0;
  options.one_based = (flags & 2u) != 0;
  options.mapping = static_cast<graph::IdMapping>((flags >> 2) % 3);
  options.ignore_extra_columns = (flags & 16u) != 0;
  options.num_nodes = (flags & 32u) != 0 ? 7 : 0;
  options.build.keep_self_loops = (flags & 64u) != 0;
  options.build.keep_duplicates = (flags & 128u) != 0;
  if (options.mapping == graph::IdMapping::kIdentity) {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page = sysconf(_SC_PAGESIZE);
    const double memory = static_cast<double>(pages) * static_cast<double>(page);
    std::uint64_t number = 0;
    for (std::size_t i = 1; i < size; ++i) {
      if (data[i] >= '0' && data[i] <= '9') {
        number = std::min<std::uint64_t>(number * 10 + (data[i] - '0'), std::uint64_t{1} << 40);
        // 31 bytes per node: two CSR offsets, the original id and the node attributes.
        const bool refused = static_cast<double>(number) * 31.0 > memory;
        if (number > (std::uint64_t{1} << 22) && !refused) {
          options.mapping = graph::IdMapping::kSorted;
        }
      } else {
        number = 0;
      }
    }
  }
  fuzz::expect_result_or_error([&] {
    const graph::LoadedGraph g =
        graph::parse_edge_list(fuzz::as_text(data + 1, size - 1), "fuzz.txt", options);
    fuzz::check_graph(g);
  });
  return 0;
}
