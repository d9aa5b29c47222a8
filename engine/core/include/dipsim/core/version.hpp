// Version and source revision of this build, written into every run file for provenance.
#pragma once
#include <string_view>

namespace dipsim::core {
/// Semantic version of dipsim (from CMake's project version).
std::string_view version();
/// `git describe --always --dirty` of the source tree at configure time, or "unknown".
std::string_view git_revision();
}  // namespace dipsim::core
