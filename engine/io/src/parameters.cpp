// The parameter table. Each row declares a scenario key and binds it to the SimConfig field it
// sets; the schema for the loader, the documentation and the conversion all come from these rows,
// so a key cannot exist in one and be missing from another.
//
// Defaults are chosen for a small, fast, readable world; where a value comes from the literature
// the row names its source.
#include "dipsim/io/parameters.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <numeric>
#include <set>
#include <string>

#include "dipsim/core/error.hpp"
#include "dipsim/core/text.hpp"
#include "dipsim/model/citizens.hpp"

namespace dipsim::io {

namespace {

using Setter = void (*)(sim::SimConfig&, std::size_t index, const Value&, const ResolvedScenario&);

struct Row {
  ParamSpec spec;
  Setter set;
};

std::string indexed(const std::string& list, std::size_t i, const std::string& rest) {
  return list + "[" + std::to_string(i) + "]" + rest;
}

void assign(double& f, const Value& v) {
  f = std::get<double>(v);
}
void assign(bool& f, const Value& v) {
  f = std::get<bool>(v);
}
void assign(std::string& f, const Value& v) {
  f = std::get<std::string>(v);
}
void assign(std::uint32_t& f, const Value& v) {
  f = static_cast<std::uint32_t>(std::get<std::int64_t>(v));
}
void assign(std::int32_t& f, const Value& v) {
  f = static_cast<std::int32_t>(std::get<std::int64_t>(v));
}
void assign(std::uint64_t& f, const Value& v) {
  f = static_cast<std::uint64_t>(std::get<std::int64_t>(v));
}
void assign(std::vector<std::uint32_t>& f, const Value& v) {
  f.clear();
  for (auto x : std::get<std::vector<std::int64_t>>(v)) f.push_back(static_cast<std::uint32_t>(x));
}
void assign(model::FeedRanking& f, const Value& v) {
  const auto& s = std::get<std::string>(v);
  f = s == "chronological" ? model::FeedRanking::kChronological
      : s == "random"      ? model::FeedRanking::kRandom
                           : model::FeedRanking::kEngagement;
}
void assign(model::OutletKind& f, const Value& v) {
  const auto& s = std::get<std::string>(v);
  f = s == "independent"         ? model::OutletKind::kIndependent
      : s == "state_broadcaster" ? model::OutletKind::kStateBroadcaster
                                 : model::OutletKind::kDomestic;
}

void assign(model::UpdateRule& f, const Value& v) {
  f = std::get<std::string>(v) == "average" ? model::UpdateRule::kAverage
                                            : model::UpdateRule::kSequential;
}
void assign(model::AttitudeDistribution& f, const Value& v) {
  const auto& s = std::get<std::string>(v);
  f = s == "uniform"     ? model::AttitudeDistribution::kUniform
      : s == "two_point" ? model::AttitudeDistribution::kTwoPoint
                         : model::AttitudeDistribution::kNormal;
}
void assign(model::Infiltration& f, const Value& v) {
  const auto& s = std::get<std::string>(v);
  f = s == "random"           ? model::Infiltration::kRandom
      : s == "hubs"           ? model::Infiltration::kHubs
      : s == "susceptible"    ? model::Infiltration::kSusceptible
      : s == "least_literate" ? model::Infiltration::kLeastLiterate
      : s == "community"      ? model::Infiltration::kCommunity
                              : model::Infiltration::kCountry;
}
void assign(model::EventKind& f, const Value& v) {
  const auto& s = std::get<std::string>(v);
  f = s == "hacked_account" ? model::EventKind::kHackedAccount
      : s == "scandal"      ? model::EventKind::kScandal
      : s == "summit"       ? model::EventKind::kSummit
      : s == "seed_posts"   ? model::EventKind::kSeedPosts
                            : model::EventKind::kCrisis;
}

#define DIPSIM_BIND(field)                                                        \
  [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario&) { \
    (void)i;                                                                      \
    assign(field, v);                                                             \
  }

ParamSpec num(std::string path, ParamType type, Value def, std::optional<double> lo,
              std::optional<double> hi, std::string unit, std::string doc,
              std::string source = "") {
  ParamSpec p;
  p.path = std::move(path);
  p.type = type;
  p.default_value = std::move(def);
  p.min = lo;
  p.max = hi;
  p.unit = std::move(unit);
  p.doc = std::move(doc);
  p.source = std::move(source);
  return p;
}
ParamSpec flt(std::string path, double def, double lo, double hi, std::string unit, std::string doc,
              std::string source = "") {
  return num(std::move(path), ParamType::kFloat, def, lo, hi, std::move(unit), std::move(doc),
             std::move(source));
}
ParamSpec integer(std::string path, std::int64_t def, std::int64_t lo, std::int64_t hi,
                  std::string unit, std::string doc) {
  return num(std::move(path), ParamType::kInt, def, static_cast<double>(lo),
             static_cast<double>(hi), std::move(unit), std::move(doc));
}
ParamSpec text(std::string path, std::optional<std::string> def, std::string doc) {
  ParamSpec p;
  p.path = std::move(path);
  p.type = ParamType::kString;
  if (def) p.default_value = Value{*def};
  p.doc = std::move(doc);
  return p;
}
ParamSpec flag(std::string path, bool def, std::string doc) {
  ParamSpec p;
  p.path = std::move(path);
  p.type = ParamType::kBool;
  p.default_value = Value{def};
  p.doc = std::move(doc);
  return p;
}
ParamSpec choice(std::string path, std::string def, std::vector<std::string> choices,
                 std::string doc) {
  ParamSpec p;
  p.path = std::move(path);
  p.type = ParamType::kChoice;
  p.default_value = Value{std::move(def)};
  p.choices = std::move(choices);
  p.doc = std::move(doc);
  return p;
}
ParamSpec float_map(std::string path, double lo, double hi, std::string unit, std::string doc) {
  return num(std::move(path), ParamType::kFloatMap, FloatMap{}, lo, hi, std::move(unit),
             std::move(doc));
}

// Names of the records of a list, e.g. all states[].name.
std::vector<std::string> record_names(const ResolvedScenario& r, const std::string& list) {
  std::vector<std::string> names;
  for (std::size_t k = 0; k < r.list_size(list); ++k) {
    names.push_back(r.get_string(indexed(list, k, ".name")));
  }
  return names;
}

// Index of `name` in `names`, or a kInput error at `key` naming the choices and a suggestion.
std::size_t resolve_name(const std::string& name, const std::vector<std::string>& names,
                         const std::string& what, const ResolvedScenario& r, const std::string& key,
                         const std::string& element_key) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<std::size_t>(it - names.begin());
  std::string msg =
      "unknown " + what + " " + core::quote(name) + "; expected one of: " + core::join(names, ", ");
  const std::string hint = core::did_you_mean(name, names);
  if (!hint.empty()) msg += " (did you mean \"" + hint + "\"?)";
  auto where = r.location(key);
  where.key = element_key;
  throw core::Error(core::ErrorKind::kInput, msg, where);
}

// A {NAME: value} map resolved against `names` into a dense vector (missing names get `fill`).
std::vector<double> dense_map(const Value& v, const std::vector<std::string>& names, double fill,
                              const std::string& what, const ResolvedScenario& r,
                              const std::string& key) {
  std::vector<double> out(names.size(), fill);
  for (const auto& [name, value] : std::get<FloatMap>(v)) {
    out[resolve_name(name, names, what, r, key, key + "." + name)] = value;
  }
  return out;
}

std::size_t language_index(const sim::SimConfig& c, const std::string& name) {
  const auto& l = c.model.languages;
  return static_cast<std::size_t>(std::find(l.begin(), l.end(), name) - l.begin());
}

// Largest citizen count: node ids are 32-bit and accounts need ids too.
constexpr std::int64_t kMaxCitizens = 4'000'000'000;
constexpr const char* kCampaignThemes[] = {"culture", "values", "achievements", "crisis_aid",
                                           "policy"};

const std::vector<Row>& rows() {
  static const std::vector<Row> table = [] {
    std::vector<Row> t;
    auto add = [&](ParamSpec p, Setter s) { t.push_back({std::move(p), s}); };
    auto doc_only = [](sim::SimConfig&, std::size_t, const Value&, const ResolvedScenario&) {};

    // --- scenario description -------------------------------------------------------------
    add(text("title", "", "short title shown by `dipsim info` and in reports"), doc_only);
    add(text("description", "", "what the scenario shows; free text"), doc_only);
    {
      ParamSpec p;
      p.path = "themes";
      p.type = ParamType::kStringList;
      p.default_value = Value{std::vector<std::string>{}};
      p.doc =
          "extra campaign themes besides culture, values, achievements, crisis_aid and policy "
          "(usable in states[].theme_mix and theme_appeal)";
      add(std::move(p), doc_only);  // read by to_sim_config before the rows are applied
    }

    // --- run ----------------------------------------------------------------------------------
    add(integer("run.seed", 1, 0, std::numeric_limits<std::int64_t>::max(), "",
                "seed of every random draw (overridden by --seed)"),
        DIPSIM_BIND(c.run.seed));
    add(integer("run.steps", 168, 1, 10'000'000, "steps (hours)", "number of steps to simulate"),
        DIPSIM_BIND(c.run.steps));
    add(num("run.snapshot_steps", ParamType::kIntList, std::vector<std::int64_t>{}, 0, 10'000'000,
            "steps", "save all citizens' attitudes after these steps (0 = initial state)"),
        DIPSIM_BIND(c.run.snapshot_steps));
    add(integer("run.snapshot_every", 0, 0, 10'000'000, "steps",
                "also save attitudes every N steps (0 = off)"),
        DIPSIM_BIND(c.run.snapshot_every));
    add(flag("run.save_edges", false,
             "write the follow graph's edges into the run file (graph/edge_follower, "
             "graph/edge_followed)"),
        DIPSIM_BIND(c.run.save_edges));
    add(flag(
            "run.graph_statistics", true,
            "write the follow graph's statistics (reciprocity, clustering, assortativity, "
            "components, diameter bound, ...) as attributes of graph/ (costs time on huge graphs)"),
        DIPSIM_BIND(c.run.graph_statistics));

    // --- graph ----------------------------------------------------------------------------
    add(choice("graph.generator", "multi_country",
               {"multi_country", "random_follow", "complete", "erdos_renyi", "barabasi_albert",
                "price", "holme_kim", "vazquez", "chung_lu", "file"},
               "citizen follow graph (docs/graphs.md): multi_country (degree-corrected block "
               "model over countries and language communities), random_follow, complete (at most "
               "20000 online citizens), erdos_renyi, barabasi_albert, price, holme_kim, vazquez, "
               "chung_lu (one population of all online citizens), or file (a real graph)"),
        [](sim::SimConfig& c, std::size_t, const Value& v, const ResolvedScenario&) {
          static const std::pair<const char*, sim::GraphGenerator> names[] = {
              {"multi_country", sim::GraphGenerator::kMultiCountry},
              {"random_follow", sim::GraphGenerator::kRandomFollow},
              {"complete", sim::GraphGenerator::kComplete},
              {"erdos_renyi", sim::GraphGenerator::kErdosRenyi},
              {"barabasi_albert", sim::GraphGenerator::kBarabasiAlbert},
              {"price", sim::GraphGenerator::kPrice},
              {"holme_kim", sim::GraphGenerator::kHolmeKim},
              {"vazquez", sim::GraphGenerator::kVazquez},
              {"chung_lu", sim::GraphGenerator::kChungLu},
              {"file", sim::GraphGenerator::kFile}};
          for (const auto& [name, g] : names) {
            if (std::get<std::string>(v) == name) c.graph.generator = g;
          }
        });
    add(flt("graph.homophily", 0.8, 0.0, 1.0, "1",
            "multi_country: share of home-country follows inside the own language community",
            "McPherson, Smith-Lovin & Cook 2001, Annu. Rev. Sociol. 27:415"),
        DIPSIM_BIND(c.graph.homophily));
    add(flt("graph.attractiveness_exponent", 2.5, 0.0, 100.0, "1",
            "multi_country: power-law exponent of citizens' attractiveness, i.e. of the in-degree "
            "tail (0 = all equally attractive; otherwise > 1); chung_lu: degree exponent"),
        DIPSIM_BIND(c.graph.attractiveness_exponent));
    add(flt("graph.attractiveness_cutoff", 0.0, 0.0, 1e12, "1",
            "largest / smallest attractiveness (0 = no cut-off); chung_lu: largest weight"),
        DIPSIM_BIND(c.graph.attractiveness_cutoff));
    add(flt("graph.activity_exponent", 0.0, 0.0, 100.0, "1",
            "multi_country: power-law exponent of how many accounts citizens follow (0 = all "
            "about mean_following; otherwise > 2)"),
        DIPSIM_BIND(c.graph.activity_exponent));
    add(flt("graph.triadic_closure", 0.0, 0.0, 1.0, "1",
            "multi_country: share of follows made by closing a triangle; holme_kim: triad "
            "formation probability (clustering)",
            "Holme & Kim 2002, Phys. Rev. E 65:026107"),
        DIPSIM_BIND(c.graph.triadic_closure));
    add(integer("graph.m", 0, 0, 1024, "links",
                "barabasi_albert, price, holme_kim, vazquez: links per new node (0: from "
                "mean_following)"),
        DIPSIM_BIND(c.graph.m));
    add(flt("graph.walk_probability", 0.5, 0.0, 1.0, "1",
            "vazquez: probability of following each neighbour met on the random walk",
            "Vazquez 2003, Phys. Rev. E 67:056104"),
        DIPSIM_BIND(c.graph.walk_probability));
    add(flt("graph.price_attractiveness", 1.0, 1e-9, 1e6, "1",
            "price: initial attractiveness a (in-degree exponent 2 + a/m)",
            "Price 1976, J. Am. Soc. Inf. Sci. 27:292"),
        DIPSIM_BIND(c.graph.price_attractiveness));
    add(text("graph.file", "",
             "file: the graph's path (relative to the scenario file); its nodes become the "
             "citizens (citizens.count and internet_penetration are then ignored: all are online)"),
        DIPSIM_BIND(c.graph.file));
    add(choice("graph.format", "auto", {"auto", "edge_list", "gml", "graphml"},
               "file: format (auto: by extension .gml, .graphml, else edge list)"),
        [](sim::SimConfig& c, std::size_t, const Value& v, const ResolvedScenario& r) {
          std::string f = std::get<std::string>(v);
          const std::string ext = std::filesystem::path(c.graph.file).extension().string();
          if (f == "auto" && (ext == ".h5" || ext == ".hdf5")) {
            throw core::Error(core::ErrorKind::kInput,
                              "a .h5 graph file (written by `dipsim graph generate`) holds a "
                              "whole world's accounts, not a citizen graph, and is not read as "
                              "graph.file; convert it to an edge list: dipsim graph convert " +
                                  c.graph.file + " GRAPH.txt",
                              r.location("graph.file"));
          }
          if (f == "auto") {
            f = ext == ".gml" ? "gml" : ext == ".graphml" ? "graphml" : "edge_list";
          }
          c.graph.format = f == "gml"       ? sim::GraphFileFormat::kGml
                           : f == "graphml" ? sim::GraphFileFormat::kGraphml
                                            : sim::GraphFileFormat::kEdgeList;
        });
    add(flag("graph.directed", true,
             "file (edge list): each line u v is a follow u -> v; false: a mutual follow"),
        DIPSIM_BIND(c.graph.directed));
    add(flag("graph.one_based", false, "file (edge list): node ids start at 1"),
        DIPSIM_BIND(c.graph.one_based));
    add(text("graph.country_attribute", "",
             "file (GML, GraphML): node attribute giving the country: a country name, or an "
             "integer index into countries (empty: countries by population share in node order)"),
        DIPSIM_BIND(c.graph.country_attribute));
    add(text("graph.community_attribute", "",
             "file (GML, GraphML): node attribute giving the community"),
        DIPSIM_BIND(c.graph.community_attribute));
    add(flt("graph.mean_following", 30.0, 0.0, 100'000.0, "accounts",
            "mean number of citizens an online citizen follows"),
        DIPSIM_BIND(c.graph.mean_following));
    add(flt("graph.home_share", 0.85, 0.0, 1.0, "1",
            "share of follows inside the citizen's own country (multi_country, random_follow)"),
        DIPSIM_BIND(c.graph.home_share));

    // --- citizens -----------------------------------------------------------------------------
    add(integer("citizens.count", 10'000, 1, kMaxCitizens, "citizens",
                "number of citizens in all countries together"),
        DIPSIM_BIND(c.model.citizens.count));
    add(choice("citizens.update_rule", "sequential", {"sequential", "average"},
               "sequential: a bounded-confidence step after each item read; average: one step per "
               "session toward the weighted average of the items within the confidence width and "
               "the own attitude (DeGroot / Hegselmann-Krause)"),
        DIPSIM_BIND(c.model.citizens.update_rule));
    add(flt("citizens.self_weight", 1.0, 0.0, 1e6, "1",
            "weight of the own attitude in the average rule"),
        DIPSIM_BIND(c.model.citizens.self_weight));
    add(flt("citizens.stubbornness", 0.0, 0.0, 1.0, "1",
            "pull back toward the initial attitude at the end of each session, "
            "a <- (1 - g) a + g a0 (Friedkin & Johnsen 1990)",
            "Friedkin & Johnsen 1990, J. Math. Sociol. 15:193"),
        DIPSIM_BIND(c.model.citizens.stubbornness));
    add(flt("citizens.openness_mean", 0.6, 0.0, 2.0, "attitude units",
            "mean bounded-confidence width: items further than this from the reader's attitude "
            "are ignored; 2 (the whole range) means no bound, every item is heard",
            "Deffuant et al. 2000, Adv. Complex Syst. 3:87"),
        DIPSIM_BIND(c.model.citizens.openness_mean));
    add(flt("citizens.openness_sd", 0.15, 0.0, 2.0, "attitude units",
            "standard deviation of the width across citizens (normal, clamped to [0, 2])"),
        DIPSIM_BIND(c.model.citizens.openness_sd));
    add(flt("citizens.convergence", 0.2, 0.0, 1.0, "1",
            "step size mu of the bounded-confidence update before weighting",
            "Deffuant et al. 2000 (mu in (0, 0.5])"),
        DIPSIM_BIND(c.model.citizens.convergence));
    add(flt("citizens.susceptibility_mean", 0.5, 0.0, 1.0, "1",
            "mean susceptibility (multiplies every attitude change)"),
        DIPSIM_BIND(c.model.citizens.susceptibility_mean));
    add(flt("citizens.susceptibility_sd", 0.15, 0.0, 1.0, "1",
            "standard deviation of susceptibility (normal, clamped to [0, 1])"),
        DIPSIM_BIND(c.model.citizens.susceptibility_sd));
    add(flt("citizens.literacy_sd", 0.15, 0.0, 1.0, "1",
            "standard deviation of media literacy around the country's mean (clamped to [0, 1])"),
        DIPSIM_BIND(c.model.citizens.literacy_sd));
    add(flt("citizens.activity_per_hour", 0.1, 0.0, 1.0, "per step",
            "mean probability that an online citizen opens the platform in a step"),
        DIPSIM_BIND(c.model.citizens.activity_per_hour));
    {
      const auto def = model::default_activity_profile();
      add(num("citizens.activity_profile", ParamType::kFloatList,
              std::vector<double>(def.begin(), def.end()), 0.0, 24.0, "1",
              "relative activity in each local hour 0..23 (24 values, rescaled to mean 1); the "
              "default has low nights and an evening peak",
              "Golder & Macy 2011, Science 333:1878"),
          [](sim::SimConfig& c, std::size_t, const Value& v, const ResolvedScenario& r) {
            const auto& x = std::get<std::vector<double>>(v);
            const double sum = std::accumulate(x.begin(), x.end(), 0.0);
            if (x.size() != 24 || !(sum > 0.0)) {
              throw core::Error(core::ErrorKind::kInput,
                                "expected 24 non-negative values (hours 0..23) with a positive "
                                "sum, got " +
                                    std::to_string(x.size()) + " values",
                                r.location("citizens.activity_profile"));
            }
            for (std::size_t h = 0; h < 24; ++h)
              c.model.citizens.activity_profile[h] = x[h] * 24 / sum;
          });
    }
    add(integer("citizens.attention", 10, 0, 100'000, "items per session",
                "items read per session (the top of the ranked feed)"),
        DIPSIM_BIND(c.model.citizens.attention));
    add(flt("citizens.reshare_propensity", 0.1, 0.0, 1.0, "1",
            "scales the reshare probability propensity x appeal x agreement x quality weight"),
        DIPSIM_BIND(c.model.citizens.reshare_propensity));
    add(flag("citizens.advocacy", false,
             "a citizen who reshares a story keeps sharing it, in place of its own posts, in every "
             "later session until a reader who already knew the story reads its share (the "
             "stifling rule of Maki & Thompson 1973, J. Appl. Prob. 10:471 / rumour spreading); "
             "off: a story is shared at most once"),
        DIPSIM_BIND(c.model.citizens.advocacy));
    add(flt("citizens.reply_probability", 0.02, 0.0, 1.0, "per item",
            "probability of replying to an item of an official account, times agreement"),
        DIPSIM_BIND(c.model.citizens.reply_probability));
    add(flt("citizens.post_probability", 0.05, 0.0, 1.0, "per session",
            "probability that a session ends with an own post about a random state, stating the "
            "citizen's attitude"),
        DIPSIM_BIND(c.model.citizens.post_probability));
    add(flt("citizens.influencer_post_probability", 0.5, 0.0, 1.0, "per session",
            "the same for influencers"),
        DIPSIM_BIND(c.model.citizens.influencer_post_probability));
    add(flt("citizens.post_quality", 0.5, 0.0, 1.0, "1", "quality of citizens' own posts"),
        DIPSIM_BIND(c.model.citizens.post_quality));
    add(flt("citizens.post_appeal", 0.3, 0.0, 1.0, "1", "appeal of citizens' own posts"),
        DIPSIM_BIND(c.model.citizens.post_appeal));
    add(flt("citizens.trust_state", 0.6, 0.0, 1.0, "1",
            "trust in items of official state accounts (weights their influence)"),
        DIPSIM_BIND(c.model.citizens.trust_state));
    add(flt("citizens.trust_influencer", 0.7, 0.0, 1.0, "1", "trust in items of influencers"),
        DIPSIM_BIND(c.model.citizens.trust_influencer));
    add(flt("citizens.trust_peer", 0.8, 0.0, 1.0, "1",
            "trust in posts and reshares by other citizens"),
        DIPSIM_BIND(c.model.citizens.trust_peer));
    add(flt("citizens.trust_unknown", 0.5, 0.0, 1.0, "1",
            "trust in accounts of unknown standing (how bots posing as citizens appear)"),
        DIPSIM_BIND(c.model.citizens.trust_unknown));
    add(flt("citizens.language_mismatch", 0.3, 0.0, 1.0, "1",
            "influence weight of an item in a language other than the reader's"),
        DIPSIM_BIND(c.model.citizens.language_mismatch));
    add(flt("citizens.repetition_decay", 0.5, 0.0, 1.0, "1",
            "influence multiplier per earlier exposure to the same root item (1 = no decay)"),
        DIPSIM_BIND(c.model.citizens.repetition_decay));
    add(flag("citizens.backfire", false,
             "items further than backfire_threshold push the reader away instead of being ignored"),
        DIPSIM_BIND(c.model.citizens.backfire));
    add(flt("citizens.backfire_threshold", 1.0, 0.0, 2.0, "attitude units",
            "distance beyond which an item backfires",
            "Nyhan & Reifler 2010, Polit. Behav. 32:303"),
        DIPSIM_BIND(c.model.citizens.backfire_threshold));
    add(flt("citizens.backfire_strength", 0.5, 0.0, 1.0, "1",
            "size of the backfire push relative to a normal update"),
        DIPSIM_BIND(c.model.citizens.backfire_strength));
    add(flt("citizens.favourable_threshold", 0.2, -1.0, 1.0, "attitude units",
            "attitude above which a citizen counts as favourable in favourable_share"),
        DIPSIM_BIND(c.model.citizens.favourable_threshold));

    // --- feed -----------------------------------------------------------------------------------
    add(choice("feed.ranking", "engagement", {"chronological", "engagement", "random"},
               "feed order: newest first, (1 + interactions) x age decay, or random"),
        DIPSIM_BIND(c.model.feed.ranking));
    add(integer("feed.window_steps", 24, 1, 100'000, "steps", "items older than this leave feeds"),
        DIPSIM_BIND(c.model.feed.window_steps));
    add(flt("feed.engagement_half_life", 6.0, 0.01, 100'000.0, "steps",
            "half-life of the age decay in engagement ranking"),
        DIPSIM_BIND(c.model.feed.engagement_half_life));
    add(flag("feed.label_state_media", true,
             "label items of official accounts and state broadcasters as state-affiliated"),
        DIPSIM_BIND(c.model.feed.label_state_media));
    add(flt("feed.label_reshare_factor", 0.7, 0.0, 1.0, "1",
            "reshare probability multiplier for labelled items (state-affiliated, paid, "
            "fact-checked)"),
        DIPSIM_BIND(c.model.feed.label_reshare_factor));

    // --- countries[] ----------------------------------------------------------------------------
    add(text("countries[].name", std::nullopt, "country name (unique)"),
        DIPSIM_BIND(c.model.countries[i].name));
    add(flt("countries[].population_share", 1.0, 0.0, 1e12, "1",
            "relative population weight; weights are normalised over countries"),
        DIPSIM_BIND(c.model.countries[i].population_share));
    add(flt("countries[].internet_penetration", 0.8, 0.0, 1.0, "1",
            "share of citizens on the platform (the rest are offline: digital divide)"),
        DIPSIM_BIND(c.model.countries[i].internet_penetration));
    add(float_map("countries[].baseline_attitude", -1.0, 1.0, "attitude units",
                  "mean initial attitude toward each state, as {STATE: value}; states not named "
                  "start at 0"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
          c.model.countries[i].baseline_attitude =
              dense_map(v, record_names(r, "states"), 0.0, "state", r,
                        indexed("countries", i, ".baseline_attitude"));
        });
    add(choice("countries[].attitude_distribution", "normal", {"normal", "uniform", "two_point"},
               "initial attitudes: normal(baseline, spread), uniform on baseline +- spread, or "
               "+1/-1 with P(+1) = (1 + baseline)/2 (all clamped to [-1, 1])"),
        DIPSIM_BIND(c.model.countries[i].attitude_distribution));
    add(float_map("countries[].zealots_for", 0.0, 1.0, "1",
                  "share of citizens fixed at +1 toward each state, {STATE: share} (a committed "
                  "minority; Mobilia 2003)"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
          c.model.countries[i].zealots_for = dense_map(v, record_names(r, "states"), 0.0, "state",
                                                       r, indexed("countries", i, ".zealots_for"));
        });
    add(float_map("countries[].zealots_against", 0.0, 1.0, "1",
                  "share of citizens fixed at -1 toward each state, {STATE: share}"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
          c.model.countries[i].zealots_against =
              dense_map(v, record_names(r, "states"), 0.0, "state", r,
                        indexed("countries", i, ".zealots_against"));
        });
    add(flt("countries[].attitude_spread", 0.3, 0.0, 2.0, "attitude units",
            "standard deviation of initial attitudes around the baseline (clamped to [-1, 1])"),
        DIPSIM_BIND(c.model.countries[i].attitude_spread));
    add(float_map("countries[].cultural_proximity", 0.0, 1.0, "1",
                  "closeness to each state, {STATE: value}; scales the appeal of its embassy's "
                  "posts here by 2 x proximity (0.5, the default, is neutral)"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
          c.model.countries[i].cultural_proximity =
              dense_map(v, record_names(r, "states"), 0.5, "state", r,
                        indexed("countries", i, ".cultural_proximity"));
        });
    add(float_map("countries[].languages", 0.0, 1.0, "1",
                  "languages spoken and their shares, {LANGUAGE: share} (normalised); default: "
                  "one language named like the country"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario&) {
          auto& out = c.model.countries[i].languages;
          out.clear();
          const auto& m = std::get<FloatMap>(v);
          double sum = 0.0;
          for (const auto& kv : m) sum += kv.second;
          if (m.empty() || !(sum > 0.0)) {
            out.emplace_back(
                static_cast<std::uint8_t>(language_index(c, c.model.countries[i].name)), 1.0);
            return;
          }
          for (const auto& [name, share] : m) {
            out.emplace_back(static_cast<std::uint8_t>(language_index(c, name)), share / sum);
          }
        });
    add(float_map("countries[].follow_shares", 0.0, 1.0, "1",
                  "multi_country: shares of this country's follows going to each country, "
                  "{COUNTRY: share} summing to 1 (a row of the mixing matrix; default: "
                  "graph.home_share at home, the rest spread evenly)"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
          if (c.graph.follow_shares.size() < r.list_size("countries")) {
            c.graph.follow_shares.resize(r.list_size("countries"));
          }
          if (std::get<FloatMap>(v).empty()) return;
          const std::string key = indexed("countries", i, ".follow_shares");
          auto row = dense_map(v, record_names(r, "countries"), 0.0, "country", r, key);
          const double sum = std::accumulate(row.begin(), row.end(), 0.0);
          if (std::fabs(sum - 1.0) > 1e-6) {
            throw core::Error(core::ErrorKind::kInput,
                              "expected shares summing to 1, got " + std::to_string(sum),
                              r.location(key));
          }
          c.graph.follow_shares[i] = std::move(row);
        });
    add(flt("countries[].media_literacy", 0.5, 0.0, 1.0, "1",
            "mean media literacy: how strongly citizens discount low-quality items"),
        DIPSIM_BIND(c.model.countries[i].media_literacy));
    add(flt("countries[].media_trust", 0.5, 0.0, 1.0, "1", "trust in media outlets' items"),
        DIPSIM_BIND(c.model.countries[i].media_trust));
    add(integer("countries[].utc_offset", 0, -12, 14, "hours",
                "time zone: shifts the daily activity profile to local time"),
        DIPSIM_BIND(c.model.countries[i].utc_offset));
    add(integer("countries[].influencers", 0, 0, 1'000'000, "citizens",
                "online citizens with the most followers who act as influencers (trusted as "
                "such, post more, can be paid by states)"),
        DIPSIM_BIND(c.model.countries[i].influencers));

    // --- states[] -------------------------------------------------------------------------------
    add(text("states[].name", std::nullopt, "state actor name (unique)"),
        DIPSIM_BIND(c.model.states[i].name));
    {
      ParamSpec p;
      p.path = "states[].target_countries";
      p.type = ParamType::kStringList;
      p.default_value = Value{std::vector<std::string>{}};
      p.doc = "countries where the state runs an embassy account (empty: all countries)";
      add(std::move(p),
          [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
            const auto names = record_names(r, "countries");
            auto& out = c.model.states[i].target_countries;
            out.clear();
            const auto& wanted = std::get<std::vector<std::string>>(v);
            const std::string key = indexed("states", i, ".target_countries");
            for (std::size_t j = 0; j < wanted.size(); ++j) {
              const auto idx = static_cast<std::uint16_t>(resolve_name(
                  wanted[j], names, "country", r, key, key + "[" + std::to_string(j) + "]"));
              if (std::find(out.begin(), out.end(), idx) != out.end()) {
                throw core::Error(core::ErrorKind::kInput,
                                  "country " + core::quote(wanted[j]) + " is listed twice",
                                  r.location(key));
              }
              out.push_back(idx);
            }
          });
    }
    add(flt("states[].credibility", 0.7, 0.0, 1.0, "1",
            "credibility of the state's messages (weights their influence)",
            "Hovland & Weiss 1951, Public Opin. Q. 15:635"),
        DIPSIM_BIND(c.model.states[i].credibility));
    add(flt("states[].posts_per_day", 4.0, 0.0, 10'000.0, "posts per day",
            "posts per official account per day, on a regular schedule"),
        DIPSIM_BIND(c.model.states[i].posts_per_day));
    add(flt("states[].message_stance", 0.8, -1.0, 1.0, "attitude units",
            "stance of the state's posts toward itself"),
        DIPSIM_BIND(c.model.states[i].message_stance));
    add(flt("states[].message_quality", 0.8, 0.0, 1.0, "1", "quality of the state's posts"),
        DIPSIM_BIND(c.model.states[i].message_quality));
    add(flt("states[].message_appeal", 0.5, 0.0, 1.0, "1",
            "appeal of the state's posts for themes without their own theme_appeal"),
        doc_only);  // folded into theme_appeal by the next row
    add(float_map("states[].theme_appeal", 0.0, 1.0, "1",
                  "appeal of each theme, {THEME: value}; themes not named use message_appeal"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
          c.model.states[i].theme_appeal =
              dense_map(v, c.model.themes, r.get_float(indexed("states", i, ".message_appeal")),
                        "theme", r, indexed("states", i, ".theme_appeal"));
        });
    add(float_map("states[].theme_mix", 0.0, 1e6, "1",
                  "relative weight of each theme in the state's posts, {THEME: weight}; default: "
                  "equal weights on culture, values, achievements, crisis_aid and policy"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
          const std::string key = indexed("states", i, ".theme_mix");
          auto& mix = c.model.states[i].theme_mix;
          if (std::get<FloatMap>(v).empty()) {
            mix.assign(c.model.themes.size(), 0.0);
            for (std::size_t k = 0; k < std::size(kCampaignThemes); ++k) mix[k] = 1.0;
          } else {
            mix = dense_map(v, c.model.themes, 0.0, "theme", r, key);
          }
          if (!(std::accumulate(mix.begin(), mix.end(), 0.0) > 0.0)) {
            throw core::Error(core::ErrorKind::kInput,
                              "expected at least one theme with a positive weight",
                              r.location(key));
          }
        });
    add(text("states[].language", "",
             "language of the state's posts that are not localised (default: a language named "
             "like the state)"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario&) {
          const auto& name = std::get<std::string>(v);
          c.model.states[i].language = static_cast<std::uint8_t>(
              language_index(c, name.empty() ? c.model.states[i].name : name));
        });
    add(integer("states[].response_lag", 6, 0, 100'000, "steps",
                "steps after a crisis starts before the state's embassy there reacts"),
        DIPSIM_BIND(c.model.states[i].response_lag));
    add(flt("states[].crisis_response", 0.0, 0.0, 1.0, "1",
            "share of the embassy's posts switched to crisis aid after the lag (0 = no reaction)"),
        DIPSIM_BIND(c.model.states[i].crisis_response));
    add(flt("states[].localisation", 0.0, 0.0, 1.0, "1",
            "share of embassy posts written in the target country's main language"),
        DIPSIM_BIND(c.model.states[i].localisation));
    add(flt("states[].ministry_reach", 0.02, 0.0, 1.0, "1",
            "probability that an online citizen anywhere follows the state's ministry account"),
        DIPSIM_BIND(c.model.states[i].ministry_reach));
    add(flt("states[].embassy_reach", 0.10, 0.0, 1.0, "1",
            "probability that an online citizen of a target country follows the embassy there"),
        DIPSIM_BIND(c.model.states[i].embassy_reach));
    add(integer("states[].partnership.influencers", 0, 0, 1'000'000, "influencers",
                "influencers paid in each target country (its top influencers by followers)"),
        DIPSIM_BIND(c.model.states[i].partnership.influencers));
    add(flt("states[].partnership.posts_per_day", 1.0, 0.0, 1000.0, "posts per day",
            "paid posts per influencer per day"),
        DIPSIM_BIND(c.model.states[i].partnership.posts_per_day));
    add(flag("states[].partnership.disclosure", true,
             "paid posts carry a paid-partnership label (labels lower resharing)"),
        DIPSIM_BIND(c.model.states[i].partnership.disclosure));
    add(flt("states[].partnership.credibility_cost", 0.0, 0.0, 10.0, "per paid post per day",
            "overuse cost: credibility / (1 + cost x paid posts per day)"),
        DIPSIM_BIND(c.model.states[i].partnership.credibility_cost));
    add(flt("states[].engagement.reply_share", 0.0, 0.0, 1.0, "1",
            "share of citizens' replies that the state's accounts answer"),
        DIPSIM_BIND(c.model.states[i].engagement.reply_share));
    add(flt("states[].engagement.trust_gain", 0.1, 0.0, 1.0, "1",
            "rise of a citizen's trust in the state's accounts when its reply is answered"),
        DIPSIM_BIND(c.model.states[i].engagement.trust_gain));
    add(flt("states[].counter.prebunk_share", 0.0, 0.0, 1.0, "1",
            "share of the state's posts that are prebunking (they raise readers' literacy)",
            "Roozenbeek & van der Linden 2019, Palgrave Commun. 5:65"),
        DIPSIM_BIND(c.model.states[i].counter.prebunk_share));
    add(flt("states[].counter.prebunk_literacy_gain", 0.05, 0.0, 1.0, "1",
            "media literacy gained by a reader of a prebunking item"),
        DIPSIM_BIND(c.model.states[i].counter.prebunk_literacy_gain));
    add(flt("states[].counter.rebuttal_trigger", 0.0, 0.0, 1e12, "items per step",
            "negative items about the state read in a country in a step that make its embassy "
            "post a rebuttal next step (0 = no rebuttals)"),
        DIPSIM_BIND(c.model.states[i].counter.rebuttal_trigger));
    add(flt("states[].counter.rebuttal_stance", 0.8, -1.0, 1.0, "attitude units",
            "stance of rebuttal items"),
        DIPSIM_BIND(c.model.states[i].counter.rebuttal_stance));

    // --- outlets[] -------------------------------------------------------------------------------
    add(text("outlets[].name", std::nullopt, "outlet name (unique)"),
        DIPSIM_BIND(c.model.outlets[i].name));
    add(choice("outlets[].kind", "domestic", {"domestic", "independent", "state_broadcaster"},
               "a domestic or independent outlet, or a foreign state's broadcaster (labelled)"),
        DIPSIM_BIND(c.model.outlets[i].kind));
    add(text("outlets[].country", std::nullopt, "country whose public it serves"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
          const std::string key = indexed("outlets", i, ".country");
          c.model.outlets[i].country = static_cast<std::uint16_t>(resolve_name(
              std::get<std::string>(v), record_names(r, "countries"), "country", r, key, key));
        });
    add(text("outlets[].sponsor", "",
             "state behind a state broadcaster (required for kind state_broadcaster)"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
          const auto& name = std::get<std::string>(v);
          const std::string key = indexed("outlets", i, ".sponsor");
          if (name.empty()) return;
          c.model.outlets[i].sponsor = static_cast<std::uint8_t>(
              resolve_name(name, record_names(r, "states"), "state", r, key, key));
        });
    add(text("outlets[].language", "", "language of its items (default: the country's main one)"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario&) {
          const auto& name = std::get<std::string>(v);
          auto& out = c.model.outlets[i];
          if (!name.empty()) {
            out.language = static_cast<std::uint8_t>(language_index(c, name));
            return;
          }
          const auto& langs = c.model.countries[out.country].languages;
          const auto main =
              std::max_element(langs.begin(), langs.end(),
                               [](const auto& a, const auto& b) { return a.second < b.second; });
          out.language = main->first;
        });
    add(float_map("outlets[].stance", -1.0, 1.0, "attitude units",
                  "stance of its reporting toward each state, {STATE: value} (default 0)"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
          c.model.outlets[i].stance = dense_map(v, record_names(r, "states"), 0.0, "state", r,
                                                indexed("outlets", i, ".stance"));
        });
    add(flt("outlets[].credibility", 0.7, 0.0, 1.0, "1", "credibility of its items"),
        DIPSIM_BIND(c.model.outlets[i].credibility));
    add(flt("outlets[].gatekeeping", 0.5, 0.0, 1.0, "1",
            "minimum quality of a trending item it republishes (agenda setting)"),
        DIPSIM_BIND(c.model.outlets[i].gatekeeping));
    add(flt("outlets[].posts_per_day", 6.0, 0.0, 10'000.0, "posts per day",
            "own reports per day, each about a random state"),
        DIPSIM_BIND(c.model.outlets[i].posts_per_day));
    add(flt("outlets[].quality", 0.8, 0.0, 1.0, "1", "quality of its own reports"),
        DIPSIM_BIND(c.model.outlets[i].quality));
    add(flt("outlets[].appeal", 0.4, 0.0, 1.0, "1", "appeal of its own reports"),
        DIPSIM_BIND(c.model.outlets[i].appeal));
    add(flt("outlets[].platform_reach", 0.2, 0.0, 1.0, "1",
            "probability that an online citizen of its country follows it on the platform"),
        DIPSIM_BIND(c.model.outlets[i].platform_reach));
    add(flt("outlets[].broadcast_reach", 0.3, 0.0, 1.0, "per day",
            "share of its country's citizens (online or not) who meet its latest item off the "
            "platform each day"),
        DIPSIM_BIND(c.model.outlets[i].broadcast_reach));
    add(flt("outlets[].pickups_per_day", 2.0, 0.0, 1000.0, "items per day",
            "trending items of its country it republishes per day (trading up the chain)",
            "Marwick & Lewis 2017, Media Manipulation and Disinformation Online"),
        DIPSIM_BIND(c.model.outlets[i].pickups_per_day));

    // --- bots[] --------------------------------------------------------------------------------
    add(text("bots[].name", std::nullopt, "bot network name (unique)"),
        DIPSIM_BIND(c.model.bots[i].name));
    add(text("bots[].sponsor", "", "state behind the network (for reports; may be empty)"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
          const auto& name = std::get<std::string>(v);
          const std::string key = indexed("bots", i, ".sponsor");
          if (!name.empty()) {
            c.model.bots[i].sponsor = static_cast<std::uint8_t>(
                resolve_name(name, record_names(r, "states"), "state", r, key, key));
          }
        });
    add(integer("bots[].count", 100, 0, 100'000'000, "bots", "number of bots (0: use share)"),
        DIPSIM_BIND(c.model.bots[i].count));
    add(flt("bots[].share", 0.0, 0.0, 1.0, "1",
            "bots as a share of citizens.count, used when count is 0"),
        DIPSIM_BIND(c.model.bots[i].share));
    {
      ParamSpec p;
      p.path = "bots[].target_countries";
      p.type = ParamType::kStringList;
      p.default_value = Value{std::vector<std::string>{}};
      p.doc = "countries whose publics the bots infiltrate (empty: all)";
      add(std::move(p),
          [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
            const auto names = record_names(r, "countries");
            const std::string key = indexed("bots", i, ".target_countries");
            auto& out = c.model.bots[i].target_countries;
            const auto& wanted = std::get<std::vector<std::string>>(v);
            for (std::size_t j = 0; j < wanted.size(); ++j) {
              out.push_back(static_cast<std::uint16_t>(resolve_name(
                  wanted[j], names, "country", r, key, key + "[" + std::to_string(j) + "]")));
            }
          });
    }
    add(float_map("bots[].stance", -1.0, 1.0, "attitude units",
                  "stance of the bots' posts toward each targeted state, {STATE: value}; only the "
                  "states named are targeted (at least one)"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
          const std::string key = indexed("bots", i, ".stance");
          c.model.bots[i].stance =
              dense_map(v, record_names(r, "states"), std::numeric_limits<double>::quiet_NaN(),
                        "state", r, key);
          if (std::get<FloatMap>(v).empty()) {
            throw core::Error(core::ErrorKind::kInput,
                              "expected at least one targeted state, e.g. {STATE: -0.8}",
                              r.location(key));
          }
        });
    add(choice("bots[].infiltration", "country",
               {"random", "hubs", "country", "community", "susceptible", "least_literate"},
               "whom bots send follow requests: random citizens anywhere, the best-followed "
               "citizens, random citizens of the target countries, those of them who speak "
               "target_language (a community), or their most susceptible or least "
               "media-literate citizens"),
        DIPSIM_BIND(c.model.bots[i].infiltration));
    add(integer("bots[].follow_requests", 50, 0, 1'000'000, "requests per bot",
                "follow requests each bot sends"),
        DIPSIM_BIND(c.model.bots[i].follow_requests));
    add(flt("bots[].follow_back", 0.2, 0.0, 1.0, "1",
            "probability that a citizen follows a requesting bot back",
            "Boshmaf et al. 2011, ACSAC (socialbot acceptance rates)"),
        DIPSIM_BIND(c.model.bots[i].follow_back));
    add(flt("bots[].posts_per_day", 12.0, 0.0, 10'000.0, "posts per day", "posts per bot per day"),
        DIPSIM_BIND(c.model.bots[i].posts_per_day));
    add(integer("bots[].flood_copies", 1, 1, 100, "copies",
                "copies of each post pushed to followers' feeds (flooding)"),
        DIPSIM_BIND(c.model.bots[i].flood_copies));
    add(flt("bots[].quality_mean", 0.2, 0.0, 1.0, "1", "mean quality of bot posts"),
        DIPSIM_BIND(c.model.bots[i].quality_mean));
    add(flt("bots[].quality_sd", 0.1, 0.0, 1.0, "1", "spread of bot post quality"),
        DIPSIM_BIND(c.model.bots[i].quality_sd));
    add(flt("bots[].appeal_mean", 0.8, 0.0, 1.0, "1", "mean appeal of bot posts"),
        DIPSIM_BIND(c.model.bots[i].appeal_mean));
    add(flt("bots[].appeal_sd", 0.1, 0.0, 1.0, "1", "spread of bot post appeal"),
        DIPSIM_BIND(c.model.bots[i].appeal_sd));
    add(flag("bots[].impersonate_media", false,
             "bots pose as news outlets: readers give them media trust"),
        DIPSIM_BIND(c.model.bots[i].impersonate_media));
    add(flt("bots[].coordination", 0.0, 0.0, 1.0, "1",
            "share of the network that reshares each bot post in the next step (fakes "
            "popularity for engagement ranking)"),
        DIPSIM_BIND(c.model.bots[i].coordination));
    add(integer("bots[].active_from", 0, 0, 10'000'000, "step",
                "first active step (dormant before)"),
        DIPSIM_BIND(c.model.bots[i].active_from));
    add(integer("bots[].active_until", 10'000'000, 0, 10'000'000, "step",
                "first step no longer active"),
        DIPSIM_BIND(c.model.bots[i].active_until));
    add(flt("bots[].detectability", 0.5, 0.0, 1.0, "1",
            "mean detectability (per bot: normal with sd 0.15, clamped to [0, 1])"),
        DIPSIM_BIND(c.model.bots[i].detectability));
    add(text("bots[].target_language", "",
             "language community targeted by infiltration: community (required for it)"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
          const auto& name = std::get<std::string>(v);
          const std::string key = indexed("bots", i, ".target_language");
          if (name.empty()) {
            if (c.model.bots[i].infiltration == model::Infiltration::kCommunity) {
              throw core::Error(core::ErrorKind::kInput,
                                "infiltration: community needs target_language, a language "
                                "named in countries[].languages",
                                r.location(indexed("bots", i, ".infiltration")));
            }
            return;
          }
          const std::size_t k = language_index(c, name);
          if (k >= c.model.languages.size()) {
            throw core::Error(core::ErrorKind::kInput,
                              "unknown language " + core::quote(name) +
                                  "; expected one of: " + core::join(c.model.languages, ", "),
                              r.location(key));
          }
          c.model.bots[i].target_language = static_cast<std::uint8_t>(k);
        });
    add(text("bots[].language", "",
             "language of bot posts (default: each bot's target country's main language)"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario&) {
          const auto& name = std::get<std::string>(v);
          if (!name.empty())
            c.model.bots[i].language = static_cast<std::uint8_t>(language_index(c, name));
        });

    // --- moderation ------------------------------------------------------------------------
    add(flag("moderation.enabled", false, "the platform detects and removes bots"),
        DIPSIM_BIND(c.model.moderation.enabled));
    add(flt("moderation.detection_rate", 0.02, 0.0, 1.0, "per step",
            "detection probability per step of a fully detectable bot that posted in the last "
            "step (x detectability; a quarter of that for a silent bot)"),
        DIPSIM_BIND(c.model.moderation.detection_rate));
    add(integer("moderation.takedown_delay", 6, 0, 100'000, "steps",
                "steps from detection to removal"),
        DIPSIM_BIND(c.model.moderation.takedown_delay));

    // --- fact_checkers[] -------------------------------------------------------------------
    add(text("fact_checkers[].name", std::nullopt, "fact-checker name (unique)"),
        DIPSIM_BIND(c.model.fact_checkers[i].name));
    add(text("fact_checkers[].country", std::nullopt, "country it watches and publishes in"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
          const std::string key = indexed("fact_checkers", i, ".country");
          c.model.fact_checkers[i].country = static_cast<std::uint16_t>(resolve_name(
              std::get<std::string>(v), record_names(r, "countries"), "country", r, key, key));
          const auto& langs = c.model.countries[c.model.fact_checkers[i].country].languages;
          c.model.fact_checkers[i].language =
              std::max_element(langs.begin(), langs.end(), [](const auto& a, const auto& b) {
                return a.second < b.second;
              })->first;
        });
    add(flt("fact_checkers[].credibility", 0.8, 0.0, 1.0, "1", "credibility of its corrections"),
        DIPSIM_BIND(c.model.fact_checkers[i].credibility));
    add(flt("fact_checkers[].quality_threshold", 0.4, 0.0, 1.0, "1",
            "items below this quality are checked once viral"),
        DIPSIM_BIND(c.model.fact_checkers[i].quality_threshold));
    add(integer("fact_checkers[].virality", 20, 1, 100'000'000, "items",
                "cascade size (reshares by its country's citizens included) that makes an item "
                "viral"),
        DIPSIM_BIND(c.model.fact_checkers[i].virality));
    add(integer("fact_checkers[].delay", 6, 0, 100'000, "steps",
                "steps from virality to the published correction"),
        DIPSIM_BIND(c.model.fact_checkers[i].delay));
    add(flt("fact_checkers[].checks_per_day", 10.0, 0.0, 10'000.0, "per day",
            "corrections it can publish per day"),
        DIPSIM_BIND(c.model.fact_checkers[i].checks_per_day));
    add(flt("fact_checkers[].platform_reach", 0.1, 0.0, 1.0, "1",
            "probability that an online citizen of its country follows it"),
        DIPSIM_BIND(c.model.fact_checkers[i].platform_reach));
    add(flt("fact_checkers[].correction_stance", 0.5, 0.0, 1.0, "1",
            "a correction's stance is -correction_stance x the checked item's stance"),
        DIPSIM_BIND(c.model.fact_checkers[i].correction_stance));

    // --- events[] ------------------------------------------------------------------------------
    add(choice(
            "events[].kind", "crisis",
            {"crisis", "hacked_account", "scandal", "summit", "seed_posts"},
            "crisis (activity and crisis-aid appeal rise in a country), hacked_account (a state's "
            "ministry, or its embassy in `country`, posts the attacker's content), scandal (a "
            "state's credibility drops), summit (a state posts more and gets more coverage), "
            "seed_posts (citizens post a story at `start`)"),
        DIPSIM_BIND(c.model.events[i].kind));
    add(integer("events[].start", 0, 0, 10'000'000, "step", "first step of the event"),
        DIPSIM_BIND(c.model.events[i].start));
    add(integer("events[].duration", 24, 1, 10'000'000, "steps", "length of the event"),
        DIPSIM_BIND(c.model.events[i].duration));
    add(flt("events[].magnitude", 1.0, 0.0, 100.0, "1",
            "crisis: activity and crisis-aid appeal x (1 + magnitude); scandal: credibility x "
            "(1 - magnitude); summit: posting and coverage x (1 + magnitude)"),
        DIPSIM_BIND(c.model.events[i].magnitude));
    add(text("events[].country", "", "country of a crisis, seed posts or hacked embassy"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
          const auto& name = std::get<std::string>(v);
          const std::string key = indexed("events", i, ".country");
          if (!name.empty()) {
            c.model.events[i].country = static_cast<std::uint16_t>(
                resolve_name(name, record_names(r, "countries"), "country", r, key, key));
          }
        });
    add(text("events[].state", "", "state of a hacked account, scandal, summit or seed posts"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
          const auto& name = std::get<std::string>(v);
          const std::string key = indexed("events", i, ".state");
          if (!name.empty()) {
            c.model.events[i].state = static_cast<std::uint8_t>(
                resolve_name(name, record_names(r, "states"), "state", r, key, key));
          }
        });
    add(flt("events[].stance", -0.8, -1.0, 1.0, "attitude units",
            "stance of hacked-account posts and seed posts toward the state"),
        DIPSIM_BIND(c.model.events[i].stance));
    add(flt("events[].quality", 0.3, 0.0, 1.0, "1", "quality of those posts"),
        DIPSIM_BIND(c.model.events[i].quality));
    add(flt("events[].appeal", 0.8, 0.0, 1.0, "1", "appeal of those posts"),
        DIPSIM_BIND(c.model.events[i].appeal));
    add(integer("events[].count", 1, 1, 100'000'000, "citizens", "seed posts: citizens who post"),
        DIPSIM_BIND(c.model.events[i].count));
    add(flt("events[].trust_drop", 0.3, 0.0, 1.0, "1",
            "hacked account: trust in the state's accounts lost when the account is recovered"),
        DIPSIM_BIND(c.model.events[i].trust_drop));
    add(flt("events[].recovery_steps", 168.0, 0.01, 1e7, "steps",
            "hacked account: e-folding time of the trust recovery"),
        DIPSIM_BIND(c.model.events[i].recovery_steps));

    // --- classroom (dipsim serve) --------------------------------------------------------------
    add(text("classroom.question", "",
             "the question put to the class, shown above the controls of `dipsim serve`"),
        doc_only);
    {
      ParamSpec p;
      p.path = "classroom.knobs";
      p.type = ParamType::kStringList;
      p.default_value = Value{std::vector<std::string>{}};
      p.doc =
          "keys of this scenario a class may change in `dipsim serve` (e.g. bots[0].share, "
          "moderation.enabled); each a number, integer, flag or choice; the page builds its "
          "controls from their rows in this table";
      add(std::move(p), doc_only);  // checked by check_classroom
    }
    add(text("classroom.compare", "",
             "a suggested change for the page's second arm, as key=value with a key from "
             "classroom.knobs (e.g. moderation.enabled=true)"),
        doc_only);
    return t;
  }();
  return table;
}

#undef DIPSIM_BIND

void check_unique_names(const ResolvedScenario& r, const std::string& list) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < r.list_size(list); ++i) {
    const std::string key = indexed(list, i, ".name");
    const std::string& name = r.get_string(key);
    if (name.empty()) {
      throw core::Error(core::ErrorKind::kInput, "expected a non-empty name", r.location(key));
    }
    if (!seen.insert(name).second) {
      throw core::Error(
          core::ErrorKind::kInput,
          "duplicate name " + core::quote(name) + "; names in " + list + " must be unique",
          r.location(key));
    }
  }
}

// Themes (built-in, then the scenario's) and languages (in order of first mention) must be known
// before the rows run, because rows refer to them by name.
void name_themes_and_languages(sim::SimConfig& c, const ResolvedScenario& r) {
  for (const char* name : model::builtin_themes()) c.model.themes.emplace_back(name);
  const auto& extra = std::get<std::vector<std::string>>(r.value("themes"));
  for (std::size_t k = 0; k < extra.size(); ++k) {
    if (std::find(c.model.themes.begin(), c.model.themes.end(), extra[k]) != c.model.themes.end()) {
      auto where = r.location("themes");
      where.key = "themes[" + std::to_string(k) + "]";
      throw core::Error(core::ErrorKind::kInput,
                        "theme " + core::quote(extra[k]) + " is already defined", where);
    }
    c.model.themes.push_back(extra[k]);
  }
  if (c.model.themes.size() > model::kMaxThemes) {
    throw core::Error(core::ErrorKind::kInput,
                      "at most " + std::to_string(model::kMaxThemes - model::theme::kNumBuiltin) +
                          " extra themes are supported",
                      r.location("themes"));
  }
  auto add_language = [&](const std::string& name) {
    if (std::find(c.model.languages.begin(), c.model.languages.end(), name) ==
        c.model.languages.end()) {
      c.model.languages.push_back(name);
    }
  };
  for (std::size_t i = 0; i < r.list_size("countries"); ++i) {
    const auto& langs = std::get<FloatMap>(r.value(indexed("countries", i, ".languages")));
    if (langs.empty()) add_language(r.get_string(indexed("countries", i, ".name")));
    for (const auto& kv : langs) add_language(kv.first);
  }
  for (std::size_t i = 0; i < r.list_size("states"); ++i) {
    const auto& lang = r.get_string(indexed("states", i, ".language"));
    add_language(lang.empty() ? r.get_string(indexed("states", i, ".name")) : lang);
  }
  for (const char* list : {"outlets", "bots"}) {
    for (std::size_t i = 0; i < r.list_size(list); ++i) {
      const auto& lang = r.get_string(indexed(list, i, ".language"));
      if (!lang.empty()) add_language(lang);
    }
  }
  if (c.model.languages.size() > model::kMaxLanguages) {
    throw core::Error(
        core::ErrorKind::kInput,
        "at most " + std::to_string(model::kMaxLanguages) + " languages are supported",
        r.location("countries"));
  }
}

/// Most follow edges a generated citizen graph may have: 2^40 (about 11 TB at the 10 bytes per
/// edge of the design's memory target), more than any single machine holds. Sizes beyond it are
/// absurd rather than large, so they fail when the scenario is checked (`dipsim validate`, before
/// a sweep starts) instead of when the world's arrays are allocated.
constexpr double kMaxGeneratedEdges = 1099511627776.0;

void check_graph_size(const sim::SimConfig& c, const ResolvedScenario& r) {
  using sim::GraphGenerator;
  const GraphGenerator g = c.graph.generator;
  if (g == GraphGenerator::kFile || g == GraphGenerator::kComplete) return;  // checked elsewhere
  const bool growth = g == GraphGenerator::kBarabasiAlbert || g == GraphGenerator::kPrice ||
                      g == GraphGenerator::kHolmeKim || g == GraphGenerator::kVazquez;
  const bool by_m = growth && c.graph.m > 0;
  const double links = by_m ? static_cast<double>(c.graph.m) : c.graph.mean_following;
  const double edges = static_cast<double>(c.model.citizens.count) * links;
  if (edges <= kMaxGeneratedEdges) return;
  const std::string links_key = by_m ? "graph.m" : "graph.mean_following";
  core::InputLocation where = r.location(links_key);
  if (where.file == "(default)") where = r.location("citizens.count");
  char links_text[32], edges_text[32];
  std::snprintf(links_text, sizeof links_text, "%.9g", links);
  std::snprintf(edges_text, sizeof edges_text, "%.3g", edges);
  throw core::Error(core::ErrorKind::kResource,
                    "citizens.count x " + links_key + " = " +
                        std::to_string(c.model.citizens.count) + " x " + links_text + " = " +
                        edges_text +
                        " follow edges, more than 2^40 (1099511627776; about 11 TB at 10 bytes "
                        "per edge); lower citizens.count or " +
                        links_key,
                    where);
}

// Checks that need several rows at once.
void cross_check(const sim::SimConfig& c, const ResolvedScenario& r) {
  check_graph_size(c, r);
  double share_sum = 0.0;
  for (const auto& country : c.model.countries) share_sum += country.population_share;
  if (!(share_sum > 0.0)) {
    throw core::Error(core::ErrorKind::kInput,
                      "population shares sum to 0; expected at least one positive share",
                      r.location("countries[0].population_share"));
  }
  for (std::size_t i = 0; i < c.model.outlets.size(); ++i) {
    const auto& o = c.model.outlets[i];
    if (o.kind == model::OutletKind::kStateBroadcaster && o.sponsor == 0xFF) {
      throw core::Error(core::ErrorKind::kInput,
                        "a state_broadcaster needs a sponsor: the name of the state behind it",
                        r.location(indexed("outlets", i, ".kind")));
    }
  }
  for (std::size_t i = 0; i < c.model.events.size(); ++i) {
    const auto& e = c.model.events[i];
    const bool needs_state =
        e.kind == model::EventKind::kHackedAccount || e.kind == model::EventKind::kScandal ||
        e.kind == model::EventKind::kSummit || e.kind == model::EventKind::kSeedPosts;
    if (needs_state && e.state == model::kNoState) {
      throw core::Error(core::ErrorKind::kInput, "this kind of event needs `state`: a state's name",
                        r.location(indexed("events", i, ".kind")));
    }
    if (e.kind == model::EventKind::kCrisis && e.country == 0xFFFF) {
      throw core::Error(core::ErrorKind::kInput, "a crisis needs `country`: a country's name",
                        r.location(indexed("events", i, ".kind")));
    }
    if (e.kind == model::EventKind::kHackedAccount && e.country != 0xFFFF) {
      const auto& targets = c.model.states[e.state].target_countries;
      if (!targets.empty() &&
          std::find(targets.begin(), targets.end(), e.country) == targets.end()) {
        throw core::Error(core::ErrorKind::kInput,
                          "the state has no embassy in " +
                              core::quote(c.model.countries[e.country].name) +
                              "; name one of its target countries or leave `country` empty for "
                              "its ministry",
                          r.location(indexed("events", i, ".country")));
      }
    }
  }
  for (std::size_t s = 0; s < c.model.states.size(); ++s) {
    const auto& st = c.model.states[s];
    const std::uint32_t wanted = st.partnership.influencers;
    if (wanted == 0) continue;
    std::vector<std::uint16_t> targets = st.target_countries;
    if (targets.empty()) {
      for (std::size_t k = 0; k < c.model.countries.size(); ++k) {
        targets.push_back(static_cast<std::uint16_t>(k));
      }
    }
    for (std::uint16_t k : targets) {
      if (c.model.countries[k].influencers < wanted) {
        throw core::Error(
            core::ErrorKind::kInput,
            "expected at most countries[" + std::to_string(k) +
                "].influencers = " + std::to_string(c.model.countries[k].influencers) +
                " paid influencers in " + core::quote(c.model.countries[k].name) + ", got " +
                std::to_string(wanted) + "; raise that country's influencers",
            r.location(indexed("states", s, ".partnership.influencers")));
      }
    }
  }
}

}  // namespace

const Schema& scenario_schema() {
  static const Schema schema = [] {
    Schema s;
    s.lists.push_back({"countries", 1, 65'000, "countries of the world (at least one)"});
    s.lists.push_back({"states", 1, model::kMaxStates, "state actors running campaigns (1 to 8)"});
    s.lists.push_back({"outlets", 0, 65'000, "media outlets (none by default)"});
    s.lists.push_back({"bots", 0, 1000, "adversarial bot networks (none by default)"});
    s.lists.push_back({"fact_checkers", 0, 1000, "fact-checkers (none by default)"});
    s.lists.push_back({"events", 0, 100'000, "events on the timeline (none by default)"});
    for (const auto& row : rows()) s.params.push_back(row.spec);
    return s;
  }();
  return schema;
}

const ParamSpec* find_param(const Schema& schema, std::string_view path) {
  // bots[0].share -> bots[].share
  std::string generic;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string_view::npos) return nullptr;
      for (std::size_t j = i + 1; j < close; ++j) {
        if (path[j] < '0' || path[j] > '9') return nullptr;
      }
      generic += "[]";
      i = close;
    } else {
      generic += path[i];
    }
  }
  for (const auto& p : schema.params) {
    if (p.path == generic) return &p;
  }
  return nullptr;
}

namespace {

// classroom.knobs name concrete keys of single values; classroom.compare changes one of them.
void check_classroom(const ResolvedScenario& r) {
  const auto& knobs = std::get<std::vector<std::string>>(r.value("classroom.knobs"));
  for (std::size_t k = 0; k < knobs.size(); ++k) {
    auto where = r.location("classroom.knobs");
    where.key = indexed("classroom.knobs", k, "");
    const ParamSpec* spec = find_param(scenario_schema(), knobs[k]);
    if (spec == nullptr || r.index_.find(knobs[k]) == r.index_.end()) {
      throw core::Error(core::ErrorKind::kInput,
                        "unknown key " + core::quote(knobs[k]) +
                            "; expected a key of this scenario such as bots[0].share or "
                            "moderation.enabled (list records by index)",
                        where);
    }
    if (spec->type != ParamType::kBool && spec->type != ParamType::kInt &&
        spec->type != ParamType::kFloat && spec->type != ParamType::kChoice) {
      throw core::Error(core::ErrorKind::kInput,
                        "expected a number, integer, flag or choice as a classroom knob; " +
                            knobs[k] + " is a " + std::string(to_string(spec->type)),
                        where);
    }
  }
  const std::string& compare = r.get_string("classroom.compare");
  if (compare.empty()) return;
  const std::string key = compare.substr(0, compare.find('='));
  if (compare.find('=') == std::string::npos ||
      std::find(knobs.begin(), knobs.end(), key) == knobs.end()) {
    throw core::Error(
        core::ErrorKind::kInput,
        "expected key=value with a key from classroom.knobs, got " + core::quote(compare),
        r.location("classroom.compare"));
  }
}

}  // namespace

sim::SimConfig to_sim_config(const ResolvedScenario& r) {
  check_unique_names(r, "countries");
  check_unique_names(r, "states");
  check_unique_names(r, "outlets");
  check_unique_names(r, "bots");
  check_unique_names(r, "fact_checkers");
  check_classroom(r);
  sim::SimConfig c;
  c.model.citizens.activity_profile = model::default_activity_profile();
  c.model.countries.resize(r.list_size("countries"));
  c.model.states.resize(r.list_size("states"));
  c.model.outlets.resize(r.list_size("outlets"));
  c.model.bots.resize(r.list_size("bots"));
  c.model.fact_checkers.resize(r.list_size("fact_checkers"));
  c.model.events.resize(r.list_size("events"));
  name_themes_and_languages(c, r);
  for (const auto& row : rows()) {
    const std::string& path = row.spec.path;
    const auto bracket = path.find("[]");
    if (bracket == std::string::npos) {
      row.set(c, 0, r.value(path), r);
      continue;
    }
    const std::string list = path.substr(0, bracket);
    const std::string rest = path.substr(bracket + 2);
    for (std::size_t i = 0; i < r.list_size(list); ++i) {
      row.set(c, i, r.value(indexed(list, i, rest)), r);
    }
  }
  cross_check(c, r);
  return c;
}

LoadedScenario load_dipsim_scenario(const std::filesystem::path& file, const LoadOptions& options) {
  LoadedScenario out{load_scenario(file, scenario_schema(), options), {}};
  // graph.file is relative to the file that set it (the working folder for --set); the resolved
  // scenario keeps the absolute path so that a run file's scenario works from anywhere.
  auto& resolved = out.resolved;
  const auto at = resolved.index_.find("graph.file");
  if (at != resolved.index_.end()) {
    auto& value = std::get<std::string>(resolved.entries_[at->second].second);
    if (!value.empty() && std::filesystem::path(value).is_relative()) {
      const auto origin = resolved.origins_.find("graph.file");
      std::filesystem::path base = std::filesystem::current_path();
      if (origin != resolved.origins_.end() && origin->second.file != "--set" &&
          origin->second.file != "(default)") {
        base = std::filesystem::absolute(std::filesystem::path(origin->second.file)).parent_path();
      }
      value = std::filesystem::weakly_canonical(base / value).string();
    }
  }
  out.config = to_sim_config(out.resolved);
  return out;
}

}  // namespace dipsim::io
