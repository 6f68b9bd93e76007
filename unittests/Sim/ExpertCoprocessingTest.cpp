//===- ExpertCoprocessingTest.cpp - the greedy expert split ---------------===//

#include "SimTestUtils.h"

#include "duplex/CostModel/CostModel.h"
#include "duplex/Sim/ExpertCoprocessing.h"

#include "gtest/gtest.h"

using namespace duplex;
using namespace duplex::sim;
using namespace duplex::sim::testing;

namespace {

/// A fake table: `fixed + perToken x n` for n = 0..maxTokens.
ExpertTimeTable affineTable(double fixed, double perToken,
                            uint64_t maxTokens = 64) {
  std::vector<double> seconds(maxTokens + 1, 0);
  for (uint64_t n = 1; n <= maxTokens; ++n)
    seconds[n] = fixed + perToken * n;
  return ExpertTimeTable(std::move(seconds));
}

// xPU: 10 + 0.1 n (weight read dominates); PIM: 2.5 + 1.0 n (4x bandwidth,
// little compute). Tokens per expert [1, 2, 3, 30, 40, 4, 0, 50]; expert 6
// gets none and runs nowhere. Fewest first: e0 1, e1 2, e2 3, e5 4, e3 30,
// e4 40, e7 50.
//   moved  xPU sum                  PIM sum          max
//   0      7 x 10 + 0.1 x 130 = 83  0                83
//   1      83 - 10.1 = 72.9         3.5              72.9
//   2      72.9 - 10.2 = 62.7       3.5 + 4.5 = 8    62.7
//   3      62.7 - 10.3 = 52.4       8 + 5.5 = 13.5   52.4
//   4      52.4 - 10.4 = 42.0       13.5 + 6.5 = 20  42.0  <- best
//   5      42 - 13 = 29             20 + 32.5 = 52.5 52.5
//   6      29 - 14 = 15             52.5 + 42.5 = 95 95
//   7      0                        95 + 52.5        147.5
TEST(ExpertCoprocessingTest, MovesTheFewestTokenExpertsUntilTimeRises) {
  ExpertTimeTable xpu = affineTable(10, 0.1);
  ExpertTimeTable pim = affineTable(2.5, 1.0);
  ExpertSplit split = splitExperts({1, 2, 3, 30, 40, 4, 0, 50}, xpu, pim);
  EXPECT_EQ(split.pimExperts, (llvm::SmallVector<uint32_t, 16>{0, 1, 2, 5}));
  EXPECT_EQ(split.xpuExperts, (llvm::SmallVector<uint32_t, 16>{3, 4, 7}));
  EXPECT_NEAR(split.xpuSeconds, 42.0, 1e-9);
  EXPECT_NEAR(split.pimSeconds, 20.0, 1e-9);
  EXPECT_NEAR(split.moeSeconds(), 42.0, 1e-9);
  EXPECT_EQ(split.pimTokens, 10u);
  EXPECT_EQ(split.xpuTokens, 120u);
}

// The same experts laid out round-robin over 4 memory sections (Duplex:
// expert e in section e % 4), moved a section at a time:
//   s0 {e0 1, e4 40} 41 tokens: xPU 10.1 + 14 = 24.1, PIM 3.5 + 42.5 = 46
//   s1 {e1 2, e5 4}   6 tokens: xPU 10.2 + 10.4 = 20.6, PIM 4.5 + 6.5 = 11
//   s2 {e2 3}         3 tokens: xPU 10.3, PIM 5.5
//   s3 {e3 30, e7 50} 80 tokens: xPU 13 + 15 = 28, PIM 32.5 + 52.5 = 85
// Fewest first: s2, s1, s0, s3.
//   moved  xPU    PIM    max
//   0      83     0      83
//   1      72.7   5.5    72.7
//   2      52.1   16.5   52.1  <- best (one expert at a time reached 42.0)
//   3      28     62.5   62.5
//   4      0      147.5  147.5
TEST(ExpertCoprocessingTest, SectionsMoveTogether) {
  ExpertSplit split =
      splitExperts({1, 2, 3, 30, 40, 4, 0, 50}, affineTable(10, 0.1),
                   affineTable(2.5, 1.0), PartialSumReduce{}, /*sections=*/4);
  EXPECT_EQ(split.pimExperts, (llvm::SmallVector<uint32_t, 16>{1, 2, 5}));
  EXPECT_EQ(split.xpuExperts, (llvm::SmallVector<uint32_t, 16>{0, 3, 4, 7}));
  EXPECT_NEAR(split.xpuSeconds, 52.1, 1e-9);
  EXPECT_NEAR(split.pimSeconds, 16.5, 1e-9);
  EXPECT_EQ(split.pimTokens, 9u);
  EXPECT_EQ(split.xpuTokens, 121u);
}

// duplex.json: 2 ranks x 4 banks per bank group / 2 per bundle = 4 bundles
// per pseudo-channel, an expert in 1 of them: experts move in 4 groups.
// Spanning 2 sections: 2 groups; 3 or 4 (no two experts apart): 1 group;
// no stated layout (0): one expert at a time.
TEST(ExpertCoprocessingTest, DuplexLayoutHasFourExpertSections) {
  hw::System duplex = loadBundled("duplex");
  const hw::Unit &pim = *duplex.findUnit("logic_pim");
  EXPECT_EQ(expertSections(duplex, pim), 4u);
  unsigned &span = duplex.memories[0].hbm->bankBundle->sectionsPerWeightStream;
  span = 2;
  EXPECT_EQ(expertSections(duplex, pim), 2u);
  span = 3;
  EXPECT_EQ(expertSections(duplex, pim), 1u);
  span = 4;
  EXPECT_EQ(expertSections(duplex, pim), 1u);
  span = 0;
  EXPECT_EQ(expertSections(duplex, pim), 0u);
}

// Decode-only: every expert gets 2 tokens; xPU 10 + 0.1 n = 10.2 each,
// PIM 1 + 0.5 n = 2 each. Moving k of 4: max(10.2 (4 - k), 2k):
// 40.8, 30.6, 20.4, 10.2, 8 -> all four on PIM.
TEST(ExpertCoprocessingTest, DecodeOnlyStageMovesEveryExpert) {
  ExpertSplit split =
      splitExperts({2, 2, 2, 2}, affineTable(10, 0.1), affineTable(1, 0.5));
  EXPECT_TRUE(split.xpuExperts.empty());
  EXPECT_EQ(split.pimExperts.size(), 4u);
  EXPECT_NEAR(split.moeSeconds(), 8.0, 1e-9);
}

// The first example with a partial-sum reduction of 25 + 2 x (PIM tokens):
// moved 4 costs 42 + 25 + 2 x 10 = 87 > 83 (all on the xPU, no partial
// sums); moved 1..3 cost 72.9 + 27, 62.7 + 29, 52.4 + 37 = 99.9, 91.7,
// 89.4. The reduction keeps every expert on the xPU.
TEST(ExpertCoprocessingTest, PartialSumReductionCanKeepExpertsOnTheXpu) {
  PartialSumReduce reduce{25, 2};
  ExpertSplit split =
      splitExperts({1, 2, 3, 30, 40, 4, 0, 50}, affineTable(10, 0.1),
                   affineTable(2.5, 1.0), reduce);
  EXPECT_TRUE(split.pimExperts.empty());
  EXPECT_EQ(split.xpuExperts.size(), 7u);
  EXPECT_NEAR(split.moeSeconds(), 83.0, 1e-9);
  EXPECT_EQ(split.reduceSeconds, 0);
}

// A tie: xPU 10 + 0.5 n = 12 per expert of 4 tokens, 24 for both; PIM
// 4 + 5 n = 24. Moving one gives max(12, 24) = 24, the same as moving none;
// moving both 48. The tie keeps the split that moved fewer (none).
TEST(ExpertCoprocessingTest, TiesKeepFewerExpertsMoved) {
  ExpertSplit split =
      splitExperts({4, 4}, affineTable(10, 0.5), affineTable(4, 5));
  EXPECT_TRUE(split.pimExperts.empty());
  EXPECT_EQ(split.moeSeconds(), 24);
}

TEST(ExpertCoprocessingTest, TablesExtrapolateLinearly) {
  ExpertTimeTable table = affineTable(10, 0.5, 8);
  EXPECT_EQ(table.maxTokens(), 8u);
  EXPECT_DOUBLE_EQ(table.seconds(0), 0);
  EXPECT_DOUBLE_EQ(table.seconds(8), 14);
  EXPECT_DOUBLE_EQ(table.seconds(20), 20); // 14 + 12 x 0.5
}

// A Mixtral expert (4096 x 14336, gated: 3 x 58.7 M weights = 352.3 MB) on
// duplex; the table matches the cost model entry by entry.
//
// Decode-only stage, 16 tokens per expert (64 requests, top-2 of 8):
//   xPU: 352.6 MB / 2.68 TB/s = 131.56 us (+ 5 us launch) = 136.56 us;
//   PIM: 5.637 GFLOP / 106.5 TFLOPS = 52.93 us (compute bound at Op/B 16 >
//        its 8) + 5 = 57.93 us.
//   Moving k experts: max(136.56 (8 - k), 57.93 k) + reduction of 16k
//   tokens (5 us + 18.3 ns each): k = 5: 409.7; k = 6: max(273.1, 347.6) +
//   6.76 = 354.4; k = 7: 405.5 + 7.1. Best: 6 on Logic-PIM, 2 on the xPU.
// Mixed stage, ~520 tokens per expert (one 2048-token prompt): the xPU is
//   compute bound at 361 us for 500 tokens, PIM 1659 us. Moving the
//   500-token expert: max(2627.4, 1659.2) + 14.2 = 2641.6 us < 2988 us
//   for all eight on the xPU; a second one would make PIM's side 3351 us.
TEST(ExpertCoprocessingTest, CostModelTablesSplitDecodeAndMixedStages) {
  hw::System duplex = loadBundled("duplex");
  cost::ExpertFfn expert;
  expert.hidden = 4096;
  expert.intermediate = 14336;
  ExpertTableCache cache(duplex);
  const ExpertTimeTable *xpu = valueOf(cache.get(0, expert, 600));
  const ExpertTimeTable *pim = valueOf(cache.get(1, expert, 600));
  ASSERT_TRUE(xpu && pim);
  expert.tokens = 16;
  EXPECT_DOUBLE_EQ(
      xpu->seconds(16),
      valueOf(cost::estimate(duplex, duplex.units[0], expert)).seconds);
  EXPECT_NEAR(xpu->seconds(16), 136.56e-6, 0.01e-6);
  EXPECT_NEAR(pim->seconds(16), 57.93e-6, 0.01e-6);
  PartialSumReduce reduce = valueOf(
      partialSumReduceCost(duplex, duplex.units[0], duplex.units[1], 4096, 16));

  ExpertSplit decode =
      splitExperts({16, 16, 16, 16, 16, 16, 16, 16}, *xpu, *pim, reduce);
  EXPECT_EQ(decode.pimExperts.size(), 6u);
  EXPECT_EQ(decode.xpuExperts.size(), 2u);
  EXPECT_NEAR(decode.moeSeconds(), 354.36e-6, 0.01e-6);

  ExpertSplit mixed = splitExperts({520, 510, 530, 515, 525, 505, 500, 535},
                                   *xpu, *pim, reduce);
  EXPECT_EQ(mixed.pimExperts, (llvm::SmallVector<uint32_t, 16>{6}));
  EXPECT_NEAR(mixed.moeSeconds(), 2641.55e-6, 0.01e-6);
  // The cache returns the same table for the same shape and unit.
  EXPECT_EQ(valueOf(cache.get(0, expert, 100)), xpu);
}

// The reduction reads 5 partial sums (one per HBM3 stack) and writes one:
// 6 x 4096 x 2 B = 49,152 B per token; at 2.68 TB/s that is 18.34 ns per
// token, and 5 us of launch.
TEST(ExpertCoprocessingTest, PartialSumReductionIsOnePassOverTheStacks) {
  hw::System duplex = loadBundled("duplex");
  PartialSumReduce reduce = valueOf(
      partialSumReduceCost(duplex, duplex.units[0], duplex.units[1], 4096, 16));
  EXPECT_NEAR(reduce.secondsPerToken, 18.34e-9, 0.01e-9);
  EXPECT_NEAR(reduce.fixedSeconds, 5e-6, 1e-12);
  EXPECT_EQ(reduce.seconds(0), 0);
}

} // namespace
