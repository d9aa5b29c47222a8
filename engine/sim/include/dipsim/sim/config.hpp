// Everything a run needs, as plain validated data: run length and seed, the graph recipe and the
// model parameters. Filled by the io layer from a scenario.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dipsim/model/config.hpp"

namespace dipsim::sim {

enum class GraphGenerator : std::uint8_t {
  kMultiCountry,    ///< degree-corrected SBM over countries and language communities
  kRandomFollow,    ///< homophilous random follows (graph/random_follow.hpp)
  kComplete,        ///< every online citizen follows every other online citizen
  kErdosRenyi,      ///< directed G(n, p) over all online citizens
  kBarabasiAlbert,  ///< preferential attachment, undirected (followed both ways)
  kPrice,           ///< directed preferential attachment
  kHolmeKim,        ///< preferential attachment with triadic closure
  kVazquez,         ///< random-walk growth
  kChungLu,         ///< expected power-law degrees
  kFile,            ///< a real graph from a file
};

enum class GraphFileFormat : std::uint8_t { kEdgeList, kGml, kGraphml };

struct GraphConfig {
  GraphGenerator generator = GraphGenerator::kMultiCountry;
  double homophily = 0.8;                ///< multi_country: own language community share at home
  double attractiveness_exponent = 2.5;  ///< in-degree tail exponent (0 = uniform)
  double attractiveness_cutoff = 0.0;    ///< max/min attractiveness (0 = none)
  double activity_exponent = 0.0;        ///< out-degree heterogeneity (0 = none)
  double triadic_closure = 0.0;          ///< multi_country / holme_kim closure probability
  std::uint32_t m = 0;                   ///< growth models: links per new node (0: from mean)
  double walk_probability = 0.5;         ///< vazquez: follow each neighbour met by the walk
  double price_attractiveness = 1.0;     ///< price: initial attractiveness a
  std::string file;                      ///< file generator: path (absolute after loading)
  GraphFileFormat format = GraphFileFormat::kEdgeList;
  bool directed = true;             ///< edge list: false = each line is a mutual follow
  bool one_based = false;           ///< edge list: ids start at 1
  std::string country_attribute;    ///< GML/GraphML node attribute naming the country
  std::string community_attribute;  ///< GML/GraphML node attribute for the community
  /// multi_country: per country, shares of its follows going to each country (empty rows: use
  /// home_share); rows sum to 1.
  std::vector<std::vector<double>> follow_shares;
  double mean_following = 30.0;  ///< expected citizens followed by an online citizen
  double home_share = 0.85;      ///< share of follows inside the own country
};

struct RunConfig {
  std::uint64_t seed = 1;
  std::uint32_t steps = 168;                  ///< steps of one hour
  std::vector<std::uint32_t> snapshot_steps;  ///< steps after which attitudes are saved
  std::uint32_t snapshot_every = 0;           ///< also every N steps (0 = off)
  bool save_edges = false;       ///< write the follow edges into the run file (graph/edge_*)
  bool graph_statistics = true;  ///< write the graph's statistics as attributes of graph/
};

struct SimConfig {
  RunConfig run;
  GraphConfig graph;
  model::ModelConfig model;
};

}  // namespace dipsim::sim
