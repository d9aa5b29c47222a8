// The memory estimate (sim/memory.hpp): it follows the world's size term by term, and sizes
// given on the command line parse as documented. Measured peak RSS against the estimate is
// checked end to end in tests/python/test_reliability.py.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dipsim/core/error.hpp"
#include "dipsim/sim/memory.hpp"
#include "dipsim/sim/world.hpp"

namespace {

using dipsim::sim::estimate_memory;
using dipsim::sim::SimConfig;

SimConfig config(std::uint32_t citizens) {
  SimConfig c;
  c.model.countries.resize(2);
  c.model.countries[0].internet_penetration = 1.0;
  c.model.countries[1].internet_penetration = 0.5;
  c.model.states.resize(2);
  c.model.citizens.count = citizens;
  c.graph.mean_following = 20;
  c.run.steps = 100;
  dipsim::sim::complete_config(c);
  return c;
}

std::uint64_t part(const dipsim::sim::MemoryEstimate& e, const std::string& name) {
  for (const auto& p : e.parts) {
    if (p.name == name) return p.bytes;
  }
  ADD_FAILURE() << "no part " << name;
  return 0;
}

TEST(MemoryEstimate, FollowsTheWorldsSize) {
  const auto small = estimate_memory(config(10'000), 1);
  const auto large = estimate_memory(config(100'000), 1);
  // Online: half the citizens at penetration 1, half at 0.5.
  EXPECT_NEAR(small.online, 7'500.0, 1e-6);
  EXPECT_GE(small.edges, 7'500.0 * 20);
  EXPECT_NEAR(large.edges / small.edges, 10.0, 0.01);
  EXPECT_NEAR(
      static_cast<double>(part(large, "citizens")) / static_cast<double>(part(small, "citizens")),
      10.0, 0.01);
  EXPECT_GT(large.peak_bytes, small.peak_bytes);
  EXPECT_EQ(small.peak_bytes, std::max(small.build_peak, small.run_peak));
}

TEST(MemoryEstimate, ItemsHeldAreBoundedByTheWindowNotTheRun) {
  SimConfig c = config(10'000);
  const auto a = estimate_memory(c, 1);
  c.run.steps = 400;
  const auto b = estimate_memory(c, 1);
  EXPECT_NEAR(b.items / a.items, 4.0, 1e-9);  // posted over the run
  EXPECT_EQ(b.items_held, a.items_held);      // held at once: the window's, for both lengths
  EXPECT_LT(a.items_held, a.items);
  EXPECT_EQ(part(a, "items held (feed window and live cascades)"),
            part(b, "items held (feed window and live cascades)"));
  // A longer window holds more; a run shorter than the window holds everything it posts.
  c.model.feed.window_steps = 96;
  EXPECT_GT(estimate_memory(c, 1).items_held, b.items_held);
  c.run.steps = 10;
  const auto brief = estimate_memory(c, 1);
  EXPECT_EQ(brief.items_held, brief.items);
}

TEST(MemoryEstimate, CheckpointsCopyTheState) {
  const SimConfig c = config(10'000);
  EXPECT_EQ(part(estimate_memory(c, 1), "checkpoint state copy"), 0U);
  const auto with = estimate_memory(c, 1, true);
  EXPECT_EQ(part(with, "checkpoint state copy"),
            part(with, "citizens") + part(with, "items held (feed window and live cascades)"));
}

TEST(MemoryEstimate, CompleteGraphIsQuadratic) {
  SimConfig c = config(2'000);
  c.graph.generator = dipsim::sim::GraphGenerator::kComplete;
  const auto e = estimate_memory(c, 1);
  EXPECT_GE(e.edges, 1'500.0 * 1'499.0);
}

TEST(MemoryEstimate, ThreadsAddScratch) {
  const auto one = estimate_memory(config(1'000), 1);
  const auto eight = estimate_memory(config(1'000), 8);
  EXPECT_EQ(part(eight, "per-thread scratch"), 8 * part(one, "per-thread scratch"));
}

TEST(MemoryLimit, IsKnownOnLinux) {
  const auto limit = dipsim::sim::available_memory();
  EXPECT_GT(limit.bytes, 0U);
  EXPECT_FALSE(limit.source.empty());
}

TEST(ParseSize, UnitsAndErrors) {
  using dipsim::sim::parse_size;
  EXPECT_EQ(parse_size("512M", "x"), 512ULL << 20);
  EXPECT_EQ(parse_size("4G", "x"), 4ULL << 30);
  EXPECT_EQ(parse_size("1.5GiB", "x"), 3ULL << 29);
  EXPECT_EQ(parse_size("300000000", "x"), 300000000ULL);
  EXPECT_EQ(parse_size("64kb", "x"), 64ULL << 10);
  for (const char* bad : {"", "lots", "-1G", "0", "5Q", "1e30T"}) {
    try {
      parse_size(bad, "--max-memory");
      ADD_FAILURE() << bad;
    } catch (const dipsim::core::Error& e) {
      EXPECT_EQ(e.kind(), dipsim::core::ErrorKind::kInput) << bad;
      EXPECT_THAT(e.what(), ::testing::HasSubstr("--max-memory")) << bad;
    }
  }
  EXPECT_EQ(dipsim::sim::format_bytes(3ULL << 29), "1.50 GiB");
}

}  // namespace
