//===- KernelsTest.cpp - FLOPs, bytes and Op/B of kernel shapes -----------===//

#include "TestSystems.h"

#include "duplex/CostModel/Kernels.h"

#include "gtest/gtest.h"

using namespace duplex;
using namespace duplex::cost;
using namespace duplex::testing;

namespace {

double segmentBytes(const Workload &workload) {
  double bytes = 0;
  for (const Segment &segment : workload.segments)
    bytes += segment.bytes * segment.count;
  return bytes;
}

DecodeAttention decode(unsigned heads, unsigned kvHeads, unsigned requests,
                       uint64_t context) {
  DecodeAttention attention;
  attention.shape.heads = heads;
  attention.shape.kvHeads = kvHeads;
  attention.shape.headDim = 128;
  attention.addRequests(context, requests);
  return attention;
}

// Per request at context 1024, head dim 128, fp16:
//   FLOPs  4 x 1024 x 128 x heads   (Q.K^T and P.V)
//   bytes  2 x kvHeads x 1024 x 128 x 2 B (K, V) + 2 x heads x 128 x 2 B (q, o)
// Mixtral (32/8): 16,777,216 / (4,194,304 + 16,384) = 3.984 ~ group 4
// Llama-3-70B (64/8): 33,554,432 / (4,194,304 + 32,768) = 7.938 ~ 8
// OPT-66B (72/72): 37,748,736 / (37,748,736 + 36,864) = 0.999 ~ 1
TEST(KernelsTest, DecodeAttentionOpsPerByteIsTheGroupSize) {
  Workload mixtral = valueOf(workloadOf(decode(32, 8, 64, 1024)));
  EXPECT_DOUBLE_EQ(mixtral.flops, 64 * 16777216.0);
  EXPECT_DOUBLE_EQ(mixtral.bytes(), 64 * 4210688.0);
  EXPECT_NEAR(mixtral.opsPerByte(), 3.984, 0.001);
  EXPECT_NEAR(valueOf(workloadOf(decode(64, 8, 64, 1024))).opsPerByte(), 7.938,
              0.001);
  EXPECT_NEAR(valueOf(workloadOf(decode(72, 72, 64, 1024))).opsPerByte(), 0.999,
              0.001);
}

// Mixtral expert (hidden 4096, intermediate 14336, gated = 3 matrices):
//   FLOPs 2 x n x 4096 x 14336 x 3; weights 3 x 4096 x 14336 x 2 B
//   n = 8: 2,818,572,288 / (352,321,536 + 2 x 8 x 4096 x 2 B) = 7.997 ~ n
//   n = 1: 352,321,536 / (352,321,536 + 16,384) = 0.99995 ~ n
TEST(KernelsTest, ExpertOpsPerByteIsItsTokenCount) {
  ExpertFfn expert{8, 4096, 14336};
  Workload eight = valueOf(workloadOf(expert));
  EXPECT_DOUBLE_EQ(eight.flops, 2818572288.0);
  EXPECT_DOUBLE_EQ(eight.bytes(), 352452608.0);
  EXPECT_NEAR(eight.opsPerByte(), 7.997, 0.001);
  expert.tokens = 1;
  EXPECT_NEAR(valueOf(workloadOf(expert)).opsPerByte(), 0.99995, 0.00001);
}

// A plain (non-gated) FFN has 2 matrices: 2/3 of the gated FLOPs and weights.
TEST(KernelsTest, PlainFfnHasTwoMatrices) {
  ExpertFfn gated{8, 4096, 14336};
  ExpertFfn plain = gated;
  plain.gated = false;
  Workload a = valueOf(workloadOf(gated));
  Workload b = valueOf(workloadOf(plain));
  EXPECT_DOUBLE_EQ(b.flops * 3, a.flops * 2);
  EXPECT_DOUBLE_EQ(b.readBytes, 2 * 4096 * 14336 * 2.0 + 8 * 4096 * 2.0);
}

// 4 x 4096 by 4096 x 4096 with int4 weights: 2 x 4 x 4096^2 = 134,217,728
// FLOPs; weights 4096^2 / 2 = 8,388,608 B; in 4 x 4096 x 2 = 32,768 B; out
// 32,768 B.
TEST(KernelsTest, GemmFlopsAndBytes) {
  GemmShape gemm{4, 4096, 4096};
  gemm.weightBits = 4;
  Workload workload = valueOf(workloadOf(gemm));
  EXPECT_DOUBLE_EQ(workload.flops, 134217728);
  EXPECT_DOUBLE_EQ(workload.readBytes, 8388608 + 32768);
  EXPECT_DOUBLE_EQ(workload.writeBytes, 32768);
  EXPECT_DOUBLE_EQ(segmentBytes(workload), workload.bytes());
}

// Prompt of 4 tokens, 8 heads (MHA), head dim 64: causal pairs 4 x 5 / 2 = 10
// -> 4 x 10 x 64 x 8 = 20,480 FLOPs; non-causal 16 pairs -> 32,768. Q and O
// 4 x 8 x 64 x 2 B = 4096 B each; K and V 2 x 8 heads x 4 x 64 x 2 B = 8192.
TEST(KernelsTest, PrefillAttentionCountsQueryKeyPairs) {
  PrefillAttention attention;
  attention.shape = AttentionShape{8, 8, 64};
  attention.promptTokens = {4};
  Workload causal = valueOf(workloadOf(attention));
  EXPECT_DOUBLE_EQ(causal.flops, 20480);
  EXPECT_DOUBLE_EQ(causal.readBytes, 4096 + 8192);
  EXPECT_DOUBLE_EQ(causal.writeBytes, 4096);
  EXPECT_DOUBLE_EQ(segmentBytes(causal), causal.bytes());
  attention.causal = false;
  EXPECT_DOUBLE_EQ(valueOf(workloadOf(attention)).flops, 32768);
}

// Softmax over 32 x 1024 fp16: 5 FLOPs per element = 163,840; read and write
// 65,536 B each. Residual add of 4096 fp16: read 2 x 8192, write 8192.
TEST(KernelsTest, SoftmaxAndElementwise) {
  Workload softmax = valueOf(workloadOf(Softmax{32, 1024}));
  EXPECT_DOUBLE_EQ(softmax.flops, 163840);
  EXPECT_DOUBLE_EQ(softmax.readBytes, 65536);
  EXPECT_DOUBLE_EQ(softmax.writeBytes, 65536);
  Elementwise add;
  add.elements = 4096;
  add.inputs = 2;
  Workload residual = valueOf(workloadOf(add));
  EXPECT_DOUBLE_EQ(residual.flops, 4096);
  EXPECT_DOUBLE_EQ(residual.readBytes, 16384);
  EXPECT_DOUBLE_EQ(residual.writeBytes, 8192);
  EXPECT_DOUBLE_EQ(segmentBytes(residual), residual.bytes());
}

// Decode attention lays K and V out per request and KV head: 2 x 8 segments
// of 1024 x 128 x 2 B = 256 KiB for each of the 3 requests, one run of 48
// (requests of one context length share their segments' entry).
TEST(KernelsTest, DecodeAttentionSegmentsPerRequestAndKvHead) {
  Workload workload = valueOf(workloadOf(decode(32, 8, 3, 1024)));
  ASSERT_FALSE(workload.segments.empty());
  EXPECT_DOUBLE_EQ(workload.segments[0].bytes, 262144);
  EXPECT_DOUBLE_EQ(workload.segments[0].count, 48);
  EXPECT_EQ(workload.segments[0].data, SegmentData::KVCache);
  EXPECT_DOUBLE_EQ(segmentBytes(workload), workload.bytes());
}

// Requests are kept as runs of one context length, in order; the runs give
// the same workload as one request at a time.
TEST(KernelsTest, DecodeAttentionRunsOfEqualContexts) {
  DecodeAttention runs = decode(32, 8, 0, 0);
  for (uint64_t context : {512, 512, 2048, 2048, 2048, 512})
    runs.addRequests(context);
  ASSERT_EQ(runs.contexts.size(), 3u);
  EXPECT_EQ(runs.contexts[1].tokens, 2048u);
  EXPECT_EQ(runs.contexts[1].requests, 3u);
  EXPECT_EQ(runs.requests(), 6u);
  // 3 x 512 + 3 x 2048 tokens x 32 heads x 128 x 4 FLOP = 125,829,120; K and
  // V: 7,680 tokens x 8 heads x 128 x 2 B x 2 = 31,457,280 B, q 8 KiB each.
  Workload workload = valueOf(workloadOf(runs));
  EXPECT_DOUBLE_EQ(workload.flops, 125829120);
  EXPECT_DOUBLE_EQ(workload.readBytes, 31457280 + 6 * 8192);
  EXPECT_DOUBLE_EQ(workload.writeBytes, 6 * 8192);
}

TEST(KernelsTest, RejectsInvalidShapes) {
  llvm::Expected<Workload> indivisible = workloadOf(decode(30, 4, 1, 16));
  ASSERT_FALSE(bool(indivisible));
  EXPECT_EQ(llvm::toString(indivisible.takeError()),
            "attention heads (30) must be a multiple of kv heads (4)");
  GemmShape zeroBits{1, 16, 16};
  zeroBits.weightBits = 0;
  llvm::Expected<Workload> gemm = workloadOf(zeroBits);
  ASSERT_FALSE(bool(gemm));
  EXPECT_EQ(llvm::toString(gemm.takeError()),
            "GEMM weight bits must be positive");
}

} // namespace

namespace {

// MLA decode over its latent (DeepSeek-V3, 16 heads per device): keys are
// the 512-element latent plus the 64-element rotary key, values the latent
// itself, so a cached token is 576 x 2 B, read once for all heads. Per
// request at context 1024:
//   FLOPs  2 x 1024 x (576 + 512) x 16          = 35,651,584
//   bytes  1024 x 576 x 2 + q 16 x 576 x 2 + o 16 x 512 x 2
//          = 1,179,648 + 18,432 + 16,384         = 1,214,464
//   Op/B 29.36: the head count, not a group size, sets it.
TEST(KernelsTest, LatentDecodeAttentionReadsTheSharedCacheOnce) {
  DecodeAttention mla;
  mla.shape.heads = 16;
  mla.shape.kvHeads = 1;
  mla.shape.headDim = 576;
  mla.shape.valueDim = 512;
  mla.shape.sharedValue = true;
  mla.addRequests(1024, 2);
  Workload workload = valueOf(workloadOf(mla));
  EXPECT_DOUBLE_EQ(workload.flops, 2 * 35651584.0);
  EXPECT_DOUBLE_EQ(workload.bytes(), 2 * 1214464.0);
  EXPECT_DOUBLE_EQ(segmentBytes(workload), workload.bytes());
  EXPECT_NEAR(workload.opsPerByte(), 29.356, 0.001);
  // Without sharing, the values would be a 512-wide cache of their own.
  mla.shape.sharedValue = false;
  Workload apart = valueOf(workloadOf(mla));
  EXPECT_DOUBLE_EQ(apart.bytes() - workload.bytes(), 2 * 1024 * 512 * 2.0);
  // Values wider than the keys cannot be part of them.
  mla.shape.sharedValue = true;
  mla.shape.valueDim = 640;
  EXPECT_FALSE(bool(workloadOf(mla)));
  consumeError(workloadOf(mla).takeError());
}

// MLA prefill expands the latent: 16 heads of keys 192 (128 + 64) and
// values 128. One causal prompt of 100 tokens, 5,050 query-key pairs:
//   FLOPs 2 x 5050 x (192 + 128) x 16            = 51,712,000
//   bytes q 100 x 16 x 192 x 2 + k 16 x 100 x 192 x 2 + v 16 x 100 x 128 x 2
//         + o 100 x 16 x 128 x 2
//         = 614,400 + 614,400 + 409,600 + 409,600 = 2,048,000
TEST(KernelsTest, PrefillAttentionWithNarrowerValues) {
  PrefillAttention prefill;
  prefill.shape = {16, 16, 192, 16, 16, hw::DType::FP16};
  prefill.shape.valueDim = 128;
  prefill.promptTokens = {100};
  Workload workload = valueOf(workloadOf(prefill));
  EXPECT_DOUBLE_EQ(workload.flops, 51712000.0);
  EXPECT_DOUBLE_EQ(workload.bytes(), 2048000.0);
  EXPECT_DOUBLE_EQ(segmentBytes(workload), workload.bytes());
}

// A batched GEMM: 16 independent 32 x 128 -> 512 products (MLA's W_UK):
//   FLOPs 2 x 32 x 128 x 512 x 16 = 67,108,864; bytes (fp8 weights)
//   16 x (128 x 512 + 32 x 128 x 2 + 32 x 512 x 2) = 1,703,936
TEST(KernelsTest, BatchedGemmMultipliesEveryPart) {
  GemmShape gemm{32, 128, 512, 8, 16, hw::DType::FP16, 16};
  Workload workload = valueOf(workloadOf(gemm));
  EXPECT_DOUBLE_EQ(workload.flops, 67108864.0);
  EXPECT_DOUBLE_EQ(workload.bytes(), 1703936.0);
  EXPECT_DOUBLE_EQ(segmentBytes(workload), workload.bytes());
  gemm.batch = 0;
  EXPECT_FALSE(bool(workloadOf(gemm)));
  consumeError(workloadOf(gemm).takeError());
}

} // namespace
