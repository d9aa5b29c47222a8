// The run journal (io/journal.hpp): what is appended reads back bit for bit up to the length a
// checkpoint records; resuming cuts off what came after; a journal of another run, one cut short
// or one with a damaged record is refused with an error naming the file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "dipsim/core/error.hpp"
#include "dipsim/io/journal.hpp"

namespace {

namespace fs = std::filesystem;
using dipsim::Real;
using dipsim::core::Error;
using dipsim::core::ErrorKind;
using dipsim::io::Journal;
using dipsim::io::JournalContents;
using dipsim::sim::CascadeRow;
using ::testing::HasSubstr;

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("dipsim_test_journal_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = Journal::path_for(dir_ / "run.h5");
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::vector<CascadeRow> rows(std::uint64_t first, std::size_t n) {
    std::vector<CascadeRow> out;
    for (std::size_t i = 0; i < n; ++i) {
      out.push_back(CascadeRow{first + i, static_cast<std::uint32_t>(7 * i),
                               static_cast<std::uint8_t>(i % 3), static_cast<std::uint32_t>(i + 1),
                               static_cast<std::uint32_t>(i % 5),
                               static_cast<std::uint32_t>(10 + i),
                               static_cast<std::uint32_t>(2 * i), 0.25f * static_cast<float>(i)});
    }
    return out;
  }
  static void expect_same(const std::vector<CascadeRow>& a, const std::vector<CascadeRow>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].root, b[i].root);
      EXPECT_EQ(a[i].author, b[i].author);
      EXPECT_EQ(a[i].state, b[i].state);
      EXPECT_EQ(a[i].size, b[i].size);
      EXPECT_EQ(a[i].depth, b[i].depth);
      EXPECT_EQ(a[i].start, b[i].start);
      EXPECT_EQ(a[i].lifetime, b[i].lifetime);
      EXPECT_EQ(a[i].quality, b[i].quality);
    }
  }
  void flip_byte(std::uint64_t at) {
    std::fstream f(path_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(at));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x10);
    f.seekp(static_cast<std::streamoff>(at));
    f.write(&c, 1);
  }

  fs::path dir_, path_;
};

TEST_F(JournalTest, ReadsBackWhatACheckpointCountsAndCutsTheRest) {
  const std::vector<Real> snap0{Real(0.5), Real(-0.25), Real(1)};
  const std::vector<Real> snap5{Real(0.125), Real(0), Real(-1)};
  std::uint64_t token = 0, at_checkpoint = 0;
  {
    Journal j = Journal::create(path_);
    token = j.token();
    j.append_snapshot(0, snap0);
    j.append_cascades(rows(100, 4));
    j.append_snapshot(5, snap5);
    j.sync();
    at_checkpoint = j.bytes();
    // Written after the checkpoint: a resume must drop it.
    j.append_cascades(rows(900, 3));
    j.append_snapshot(9, snap0);
  }
  EXPECT_GT(fs::file_size(path_), at_checkpoint);
  JournalContents c;
  {
    Journal j = Journal::resume(path_, token, at_checkpoint, c);
    EXPECT_EQ(j.bytes(), at_checkpoint);
    EXPECT_EQ(fs::file_size(path_), at_checkpoint);
    j.append_cascades(rows(200, 2));  // appends after the cut
  }
  ASSERT_EQ(c.snapshots.size(), 2u);
  EXPECT_EQ(c.snapshots[0].first, 0u);
  EXPECT_EQ(c.snapshots[0].second, snap0);
  EXPECT_EQ(c.snapshots[1].first, 5u);
  EXPECT_EQ(c.snapshots[1].second, snap5);
  expect_same(c.cascades, rows(100, 4));

  JournalContents again;
  Journal::resume(path_, token, fs::file_size(path_), again);
  auto expected = rows(100, 4);
  for (const auto& r : rows(200, 2)) expected.push_back(r);
  expect_same(again.cascades, expected);
}

TEST_F(JournalTest, RefusesAnotherRunsJournal) {
  std::uint64_t token = 0, bytes = 0;
  {
    Journal j = Journal::create(path_);
    j.append_cascades(rows(1, 2));
    token = j.token();
    bytes = j.bytes();
  }
  JournalContents c;
  try {
    Journal::resume(path_, token + 1, bytes, c);
    FAIL() << "a journal with another token was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_THAT(e.what(), HasSubstr("another run"));
    EXPECT_THAT(e.what(), HasSubstr(path_.string()));
  }
}

TEST_F(JournalTest, RefusesAJournalShorterThanItsCheckpointSays) {
  std::uint64_t token = 0, bytes = 0;
  {
    Journal j = Journal::create(path_);
    j.append_cascades(rows(1, 20));
    token = j.token();
    bytes = j.bytes();
  }
  fs::resize_file(path_, bytes - 5);
  JournalContents c;
  try {
    Journal::resume(path_, token, bytes, c);
    FAIL() << "a cut journal was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_THAT(e.what(), HasSubstr("checkpoint counts " + std::to_string(bytes)));
  }
  // Nothing was cut by the refusal.
  EXPECT_EQ(fs::file_size(path_), bytes - 5);
  // A count from a damaged checkpoint far beyond the file is refused before anything is
  // allocated for it.
  try {
    Journal::resume(path_, token, std::uint64_t{1} << 60, c);
    FAIL() << "a count beyond the file was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_THAT(e.what(), HasSubstr("checkpoint counts"));
  }
}

TEST_F(JournalTest, RefusesADamagedRecord) {
  std::uint64_t token = 0, bytes = 0;
  {
    Journal j = Journal::create(path_);
    j.append_snapshot(0, std::vector<Real>(50, Real(0.5)));
    j.append_cascades(rows(1, 20));
    token = j.token();
    bytes = j.bytes();
  }
  flip_byte(bytes - 3);  // inside the cascade record's payload
  JournalContents c;
  try {
    Journal::resume(path_, token, bytes, c);
    FAIL() << "a damaged journal was accepted";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("damaged (checksum)"));
  }
  flip_byte(bytes - 3);  // repaired
  flip_byte(24);         // the first record's kind
  try {
    Journal::resume(path_, token, bytes, c);
    FAIL() << "a record of unknown kind was accepted";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown kind"));
  }
}

TEST_F(JournalTest, RefusesAFileThatIsNoJournal) {
  std::ofstream(path_) << "not a journal, just some text long enough for a header";
  JournalContents c;
  EXPECT_THROW(Journal::resume(path_, 1, 30, c), Error);
  fs::remove(path_);
  try {
    Journal::resume(path_, 1, 30, c);
    FAIL() << "a missing journal was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_THAT(e.what(), HasSubstr(path_.string()));
  }
}

}  // namespace
