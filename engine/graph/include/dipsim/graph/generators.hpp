// Umbrella header: every graph generator of the graph layer (edge streams and FollowGraphs).
// See docs/graphs.md for what each models, its parameters and measured statistics.
#pragma once
#include "dipsim/graph/attachment.hpp"
#include "dipsim/graph/barabasi_albert.hpp"
#include "dipsim/graph/chung_lu.hpp"
#include "dipsim/graph/erdos_renyi.hpp"
#include "dipsim/graph/holme_kim.hpp"
#include "dipsim/graph/multi_country.hpp"
#include "dipsim/graph/price.hpp"
#include "dipsim/graph/random_follow.hpp"
#include "dipsim/graph/vazquez.hpp"
