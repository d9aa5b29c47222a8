// Resource attacks on the edge-list reader (issue #12, docs/fuzzing.md): node ids beyond 32 bits,
// an identity mapping that would need more memory than the machine has, endless lines. Each must
// fail with a core::Error naming the file, line and column, before allocating for it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "dipsim/core/error.hpp"
#include "dipsim/graph/graph_io.hpp"

namespace dipsim::graph {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

void expect_input_error(const std::string& text, const std::string& what) {
  SCOPED_TRACE(text.substr(0, 60));
  try {
    parse_edge_list(text, "g.txt");
    FAIL() << "accepted";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::kInput);
    EXPECT_THAT(e.what(), HasSubstr(what));
  }
}

TEST(EdgeListAttacks, NodeIdsBeyond32BitsNameLineAndColumn) {
  expect_input_error("0 1\n2 4294967295\n",
                     "g.txt:2:3: node id \"4294967295\" does not fit 32 bits; expected an id <= "
                     "4294967294");
  expect_input_error("0 1\n1 2\n 18446744073709551616 3\n",
                     "g.txt:3:2: node id \"18446744073709551616\" does not fit 32 bits");
  expect_input_error("5 99999999999999999999999999999999999999999\n",
                     "g.txt:1:3: node id \"99999999999999999999999999999999999999999\" does not "
                     "fit 32 bits");
  expect_input_error("5 -1\n", "g.txt:1:3: expected a node id (an unsigned integer), got \"-1\"");
}

TEST(EdgeListAttacks, IdentityMappingBeyondMemoryIsRefusedBeforeAllocating) {
  const double memory =
      static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
  // 4294967294 + 1 nodes at 31 bytes each is 133 GB.
  if (memory >= 4294967295.0 * 31) GTEST_SKIP() << "this machine could hold the graph";
  EdgeListOptions options;
  options.mapping = IdMapping::kIdentity;
  const auto start = std::chrono::steady_clock::now();
  try {
    parse_edge_list("0 1\n1 2\n2 4294967294\n", "g.txt", options);
    FAIL() << "accepted";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::kResource);
    EXPECT_EQ(e.where().line, 3u);
    EXPECT_EQ(e.where().column, 3u);
    EXPECT_THAT(e.what(), HasSubstr("g.txt:3:3: with the identity mapping the largest node id "
                                    "4294967294 makes 4294967295 nodes"));
    EXPECT_THAT(e.what(), HasSubstr("read the file with the sorted mapping"));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  // The sorted mapping reads the same file as a 4-node graph.
  EXPECT_EQ(parse_edge_list("0 1\n1 2\n2 4294967294\n", "g.txt").graph.num_nodes(), 4u);
}

TEST(EdgeListAttacks, EndlessLineFailsAtTheLine) {
  const std::string line(std::size_t{3} << 20, '7');  // 3 MiB of digits, no line break
  expect_input_error("0 1\n1 2\n" + line + "\n",
                     "g.txt:3:1048577: line 3 is longer than 1048576 bytes; expected one "
                     "'follower followed' pair of node ids per line");

  // From a file the reader stops at the limit instead of reading the whole file first.
  const fs::path path =
      fs::temp_directory_path() / ("dipsim_long_line_" + std::to_string(std::random_device{}()));
  {
    std::ofstream out(path, std::ios::binary);
    out << "# header\n0 1\n";
    for (int i = 0; i < 21; ++i) out << line;  // 63 MiB
  }
  const auto start = std::chrono::steady_clock::now();
  try {
    read_edge_list(path);
    ADD_FAILURE() << "accepted";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::kInput);
    EXPECT_EQ(e.where().line, 3u);
    EXPECT_THAT(e.what(), HasSubstr("line 3 is longer than 1048576 bytes"));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  fs::remove(path);
}

TEST(GraphFileAttacks, DeepNestingIsRefusedNotAStackOverflow) {
  // A million levels used to overflow the stack (SEGV) in both recursive readers.
  constexpr std::size_t kLevels = 1'000'000;
  std::string gml = "graph [\n  node [ id 0 ]\n  x [ ";
  for (std::size_t i = 1; i < kLevels; ++i) gml += "k [ ";
  gml += std::string(kLevels, ']') + " ]\n";
  try {
    parse_gml(gml, "deep.gml");
    FAIL() << "accepted";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::kInput);
    EXPECT_THAT(e.what(), HasSubstr("deep.gml:3:1029: lists are nested more than 256 levels deep"));
  }
  std::string xml = "<graphml><graph edgedefault=\"directed\"><node id=\"a\">";
  for (std::size_t i = 0; i < kLevels; ++i) xml += "<a>";
  for (std::size_t i = 0; i < kLevels; ++i) xml += "</a>";
  xml += "</node></graph></graphml>";
  try {
    parse_graphml(xml, "deep.graphml");
    FAIL() << "accepted";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::kInput);
    EXPECT_THAT(e.what(), HasSubstr("deep.graphml:1:"));
    EXPECT_THAT(e.what(), HasSubstr("elements are nested more than 256 levels deep"));
  }
}

}  // namespace
}  // namespace dipsim::graph
