//===- RooflineTest.cpp - GPU/xPU roofline with calibrated efficiencies ---===//
//
// h100 calibration: compute efficiency 0.5, eta 0.8, 5 us per kernel; so the
// sustained rates are 494.7 TFLOPS (fp16) and 2.68 TB/s.
//
//===----------------------------------------------------------------------===//

#include "TestSystems.h"

#include "duplex/CostModel/CostModel.h"

#include "gtest/gtest.h"

using namespace duplex;
using namespace duplex::cost;
using namespace duplex::testing;

namespace {

// GEMV 1 x 4096 x 4096 fp16: weights 4096 x 4096 x 2 B = 33,554,432 B, plus
// 8192 B in and 8192 B out = 33,570,816 B.
//   memory  33,570,816 B / (3.35 TB/s x 0.8) = 12.526 us
//   compute 2 x 4096 x 4096 / (989.4 T x 0.5) = 0.068 us
//   seconds 12.526 + 5 us launch = 17.526 us
TEST(RooflineTest, H100GemvIsMemoryBound) {
  hw::System h100 = loadBundled("h100");
  Cost cost =
      valueOf(estimate(h100, unitNamed(h100, "gpu"), GemmShape{1, 4096, 4096}));
  EXPECT_DOUBLE_EQ(cost.bytes, 33570816);
  EXPECT_DOUBLE_EQ(cost.flops, 33554432);
  EXPECT_NEAR(cost.memorySeconds, 12.5264e-6, 0.0001e-6);
  EXPECT_NEAR(cost.computeSeconds, 0.0678e-6, 0.0001e-6);
  EXPECT_DOUBLE_EQ(cost.overheadSeconds, 5e-6);
  EXPECT_NEAR(cost.seconds, 17.5264e-6, 0.0001e-6);
}

// GEMM 8192^3 fp16: 2 x 8192^3 = 1.0995e12 FLOPs / 494.7 TFLOPS = 2.2226 ms;
// 3 x 8192^2 x 2 B = 402.65 MB / 2.68 TB/s = 0.1502 ms; + 5 us = 2.2276 ms.
TEST(RooflineTest, H100LargeGemmIsComputeBound) {
  hw::System h100 = loadBundled("h100");
  Cost cost = valueOf(
      estimate(h100, unitNamed(h100, "gpu"), GemmShape{8192, 8192, 8192}));
  EXPECT_NEAR(cost.computeSeconds, 2.22258e-3, 0.00001e-3);
  EXPECT_NEAR(cost.memorySeconds, 0.150244e-3, 0.000001e-3);
  EXPECT_NEAR(cost.seconds, 2.22758e-3, 0.00001e-3);
}

// int4 weights: 4096 x 4096 x 0.5 B = 8,388,608 B + 16,384 B of fp16
// activations = 8,404,992 B / 2.68 TB/s = 3.1362 us: a quarter of the weight
// bytes, same FLOPs.
TEST(RooflineTest, Int4WeightsReadAQuarterOfTheBytes) {
  hw::System h100 = loadBundled("h100");
  GemmShape gemv{1, 4096, 4096};
  gemv.weightBits = 4;
  Cost cost = valueOf(estimate(h100, unitNamed(h100, "gpu"), gemv));
  EXPECT_DOUBLE_EQ(cost.bytes, 8404992);
  EXPECT_DOUBLE_EQ(cost.flops, 33554432);
  EXPECT_NEAR(cost.memorySeconds, 3.13619e-6, 0.00001e-6);
}

// fp8 on H100 runs at 1978.9 x 0.5 TFLOPS: the 8192^3 GEMM takes
// 1.0995e12 / 989.45e12 = 1.1112 ms of compute. A100 has no fp8 peak: the
// GEMM runs at the next wider type it lists, fp16 (312 TFLOPS, at the same
// 0.5 as the H100's): 1.0995e12 / 156e12 = 7.0481 ms.
TEST(RooflineTest, ComputeTypeSelectsThePeak) {
  hw::System h100 = loadBundled("h100");
  GemmShape gemm{8192, 8192, 8192};
  gemm.computeType = hw::DType::FP8;
  gemm.weightBits = gemm.activationBits = 8;
  Cost cost = valueOf(estimate(h100, unitNamed(h100, "gpu"), gemm));
  EXPECT_NEAR(cost.computeSeconds, 1.11123e-3, 0.00001e-3);

  hw::System a100 = loadBundled("a100");
  Cost widened = valueOf(estimate(a100, unitNamed(a100, "gpu"), gemm));
  EXPECT_NEAR(widened.computeSeconds, 7.04815e-3, 0.00001e-3);
}

// fp32 on Duplex's Logic-PIM, which lists fp16 and bf16 only: no type it
// lists holds fp32, so the estimate is an error naming what it has.
TEST(RooflineTest, NoWiderTypeIsAnError) {
  hw::System duplex = loadBundled("duplex");
  GemmShape gemm{8, 4096, 4096};
  gemm.computeType = hw::DType::FP32;
  gemm.weightBits = gemm.activationBits = 32;
  llvm::Expected<Cost> missing =
      estimate(duplex, unitNamed(duplex, "logic_pim"), gemm);
  ASSERT_FALSE(bool(missing));
  EXPECT_EQ(llvm::toString(missing.takeError()),
            "unit 'logic_pim' (logic_pim) has no peak for fp32 or a wider "
            "type it could compute fp32 at; it lists: bf16, fp16");
}

// Energy of the GEMV of H100GemvIsMemoryBound:
//   DRAM    33,570,816 B x 8 x 3.48 pJ = 934.61 uJ
//           + 33,570,816 / 1024 = 32,784 rows x 0.909 nJ = 29.80 uJ
//   compute 16,777,216 MACs x 0.23 pJ = 3.859 uJ
//   static  80 W x 17.5264 us = 1402.11 uJ
TEST(RooflineTest, H100GemvEnergyBreakdown) {
  hw::System h100 = loadBundled("h100");
  Cost cost =
      valueOf(estimate(h100, unitNamed(h100, "gpu"), GemmShape{1, 4096, 4096}));
  EXPECT_DOUBLE_EQ(cost.rowActivations, 32784);
  EXPECT_NEAR(cost.dramJoules, 934.61e-6 + 29.80e-6, 0.01e-6);
  EXPECT_NEAR(cost.computeJoules, 3.859e-6, 0.001e-6);
  EXPECT_NEAR(cost.staticJoules, 1402.11e-6, 0.01e-6);
  EXPECT_DOUBLE_EQ(cost.joules,
                   cost.dramJoules + cost.computeJoules + cost.staticJoules);
}

// The Duplex xPU is H100-class: the same GEMV costs the same time.
TEST(RooflineTest, XpuMatchesH100) {
  hw::System duplex = loadBundled("duplex");
  hw::System h100 = loadBundled("h100");
  GemmShape gemv{1, 4096, 4096};
  EXPECT_DOUBLE_EQ(
      valueOf(estimate(duplex, unitNamed(duplex, "xpu"), gemv)).seconds,
      valueOf(estimate(h100, unitNamed(h100, "gpu"), gemv)).seconds);
}

// A GEMM where neither term dominates: 512 x 8192 x 8192 fp16.
//   compute 2 x 512 x 8192^2 = 6.8719e10 FLOPs / 494.7 TFLOPS = 138.91 us
//   memory  (8192^2 + 2 x 512 x 8192) x 2 B = 150,994,944 B / 2.68 TB/s
//           = 56.341 us
// The roofline takes the longer, 138.91 us (+ 5 us launch). With half of
// the shorter unhidden: 138.91 + 0.5 x 56.341 = 167.08 us (+ 5 us); with
// all of it, the sum: 195.25 us (+ 5 us).
TEST(RooflineTest, UnhiddenFractionAddsPartOfTheShorterTerm) {
  hw::System h100 = loadBundled("h100");
  hw::Unit &gpu = h100.units.front();
  ASSERT_EQ(gpu.name, "gpu");
  GemmShape gemm{512, 8192, 8192};
  Cost overlapped = valueOf(estimate(h100, gpu, gemm));
  EXPECT_NEAR(overlapped.computeSeconds, 138.91e-6, 0.01e-6);
  EXPECT_NEAR(overlapped.memorySeconds, 56.341e-6, 0.001e-6);
  EXPECT_NEAR(overlapped.seconds, 143.91e-6, 0.01e-6);

  gpu.calibration.computeMemoryUnhidden = 0.5;
  EXPECT_NEAR(valueOf(estimate(h100, gpu, gemm)).seconds, 172.08e-6, 0.01e-6);
  gpu.calibration.computeMemoryUnhidden = 1;
  EXPECT_NEAR(valueOf(estimate(h100, gpu, gemm)).seconds, 200.25e-6, 0.01e-6);
}

} // namespace
