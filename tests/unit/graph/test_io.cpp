// Tests of the graph readers and writers: the two shared real data sets with their documented
// sizes (shared/datasets/README.md), id mappings, round trips, and malformed inputs whose errors
// must name the file and line (and column) and say what was expected.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dipsim/core/error.hpp"
#include "dipsim/graph/graph_io.hpp"
#include "dipsim/graph/multi_country.hpp"
#include "dipsim/graph/stats.hpp"

using namespace dipsim;
using namespace dipsim::graph;

namespace {

const std::filesystem::path kShared = DIPSIM_SHARED_DIR;

/// Runs f, expects a core::Error of `kind` whose full text contains every string of `parts`.
template <class F>
void expect_error(F&& f, core::ErrorKind kind, std::initializer_list<std::string> parts) {
  try {
    f();
    ADD_FAILURE() << "expected an error containing " << *parts.begin();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    for (const std::string& p : parts) {
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos)
          << "message '" << e.what() << "' lacks '" << p << "'";
    }
  }
}

std::vector<NodeId> row(const Csr& csr, NodeId v) {
  const auto r = csr.row(v);
  return {r.begin(), r.end()};
}

}  // namespace

// ---------------------------------------------------------------- shared data sets

TEST(ReadGml, PolblogsHasItsDocumentedSizes) {
  GmlOptions options;
  options.community_attribute = "value";
  const LoadedGraph loaded = read_gml(kShared / "datasets" / "polblogs.gml", options);
  const FollowGraph& g = loaded.graph;
  // README: 1,490 nodes (ids 1..1490), 19,015 directed links; the file also has 3 self-loops,
  // which the default build drops (19,012 edges), and no duplicate links.
  EXPECT_EQ(g.num_nodes(), 1490u);
  EXPECT_EQ(loaded.edges_read, 19015u);
  EXPECT_EQ(loaded.self_loops_read, 3u);
  EXPECT_EQ(g.num_edges(), 19012u);
  EXPECT_EQ(loaded.original_ids.front(), 1);
  EXPECT_EQ(loaded.original_ids.back(), 1490);
  EXPECT_EQ(loaded.node_names.front(), "100monkeystyping.com");
  // value: 0 = liberal (758 nodes), 1 = conservative (732 nodes).
  EXPECT_EQ(std::count(g.community.begin(), g.community.end(), 0u), 758);
  EXPECT_EQ(std::count(g.community.begin(), g.community.end(), 1u), 732);
  EXPECT_TRUE(loaded.community_names.empty());  // integer attribute: used as is
  GmlOptions keep = options;
  keep.build.keep_self_loops = true;
  EXPECT_EQ(read_gml(kShared / "datasets" / "polblogs.gml", keep).graph.num_edges(), 19015u);
}

TEST(ReadEdgeList, FacebookHasItsDocumentedSizes) {
  EdgeListOptions options;
  options.directed = false;
  const LoadedGraph loaded =
      read_edge_list(kShared / "datasets" / "facebook_combined.txt", options);
  // README: 4,039 nodes (ids 0..4038), 88,234 undirected friendships, transitivity 0.519.
  EXPECT_EQ(loaded.graph.num_nodes(), 4039u);
  EXPECT_EQ(loaded.edges_read, 88234u);
  EXPECT_EQ(loaded.self_loops_read, 0u);
  EXPECT_EQ(loaded.graph.num_edges(), 2u * 88234u);
  EXPECT_EQ(loaded.original_ids.back(), 4038);
  EXPECT_EQ(loaded.graph.following.targets, loaded.graph.followers.targets);
  DescribeOptions only;
  only.strong_components = only.diameter = false;
  const GraphStats s = describe(loaded.graph, only);
  EXPECT_EQ(s.undirected_edges, 88234u);
  EXPECT_NEAR(s.transitivity, 0.519, 0.0005);
  EXPECT_EQ(s.weak_components, 1u);
}

// ---------------------------------------------------------------- id mappings

TEST(ReadEdgeList, IdMappingsAreDocumentedAndDeterministic) {
  const std::string text = "# comment\n% another\n\n  30\t10\n10 20 \n20 30\r\n";
  EdgeListOptions sorted;
  const LoadedGraph a = parse_edge_list(text, "t.txt", sorted);
  EXPECT_EQ(a.original_ids, (std::vector<std::int64_t>{10, 20, 30}));
  EXPECT_EQ(row(a.graph.following, 2), (std::vector<NodeId>{0}));  // 30 -> 10
  EdgeListOptions first;
  first.mapping = IdMapping::kFirstAppearance;
  const LoadedGraph b = parse_edge_list(text, "t.txt", first);
  EXPECT_EQ(b.original_ids, (std::vector<std::int64_t>{30, 10, 20}));
  EXPECT_EQ(row(b.graph.following, 0), (std::vector<NodeId>{1}));  // 30 -> 10
  EdgeListOptions identity;
  identity.mapping = IdMapping::kIdentity;
  identity.num_nodes = 40;
  const LoadedGraph c = parse_edge_list(text, "t.txt", identity);
  EXPECT_EQ(c.graph.num_nodes(), 40u);
  EXPECT_EQ(row(c.graph.following, 30), (std::vector<NodeId>{10}));
  identity.one_based = true;
  identity.num_nodes = 0;
  const LoadedGraph d = parse_edge_list(text, "t.txt", identity);
  EXPECT_EQ(d.graph.num_nodes(), 30u);
  EXPECT_EQ(row(d.graph.following, 29), (std::vector<NodeId>{9}));
  EXPECT_EQ(d.original_ids[0], 1);
  EdgeListOptions weights;
  weights.ignore_extra_columns = true;
  EXPECT_EQ(parse_edge_list("1 2 0.5\n2 3 7\n", "w.txt", weights).graph.num_edges(), 2u);
}

// ---------------------------------------------------------------- round trips

TEST(Writers, EdgeListAndGraphmlRoundTrip) {
  MultiCountrySpec spec;
  spec.num_citizens = 3000;
  spec.countries.assign(3, CountrySpec{});
  spec.countries[1].community_shares = {1, 2};
  spec.countries[2].internet_penetration = 0.5;  // isolated nodes must survive
  FollowGraph g = generate_multi_country(spec).graph;
  g.kind[17] = NodeKind::kBot;
  g.kind[2999] = NodeKind::kFactChecker;

  std::stringstream edge_list;
  write_edge_list(g, edge_list);
  EdgeListOptions identity;
  identity.mapping = IdMapping::kIdentity;
  identity.num_nodes = g.num_nodes();
  const LoadedGraph e = parse_edge_list(edge_list.str(), "roundtrip.txt", identity);
  EXPECT_EQ(e.graph.following.offsets, g.following.offsets);
  EXPECT_EQ(e.graph.following.targets, g.following.targets);

  std::stringstream graphml;
  write_graphml(g, graphml);
  GraphmlOptions attrs;
  attrs.country_attribute = "country";
  attrs.community_attribute = "community";
  attrs.kind_attribute = "kind";
  const LoadedGraph x = parse_graphml(graphml.str(), "roundtrip.graphml", attrs);
  EXPECT_EQ(x.graph.following.offsets, g.following.offsets);
  EXPECT_EQ(x.graph.following.targets, g.following.targets);
  EXPECT_EQ(x.graph.country, g.country);
  EXPECT_EQ(x.graph.community, g.community);
  EXPECT_EQ(x.graph.kind, g.kind);
  EXPECT_EQ(x.node_names[5], "n5");

  // Files on disk too.
  const auto dir = std::filesystem::temp_directory_path();
  const auto path =
      dir / ("dipsim_graph_io_" +
             std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + ".graphml");
  write_graphml(g, path);
  EXPECT_EQ(read_graphml(path, attrs).graph.following.targets, g.following.targets);
  std::filesystem::remove(path);
}

TEST(ReadGraphml, SubsetFeaturesAndStringAttributes) {
  const std::string text = R"(<?xml version="1.0"?>
<!DOCTYPE graphml>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <!-- a comment -->
  <key id="c" for="node" attr.name="lang" attr.type="string"><default>en</default></key>
  <key id="w" for="edge" attr.name="weight" attr.type="double"/>
  <graph edgedefault="undirected">
    <edge source="b" target="a"><data key="w">1.5</data></edge>
    <node id="a"><data key="c">fr</data></node>
    <node id="b"/>
    <node id="c &amp; d"><data key="c"><![CDATA[fr]]></data></node>
    <edge source="a" target="c &amp; d" directed="true"/>
  </graph>
</graphml>
)";
  GraphmlOptions o;
  o.community_attribute = "lang";
  const LoadedGraph g = parse_graphml(text, "x.graphml", o);
  EXPECT_EQ(g.node_names, (std::vector<std::string>{"a", "b", "c & d"}));
  EXPECT_EQ(g.community_names, (std::vector<std::string>{"fr", "en"}));
  EXPECT_EQ(g.graph.community, (std::vector<std::uint32_t>{0, 1, 0}));
  EXPECT_EQ(g.graph.num_edges(), 3u);  // b-a both ways, a->c&d
  EXPECT_EQ(row(g.graph.following, 0), (std::vector<NodeId>{1, 2}));
}

// ---------------------------------------------------------------- malformed inputs

TEST(MalformedInput, EdgeListErrorsNameFileLineAndColumn) {
  using K = core::ErrorKind;
  expect_error([] { (void)parse_edge_list("0 1\n1 x2\n", "bad.txt"); }, K::kInput,
               {"bad.txt:2:3: ", "expected a node id (an unsigned integer), got \"x2\""});
  expect_error([] { (void)parse_edge_list("# c\n0 4294967296\n", "big.txt"); }, K::kInput,
               {"big.txt:2:3: ", "does not fit 32 bits"});
  expect_error([] { (void)parse_edge_list("0 99999999999999999999999\n", "huge.txt"); }, K::kInput,
               {"huge.txt:1:3: ", "does not fit 32 bits"});
  expect_error([] { (void)parse_edge_list("0 1\n2\n", "one.txt"); }, K::kInput,
               {"one.txt:2:", "expected two node ids per line", "got one"});
  expect_error([] { (void)parse_edge_list("0 1 7\n", "three.txt"); }, K::kInput,
               {"three.txt:1:5: ", "got a third token \"7\"", "ignore_extra_columns"});
  expect_error([] { (void)parse_edge_list("0 -1\n", "neg.txt"); }, K::kInput,
               {"neg.txt:1:3: ", "got \"-1\""});
  EdgeListOptions one_based;
  one_based.one_based = true;
  expect_error([&] { (void)parse_edge_list("1 2\n0 2\n", "ob.txt", one_based); }, K::kInput,
               {"ob.txt:2:1: ", "node id 0 in a file read as one-based"});
  expect_error([] { (void)read_edge_list("/nonexistent/dipsim/graph.txt"); }, K::kIo,
               {"/nonexistent/dipsim/graph.txt: ", "cannot open"});
}

TEST(MalformedInput, GmlErrorsNameFileLineAndColumn) {
  using K = core::ErrorKind;
  expect_error([] { (void)parse_gml("graph [\n  node [ id 1 ]\n  node [ id 2\n", "open.gml"); },
               K::kInput, {"open.gml:3:8: ", "'[' opened here is not closed"});
  expect_error(
      [] { (void)parse_gml("graph [\n node [ id 1 ]\n edge [ source 1 target 9 ]\n]\n", "e.gml"); },
      K::kInput, {"e.gml:3:2: ", "edge target 9 names no node"});
  expect_error([] { (void)parse_gml("graph [\n node [ id 1 ]\n node [ id 1 ]\n]", "dup.gml"); },
               K::kInput, {"dup.gml:3:2: ", "duplicate node id 1"});
  expect_error([] { (void)parse_gml("graph [\n node [ label \"x\" ]\n]", "noid.gml"); }, K::kInput,
               {"noid.gml:2:2: ", "node has no 'id'"});
  expect_error([] { (void)parse_gml("graph [\n node [ id 1 label \"x ]\n]", "str.gml"); },
               K::kInput, {"str.gml:2:20: ", "string opened here is not closed"});
  expect_error([] { (void)parse_gml("graph [ node [ id 1 ] edge [ source 1 ] ]", "half.gml"); },
               K::kInput, {"half.gml:1:23: ", "edge has no 'target'"});
  expect_error([] { (void)parse_gml("graph [ node [ id x1 ] ]", "key.gml"); }, K::kInput,
               {"key.gml:1:19: ", "expected an integer node id, got a key \"x1\""});
  GmlOptions country;
  country.country_attribute = "c";
  expect_error([&] { (void)parse_gml("graph [\n node [ id 1 c 70000 ]\n]", "c.gml", country); },
               K::kInput, {"c.gml:2:16: ", "expected an integer in [0, 65535]"});
  expect_error(
      [&] {
        (void)parse_gml("graph [ node [ id 1 c 1 ] node [ id 2 c \"a\" ] ]", "m.gml", country);
      },
      K::kInput, {"m.gml:1:41: ", "mixes integer and string values"});
  expect_error([] { (void)parse_gml("Creator \"me\"\n", "none.gml"); }, K::kInput,
               {"none.gml: ", "no 'graph [ ... ]' list found"});
  expect_error([] { (void)parse_gml("graph [ @ ]", "char.gml"); }, K::kInput,
               {"char.gml:1:9: ", "unexpected character \"@\""});
}

TEST(MalformedInput, GraphmlErrorsNameFileLineAndColumn) {
  using K = core::ErrorKind;
  const std::string head = "<graphml>\n<graph edgedefault=\"directed\">\n";
  expect_error(
      [&] {
        (void)parse_graphml(head + "<node id=\"a\">\n</edge>\n</graph></graphml>", "tag.graphml");
      },
      K::kInput, {"tag.graphml:4:1: ", "expected </node> (opened at line 3), got </edge>"});
  expect_error(
      [&] {
        (void)parse_graphml(
            head + "<node id=\"a\"/>\n<edge source=\"a\" target=\"z\"/>\n</graph></graphml>",
            "e.graphml");
      },
      K::kInput, {"e.graphml:4:1: ", "edge target \"z\" names no node"});
  expect_error(
      [&] {
        (void)parse_graphml(head + "<node id=\"a\"/>\n<edge target=\"a\"/>\n</graph></graphml>",
                            "s.graphml");
      },
      K::kInput, {"s.graphml:4:1: ", "<edge> has no 'source' attribute"});
  expect_error(
      [&] {
        (void)parse_graphml(
            head + "<node id=\"a\"><data key=\"k\">1</data></node>\n</graph></graphml>",
            "k.graphml");
      },
      K::kInput, {"k.graphml:3:14: ", "refers to no <key>"});
  expect_error(
      [&] {
        (void)parse_graphml(head + "<node id=\"a\"/>\n<node id=\"a\"/>\n</graph></graphml>",
                            "d.graphml");
      },
      K::kInput, {"d.graphml:4:1: ", "duplicate node id \"a\""});
  expect_error([&] { (void)parse_graphml(head + "<node id=\"a\">\n", "eof.graphml"); }, K::kInput,
               {"eof.graphml:3:1: ", "<node> opened here is not closed"});
  expect_error([&] { (void)parse_graphml(head + "<hyperedge/>\n</graph></graphml>", "h.graphml"); },
               K::kInput, {"h.graphml:3:1: ", "<hyperedge> is not supported"});
  expect_error([] { (void)parse_graphml("<gexf/>", "root.graphml"); }, K::kInput,
               {"root.graphml:1:1: ", "expected <graphml>"});
  expect_error(
      [&] {
        (void)parse_graphml(head + "<node id=\"a &bogus;\"/>\n</graph></graphml>", "ent.graphml");
      },
      K::kInput, {"ent.graphml:3:", "unknown entity &bogus;"});
}
