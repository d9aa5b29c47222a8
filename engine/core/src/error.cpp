#include "dipsim/core/error.hpp"

#include <utility>

namespace dipsim::core {

std::string format_error(const InputLocation& where, const std::string& message) {
  std::string out;
  if (!where.file.empty()) {
    out += where.file;
    if (where.line > 0) {
      out += ':' + std::to_string(where.line);
      if (where.column > 0) out += ':' + std::to_string(where.column);
    }
    out += ": ";
  }
  if (!where.key.empty()) out += where.key + ": ";
  out += message;
  return out;
}

Error::Error(ErrorKind kind, std::string message, InputLocation where, std::source_location origin)
    : std::runtime_error(format_error(where, message)),
      kind_(kind),
      where_(std::move(where)),
      message_(std::move(message)),
      origin_(origin) {}

void throw_input_error(std::string message, InputLocation where, std::source_location origin) {
  throw Error(ErrorKind::kInput, std::move(message), std::move(where), origin);
}

int exit_code(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::kInput:
    case ErrorKind::kResource:
      return 2;
    case ErrorKind::kInterrupted:
      return 130;
    case ErrorKind::kIo:
    case ErrorKind::kInternal:
      return 1;
  }
  return 1;
}

}  // namespace dipsim::core
