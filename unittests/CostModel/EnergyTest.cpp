//===- EnergyTest.cpp - energy per access path, MAC and static power ------===//

#include "TestSystems.h"

#include "duplex/CostModel/CostModel.h"
#include "duplex/CostModel/Energy.h"

#include "gtest/gtest.h"

using namespace duplex;
using namespace duplex::cost;
using namespace duplex::testing;

namespace {

using hw::AccessPath;

// One 32-B HBM3 read (256 bit) on each path, against the Duplex lineage's
// nJ per 32-B access: GPU path 0.891, Logic-PIM 0.464, BG-PIM 0.686, Bank-PIM
// 0.187 (duplex-paper.md):
//   external   256 x 3.48   pJ = 0.89088 nJ
//   logic_die  256 x 1.8125 pJ = 0.464   nJ
//   bank_group 256 x 2.6797 pJ = 0.68600 nJ
//   bank       256 x 0.7305 pJ = 0.18701 nJ
TEST(EnergyTest, ReadOf32BytesOnEachHbmPath) {
  hw::System duplex = loadBundled("duplex");
  const hw::Memory &withLogicDie = duplex.memories[0];
  EXPECT_NEAR(accessJoules(withLogicDie, AccessPath::External, 32, 0),
              0.89088e-9, 1e-15);
  EXPECT_NEAR(accessJoules(withLogicDie, AccessPath::LogicDie, 32, 0), 0.464e-9,
              1e-15);
  hw::System bankGroup = loadBundled("bankgroup-pim");
  EXPECT_NEAR(accessJoules(bankGroup.memories[0], AccessPath::BankGroup, 32, 0),
              0.686e-9, 0.0001e-9);
  hw::System bankPim = loadBundled("bank-pim");
  EXPECT_NEAR(accessJoules(bankPim.memories[0], AccessPath::Bank, 32, 0),
              0.187e-9, 0.0001e-9);
  // h100's HBM has no logic-die path.
  hw::System h100 = loadBundled("h100");
  EXPECT_EQ(accessJoules(h100.memories[0], AccessPath::LogicDie, 32, 0), 0);
}

// One x8 DDR4 access (8 B = 64 bit), Micron IDD method:
//   external read  64 x 5.44 pJ = 348.16 pJ ((168 - 52) mA x 1.2 V x 2.5 ns)
//   external write 64 x 4.59 pJ = 293.76 pJ
//   bank (DIMM-PIM) 64 x 1.142 pJ = 73.09 pJ
//   rank (rank-PIM) 64 x 5.44 pJ = 348.16 pJ
TEST(EnergyTest, AccessOf8BytesOnEachDimmPath) {
  hw::System l3 = loadBundled("dgx-a100-dimm-pim");
  const hw::Memory &dimm = *l3.findMemory("dimm");
  EXPECT_NEAR(accessJoules(dimm, AccessPath::External, 8, 0), 348.16e-12,
              1e-16);
  EXPECT_NEAR(accessJoules(dimm, AccessPath::External, 0, 8), 293.76e-12,
              1e-16);
  EXPECT_NEAR(accessJoules(dimm, AccessPath::Bank, 8, 0), 73.088e-12, 1e-16);
  hw::System rankPim = loadBundled("dgx-a100-rank-pim");
  EXPECT_NEAR(accessJoules(*rankPim.findMemory("dimm"), AccessPath::Rank, 8, 0),
              348.16e-12, 1e-16);
}

// ACT: 0.909 nJ per HBM3 row (0.11 pJ/bit x 8192 bit ~ 0.90); 0.525 nJ per
// DDR4 chip row ((57 x 46.25 - 52 x 32.5 - 37 x 13.75) pC x 1.2 V).
TEST(EnergyTest, RowActivation) {
  hw::System duplex = loadBundled("duplex");
  EXPECT_NEAR(activationJoules(duplex.memories[0], 1000), 909e-9, 1e-15);
  hw::System l3 = loadBundled("dgx-a100-dimm-pim");
  EXPECT_NEAR(activationJoules(*l3.findMemory("dimm"), 1000), 525e-9, 1e-15);
}

// 2e12 FLOPs = 1e12 MACs x 0.23 pJ = 0.23 J. Static: 160 Logic-PIM units x
// 0.05 W x 1 ms = 8 mJ; the H100 80 W x 1 ms = 80 mJ.
TEST(EnergyTest, ComputeAndStaticEnergy) {
  hw::System duplex = loadBundled("duplex");
  const hw::Unit &logicPim = unitNamed(duplex, "logic_pim");
  EXPECT_NEAR(computeJoules(logicPim, 2e12), 0.23, 1e-12);
  EXPECT_NEAR(staticJoules(logicPim, 1e-3), 8e-3, 1e-12);
  hw::System h100 = loadBundled("h100");
  EXPECT_NEAR(staticJoules(unitNamed(h100, "gpu"), 1e-3), 80e-3, 1e-12);
}

// Decode attention (Mixtral shape, 64 requests at 1024) on Logic-PIM versus
// the xPU of the same device: same bytes and FLOPs, DRAM energy
//   Logic-PIM: bytes x 8 x 1.8125 pJ + rows x 0.909 nJ
//   xPU:       bytes x 8 x 3.48   pJ + (bytes / 1 KB) x 0.909 nJ
// and each total is the sum of its parts.
TEST(EnergyTest, KernelEnergyFollowsTheAccessPath) {
  hw::System duplex = loadBundled("duplex");
  DecodeAttention attention;
  attention.shape = AttentionShape{32, 8, 128};
  attention.addRequests(1024, 64);
  Cost pim =
      valueOf(estimate(duplex, unitNamed(duplex, "logic_pim"), attention));
  Cost xpu = valueOf(estimate(duplex, unitNamed(duplex, "xpu"), attention));
  EXPECT_DOUBLE_EQ(pim.bytes, xpu.bytes);
  EXPECT_NEAR(pim.dramJoules,
              pim.bytes * 8 * 1.8125e-12 + pim.rowActivations * 0.909e-9,
              1e-12);
  EXPECT_NEAR(xpu.dramJoules,
              xpu.bytes * 8 * 3.48e-12 + xpu.bytes / 1024 * 0.909e-9, 1e-12);
  EXPECT_LT(pim.dramJoules, 0.6 * xpu.dramJoules);
  EXPECT_DOUBLE_EQ(pim.joules,
                   pim.dramJoules + pim.computeJoules + pim.staticJoules);
  EXPECT_NEAR(pim.staticJoules, 8.0 * pim.seconds, 1e-15);
}

} // namespace
