// Tests of the dipsim graph file (.h5): a round trip keeps the CSR, the node attributes (isolated
// nodes included) and the label tables; every kind of damage is reported as bad input (kInput)
// naming the file and the dataset or attribute at fault.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "dipsim/core/error.hpp"
#include "dipsim/graph/multi_country.hpp"
#include "dipsim/io/graph_file.hpp"
#include "dipsim/io/hdf5.hpp"

namespace fs = std::filesystem;
namespace h5 = dipsim::io::h5;
using dipsim::core::Error;
using dipsim::core::ErrorKind;
using namespace dipsim;
using ::testing::HasSubstr;

namespace {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() / ("dipsim_test_graph_file_" + std::to_string(::getpid()) +
                                         "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

graph::FollowGraph sample_graph() {
  graph::MultiCountrySpec spec;
  spec.num_citizens = 2000;
  spec.countries.assign(3, graph::CountrySpec{});
  spec.countries[1].community_shares = {1, 2};
  spec.countries[2].internet_penetration = 0.5;  // offline citizens are isolated nodes
  graph::FollowGraph g = graph::generate_multi_country(spec).graph;
  g.kind[7] = graph::NodeKind::kBot;
  g.kind[1999] = graph::NodeKind::kOutlet;
  g.country[1999] = 0xFFFF;  // an account without a country
  return g;
}

/// Expects read_graph_file(path) to throw kInput whose text contains `file` and every part.
void expect_bad(const fs::path& path, std::initializer_list<std::string> parts) {
  try {
    io::read_graph_file(path);
    ADD_FAILURE() << "expected an error for " << path;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput) << e.what();
    EXPECT_EQ(e.where().file, path.string());
    for (const std::string& p : parts) EXPECT_THAT(e.what(), HasSubstr(p));
  }
}

}  // namespace

TEST(GraphFile, RoundTripKeepsGraphAttributesAndLabels) {
  TempDir dir;
  const graph::FollowGraph g = sample_graph();
  io::GraphFileInfo info;
  info.country_names = {"A", "B", "C"};
  info.source = "unit test";
  for (const bool compress : {false, true}) {
    const fs::path path = dir.path() / (compress ? "z.h5" : "g.h5");
    io::write_graph_file(path, g, info, io::GraphFileOptions{compress});
    const io::GraphFile back = io::read_graph_file(path);
    EXPECT_EQ(back.graph.following.offsets, g.following.offsets);
    EXPECT_EQ(back.graph.following.targets, g.following.targets);
    EXPECT_EQ(back.graph.country, g.country);
    EXPECT_EQ(back.graph.community, g.community);
    EXPECT_EQ(back.graph.kind, g.kind);
    EXPECT_TRUE(back.graph.followers.empty());
    EXPECT_EQ(back.info.country_names, info.country_names);
    EXPECT_TRUE(back.info.community_names.empty());
    EXPECT_EQ(back.info.source, "unit test");
  }
}

TEST(GraphFile, EmptyGraphRoundTrips) {
  TempDir dir;
  graph::FollowGraph g = graph::make_follow_graph(0, {});
  const fs::path path = dir.path() / "empty.h5";
  io::write_graph_file(path, g);
  const io::GraphFile back = io::read_graph_file(path);
  EXPECT_EQ(back.graph.num_nodes(), 0u);
  EXPECT_EQ(back.graph.following.offsets, std::vector<EdgeId>{0});
}

TEST(GraphFile, UnsortedRowsAreSorted) {
  TempDir dir;
  const fs::path path = dir.path() / "g.h5";
  io::write_graph_file(path, graph::make_follow_graph(3, {{0, 1}, {0, 2}, {1, 2}}));
  {
    h5::File f = h5::open_file(path, true);
    h5::delete_link(f, "following/targets");
    const std::vector<std::uint32_t> reversed{2, 1, 2};
    h5::write_array<std::uint32_t>(f, "following/targets", reversed);
  }
  const io::GraphFile back = io::read_graph_file(path);
  EXPECT_EQ(back.graph.following.targets, (std::vector<NodeId>{1, 2, 2}));
}

TEST(GraphFile, DamageIsBadInputNamingTheDataset) {
  TempDir dir;
  const graph::FollowGraph g = graph::make_follow_graph(3, {{0, 1}, {1, 2}, {2, 0}});
  const fs::path good = dir.path() / "good.h5";
  io::write_graph_file(good, g);
  int serial = 0;
  // A copy of the good file changed by `edit`.
  auto damaged = [&](auto edit) {
    const fs::path path = dir.path() / ("bad" + std::to_string(serial++) + ".h5");
    fs::copy_file(good, path);
    h5::File f = h5::open_file(path, true);
    edit(f);
    h5::close_file(f);
    return path;
  };
  auto replace = [](h5::File& f, const std::string& name, auto values) {
    using T = typename decltype(values)::value_type;
    h5::delete_link(f, name);
    h5::write_array<T>(f, name, values);
  };

  expect_bad(damaged([](h5::File& f) { h5::delete_link(f, "node/kind"); }),
             {"node/kind", "missing"});
  expect_bad(damaged([](h5::File& f) { h5::write_attribute(f, "format", "something-else"); }),
             {"format", "something-else", "dipsim-graph"});
  expect_bad(damaged([](h5::File& f) { h5::write_attribute(f, "version", std::int64_t{2}); }),
             {"version 2", "reads version 1"});
  expect_bad(damaged([&](h5::File& f) {
               replace(f, "following/offsets", std::vector<std::uint64_t>{0, 2, 1, 3});
             }),
             {"following/offsets", "non-decreasing"});
  expect_bad(damaged([&](h5::File& f) {
               replace(f, "following/offsets", std::vector<std::uint64_t>{0, 1, 2, 2});
             }),
             {"following/offsets", "num_edges = 3"});
  expect_bad(damaged([&](h5::File& f) {
               replace(f, "following/targets", std::vector<std::uint32_t>{1, 2, 3});
             }),
             {"following/targets", "below num_nodes = 3", "got 3"});
  expect_bad(damaged([&](h5::File& f) {
               replace(f, "node/kind", std::vector<std::uint8_t>{0, 6, 0});
             }),
             {"node/kind", "got 6"});
  expect_bad(damaged([&](h5::File& f) {
               replace(f, "node/country", std::vector<std::uint16_t>{0, 0});
             }),
             {"node/country", "3 values", "shape 2"});

  // Truncated, not HDF5, another HDF5 file.
  const fs::path truncated = dir.path() / "truncated.h5";
  {
    std::ifstream in(good, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(truncated, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  }
  expect_bad(truncated, {"truncated"});
  const fs::path text = dir.path() / "text.h5";
  std::ofstream(text) << "0 1\n";
  expect_bad(text, {"not an HDF5 file"});
  const fs::path other = dir.path() / "other.h5";
  {
    h5::File f = h5::create_file(other, h5::CreateMode::kTruncate);
    h5::write_attribute(f, "status", "complete");
    h5::close_file(f);
  }
  expect_bad(other, {"without the root attribute format", "run file"});

  // A file that cannot be opened is an I/O failure, not bad input.
  try {
    io::read_graph_file(dir.path() / "missing.h5");
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
  }
}
