// Private helpers for the generators' `validate()` functions: each throws core::Error (kInput)
// with the offending field as the key (prefixed by the caller's path, e.g. `graph.p`) and a
// message that says what was given and what was expected.
#pragma once
#include <cmath>
#include <sstream>
#include <string>
#include <string_view>

#include "dipsim/core/error.hpp"

namespace dipsim::graph::detail {

inline std::string key_of(std::string_view prefix, std::string_view field) {
  if (prefix.empty()) return std::string(field);
  std::string key(prefix);
  key += '.';
  key += field;
  return key;
}

template <class T>
std::string show(const T& value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

[[noreturn]] inline void spec_error(std::string_view prefix, std::string_view field,
                                    const std::string& message) {
  throw core::Error(core::ErrorKind::kInput, message,
                    core::InputLocation{"", 0, 0, key_of(prefix, field)});
}

/// Requires lo <= value <= hi (NaN fails).
template <class T>
void check_range(std::string_view prefix, std::string_view field, T value, T lo, T hi,
                 std::string_view what = "") {
  if (!(value >= lo && value <= hi)) {
    spec_error(prefix, field,
               "expected " + std::string(what.empty() ? "a value" : what) + " in [" + show(lo) +
                   ", " + show(hi) + "], got " + show(value));
  }
}

/// Requires value >= lo and finite (NaN fails).
inline void check_at_least(std::string_view prefix, std::string_view field, double value, double lo,
                           std::string_view what = "a number") {
  if (!(value >= lo) || std::isinf(value)) {
    spec_error(prefix, field,
               "expected " + std::string(what) + " >= " + show(lo) + ", got " + show(value));
  }
}

/// Requires value > lo and finite (NaN fails).
inline void check_above(std::string_view prefix, std::string_view field, double value, double lo,
                        std::string_view what = "a number") {
  if (!(value > lo) || std::isinf(value)) {
    spec_error(prefix, field,
               "expected " + std::string(what) + " > " + show(lo) + ", got " + show(value));
  }
}

}  // namespace dipsim::graph::detail
