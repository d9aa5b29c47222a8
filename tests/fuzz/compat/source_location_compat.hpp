// std::source_location for clang 14 with libstdc++ 12 (fuzz preset only).
//
// libstdc++ 12 defines std::source_location only when the compiler has
// __builtin_source_location, which clang gained in version 15. Clang 14 does have the older
// __builtin_FILE/LINE/COLUMN/FUNCTION builtins, which, used as default arguments of current(),
// are evaluated where current() is called, exactly as the standard class behaves (constexpr, not
// consteval: clang 14 rejects a consteval call in a default argument). The `fuzz`
// preset force-includes this header (-include) so core::Error compiles unchanged; with any
// compiler whose <source_location> is complete it does nothing.
#pragma once
#if defined(__cplusplus) && __cplusplus >= 202002L
#include <version>
#if __has_include(<source_location>)
#include <source_location>
#endif
#if !defined(__cpp_lib_source_location)
#include <cstdint>
namespace std {
struct source_location {
  static constexpr source_location current(
      const char* file = __builtin_FILE(), const char* function = __builtin_FUNCTION(),
      std::uint_least32_t line = __builtin_LINE(),
      std::uint_least32_t column = __builtin_COLUMN()) noexcept {
    source_location loc;
    loc.file_ = file;
    loc.function_ = function;
    loc.line_ = line;
    loc.column_ = column;
    return loc;
  }
  constexpr source_location() noexcept = default;
  constexpr std::uint_least32_t line() const noexcept { return line_; }
  constexpr std::uint_least32_t column() const noexcept { return column_; }
  constexpr const char* file_name() const noexcept { return file_; }
  constexpr const char* function_name() const noexcept { return function_; }

 private:
  const char* file_ = "";
  const char* function_ = "";
  std::uint_least32_t line_ = 0;
  std::uint_least32_t column_ = 0;
};
}  // namespace std
#endif
#endif  // C++20
