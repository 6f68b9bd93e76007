//===- BandwidthTest.cpp - PIM bandwidth from the DRAM organisation -------===//
//
// Each expectation is derived by hand in the comment next to it from the
// bundled device files; the paper's or L3's number is quoted for comparison.
//
//===----------------------------------------------------------------------===//

#include "TestSystems.h"

#include "duplex/CostModel/CostModel.h"

#include "gtest/gtest.h"

using namespace duplex;
using namespace duplex::cost;
using namespace duplex::testing;

namespace {

// Logic-PIM reads one bank bundle per pseudo-channel: 8 banks x 32 B per
// tCCD_L. 5 stacks x 16 channels x 2 pseudo-channels = 160 bundles:
//   160 x 256 B / 3.057 ns = 13.3988 TB/s,
// under the TSV limit 4 x 3.35 TB/s = 13.4 TB/s, so 3.9996x the datasheet
// 3.35 TB/s (paper: 4x). From the same timing the external path moves
// 160 x 32 B / 1.528 ns = 3.3508 TB/s, and the ratio is 2 x 3.057/1.528 x 2
// = 4.0 (8 banks per 2 x tCCD_S vs 1 bank per tCCD_S).
TEST(BandwidthTest, LogicPimIsFourTimesHbm3External) {
  hw::System duplex = loadBundled("duplex");
  const hw::Unit &logicPim = unitNamed(duplex, "logic_pim");
  const hw::Unit &xpu = unitNamed(duplex, "xpu");
  double logicPimBytesPerSecond = memoryBytesPerSecond(duplex, logicPim);
  EXPECT_NEAR(logicPimBytesPerSecond, 13.3988e12, 0.0001e12);
  EXPECT_NEAR(logicPimBytesPerSecond / memoryBytesPerSecond(duplex, xpu), 4.0,
              0.001);
  const hw::Memory &hbm = duplex.memoryOf(logicPim);
  double externalFromTiming = 160 * hbm.hbm->bytesPerColumnAccess() /
                              hbm.timing.tCCDSSeconds; // 3.3508 TB/s
  EXPECT_NEAR(logicPimBytesPerSecond / externalFromTiming, 4.0, 0.002);
}

// With only 2x TSVs the logic-die path caps Logic-PIM at 2 x 3.35 = 6.7 TB/s
// although the bundles could deliver 13.4 TB/s.
TEST(BandwidthTest, TsvLimitCapsLogicPim) {
  hw::System duplex = loadBundled("duplex");
  duplex.memories[0].logicDieBandwidthMultiplier = 2;
  EXPECT_DOUBLE_EQ(memoryBytesPerSecond(duplex, unitNamed(duplex, "logic_pim")),
                   6.7e12);
}

// 160 units x 650 MHz x 1024 FLOPs = 106.496 TFLOPS: 21.2992 per stack
// (paper: 21.3); ridge 106.496 / 13.3988 = 7.948 FLOP/B (paper: 8 Op/B).
TEST(BandwidthTest, LogicPimFlopsAndRidgePoint) {
  hw::System duplex = loadBundled("duplex");
  const hw::Unit &logicPim = unitNamed(duplex, "logic_pim");
  double flopsPerSecond =
      valueOf(computeFlopsPerSecond(logicPim, hw::DType::FP16));
  EXPECT_NEAR(flopsPerSecond / 5, 21.3e12, 0.01e12);
  EXPECT_NEAR(valueOf(ridgePoint(duplex, logicPim, hw::DType::FP16)), 7.948,
              0.001);
}

// BankGroup-PIM reads the same bundles (13.3988 TB/s) without crossing the
// TSVs, so halving the TSVs does not limit it.
TEST(BandwidthTest, BankGroupPimHasLogicPimBandwidthWithoutTsvLimit) {
  hw::System bankGroup = loadBundled("bankgroup-pim");
  const hw::Unit &unit = unitNamed(bankGroup, "bankgroup_pim");
  EXPECT_NEAR(memoryBytesPerSecond(bankGroup, unit), 13.3988e12, 0.0001e12);
  // 1280 x 650 MHz x 128 = 106.496 TFLOPS, Logic-PIM's.
  EXPECT_DOUBLE_EQ(valueOf(computeFlopsPerSecond(unit, hw::DType::FP16)),
                   106.496e12);
}

// Bank-PIM: every bank (5 x 32 pseudo-channels x 2 ranks x 16 = 5120) reads
// 32 B per tCCD_L: 5120 x 32 B / 3.057 ns = 53.595 TB/s = 15.998 x 3.35
// (paper: 16x); 5120 x 327.1 MHz x 32 = 53.592 TFLOPS -> 0.99994 FLOP/B.
TEST(BandwidthTest, BankPimIsSixteenTimesAtOneOpPerByte) {
  hw::System bankPim = loadBundled("bank-pim");
  const hw::Unit &unit = unitNamed(bankPim, "bank_pim");
  double bytesPerSecond = memoryBytesPerSecond(bankPim, unit);
  EXPECT_NEAR(bytesPerSecond, 53.595e12, 0.001e12);
  EXPECT_NEAR(bytesPerSecond / 3.35e12, 16.0, 0.01);
  EXPECT_NEAR(valueOf(ridgePoint(bankPim, unit, hw::DType::FP16)), 1.0, 0.001);
}

// L3's HBM-PIM baseline: A100 HBM2e, 5 x 16 pseudo-channels x 32 banks =
// 2560 banks x 32 B / 2.511 ns = 32.624 TB/s = 16.0 x 2.039 TB/s; eight GPUs
// 261.0 TB/s (L3: 260.8 TB/s).
TEST(BandwidthTest, HbmPimOnA100IsSixteenTimes) {
  hw::System hbmPim = loadBundled("dgx-a100-hbm-pim");
  double bytesPerSecond =
      memoryBytesPerSecond(hbmPim, unitNamed(hbmPim, "bank_pim"));
  EXPECT_NEAR(bytesPerSecond, 32.624e12, 0.001e12);
  EXPECT_NEAR(bytesPerSecond * hbmPim.totalDevices(), 260.8e12, 0.5e12);
}

// DIMM-PIM: 8 B per bank per tCCD_L = 5 ns -> 1.6 GB/s per bank; 16 ch x 2
// DIMMs x 2 ranks x 8 chips x 16 banks = 8192 banks -> 13.107 TB/s (L3: 13.0).
TEST(BandwidthTest, DimmPimPerBankAndTotal) {
  hw::System l3 = loadBundled("dgx-a100-dimm-pim");
  const hw::Unit &dimmPim = unitNamed(l3, "dimm_pim");
  double bytesPerSecond = memoryBytesPerSecond(l3, dimmPim);
  unsigned banks = l3.memoryOf(dimmPim).dimm->banks();
  EXPECT_EQ(banks, 8192u);
  EXPECT_DOUBLE_EQ(bytesPerSecond / banks, 1.6e9);
  EXPECT_DOUBLE_EQ(bytesPerSecond, 13.1072e12);
}

// Rank-PIM: 64 ranks x (3200 MT/s x 8 B = 25.6 GB/s) = 1.6384 TB/s (L3: 1.6).
TEST(BandwidthTest, RankPimIsRanksTimesChannelBandwidth) {
  hw::System rankPim = loadBundled("dgx-a100-rank-pim");
  EXPECT_DOUBLE_EQ(
      memoryBytesPerSecond(rankPim, unitNamed(rankPim, "rank_pim")), 1.6384e12);
}

// Sustained rates include each row's cycle:
//  Bank-PIM: tRCD 14 + 32 columns x 3.057 + tRP 14 = 125.824 ns per 1 KB row
//   -> 5120 x 1024 B / 125.824 ns = 41.668 TB/s (12.4x, not 16x).
//  DIMM-PIM: 13.75 + 128 x 5 + 13.75 = 667.5 ns per 1 KB row
//   -> 8192 x 1024 B / 667.5 ns = 12.567 TB/s.
//  Logic-PIM's weights stay in one bundle section (duplex.json), so a row
//   costs 14 + 32 x 3.057 + 14 = 125.824 ns: 160 x 8 KiB / 125.824 ns =
//   10.4171 TB/s (3.1x). Spread over every section, the idle bundles hide
//   activation (97.8 ns per row > tRCD + tRP = 28 ns): it sustains its peak.
//  GPU: eta 0.8 x 3.35 = 2.68 TB/s.
TEST(BandwidthTest, SustainedRatesIncludeRowCycles) {
  hw::System bankPim = loadBundled("bank-pim");
  EXPECT_NEAR(memoryBytesPerSecond(bankPim, unitNamed(bankPim, "bank_pim"),
                                   Rate::Sustained),
              41.668e12, 0.001e12);
  hw::System l3 = loadBundled("dgx-a100-dimm-pim");
  EXPECT_NEAR(
      memoryBytesPerSecond(l3, unitNamed(l3, "dimm_pim"), Rate::Sustained),
      12.567e12, 0.001e12);
  hw::System duplex = loadBundled("duplex");
  const hw::Unit &logicPim = unitNamed(duplex, "logic_pim");
  EXPECT_NEAR(memoryBytesPerSecond(duplex, logicPim, Rate::Sustained),
              10.4171e12, 0.0001e12);
  duplex.memories[0].hbm->bankBundle->sectionsPerWeightStream = 4;
  EXPECT_DOUBLE_EQ(memoryBytesPerSecond(duplex, logicPim, Rate::Sustained),
                   memoryBytesPerSecond(duplex, logicPim, Rate::Peak));
  EXPECT_DOUBLE_EQ(
      memoryBytesPerSecond(duplex, unitNamed(duplex, "xpu"), Rate::Sustained),
      2.68e12);
}

// H100: 989.4 TFLOPS / 3.35 TB/s = 295.34 FLOP/B (paper: 989.4/3.352 ~ 295);
// with efficiencies 0.5 x 989.4 / (0.8 x 3.35) = 184.59.
TEST(BandwidthTest, H100RidgePoint) {
  hw::System h100 = loadBundled("h100");
  const hw::Unit &gpu = unitNamed(h100, "gpu");
  EXPECT_NEAR(valueOf(ridgePoint(h100, gpu, hw::DType::FP16)), 295.34, 0.01);
  EXPECT_NEAR(valueOf(ridgePoint(h100, gpu, hw::DType::FP16, Rate::Sustained)),
              184.59, 0.01);
}

// xPU vs Logic-PIM: Logic-PIM's compute line meets the xPU's memory line at
// 106.496 TFLOPS / 3.35 TB/s = 31.79 FLOP/B (paper: 4 x 8 = 32); below it
// Logic-PIM is faster. Sustained: 106.496 / 2.68 = 39.74.
TEST(BandwidthTest, BreakEvenOfXpuAndLogicPim) {
  hw::System duplex = loadBundled("duplex");
  const hw::Unit &xpu = unitNamed(duplex, "xpu");
  const hw::Unit &logicPim = unitNamed(duplex, "logic_pim");
  BreakEven peak = valueOf(breakEven(duplex, xpu, logicPim, hw::DType::FP16));
  ASSERT_TRUE(peak.opsPerByte.has_value());
  EXPECT_NEAR(*peak.opsPerByte, 31.79, 0.01);
  EXPECT_EQ(peak.fasterBelow, &logicPim);
  EXPECT_EQ(peak.fasterAbove, &xpu);
  BreakEven sustained = valueOf(
      breakEven(duplex, logicPim, xpu, hw::DType::FP16, Rate::Sustained));
  ASSERT_TRUE(sustained.opsPerByte.has_value());
  EXPECT_NEAR(*sustained.opsPerByte, 39.74, 0.01);
  EXPECT_EQ(sustained.fasterBelow, &logicPim);
}

// Rank-PIM (1.6384 TB/s, 13.1 TFLOPS) never beats an A100 (2.039 TB/s,
// 312 TFLOPS) at peak rates: no crossing, the GPU wins everywhere.
TEST(BandwidthTest, NoBreakEvenWhenOneUnitDominates) {
  hw::System rankPim = loadBundled("dgx-a100-rank-pim");
  const hw::Unit &gpu = unitNamed(rankPim, "gpu");
  BreakEven result = valueOf(
      breakEven(rankPim, gpu, unitNamed(rankPim, "rank_pim"), hw::DType::FP16));
  EXPECT_FALSE(result.opsPerByte.has_value());
  EXPECT_EQ(result.fasterBelow, &gpu);
  EXPECT_EQ(result.fasterAbove, &gpu);
}

} // namespace
