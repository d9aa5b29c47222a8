// Fuzz target: the GraphML reader (graph::parse_graphml). The first byte picks which node data
// keys fill country, community and kind; the rest is the file's text.
#include <cstddef>
#include <cstdint>

#include "dipsim/graph/graph_io.hpp"
#include "graph_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dipsim;
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  graph::GraphmlOptions options;
  if ((flags & 1u) != 0) options.country_attribute = "country";
  if ((flags & 2u) != 0) options.community_attribute = "community";
  if ((flags & 4u) != 0) options.kind_attribute = "kind";
  options.build.keep_self_loops = (flags & 16u) != 0;
  options.build.keep_duplicates = (flags & 32u) != 0;
  fuzz::expect_result_or_error([&] {
    const graph::LoadedGraph g =
        graph::parse_graphml(fuzz::as_text(data + 1, size - 1), "fuzz.graphml", options);
    fuzz::check_graph(g);
  });
  return 0;
}
