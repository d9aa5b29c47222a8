// The classroom page's files (engine/apps/dipsim/web/), compiled into the program by
// web/embed.cmake so that `dipsim serve` works offline and from any folder.
#pragma once
#include <string_view>
#include <vector>

namespace dipsim::web {

struct Asset {
  std::string_view name;  ///< file name under web/, e.g. "index.html"
  std::string_view type;  ///< Content-Type
  std::string_view data;  ///< the file's bytes
};

/// Every embedded file, in name order.
const std::vector<Asset>& assets();

}  // namespace dipsim::web
