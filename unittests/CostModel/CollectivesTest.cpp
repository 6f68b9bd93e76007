//===- CollectivesTest.cpp - transfers and collectives over links ---------===//
//
// Links in the bundled files: NVLink 4 450 GB/s per direction, 1 us, 1.3
// pJ/bit; InfiniBand NDR 50 GB/s, 5 us; PCIe 4.0 x16 31.5 GB/s, 2 us.
//
//===----------------------------------------------------------------------===//

#include "TestSystems.h"

#include "duplex/CostModel/Collectives.h"

#include "gtest/gtest.h"

using namespace duplex;
using namespace duplex::cost;
using namespace duplex::testing;

namespace {

constexpr double kBytes = 64.0 * 1024 * 1024; // 67,108,864 B

// Ring all-reduce of 64 MiB over 8 H100s on NVLink:
//   2 x 7/8 x 67,108,864 B = 117,440,512 B / 450 GB/s = 260.979 us
//   2 x 7 x 1 us latency = 14 us -> 274.979 us
//   energy 117,440,512 B x 8 devices x 8 bit x 1.3 pJ = 9.771 mJ
TEST(CollectivesTest, RingAllReduceFormula) {
  hw::System h100 = loadBundled("h100");
  const hw::Link &nvlink = *h100.findLink(hw::LinkScope::IntraNode);
  Cost cost = ringAllReduce(nvlink, kBytes, 8);
  EXPECT_DOUBLE_EQ(cost.bytes, 117440512);
  EXPECT_NEAR(cost.linkSeconds, 260.979e-6, 0.001e-6);
  EXPECT_NEAR(cost.overheadSeconds, 14e-6, 1e-15);
  EXPECT_NEAR(cost.seconds, 274.979e-6, 0.001e-6);
  EXPECT_NEAR(cost.linkJoules, 9.7710e-3, 0.0001e-3);

  hw::System eight = valueOf(h100.withTopology(8, 1));
  EXPECT_DOUBLE_EQ(valueOf(allReduce(eight, kBytes, 8)).seconds, cost.seconds);
  EXPECT_EQ(ringAllReduce(nvlink, kBytes, 1).seconds, 0);
}

// All-to-all of 64 MiB per device over 8: 7/8 x 67,108,864 = 58,720,256 B /
// 450 GB/s = 130.49 us + 7 x 1 us = 137.49 us.
TEST(CollectivesTest, AllToAll) {
  hw::System h100 = loadBundled("h100");
  Cost cost = allToAll(*h100.findLink(hw::LinkScope::IntraNode), kBytes, 8);
  EXPECT_NEAR(cost.seconds, 137.490e-6, 0.001e-6);
}

// 2 nodes x 8 Duplex devices, 64 MiB:
//   reduce-scatter in node  58,720,256 B / 450 GB/s + 7 us = 137.490 us
//   ring between 2 nodes on the 8 MiB shard:
//     2 x 1/2 x 8,388,608 B / 50 GB/s + 2 x 5 us = 177.772 us
//   all-gather in node      137.490 us           -> 452.751 us
TEST(CollectivesTest, HierarchicalAllReduceAcrossNodes) {
  hw::System twoNodes = valueOf(loadBundled("duplex").withTopology(8, 2));
  Cost cost = valueOf(allReduce(twoNodes, kBytes, 16));
  EXPECT_NEAR(cost.seconds, 452.751e-6, 0.001e-6);
}

// One device per node, 4 nodes: a plain ring on InfiniBand,
// 2 x 3/4 x 67,108,864 B / 50 GB/s + 6 x 5 us = 2013.27 + 30 = 2043.27 us.
TEST(CollectivesTest, AllReduceOverInfiniBandOnly) {
  hw::System fourNodes = valueOf(loadBundled("h100").withTopology(1, 4));
  Cost cost = valueOf(allReduce(fourNodes, kBytes, 4));
  EXPECT_NEAR(cost.seconds, 2043.27e-6, 0.01e-6);
}

// KV of a request to DIMM-PIM over PCIe 4.0: 1e9 B / 31.5 GB/s = 31.746 ms
// + 2 us.
TEST(CollectivesTest, HostCopyOverPcie) {
  hw::System l3 = loadBundled("dgx-a100-dimm-pim");
  Cost cost = valueOf(hostCopy(l3, 1e9));
  EXPECT_NEAR(cost.seconds, 31.746e-3 + 2e-6, 0.001e-3);
  EXPECT_DOUBLE_EQ(pointToPoint(*l3.findLink(hw::LinkScope::Host), 1e9).seconds,
                   cost.seconds);
}

TEST(CollectivesTest, RejectsImpossibleGroups) {
  hw::System h100 = loadBundled("h100");
  llvm::Expected<Cost> tooMany = allReduce(h100, kBytes, 2);
  ASSERT_FALSE(bool(tooMany));
  EXPECT_EQ(llvm::toString(tooMany.takeError()),
            "all-reduce over 2 devices, but system 'h100' has 1");
  hw::System twoNodes = valueOf(h100.withTopology(8, 2));
  llvm::Expected<Cost> partial = allReduce(twoNodes, kBytes, 12);
  ASSERT_FALSE(bool(partial));
  EXPECT_EQ(llvm::toString(partial.takeError()),
            "all-reduce over 12 devices does not fill whole nodes of 8");
  EXPECT_EQ(valueOf(allReduce(h100, kBytes, 1)).seconds, 0);
}

} // namespace
