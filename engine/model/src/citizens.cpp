#include "dipsim/model/citizens.hpp"

namespace dipsim::model {

void Citizens::resize(NodeId n, std::uint32_t states) {
  count = n;
  num_states = states;
  country.assign(n, 0);
  online.assign(n, 0);
  attitude.assign(static_cast<std::size_t>(n) * states, Real{0});
  openness.assign(n, 0.0f);
  susceptibility.assign(n, 0.0f);
  literacy.assign(n, 0.0f);
  language.assign(n, 0);
  trust_bonus.assign(static_cast<std::size_t>(n) * states, 0.0f);
  reached.assign(n, 0);
  fixed.assign(n, 0);
  initial_attitude.clear();
  seen_root.assign(static_cast<std::size_t>(n) * kSeenSlots, kNoItem);
  seen_count.assign(static_cast<std::size_t>(n) * kSeenSlots, 0);
  pending_reply.assign(n, kNoItem);
  last_session.assign(n, 0);
  pending_reshare.assign(n, kNoItem);
  advocating.assign(n, kNoItem);
  pending_post.assign(n, kNoState);
}

std::size_t Citizens::bytes() const {
  return country.size() * sizeof(std::uint16_t) + online.size() + attitude.size() * sizeof(Real) +
         openness.size() * sizeof(float) + susceptibility.size() * sizeof(float) +
         literacy.size() * sizeof(float) + language.size() + trust_bonus.size() * sizeof(float) +
         reached.size() * sizeof(std::uint64_t) + fixed.size() +
         initial_attitude.size() * sizeof(Real) + seen_root.size() * sizeof(ItemId) +
         seen_count.size() + last_session.size() * sizeof(Step) +
         pending_reshare.size() * sizeof(ItemId) + advocating.size() * sizeof(ItemId) +
         pending_post.size() + pending_reply.size() * sizeof(ItemId);
}

}  // namespace dipsim::model
