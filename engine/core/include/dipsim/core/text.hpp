// Small text helpers used for user-facing messages.
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dipsim::core {

/// Levenshtein edit distance (insert, delete, substitute each cost 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a plausible typo
/// (distance <= max(2, |word|/3)); empty otherwise.
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);

/// Joins with a separator: join({"a","b"}, ", ") == "a, b".
std::string join(std::span<const std::string> parts, std::string_view sep);

/// Quotes a user-supplied value for a message, truncating very long ones.
std::string quote(std::string_view value, std::size_t max_len = 80);

/// A JSON string literal (quotes included): ", \\, \n, \r, \t escaped, other control characters as
/// \u00XX. Also a valid YAML double-quoted scalar.
std::string json_string(std::string_view text);

/// The shortest decimal text that reads back to the same double; NaN and infinities, which JSON
/// lacks, become null.
std::string json_number(double v);

}  // namespace dipsim::core
