// Checkpoint state of a Simulation: every array that changes while stepping, by name. The world's
// static parts (graph, accounts, citizens' fixed traits) are rebuilt from the configuration, and
// random numbers are counter-based (no generator state), so these arrays are all a resumed run
// needs to continue bit-identically.
#include <string>

#include "dipsim/core/error.hpp"
#include "dipsim/sim/simulation.hpp"

namespace dipsim::sim {

namespace {

template <class T>
std::vector<T> copy_of(const std::vector<T>& v) {
  return v;
}

std::vector<std::uint8_t> kinds_to_bytes(const std::vector<graph::NodeKind>& v) {
  std::vector<std::uint8_t> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = static_cast<std::uint8_t>(v[i]);
  return out;
}

class Reader {
 public:
  explicit Reader(const StateArrays& s) : s_(s) {}

  template <class T>
  const std::vector<T>& get(const std::string& name) const {
    for (const auto& [n, a] : s_) {
      if (n != name) continue;
      if (const auto* v = std::get_if<std::vector<T>>(&a)) return *v;
      throw core::Error(core::ErrorKind::kInput,
                        "checkpoint array " + name + " has the wrong element type");
    }
    throw core::Error(core::ErrorKind::kInput, "checkpoint array " + name + " is missing");
  }
  bool has(const std::string& name) const {
    for (const auto& entry : s_) {
      if (entry.first == name) return true;
    }
    return false;
  }
  template <class T>
  void into(const std::string& name, std::vector<T>& out, std::size_t expected_size) const {
    const auto& v = get<T>(name);
    if (v.size() != expected_size) {
      throw core::Error(core::ErrorKind::kInput,
                        "checkpoint array " + name + " has " + std::to_string(v.size()) +
                            " elements, expected " + std::to_string(expected_size) +
                            " (was the checkpoint made with another scenario?)");
    }
    out = v;
  }
  template <class T>
  void into(const std::string& name, std::vector<T>& out) const {
    out = get<T>(name);
  }

 private:
  const StateArrays& s_;
};

}  // namespace

StateArrays Simulation::save_state() const {
  StateArrays s;
  const auto& z = world_.citizens;
  const auto& it = world_.items;
  s.emplace_back("steps_done", std::vector<std::uint32_t>{steps_done_});
  // Citizens.
  s.emplace_back("citizens/attitude", copy_of(z.attitude));
  s.emplace_back("citizens/literacy", copy_of(z.literacy));
  s.emplace_back("citizens/trust_bonus", copy_of(z.trust_bonus));
  s.emplace_back("citizens/reached", copy_of(z.reached));
  s.emplace_back("citizens/seen_root", copy_of(z.seen_root));
  s.emplace_back("citizens/seen_count", copy_of(z.seen_count));
  s.emplace_back("citizens/last_session", copy_of(z.last_session));
  s.emplace_back("citizens/pending_reshare", copy_of(z.pending_reshare));
  s.emplace_back("citizens/advocating", copy_of(z.advocating));
  s.emplace_back("citizens/pending_post", copy_of(z.pending_post));
  s.emplace_back("citizens/pending_reply", copy_of(z.pending_reply));
  // Items (the live ones; serials name them among all items posted).
  s.emplace_back("items/next_serial", std::vector<std::uint64_t>{it.next_serial});
  s.emplace_back("items/serial", copy_of(it.serial));
  s.emplace_back("items/author", copy_of(it.author));
  s.emplace_back("items/root", copy_of(it.root));
  s.emplace_back("items/prev_by_author", copy_of(it.prev_by_author));
  s.emplace_back("items/created", copy_of(it.created));
  s.emplace_back("items/state", copy_of(it.state));
  s.emplace_back("items/source_kind", kinds_to_bytes(it.source_kind));
  s.emplace_back("items/depth", copy_of(it.depth));
  s.emplace_back("items/stance", copy_of(it.stance));
  s.emplace_back("items/quality", copy_of(it.quality));
  s.emplace_back("items/appeal", copy_of(it.appeal));
  s.emplace_back("items/credibility", copy_of(it.credibility));
  s.emplace_back("items/theme", copy_of(it.theme));
  s.emplace_back("items/language", copy_of(it.language));
  s.emplace_back("items/labels", copy_of(it.labels));
  s.emplace_back("items/from_bot", copy_of(it.from_bot));
  s.emplace_back("items/correction", copy_of(it.correction));
  s.emplace_back("items/reshares", copy_of(it.reshares));
  s.emplace_back("items/replies", copy_of(it.replies));
  s.emplace_back("items/cascade_size", copy_of(it.cascade_size));
  s.emplace_back("items/cascade_depth", copy_of(it.cascade_depth));
  s.emplace_back("items/cascade_last", copy_of(it.cascade_last));
  s.emplace_back("items/last_of", copy_of(it.last_of));
  // Platform and accounts.
  s.emplace_back("world/removed", copy_of(world_.removed));
  s.emplace_back("world/bot_detected_at", copy_of(world_.bots.detected_at));
  // Simulation internals.
  s.emplace_back("sim/negative_prev", copy_of(negative_prev_));
  s.emplace_back("sim/outlet_last_pick", copy_of(outlet_last_pick_));
  s.emplace_back("sim/bot_items_now", copy_of(bot_items_now_));
  s.emplace_back("sim/check_queued", copy_of(check_queued_));
  std::vector<std::uint32_t> queue_due, queue_root, queue_size;
  for (std::size_t f = 0; f < checker_queue_.size(); ++f) {
    std::uint32_t n = 0;
    for (std::size_t k = checker_head_[f]; k < checker_queue_[f].size(); ++k, ++n) {
      queue_due.push_back(checker_queue_[f][k].first);
      queue_root.push_back(checker_queue_[f][k].second);
    }
    queue_size.push_back(n);
  }
  s.emplace_back("sim/check_queue_due", std::move(queue_due));
  s.emplace_back("sim/check_queue_root", std::move(queue_root));
  s.emplace_back("sim/check_queue_size", std::move(queue_size));
  s.emplace_back("sim/shift_total", copy_of(shift_total_));
  s.emplace_back("sim/bot_shift_total", copy_of(bot_shift_total_));
  std::vector<std::uint32_t> platform;
  for (const auto& p : platform_) {
    platform.insert(platform.end(), {p.bots_active, p.bot_posts, p.detections, p.takedowns,
                                     p.fact_checks, p.items_posted});
  }
  s.emplace_back("sim/platform", std::move(platform));
  std::vector<std::uint32_t> response;
  for (const auto& e : crisis_response_) response.insert(response.end(), e.begin(), e.end());
  s.emplace_back("sim/crisis_response", std::move(response));
  s.emplace_back("sim/metrics", copy_of(frame_.values));
  // Scorecard sums over the cascades that compaction finished.
  s.emplace_back("sim/finished_posts", copy_of(finished_tally_.posts));
  s.emplace_back("sim/finished_paid_posts", copy_of(finished_tally_.paid_posts));
  s.emplace_back("sim/finished_interactions", copy_of(finished_tally_.interactions));
  s.emplace_back("sim/finished_theme_posts", copy_of(finished_tally_.theme_posts));
  return s;
}

void Simulation::restore_state(const StateArrays& state) {
  actors_valid_ = false;  // the pending actions come from the state: the next post phase scans
  const Reader r(state);
  auto& z = world_.citizens;
  auto& it = world_.items;
  const std::size_t n = z.count;
  const std::size_t ns = n * z.num_states;
  steps_done_ = r.get<std::uint32_t>("steps_done").at(0);
  r.into("citizens/attitude", z.attitude, ns);
  r.into("citizens/literacy", z.literacy, n);
  r.into("citizens/trust_bonus", z.trust_bonus, ns);
  r.into("citizens/reached", z.reached, n);
  r.into("citizens/seen_root", z.seen_root, n * model::kSeenSlots);
  r.into("citizens/seen_count", z.seen_count, n * model::kSeenSlots);
  r.into("citizens/last_session", z.last_session, n);
  r.into("citizens/pending_reshare", z.pending_reshare, n);
  r.into("citizens/advocating", z.advocating, n);
  r.into("citizens/pending_post", z.pending_post, n);
  r.into("citizens/pending_reply", z.pending_reply, n);
  const std::size_t items = r.get<std::uint32_t>("items/author").size();
  r.into("items/author", it.author, items);
  r.into("items/root", it.root, items);
  r.into("items/prev_by_author", it.prev_by_author, items);
  r.into("items/created", it.created, items);
  r.into("items/state", it.state, items);
  const auto& kinds = r.get<std::uint8_t>("items/source_kind");
  if (kinds.size() != items) {
    throw core::Error(core::ErrorKind::kInput,
                      "checkpoint array items/source_kind has the wrong size");
  }
  it.source_kind.resize(items);
  for (std::size_t i = 0; i < items; ++i)
    it.source_kind[i] = static_cast<graph::NodeKind>(kinds[i]);
  r.into("items/depth", it.depth, items);
  r.into("items/stance", it.stance, items);
  r.into("items/quality", it.quality, items);
  r.into("items/appeal", it.appeal, items);
  r.into("items/credibility", it.credibility, items);
  r.into("items/theme", it.theme, items);
  r.into("items/language", it.language, items);
  r.into("items/labels", it.labels, items);
  r.into("items/from_bot", it.from_bot, items);
  r.into("items/correction", it.correction, items);
  r.into("items/reshares", it.reshares, items);
  r.into("items/replies", it.replies, items);
  r.into("items/cascade_size", it.cascade_size, items);
  r.into("items/cascade_depth", it.cascade_depth, items);
  r.into("items/cascade_last", it.cascade_last, items);
  r.into("items/last_of", it.last_of, world_.graph.num_nodes());
  // Checkpoints written before compaction existed hold every item: serial == id.
  if (r.has("items/serial")) {
    r.into("items/serial", it.serial, items);
    it.next_serial = r.get<std::uint64_t>("items/next_serial").at(0);
  } else {
    it.serial.resize(items);
    for (std::size_t i = 0; i < items; ++i) it.serial[i] = i;
    it.next_serial = items;
  }
  if (items > model::kMaxLiveItems || it.next_serial < items ||
      (items > 0 && it.serial.back() >= it.next_serial)) {
    throw core::Error(core::ErrorKind::kInput,
                      "checkpoint items do not fit: " + std::to_string(items) +
                          " items, next serial " + std::to_string(it.next_serial));
  }
  for (const ItemId i : it.last_of) {
    if (i != kNoItem && i >= items) {
      throw core::Error(core::ErrorKind::kInput, "checkpoint array items/last_of names item " +
                                                     std::to_string(i) + " of " +
                                                     std::to_string(items));
    }
  }
  it.rebuild_step_index();
  r.into("world/removed", world_.removed, world_.graph.num_nodes());
  // Only bots are taken down (moderation); the feeds test the flag for bot accounts only.
  const NodeId bots_end = world_.bots.first_node + static_cast<NodeId>(world_.bots.size());
  for (NodeId u = 0; u < world_.graph.num_nodes(); ++u) {
    if (world_.removed[u] && (u < world_.bots.first_node || u >= bots_end)) {
      throw core::Error(core::ErrorKind::kInput, "checkpoint array world/removed marks account " +
                                                     std::to_string(u) +
                                                     " as taken down, but only bot accounts are");
    }
  }
  r.into("world/bot_detected_at", world_.bots.detected_at, world_.bots.size());
  r.into("sim/negative_prev", negative_prev_, cs_);
  r.into("sim/outlet_last_pick", outlet_last_pick_, outlet_last_pick_.size());
  r.into("sim/bot_items_now", bot_items_now_);
  r.into("sim/check_queued", check_queued_);
  const auto& due = r.get<std::uint32_t>("sim/check_queue_due");
  const auto& root = r.get<std::uint32_t>("sim/check_queue_root");
  const auto& sizes = r.get<std::uint32_t>("sim/check_queue_size");
  if (sizes.size() != checker_queue_.size() || due.size() != root.size()) {
    throw core::Error(core::ErrorKind::kInput,
                      "checkpoint fact-check queues do not fit this world");
  }
  std::size_t k = 0;
  for (std::size_t f = 0; f < checker_queue_.size(); ++f) {
    checker_queue_[f].clear();
    checker_head_[f] = 0;
    for (std::uint32_t j = 0; j < sizes[f]; ++j, ++k)
      checker_queue_[f].emplace_back(due.at(k), root.at(k));
  }
  r.into("sim/shift_total", shift_total_, cs_);
  r.into("sim/bot_shift_total", bot_shift_total_, cs_);
  const auto& platform = r.get<std::uint32_t>("sim/platform");
  if (platform.size() != 6u * steps_done_) {
    throw core::Error(core::ErrorKind::kInput,
                      "checkpoint platform history does not match its step");
  }
  platform_.clear();
  for (std::size_t i = 0; i < platform.size(); i += 6) {
    platform_.push_back({platform[i], platform[i + 1], platform[i + 2], platform[i + 3],
                         platform[i + 4], platform[i + 5]});
  }
  const auto& response = r.get<std::uint32_t>("sim/crisis_response");
  const std::size_t states = z.num_states;
  if (response.size() != crisis_response_.size() * states) {
    throw core::Error(core::ErrorKind::kInput, "checkpoint crisis responses do not fit this world");
  }
  for (std::size_t e = 0; e < crisis_response_.size(); ++e) {
    for (std::size_t s = 0; s < states; ++s) crisis_response_[e][s] = response[e * states + s];
  }
  r.into("sim/metrics", frame_.values, frame_.values.size());
  recount_reach();
  if (r.has("sim/finished_posts")) {
    const std::size_t themes = world_.config.model.themes.size();
    r.into("sim/finished_posts", finished_tally_.posts, states);
    r.into("sim/finished_paid_posts", finished_tally_.paid_posts, states);
    r.into("sim/finished_interactions", finished_tally_.interactions, states);
    r.into("sim/finished_theme_posts", finished_tally_.theme_posts, states * themes);
  }
  finished_.clear();
}

}  // namespace dipsim::sim
