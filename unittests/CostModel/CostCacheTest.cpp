//===- CostCacheTest.cpp - memoised kernel costs equal fresh ones ---------===//
//
// The cache must answer exactly what cost::estimate answers, tell apart
// kernels that differ in any one field, and never mix up units.
//
//===----------------------------------------------------------------------===//

#include "TestSystems.h"

#include "duplex/CostModel/CostCache.h"
#include "duplex/CostModel/CostModel.h"

#include "gtest/gtest.h"

using namespace llvm;
using namespace duplex;
using namespace duplex::cost;
using namespace duplex::testing;

namespace {

Cost fresh(const hw::System &system, const hw::Unit &unit,
           const Kernel &kernel) {
  Expected<Cost> cost = std::visit(
      [&](const auto &shape) { return estimate(system, unit, shape); }, kernel);
  EXPECT_TRUE(bool(cost)) << toString(cost.takeError());
  return *cost;
}

void expectSame(const Cost &a, const Cost &b) {
  EXPECT_EQ(a.seconds, b.seconds);
  EXPECT_EQ(a.joules, b.joules);
  EXPECT_EQ(a.flops, b.flops);
  EXPECT_EQ(a.bytes, b.bytes);
  EXPECT_EQ(a.memorySeconds, b.memorySeconds);
  EXPECT_EQ(a.dramJoules, b.dramJoules);
}

GemmShape decodeGemm() {
  GemmShape gemm;
  gemm.m = 8;
  gemm.k = 4096;
  gemm.n = 14336;
  return gemm;
}

TEST(CostCacheTest, HitsAnswerWhatAFreshEstimateAnswers) {
  hw::System duplex = loadBundled("duplex");
  CostCache cache(duplex);
  DecodeAttention attention;
  attention.shape = {32, 8, 128, 16, 16, hw::DType::FP16};
  attention.addRequests(1024, 3);
  attention.addRequests(2048);
  for (const hw::Unit &unit : duplex.units)
    for (const Kernel &kernel : {Kernel(decodeGemm()), Kernel(attention)}) {
      Cost expected = fresh(duplex, unit, kernel);
      for (int pass = 0; pass < 2; ++pass) {
        Expected<Cost> cached = cache.estimate(unit, kernel);
        ASSERT_TRUE(bool(cached));
        expectSame(*cached, expected);
      }
    }
  // 2 units x 2 kernels: one miss each, then one hit each.
  EXPECT_EQ(cache.getMisses(), 4u);
  EXPECT_EQ(cache.getHits(), 4u);
}

TEST(CostCacheTest, ManyKernelsStayFoundAsTheTableGrows) {
  // 3,000 distinct GEMMs on two units: 6,000 entries, past a chunk of
  // entries (1,024) and through the table's growth (1,024 -> 16,384 slots).
  // Each is a miss once, then a hit that answers what a fresh estimate
  // answers.
  hw::System duplex = loadBundled("duplex");
  CostCache cache(duplex);
  for (int pass = 0; pass < 2; ++pass)
    for (uint64_t m = 1; m <= 3000; ++m)
      for (const hw::Unit &unit : duplex.units) {
        GemmShape gemm = decodeGemm();
        gemm.m = m;
        Expected<Cost> cached = cache.estimate(unit, gemm);
        ASSERT_TRUE(bool(cached));
        if (m % 97 == 0)
          expectSame(*cached, fresh(duplex, unit, gemm));
      }
  uint64_t entries = 3000 * duplex.units.size();
  EXPECT_EQ(cache.getMisses(), entries);
  EXPECT_EQ(cache.getHits(), entries);
}

TEST(CostCacheTest, EveryFieldSetsKernelsApart) {
  hw::System duplex = loadBundled("duplex");
  const hw::Unit &xpu = unitNamed(duplex, "xpu");
  CostCache cache(duplex);
  GemmShape base = decodeGemm();
  SmallVector<GemmShape, 8> variants(6, base);
  variants[0].m = 9;
  variants[1].k = 4097;
  variants[2].n = 14337;
  variants[3].weightBits = 8;
  variants[4].activationBits = 32;
  variants[5].computeType = hw::DType::FP8;
  ASSERT_TRUE(bool(cache.estimate(xpu, base)));
  for (const GemmShape &variant : variants) {
    EXPECT_FALSE(Kernel(variant) == Kernel(base));
    Expected<Cost> cached = cache.estimate(xpu, variant);
    ASSERT_TRUE(bool(cached));
    expectSame(*cached, fresh(duplex, xpu, variant));
  }
  EXPECT_EQ(cache.getHits(), 0u);
  // Kernels of different shapes with equal-looking fields differ too.
  ExpertFfn expert;
  expert.tokens = 8;
  expert.hidden = 4096;
  expert.intermediate = 14336;
  EXPECT_FALSE(Kernel(expert) == Kernel(base));
  Elementwise a, b;
  a.elements = b.elements = 1000;
  b.flopsPerElement = 4;
  EXPECT_FALSE(Kernel(a) == Kernel(b));
  EXPECT_NE(hashKernel(a), hashKernel(b));
}

TEST(CostCacheTest, RequestListsAreKeysInFull) {
  hw::System duplex = loadBundled("duplex");
  const hw::Unit &xpu = unitNamed(duplex, "xpu");
  CostCache cache(duplex);
  PrefillAttention one, two;
  one.shape = two.shape = {32, 8, 128, 16, 16, hw::DType::FP16};
  one.promptTokens = {512, 256};
  two.promptTokens = {256, 512};
  EXPECT_FALSE(Kernel(one) == Kernel(two));
  expectSame(*cache.estimate(xpu, one), fresh(duplex, xpu, one));
  expectSame(*cache.estimate(xpu, two), fresh(duplex, xpu, two));
  EXPECT_EQ(cache.getHits(), 0u);
}

TEST(CostCacheTest, AnotherSystemIsPricedAfresh) {
  hw::System duplex = loadBundled("duplex");
  hw::System h100 = loadBundled("h100");
  CostCache cache(duplex);
  const hw::Unit &gpu = h100.units.front();
  Expected<Cost> cost = estimateKernel(h100, gpu, decodeGemm(), &cache);
  ASSERT_TRUE(bool(cost));
  expectSame(*cost, fresh(h100, gpu, decodeGemm()));
  EXPECT_EQ(cache.getMisses() + cache.getHits(), 0u);
}

} // namespace
