#include "dipsim/model/citizens.hpp"

namespace dipsim::model {

void Citizens::resize(NodeId n, std::uint32_t states) {
  count = n;
  num_states = states;
  country.assign(n, 0);
  online.assign(n, 0);
  attitude.assign(static_cast<std::size_t>(n) * states, 0.0f);
  openness.assign(n, 0.0f);
  susceptibility.assign(n, 0.0f);
  reached.assign(n, 0);
  last_session.assign(n, 0);
  pending_reshare.assign(n, kNoItem);
  pending_post.assign(n, kNoState);
}

std::size_t Citizens::bytes() const {
  return country.size() * sizeof(std::uint16_t) + online.size() + attitude.size() * sizeof(float) +
         openness.size() * sizeof(float) + susceptibility.size() * sizeof(float) + reached.size() +
         last_session.size() * sizeof(Step) + pending_reshare.size() * sizeof(ItemId) +
         pending_post.size();
}

}  // namespace dipsim::model
