// The one exception type of dipsim's libraries. It carries what went wrong (kind), where in the
// user's input (file, line, column, key path) and a message that says what was given and what was
// expected. Libraries throw it; only apps/dipsim prints it and chooses the exit code.
#pragma once
#include <cstdint>
#include <source_location>
#include <stdexcept>
#include <string>

namespace dipsim::core {

enum class ErrorKind : std::uint8_t {
  kInput,        ///< malformed user input: scenario, graph file, CLI value (exit code 2)
  kIo,           ///< file system or HDF5 failure (exit code 1)
  kResource,     ///< a limit would be exceeded (memory, sizes) (exit code 2)
  kInternal,     ///< a broken invariant inside dipsim (exit code 1)
  kInterrupted,  ///< stopped by a signal (exit code 130)
};

/// Where in the user's input an error was found. Line and column are 1-based; 0 = unknown.
struct InputLocation {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string key;  ///< key path such as `states[0].credibility`; empty when not applicable
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message, InputLocation where = {},
        std::source_location origin = std::source_location::current());

  ErrorKind kind() const noexcept { return kind_; }
  const InputLocation& where() const noexcept { return where_; }
  /// The bare message without the location prefix.
  const std::string& message() const noexcept { return message_; }
  /// Source location in dipsim that raised the error (for debugging reports).
  const std::source_location& origin() const noexcept { return origin_; }

 private:
  ErrorKind kind_;
  InputLocation where_;
  std::string message_;
  std::source_location origin_;
};

/// Formats `file:line:col: key: message` leaving out the parts that are unknown.
std::string format_error(const InputLocation& where, const std::string& message);

/// Shorthand for the common case of bad user input.
[[noreturn]] void throw_input_error(std::string message, InputLocation where = {},
                                    std::source_location origin = std::source_location::current());

/// Process exit code for an error kind (2 for input/resource, 130 interrupted, 1 otherwise).
int exit_code(ErrorKind kind) noexcept;

}  // namespace dipsim::core
