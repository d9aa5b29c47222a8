// JSON text helpers shared by `dipsim graph describe --json` and `dipsim serve`.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>

#include "dipsim/core/text.hpp"

using dipsim::core::json_number;
using dipsim::core::json_string;

TEST(JsonText, StringsEscapeQuotesBackslashesAndControls) {
  EXPECT_EQ(json_string("plain"), "\"plain\"");
  EXPECT_EQ(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_string("l1\nl2\r\t"), "\"l1\\nl2\\r\\t\"");
  EXPECT_EQ(json_string(std::string_view("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(json_string("Curaçao"), "\"Curaçao\"");  // UTF-8 passes through
}

TEST(JsonText, NumbersReadBackExactlyAndNonFiniteIsNull) {
  for (const double v : {0.0, 0.1, 1.0 / 3.0, -2.5e-300, 123456789.125, 1e308}) {
    const std::string text = json_number(v);
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), v) << text;
  }
  EXPECT_EQ(json_number(0.1), "0.1");  // shortest form, not 0.10000000000000001
  EXPECT_EQ(json_number(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(json_number(std::numeric_limits<double>::infinity()), "null");
}
