//===- SystemTest.cpp - accessors and topology of a loaded system ---------===//

#include "duplex/Hardware/Loader.h"

#include "gtest/gtest.h"

using namespace duplex;
using namespace duplex::hw;
using namespace llvm;

namespace {

System load(StringRef name) {
  Expected<System> system = loadSystem(name);
  if (!system) {
    ADD_FAILURE() << toString(system.takeError());
    return System();
  }
  return std::move(*system);
}

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

TEST(SystemTest, FindsUnitsByNameAndKind) {
  System duplex = load("duplex");
  const Unit *xpu = duplex.findUnit("xpu");
  const Unit *logicPim = duplex.findUnit("logic_pim");
  ASSERT_NE(xpu, nullptr);
  ASSERT_NE(logicPim, nullptr);
  EXPECT_EQ(xpu->kind, UnitKind::Xpu);
  EXPECT_EQ(logicPim->kind, UnitKind::LogicPim);
  EXPECT_EQ(duplex.findUnit("gpu"), nullptr);
  EXPECT_EQ(duplex.unitsOfKind(UnitKind::LogicPim).size(), 1u);
  EXPECT_TRUE(duplex.unitsOfKind(UnitKind::BankPim).empty());
  EXPECT_EQ(duplex.firstUnitOfKind(UnitKind::LogicPim), logicPim);
  EXPECT_EQ(duplex.hostProcessor(), xpu);
}

TEST(SystemTest, KnowsWhichMemoryAndPathAUnitReads) {
  System duplex = load("duplex");
  const Unit &logicPim = *duplex.findUnit("logic_pim");
  const Unit &xpu = *duplex.findUnit("xpu");
  EXPECT_EQ(duplex.memoryOf(logicPim).name, "hbm");
  EXPECT_EQ(&duplex.memoryOf(logicPim), &duplex.memoryOf(xpu));
  EXPECT_EQ(logicPim.accessPath(), AccessPath::LogicDie);
  EXPECT_EQ(xpu.accessPath(), AccessPath::External);
  // 0.464 nJ per 32-B access / 256 bit = 1.8125 pJ/bit.
  EXPECT_DOUBLE_EQ(duplex.pathEnergyOf(logicPim).readJoulesPerBit, 1.8125e-12);
  EXPECT_DOUBLE_EQ(duplex.pathEnergyOf(xpu).readJoulesPerBit, 3.48e-12);

  System l3 = load("dgx-a100-dimm-pim");
  const Unit &dimmPim = *l3.findUnit("dimm_pim");
  EXPECT_EQ(dimmPim.placement, Placement::Host);
  EXPECT_EQ(l3.memoryOf(dimmPim).kind, MemoryKind::Ddr4);
  EXPECT_EQ(dimmPim.accessPath(), AccessPath::Bank);
}

TEST(SystemTest, FindsLinksByScope) {
  System h100 = load("h100");
  // NVLink 4: 900 GB/s bidirectional = 450 GB/s per direction.
  ASSERT_NE(h100.findLink(LinkScope::IntraNode), nullptr);
  EXPECT_DOUBLE_EQ(
      h100.findLink(LinkScope::IntraNode)->bytesPerSecondPerDirection, 450e9);
  // 400 Gb/s InfiniBand NDR = 50 GB/s.
  EXPECT_DOUBLE_EQ(
      h100.findLink(LinkScope::InterNode)->bytesPerSecondPerDirection, 50e9);
  Expected<const Link &> pcie = h100.linkFor(LinkScope::Host);
  ASSERT_TRUE(bool(pcie)) << toString(pcie.takeError());
  EXPECT_EQ(pcie->kind, LinkKind::PCIe);

  System noLinks = h100;
  noLinks.links.clear();
  Expected<const Link &> missing = noLinks.linkFor(LinkScope::Host);
  ASSERT_FALSE(bool(missing));
  EXPECT_EQ(toString(missing.takeError()),
            "system 'h100' describes no host link");
}

TEST(SystemTest, MemoryCapacityPerDeviceAndPerHost) {
  System h100 = load("h100");
  EXPECT_DOUBLE_EQ(h100.deviceMemoryBytes(), 80 * kGiB);
  EXPECT_DOUBLE_EQ(h100.hostMemoryBytes(), 0);
  // L3: 16 channels x 2 DIMMs x 64 GiB = 2 TiB on the host; 80 GiB per GPU.
  System l3 = load("dgx-a100-dimm-pim");
  EXPECT_DOUBLE_EQ(l3.deviceMemoryBytes(), 80 * kGiB);
  EXPECT_DOUBLE_EQ(l3.hostMemoryBytes(), 2048 * kGiB);
  EXPECT_EQ(l3.totalDevices(), 8u);
}

TEST(SystemTest, PeakFlopsPerType) {
  System h100 = load("h100");
  const Unit &gpu = *h100.findUnit("gpu");
  Expected<double> fp8 = gpu.peakFlopsPerSecond(DType::FP8);
  ASSERT_TRUE(bool(fp8)) << toString(fp8.takeError());
  EXPECT_DOUBLE_EQ(*fp8, 1978.9e12);

  // A100 has no FP8: fp8 arithmetic runs at the next wider type it lists,
  // fp16 (devices/a100.json: 312 TFLOPS dense).
  System a100 = load("a100");
  const Unit &ampere = *a100.findUnit("gpu");
  EXPECT_EQ(ampere.computeTypeFor(DType::FP8), DType::FP16);
  Expected<double> widened = ampere.peakFlopsPerSecond(DType::FP8);
  ASSERT_TRUE(bool(widened)) << toString(widened.takeError());
  EXPECT_DOUBLE_EQ(*widened, 312e12);
  // int8 it lists (624 TOPS dense), so int4 runs there, not at fp16.
  EXPECT_EQ(ampere.computeTypeFor(DType::INT4), DType::INT8);
  EXPECT_FALSE(ampere.hasPeakFor(DType::FP8));
}

// FP4 (MXFP4/NVFP4 elements): B200 lists it (9 PFLOPS dense, HGX B200
// 18 PFLOPS with sparsity / 2); H100 has none and computes it at fp8
// (1,978.9 TFLOPS dense).
TEST(SystemTest, FP4RunsNativelyOnBlackwellAndWidensElsewhere) {
  System b200 = load("b200");
  const Unit &blackwell = *b200.findUnit("gpu");
  EXPECT_EQ(blackwell.computeTypeFor(DType::FP4), DType::FP4);
  Expected<double> fp4 = blackwell.peakFlopsPerSecond(DType::FP4);
  ASSERT_TRUE(bool(fp4)) << toString(fp4.takeError());
  EXPECT_DOUBLE_EQ(*fp4, 9000e12);

  System h100 = load("h100");
  const Unit &hopper = *h100.findUnit("gpu");
  EXPECT_EQ(hopper.computeTypeFor(DType::FP4), DType::FP8);
  Expected<double> widened = hopper.peakFlopsPerSecond(DType::FP4);
  ASSERT_TRUE(bool(widened)) << toString(widened.takeError());
  EXPECT_DOUBLE_EQ(*widened, 1978.9e12);
  // Nothing is wider than fp32.
  EXPECT_TRUE(widerTypesOf(DType::FP32).empty());
}

// PIM compute = count x clock x FLOPs/cycle, never a typed total:
// 160 units x 650 MHz x 1024 = 106.496 TFLOPS = 5 x 21.2992 TFLOPS per stack
// (paper: 21.3 TFLOPS per stack).
TEST(SystemTest, PimPeakIsCountTimesClockTimesFlopsPerCycle) {
  System duplex = load("duplex");
  const Unit &logicPim = *duplex.findUnit("logic_pim");
  EXPECT_EQ(logicPim.count, 160u);
  Expected<double> peak = logicPim.peakFlopsPerSecond(DType::FP16);
  ASSERT_TRUE(bool(peak)) << toString(peak.takeError());
  EXPECT_DOUBLE_EQ(*peak, 160 * 650e6 * 1024);
  unsigned stacks = duplex.memoryOf(logicPim).hbm->stacks;
  EXPECT_NEAR(*peak / stacks / 1e12, 21.3, 0.05);
}

// HBM3 on H100: 5 stacks x 16 channels x 2 pseudo-channels x 32 bit = 5120
// pins; x 5234 MT/s / 8 = 3.3498 TB/s (datasheet 3.35). 160 pseudo-channels x
// 2 ranks x 16 banks = 5120 banks; 32 bit x BL8 = 32 B per column access.
TEST(SystemTest, DerivesTheMemoryOrganisation) {
  System h100 = load("h100");
  const Memory &hbm = h100.memories[0];
  ASSERT_TRUE(hbm.hbm.has_value());
  EXPECT_EQ(hbm.hbm->pinCount(), 5120u);
  EXPECT_NEAR(hbm.pinBytesPerSecond(), 3.3498e12, 0.0001e12);
  EXPECT_EQ(hbm.hbm->banks(), 5120u);
  EXPECT_DOUBLE_EQ(hbm.hbm->bytesPerColumnAccess(), 32);
  EXPECT_NEAR(hbm.timing.tCCDSSeconds, 1.528e-9, 1e-15);

  // L3 DIMMs: 16 ch x 2 DIMMs x 2 ranks = 64 ranks; x 8 chips x 16 banks =
  // 8192 banks; an x8 chip moves 8 bit x BL8 = 8 B per access.
  System l3 = load("dgx-a100-dimm-pim");
  const Memory &dimm = *l3.findMemory("dimm");
  ASSERT_TRUE(dimm.dimm.has_value());
  EXPECT_EQ(dimm.dimm->ranks(), 64u);
  EXPECT_EQ(dimm.dimm->banks(), 8192u);
  EXPECT_DOUBLE_EQ(dimm.dimm->bytesPerChipAccess(), 8);
  EXPECT_DOUBLE_EQ(dimm.timing.tCCDLSeconds, 5e-9);
}

TEST(SystemTest, WithTopologyScalesACopy) {
  System duplex = load("duplex");
  Expected<System> scaled = duplex.withTopology(4, 2);
  ASSERT_TRUE(bool(scaled)) << toString(scaled.takeError());
  EXPECT_EQ(scaled->totalDevices(), 8u);
  EXPECT_EQ(scaled->topology.nodes, 2u);
  EXPECT_EQ(duplex.totalDevices(), 1u);

  Expected<System> zero = duplex.withTopology(0, 1);
  ASSERT_FALSE(bool(zero));
  EXPECT_EQ(toString(zero.takeError()),
            "system 'duplex': devices per node (0), nodes (1) and replicas per "
            "node (1) must be positive");

  Expected<System> tooWide = duplex.withTopology(16, 1);
  ASSERT_FALSE(bool(tooWide));
  EXPECT_EQ(toString(tooWide.takeError()),
            "system 'duplex': 16 devices per node exceed the 8 that its "
            "intra-node link connects; use more nodes");

  System isolated = duplex;
  isolated.links.clear();
  Expected<System> noNetwork = isolated.withTopology(1, 2);
  ASSERT_FALSE(bool(noNetwork));
  EXPECT_EQ(toString(noNetwork.takeError()),
            "system 'duplex': 2 nodes need an inter_node link");
}

// L3 runs OPT-66B as TP2 x DP4 on one DGX-A100: 4 replicas of 2 GPUs
// share the node's 2 TiB of DIMMs, 512 GiB each, and its 8 GPUs all use
// the one DIMM-PIM.
TEST(SystemTest, ReplicasInANodeShareTheHost) {
  System l3 = load("dgx-a100-dimm-pim");
  Expected<System> dp4 = l3.withTopology(2, 1, 4);
  ASSERT_TRUE(bool(dp4)) << toString(dp4.takeError());
  EXPECT_EQ(dp4->totalDevices(), 8u);
  EXPECT_EQ(dp4->devicesPerHost(), 8u);
  EXPECT_DOUBLE_EQ(dp4->hostMemoryBytesPerReplica(), 512 * kGiB);
  EXPECT_DOUBLE_EQ(l3.hostMemoryBytesPerReplica(), 2048 * kGiB);
  Expected<System> tp2 = l3.withTopology(2, 1);
  ASSERT_TRUE(bool(tp2)) << toString(tp2.takeError());
  EXPECT_EQ(tp2->devicesPerHost(), 2u);

  Expected<System> tooMany = l3.withTopology(2, 1, 8);
  ASSERT_FALSE(bool(tooMany));
  EXPECT_EQ(toString(tooMany.takeError()),
            "system 'dgx-a100-dimm-pim': 16 devices per node (8 replicas of "
            "2) exceed the 8 that its intra-node link connects; use more "
            "nodes");
}

TEST(SystemTest, KeepsTheSourceOfEachNumber) {
  System h100 = load("h100");
  EXPECT_EQ(h100.sourceOf("$.device.units[0].peak_tflops.fp16"),
            "datasheet: H100 SXM5 dense FP16 tensor 989.4 TFLOPS");
  EXPECT_TRUE(h100.sourceOf("$.device.units[0].calibration."
                            "memory_bandwidth_efficiency")
                  .starts_with("fitted:"));
  EXPECT_EQ(h100.sourceOf("$.nothing"), "");
}

TEST(SystemTest, KindsRoundTripThroughTheirSpellings) {
  for (UnitKind kind : {UnitKind::Gpu, UnitKind::Xpu, UnitKind::LogicPim,
                        UnitKind::BankGroupPim, UnitKind::BankPim,
                        UnitKind::DimmPim, UnitKind::RankPim})
    EXPECT_EQ(parseUnitKind(toString(kind)), kind);
  for (DType type : {DType::FP32, DType::TF32, DType::FP16, DType::BF16,
                     DType::FP8, DType::INT8, DType::INT4})
    EXPECT_EQ(parseDType(toString(type)), type);
  EXPECT_EQ(parseUnitKind("tpu"), std::nullopt);
  EXPECT_EQ(bitsOf(DType::INT4), 4u);
  EXPECT_EQ(accessPathOf(UnitKind::DimmPim), AccessPath::Bank);
  EXPECT_EQ(accessPathOf(UnitKind::BankGroupPim), AccessPath::BankGroup);
}

} // namespace
