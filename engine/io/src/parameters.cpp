// The parameter table. Each row declares a scenario key and binds it to the SimConfig field it
// sets; the schema for the loader, the documentation and the conversion all come from these rows,
// so a key cannot exist in one and be missing from another.
//
// Defaults are chosen for a small, fast, readable demo world; where a value comes from the
// literature the row names its source.
#include "dipsim/io/parameters.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <string>

#include "dipsim/core/error.hpp"
#include "dipsim/core/text.hpp"

namespace dipsim::io {

namespace {

using Setter = void (*)(sim::SimConfig&, std::size_t index, const Value&, const ResolvedScenario&);

struct Row {
  ParamSpec spec;
  Setter set;
};

void assign(double& f, const Value& v) {
  f = std::get<double>(v);
}
void assign(std::string& f, const Value& v) {
  f = std::get<std::string>(v);
}
void assign(std::uint32_t& f, const Value& v) {
  f = static_cast<std::uint32_t>(std::get<std::int64_t>(v));
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

// Largest citizen count: node ids are 32-bit and official accounts need ids too.
constexpr std::int64_t kMaxCitizens = 4'000'000'000;

const std::vector<Row>& rows() {
  static const std::vector<Row> table = [] {
    std::vector<Row> t;
    auto add = [&](ParamSpec p, Setter s) { t.push_back({std::move(p), s}); };
    auto doc_only = [](sim::SimConfig&, std::size_t, const Value&, const ResolvedScenario&) {};

    // --- scenario description -------------------------------------------------------------
    add(text("title", "", "short title shown by `dipsim info` and in reports"), doc_only);
    add(text("description", "", "what the scenario shows; free text"), doc_only);

    // --- run ----------------------------------------------------------------------------------
    add(integer("run.seed", 1, 0, std::numeric_limits<std::int64_t>::max(), "",
                "seed of every random draw (overridden by --seed)"),
        DIPSIM_BIND(c.run.seed));
    add(integer("run.steps", 168, 1, 10'000'000, "steps (hours)", "number of steps to simulate"),
        DIPSIM_BIND(c.run.steps));
    {
      ParamSpec p =
          num("run.snapshot_steps", ParamType::kIntList, std::vector<std::int64_t>{}, 0, 10'000'000,
              "steps", "save all citizens' attitudes after these steps (0 = initial state)");
      add(std::move(p), DIPSIM_BIND(c.run.snapshot_steps));
    }
    add(integer("run.snapshot_every", 0, 0, 10'000'000, "steps",
                "also save attitudes every N steps (0 = off)"),
        DIPSIM_BIND(c.run.snapshot_every));

    // --- graph ----------------------------------------------------------------------------
    add(flt("graph.mean_following", 30.0, 0.0, 100'000.0, "accounts",
            "mean number of citizens an online citizen follows"),
        DIPSIM_BIND(c.graph.mean_following));
    add(flt("graph.home_share", 0.85, 0.0, 1.0, "1",
            "share of follows inside the citizen's own country (country homophily)"),
        DIPSIM_BIND(c.graph.home_share));

    // --- citizens -----------------------------------------------------------------------------
    add(integer("citizens.count", 10'000, 1, kMaxCitizens, "citizens",
                "number of citizens in all countries together"),
        DIPSIM_BIND(c.model.citizens.count));
    add(flt("citizens.openness_mean", 0.6, 0.0, 2.0, "attitude units",
            "mean bounded-confidence width: items further than this from the reader's attitude "
            "are ignored",
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
    add(flt("citizens.activity_per_hour", 0.1, 0.0, 1.0, "per step",
            "probability that an online citizen opens the platform in a step"),
        DIPSIM_BIND(c.model.citizens.activity_per_hour));
    add(integer("citizens.attention", 10, 0, 100'000, "items per session",
                "items read per session (the top of the ranked feed)"),
        DIPSIM_BIND(c.model.citizens.attention));
    add(flt("citizens.reshare_propensity", 0.1, 0.0, 1.0, "1",
            "scales the reshare probability propensity x appeal x agreement"),
        DIPSIM_BIND(c.model.citizens.reshare_propensity));
    add(flt("citizens.post_probability", 0.05, 0.0, 1.0, "per session",
            "probability that a session ends with an own post about a random state, stating the "
            "citizen's attitude"),
        DIPSIM_BIND(c.model.citizens.post_probability));
    add(flt("citizens.post_quality", 0.5, 0.0, 1.0, "1", "quality of citizens' own posts"),
        DIPSIM_BIND(c.model.citizens.post_quality));
    add(flt("citizens.post_appeal", 0.3, 0.0, 1.0, "1", "appeal of citizens' own posts"),
        DIPSIM_BIND(c.model.citizens.post_appeal));
    add(flt("citizens.trust_state", 0.6, 0.0, 1.0, "1",
            "trust in posts by official state accounts (weights their influence)"),
        DIPSIM_BIND(c.model.citizens.trust_state));
    add(flt("citizens.trust_peer", 0.8, 0.0, 1.0, "1",
            "trust in posts and reshares by other citizens"),
        DIPSIM_BIND(c.model.citizens.trust_peer));
    add(flt("citizens.favourable_threshold", 0.2, -1.0, 1.0, "attitude units",
            "attitude above which a citizen counts as favourable in favourable_share"),
        DIPSIM_BIND(c.model.citizens.favourable_threshold));

    // --- feed -----------------------------------------------------------------------------------
    {
      ParamSpec p;
      p.path = "feed.ranking";
      p.type = ParamType::kChoice;
      p.default_value = Value{std::string("engagement")};
      p.choices = {"chronological", "engagement", "random"};
      p.doc = "feed order: newest first, (1 + reshares) x age decay, or random";
      add(std::move(p), DIPSIM_BIND(c.model.feed.ranking));
    }
    add(integer("feed.window_steps", 24, 1, 100'000, "steps", "items older than this leave feeds"),
        DIPSIM_BIND(c.model.feed.window_steps));
    add(flt("feed.engagement_half_life", 6.0, 0.01, 100'000.0, "steps",
            "half-life of the age decay in engagement ranking"),
        DIPSIM_BIND(c.model.feed.engagement_half_life));

    // --- countries[] ----------------------------------------------------------------------------
    add(text("countries[].name", std::nullopt, "country name (unique)"),
        DIPSIM_BIND(c.model.countries[i].name));
    add(flt("countries[].population_share", 1.0, 0.0, 1e12, "1",
            "relative population weight; weights are normalised over countries"),
        DIPSIM_BIND(c.model.countries[i].population_share));
    add(flt("countries[].internet_penetration", 0.8, 0.0, 1.0, "1",
            "share of citizens on the platform (the rest are offline: digital divide)"),
        DIPSIM_BIND(c.model.countries[i].internet_penetration));
    add(num("countries[].baseline_attitude", ParamType::kFloatMap, FloatMap{}, -1.0, 1.0,
            "attitude units",
            "mean initial attitude toward each state, as {STATE: value}; states not named start "
            "at 0"),
        [](sim::SimConfig& c, std::size_t i, const Value& v, const ResolvedScenario& r) {
          const std::size_t num_states = r.list_size("states");
          auto& out = c.model.countries[i].baseline_attitude;
          out.assign(num_states, 0.0);
          for (const auto& [name, value] : std::get<FloatMap>(v)) {
            std::vector<std::string> names;
            std::size_t found = num_states;
            for (std::size_t s = 0; s < num_states; ++s) {
              names.push_back(r.get_string("states[" + std::to_string(s) + "].name"));
              if (names.back() == name) found = s;
            }
            if (found == num_states) {
              const std::string key = "countries[" + std::to_string(i) + "].baseline_attitude";
              std::string msg = "unknown state " + core::quote(name) +
                                "; expected one of: " + core::join(names, ", ");
              const std::string hint = core::did_you_mean(name, names);
              if (!hint.empty()) msg += " (did you mean \"" + hint + "\"?)";
              auto where = r.location(key);
              where.key = key + "." + name;
              throw core::Error(core::ErrorKind::kInput, msg, where);
            }
            out[found] = value;
          }
        });
    add(flt("countries[].attitude_spread", 0.3, 0.0, 2.0, "attitude units",
            "standard deviation of initial attitudes around the baseline (clamped to [-1, 1])"),
        DIPSIM_BIND(c.model.countries[i].attitude_spread));

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
            const std::size_t num_countries = r.list_size("countries");
            std::vector<std::string> names;
            for (std::size_t k = 0; k < num_countries; ++k) {
              names.push_back(r.get_string("countries[" + std::to_string(k) + "].name"));
            }
            auto& out = c.model.states[i].target_countries;
            out.clear();
            const auto& wanted = std::get<std::vector<std::string>>(v);
            for (std::size_t j = 0; j < wanted.size(); ++j) {
              const auto it = std::find(names.begin(), names.end(), wanted[j]);
              const std::string key = "states[" + std::to_string(i) + "].target_countries";
              if (it == names.end()) {
                std::string msg = "unknown country " + core::quote(wanted[j]) +
                                  "; expected one of: " + core::join(names, ", ");
                const std::string hint = core::did_you_mean(wanted[j], names);
                if (!hint.empty()) msg += " (did you mean \"" + hint + "\"?)";
                auto where = r.location(key);
                where.key = key + "[" + std::to_string(j) + "]";
                throw core::Error(core::ErrorKind::kInput, msg, where);
              }
              const auto idx = static_cast<std::uint16_t>(it - names.begin());
              if (std::find(out.begin(), out.end(), idx) != out.end()) {
                auto where = r.location(key);
                throw core::Error(core::ErrorKind::kInput,
                                  "country " + core::quote(wanted[j]) + " is listed twice", where);
              }
              out.push_back(idx);
            }
          });
    }
    add(flt("states[].credibility", 0.7, 0.0, 1.0, "1",
            "credibility of the state's accounts (weights their influence)"),
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
            "appeal of the state's posts (scales reshares)"),
        DIPSIM_BIND(c.model.states[i].message_appeal));
    add(flt("states[].ministry_reach", 0.02, 0.0, 1.0, "1",
            "probability that an online citizen anywhere follows the state's ministry account"),
        DIPSIM_BIND(c.model.states[i].ministry_reach));
    add(flt("states[].embassy_reach", 0.10, 0.0, 1.0, "1",
            "probability that an online citizen of a target country follows the embassy there"),
        DIPSIM_BIND(c.model.states[i].embassy_reach));
    return t;
  }();
  return table;
}

#undef DIPSIM_BIND

std::string indexed(const std::string& list, std::size_t i, const std::string& rest) {
  return list + "[" + std::to_string(i) + "]" + rest;
}

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

}  // namespace

const Schema& scenario_schema() {
  static const Schema schema = [] {
    Schema s;
    s.lists.push_back({"countries", 1, 65'000, "countries of the world (at least one)"});
    s.lists.push_back({"states", 1, model::kMaxStates, "state actors running campaigns (1 to 8)"});
    for (const auto& row : rows()) s.params.push_back(row.spec);
    return s;
  }();
  return schema;
}

sim::SimConfig to_sim_config(const ResolvedScenario& r) {
  check_unique_names(r, "countries");
  check_unique_names(r, "states");
  sim::SimConfig c;
  c.model.countries.resize(r.list_size("countries"));
  c.model.states.resize(r.list_size("states"));
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
  double share_sum = 0.0;
  for (const auto& country : c.model.countries) share_sum += country.population_share;
  if (!(share_sum > 0.0)) {
    throw core::Error(core::ErrorKind::kInput,
                      "population shares sum to 0; expected at least one positive share",
                      r.location("countries[0].population_share"));
  }
  return c;
}

LoadedScenario load_dipsim_scenario(const std::filesystem::path& file, const LoadOptions& options) {
  LoadedScenario out{load_scenario(file, scenario_schema(), options), {}};
  out.config = to_sim_config(out.resolved);
  return out;
}

}  // namespace dipsim::io
