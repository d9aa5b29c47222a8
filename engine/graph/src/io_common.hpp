// Private helpers of the graph readers: whole-file reading, located errors, and the node attribute
// coder shared by the GML and GraphML readers.
#pragma once
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dipsim/core/error.hpp"
#include "dipsim/core/text.hpp"
#include "dipsim/graph/graph_io.hpp"

namespace dipsim::graph::detail {

inline std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw core::Error(core::ErrorKind::kIo, "cannot open graph file for reading",
                      core::InputLocation{path.string(), 0, 0, ""});
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    throw core::Error(core::ErrorKind::kIo, "read error",
                      core::InputLocation{path.string(), 0, 0, ""});
  }
  return std::move(buffer).str();
}

[[noreturn]] inline void input_error(std::string_view file, std::uint32_t line,
                                     std::uint32_t column, const std::string& message,
                                     std::string key = "") {
  throw core::Error(core::ErrorKind::kInput, message,
                    core::InputLocation{std::string(file), line, column, std::move(key)});
}

/// Codes one node attribute: integers as they are (within [0, max]), strings by first appearance.
class AttributeCoder {
 public:
  AttributeCoder(std::string name, std::uint64_t max) : name_(std::move(name)), max_(max) {}

  const std::string& name() const { return name_; }
  bool active() const { return !name_.empty(); }

  /// Codes a value token; `is_string` says whether it was quoted / declared as a string.
  std::uint64_t code(std::string_view value, bool is_string, std::string_view file,
                     std::uint32_t line, std::uint32_t column) {
    if (!is_string) {
      if (mode_ == Mode::kString) mixed(file, line, column);
      mode_ = Mode::kInteger;
      std::uint64_t x = 0;
      const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), x);
      if (ec != std::errc() || ptr != value.data() + value.size() || x > max_) {
        input_error(file, line, column,
                    "node attribute '" + name_ + "': expected an integer in [0, " +
                        std::to_string(max_) + "] or a string, got " + core::quote(value),
                    name_);
      }
      return x;
    }
    if (mode_ == Mode::kInteger) mixed(file, line, column);
    mode_ = Mode::kString;
    const auto [it, inserted] = codes_.try_emplace(std::string(value), names_.size());
    if (inserted) {
      if (names_.size() > max_) {
        input_error(file, line, column,
                    "node attribute '" + name_ + "': more than " + std::to_string(max_ + 1) +
                        " distinct values",
                    name_);
      }
      names_.emplace_back(value);
    }
    return it->second;
  }

  std::vector<std::string> take_names() { return std::move(names_); }

 private:
  enum class Mode { kUnknown, kInteger, kString };

  [[noreturn]] void mixed(std::string_view file, std::uint32_t line, std::uint32_t column) const {
    input_error(file, line, column,
                "node attribute '" + name_ +
                    "' mixes integer and string values; expected one type for all nodes",
                name_);
  }

  std::string name_;
  std::uint64_t max_;
  Mode mode_ = Mode::kUnknown;
  std::unordered_map<std::string, std::uint64_t> codes_;
  std::vector<std::string> names_;
};

/// Codes a kind value: a kind name or an integer 0..5.
inline NodeKind code_kind(std::string_view value, std::string_view file, std::uint32_t line,
                          std::uint32_t column, const std::string& attribute) {
  if (auto kind = parse_node_kind(value)) return *kind;
  unsigned x = 0;
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), x);
  if (ec == std::errc() && ptr == value.data() + value.size() &&
      x < static_cast<unsigned>(kNumNodeKinds)) {
    return static_cast<NodeKind>(x);
  }
  input_error(file, line, column,
              "node attribute '" + attribute +
                  "': expected a kind (citizen, official, outlet, influencer, fact_checker, bot "
                  "or 0..5), got " +
                  core::quote(value),
              attribute);
}

}  // namespace dipsim::graph::detail
