//===- RowActivationTest.cpp - PIM row activations from DRAM timing -------===//
//
// Timing used below (bundled files):
//   HBM3:  tCCD_L 3.057 ns, tRCD 14, tRP 14, tRAS 34 ns; 1 KB rows, 32 B per
//          column; a Logic-PIM bundle row is 8 banks = 8 KB, 256 B/column.
//   DDR4:  tCCD_L 5 ns, tRCD 13.75, tRP 13.75, tRAS 32.5 ns; 1 KB chip rows,
//          8 B per column.
// Logic-PIM hides activation in idle bundles, for data spread over more
// sections than it reads at once: a row costs
//   max(columns x tCCD_L, tRCD + tRP = 28 ns, (tRAS + tRP) / 2 = 24 ns);
// a weight stream kept in one section pays max(tRCD + columns x tCCD_L,
// tRAS) + tRP like Bank-PIM.
// Bank-PIM and DIMM-PIM keep every bank busy: a row costs
//   max(tRCD + columns x tCCD_L, tRAS) + tRP.
//
//===----------------------------------------------------------------------===//

#include "TestSystems.h"

#include "duplex/CostModel/CostModel.h"

#include "gtest/gtest.h"

using namespace duplex;
using namespace duplex::cost;
using namespace duplex::testing;

namespace {

Workload segments(double bytes, double count) {
  Workload workload;
  workload.readBytes = bytes * count;
  workload.segments.push_back({bytes, count});
  return workload;
}

// GEMV 8192 x 8192 fp16 on Logic-PIM: 134,217,728 B of weights = 16,384
// bundle rows, plus 2 rows each for the 16 KiB input and output.
//  * duplex.json keeps a weight stream in 1 bundle section (the paper's
//    expert layout), so each weight row pays its activate and precharge:
//    16,384 x (14 + 97.824 + 14 = 125.824 ns) + 4 x 97.824 ns (activations
//    rotate) = 2,061,891.4 ns / 160 bundles = 12.8868 us.
//  * Spread over every section, the next row opens in an idle bundle: 16,388
//    rows x (32 x 3.057 = 97.824 ns) / 160 bundles = 10.0196 us, the same as
//    134,250,496 B at the 13.3988 TB/s peak.
// Either way 16,388 x 8 banks = 131,104 ACTs.
TEST(RowActivationTest, WeightStreamInOneSectionExposesActivation) {
  hw::System duplex = loadBundled("duplex");
  const hw::Unit &logicPim = unitNamed(duplex, "logic_pim");
  ASSERT_EQ(duplex.memories[0].hbm->bankBundle->sectionsPerWeightStream, 1u);
  Cost cost = valueOf(estimate(duplex, logicPim, GemmShape{1, 8192, 8192}));
  EXPECT_NEAR(cost.memorySeconds, 12.8868232e-6, 1e-12);
  EXPECT_DOUBLE_EQ(cost.rowActivations, 131104);
}

TEST(RowActivationTest, WeightStreamOverEverySectionRunsAtPeak) {
  hw::System duplex = loadBundled("duplex");
  duplex.memories[0].hbm->bankBundle->sectionsPerWeightStream = 4;
  const hw::Unit &logicPim = unitNamed(duplex, "logic_pim");
  Cost cost = valueOf(estimate(duplex, logicPim, GemmShape{1, 8192, 8192}));
  EXPECT_NEAR(cost.memorySeconds, 16388 * 97.824e-9 / 160, 1e-12);
  EXPECT_NEAR(cost.memorySeconds,
              cost.bytes / memoryBytesPerSecond(duplex, logicPim), 1e-12);
  EXPECT_DOUBLE_EQ(cost.rowActivations, 131104);
}

// A KV stream spread over 3 sections (duplex.json) still hides activation:
// 1000 requests x 8 heads x K and V of 1024 tokens x 128 x 2 B = 256 KiB
// each (32 bundle rows of 97.824 ns), plus q and o of 2 KiB (8 columns,
// 24.5 ns -> 28 ns each): 1000 x (16 x 32 x 97.824 + 2 x 28) ns / 160.
TEST(RowActivationTest, KvStreamOverThreeSectionsHidesActivation) {
  hw::System duplex = loadBundled("duplex");
  ASSERT_EQ(duplex.memories[0].hbm->bankBundle->sectionsPerKVStream, 3u);
  const hw::Unit &logicPim = unitNamed(duplex, "logic_pim");
  DecodeAttention attention;
  attention.shape = AttentionShape{8, 8, 128};
  attention.addRequests(1024, 1000);
  Cost cost = valueOf(estimate(duplex, logicPim, attention));
  EXPECT_NEAR(cost.memorySeconds, 1000 * (16 * 32 * 97.824e-9 + 56e-9) / 160,
              1e-12);
}

// Decode attention, 8 heads (MHA), head dim 128, context 2, 1000 requests on
// Logic-PIM. Per request: 16 K/V segments of 2 x 128 x 2 B = 512 B (2
// columns, 6.1 ns < 28 ns -> 28 ns each) and q, o of 8 x 128 x 2 B = 2 KiB
// (8 columns, 24.5 ns -> 28 ns each): 18 x 28 ns = 504 ns.
//   1000 x 504 ns / 160 bundles = 3.15 us
// against 12,288,000 B / 13.3988 TB/s = 0.917 us at peak: short segments
// expose the row cycle (3.4x slower).
TEST(RowActivationTest, ShortKvSegmentsOnLogicPimExposeActivation) {
  hw::System duplex = loadBundled("duplex");
  const hw::Unit &logicPim = unitNamed(duplex, "logic_pim");
  DecodeAttention attention;
  attention.shape = AttentionShape{8, 8, 128};
  attention.addRequests(2, 1000);
  Cost cost = valueOf(estimate(duplex, logicPim, attention));
  EXPECT_DOUBLE_EQ(cost.bytes, 12288000);
  EXPECT_NEAR(cost.memorySeconds, 3.15e-6, 1e-12);
  EXPECT_GT(cost.memorySeconds,
            3 * cost.bytes / memoryBytesPerSecond(duplex, logicPim));
}

// GEMV 4096 x 4096 fp16 on Bank-PIM: 32,768 weight rows + 8 + 8 rows of
// activations = 32,784 rows x (14 + 32 x 3.057 + 14 = 125.824 ns) / 5120 banks
// = 0.80567 us, against 33,570,816 B / 53.595 TB/s = 0.62638 us at peak.
TEST(RowActivationTest, BankPimPaysEveryRow) {
  hw::System bankPim = loadBundled("bank-pim");
  Cost cost = valueOf(estimate(bankPim, unitNamed(bankPim, "bank_pim"),
                               GemmShape{1, 4096, 4096}));
  EXPECT_NEAR(cost.memorySeconds, 0.80567e-6, 0.00001e-6);
  EXPECT_DOUBLE_EQ(cost.rowActivations, 32784);
}

// The same 209.7 MB on DIMM-PIM in 256 B segments (decode K/V at context 1,
// head dim 128) versus full 1 KB rows:
//   256 B:  32 columns: 13.75 + 160 + 13.75 = 187.5 ns per segment;
//           819,200 x 187.5 ns / 8192 banks = 18.75 us
//   1 KB:   128 columns: 13.75 + 640 + 13.75 = 667.5 ns per row;
//           204,800 x 667.5 ns / 8192 banks = 16.6875 us
TEST(RowActivationTest, DimmPimShortSegmentsCostMorePerByte) {
  hw::System l3 = loadBundled("dgx-a100-dimm-pim");
  const hw::Unit &dimmPim = unitNamed(l3, "dimm_pim");
  Cost shortSegments = valueOf(estimate(l3, dimmPim, segments(256, 819200)));
  Cost fullRows = valueOf(estimate(l3, dimmPim, segments(1024, 204800)));
  EXPECT_DOUBLE_EQ(shortSegments.bytes, fullRows.bytes);
  EXPECT_NEAR(shortSegments.memorySeconds, 18.75e-6, 1e-12);
  EXPECT_NEAR(fullRows.memorySeconds, 16.6875e-6, 1e-12);
}

// One 64 B segment cannot spread over 8192 banks: it takes one row,
// max(13.75 + 8 x 5, 32.5) + 13.75 = 67.5 ns, not 67.5 ns / 8192.
TEST(RowActivationTest, NothingIsFasterThanOneRow) {
  hw::System l3 = loadBundled("dgx-a100-dimm-pim");
  Cost cost = valueOf(estimate(l3, unitNamed(l3, "dimm_pim"), segments(64, 1)));
  EXPECT_NEAR(cost.memorySeconds, 67.5e-9, 1e-15);
}

// Rank-PIM interleaves banks like a host controller: 1 GiB / 1.6384 TB/s =
// 0.65536 ms whatever the segments; each 1 KB of chip rows is one ACT.
TEST(RowActivationTest, RankPimStreamsAtChannelRate) {
  hw::System rankPim = loadBundled("dgx-a100-rank-pim");
  const hw::Unit &unit = unitNamed(rankPim, "rank_pim");
  Cost cost = valueOf(estimate(rankPim, unit, segments(256, 4194304)));
  EXPECT_NEAR(cost.memorySeconds, 0.65536e-3, 1e-12);
  EXPECT_DOUBLE_EQ(cost.rowActivations, 1048576);
}

} // namespace
