// Tests of the GML writer: what write_gml() writes, read_gml() reads back unchanged (edges,
// isolated nodes, country, community and kind), and the text is the documented one-line-per-record
// GML.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "dipsim/graph/graph_io.hpp"
#include "dipsim/graph/multi_country.hpp"

using namespace dipsim;
using namespace dipsim::graph;

TEST(WriteGml, RoundTripKeepsEdgesAndNodeAttributes) {
  MultiCountrySpec spec;
  spec.num_citizens = 2000;
  spec.countries.assign(3, CountrySpec{});
  spec.countries[1].community_shares = {1, 2};
  spec.countries[2].internet_penetration = 0.5;  // isolated nodes must survive
  FollowGraph g = generate_multi_country(spec).graph;
  g.kind[3] = NodeKind::kFactChecker;
  g.kind[1999] = NodeKind::kOfficial;
  g.country[1999] = 0xFFFF;

  std::stringstream text;
  write_gml(g, text);
  GmlOptions attrs;
  attrs.country_attribute = "country";
  attrs.community_attribute = "community";
  attrs.kind_attribute = "kind";
  const LoadedGraph back = parse_gml(text.str(), "roundtrip.gml", attrs);
  EXPECT_EQ(back.graph.following.offsets, g.following.offsets);
  EXPECT_EQ(back.graph.following.targets, g.following.targets);
  EXPECT_EQ(back.graph.country, g.country);
  EXPECT_EQ(back.graph.community, g.community);
  EXPECT_EQ(back.graph.kind, g.kind);
  EXPECT_EQ(back.node_names[5], "n5");
  EXPECT_EQ(back.original_ids[5], 5);
}

TEST(WriteGml, WritesDirectedGmlOneRecordPerLine) {
  const FollowGraph g = make_follow_graph(2, {{0, 1}});
  std::stringstream text;
  write_gml(g, text);
  const std::string s = text.str();
  EXPECT_NE(s.find("directed 1\n"), std::string::npos) << s;
  EXPECT_NE(s.find("  node [ id 1 label \"n1\" country 0 community 0 kind \"citizen\" ]\n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("  edge [ source 0 target 1 ]\n"), std::string::npos) << s;
  EXPECT_EQ(s.substr(s.size() - 2), "]\n");
}
