#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dipsim/core/error.hpp"
#include "dipsim/core/text.hpp"

using namespace dipsim::core;

TEST(Error, FormatsFileLineColumnKeyAndMessage) {
  Error e(ErrorKind::kInput, "expected a number >= 0, got \"lots\"",
          InputLocation{"run.yaml", 12, 5, "campaigns[0].budget"});
  EXPECT_STREQ(e.what(),
               "run.yaml:12:5: campaigns[0].budget: expected a number >= 0, got \"lots\"");
  EXPECT_EQ(e.kind(), ErrorKind::kInput);
  EXPECT_EQ(e.where().line, 12u);
}

TEST(Error, LeavesOutUnknownParts) {
  EXPECT_EQ(format_error({"f.yaml", 0, 0, ""}, "bad"), "f.yaml: bad");
  EXPECT_EQ(format_error({"", 0, 0, "seed"}, "bad"), "seed: bad");
  EXPECT_EQ(format_error({}, "bad"), "bad");
}

TEST(Error, ExitCodes) {
  EXPECT_EQ(exit_code(ErrorKind::kInput), 2);
  EXPECT_EQ(exit_code(ErrorKind::kResource), 2);
  EXPECT_EQ(exit_code(ErrorKind::kInterrupted), 130);
  EXPECT_EQ(exit_code(ErrorKind::kIo), 1);
}

TEST(Text, EditDistanceAndSuggestion) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  const std::vector<std::string> keys{"credibility", "posts_per_day", "name"};
  EXPECT_EQ(did_you_mean("credibilty", keys), "credibility");
  EXPECT_EQ(did_you_mean("zzzzzzzzzz", keys), "");
}
