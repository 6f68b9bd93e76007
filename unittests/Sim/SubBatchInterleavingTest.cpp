//===- SubBatchInterleavingTest.cpp - L3 sub-batches, ranksets, formation -===//
//
// dgx-a100-dimm-pim numbers used below: A100 312 TFLOPS x 0.5 = 156
// TFLOPS, 2039 GB/s x 0.8 = 1631.2 GB/s, 5 us per kernel; 8 GPUs per node
// share the DIMM-PIM; DIMM-PIM: 8192 banks, DDR4 1 KB rows of 128 columns
// x 8 B at tCCD_L 5 ns, tRCD = tRP = 13.75 ns (a row: 13.75 + 640 + 13.75 =
// 667.5 ns, exposed), 8192 x 200 MHz x 64 = 104.9 TFLOPS, 5 us per kernel;
// 2 DIMMs x 2 ranks = 4 ranks per channel; PCIe 4: 31.5 GB/s, 2 us.
//
//===----------------------------------------------------------------------===//

#include "SimTestUtils.h"

#include "duplex/Sim/StageEvaluator.h"
#include "duplex/Sim/SubBatchInterleaving.h"
#include "duplex/Sim/TraceExport.h"

#include "gtest/gtest.h"

using namespace duplex;
using namespace duplex::sim;
using namespace duplex::sim::testing;

namespace {

constexpr double us = 1e-6;

TEST(SubBatchInterleavingTest, RanksetOverlapKeepsThreeQuartersOfCompute) {
  // Compute bound: max(20, 100 + 20 / 4) = 105 instead of 120.
  EXPECT_DOUBLE_EQ(ranksetPimSeconds(100, 20, 4), 105);
  EXPECT_DOUBLE_EQ(ranksetPimSeconds(100, 20, 1), 120);
  // Transfer bound: 20 of PCIe hide 10 of compute at 3/4 rate.
  EXPECT_DOUBLE_EQ(ranksetPimSeconds(10, 20, 4), 20);
}

TEST(SubBatchInterleavingTest, StepPairsEachGpuPhaseWithTheOtherPimPhase) {
  SubBatchTimes first, second;
  first.gpuSeconds = 262;
  first.pimSeconds = 85;
  second.gpuSeconds = 262.5;
  second.pimSeconds = 1412;
  // max(262, 1412) + max(262.5, 85).
  EXPECT_DOUBLE_EQ(interleavedLayerSeconds(first, second), 1674.5);
}

/// A 4096-wide MHA model: 32 heads of 128, plain FFN 16384, one layer.
DecoderLayerShape mhaShape() {
  return makeDecoderLayerShape(4096, 32, 32, 128, 16384, false, 1);
}

/// The cost-model predictor of mhaShape() on `system`; none (and a test
/// failure) on error.
std::optional<CostModelPredictor> predictorFor(const hw::System &system) {
  llvm::Expected<CostModelPredictor> predictor =
      CostModelPredictor::create(system, mhaShape());
  if (!predictor) {
    ADD_FAILURE() << llvm::toString(predictor.takeError());
    return std::nullopt;
  }
  return std::move(*predictor);
}

// sb0: 4 decode requests at context 1024; sb1: 16 at 8192.
//   T_GPU (memory-bound GEMVs, weights dominate):
//     sb0: QKV 100,794,368 B / 1631.2 GB/s + 5 = 66.792 us, output
//          33,619,968 B -> 25.611 us, FFN 268,500,992 B -> 169.603 us;
//          262.005 us.
//     sb1: 67.033 + 25.731 + 169.724 = 262.488 us.
//   T_PIM (8 GPUs' worth of work on one DIMM-PIM):
//     sb0: 4 x 64 K/V segments of 256 rows + 8 query segments of 8 rows =
//          65,600 rows x 667.5 ns / 8192 banks = 5.345 us, + 5 us = 10.345
//          us, x 8 = 82.762 us. PCIe: 98,304 B of Q/K/V (3.121 + 2 us) and
//          32,768 B of outputs (1.040 + 2 us) = 8.161 us. Ranksets:
//          max(8.161, 82.762 + 8.161 / 4) = 84.802 us.
//     sb1: 1024 segments of 2048 rows + 32 x 8 rows: 170.901 us + 5 = 175.901
//          x 8 = 1407.207 us; PCIe 14.483 + 6.161 = 20.644 us; 1407.207 +
//          5.161 = 1412.368 us.
//   Step: max(262.005, 1412.368) + max(262.488, 84.802) = 1674.856 us.
TEST(SubBatchInterleavingTest, StepTimeIsMaxOfPairedGpuAndPimTimes) {
  hw::System dgx = loadBundled("dgx-a100-dimm-pim");
  std::optional<CostModelPredictor> predictor = predictorFor(dgx);
  ASSERT_TRUE(predictor);
  EXPECT_EQ(predictor->ranksets(), 4u);
  SubBatch first, second;
  first.decodeContexts.assign(4, 1024);
  second.decodeContexts.assign(16, 8192);
  SubBatchTimes t0 = valueOf(predictor->predict(first));
  SubBatchTimes t1 = valueOf(predictor->predict(second));
  EXPECT_NEAR(t0.gpuSeconds, 262.005 * us, 0.001 * us);
  EXPECT_NEAR(t1.gpuSeconds, 262.488 * us, 0.001 * us);
  EXPECT_NEAR(t0.decodeAttentionSeconds, 82.762 * us, 0.001 * us);
  EXPECT_NEAR(t0.transferSeconds, 8.161 * us, 0.001 * us);
  EXPECT_NEAR(t0.pimSeconds, 84.802 * us, 0.001 * us);
  EXPECT_NEAR(t1.pimSeconds, 1412.368 * us, 0.001 * us);

  Schedule schedule = valueOf(buildSubBatchSchedule(*predictor, first, second));
  expectSuccess(validate(dgx, schedule));
  StageEvaluator evaluator(dgx, {MemorySharing::SplitBandwidth, false});
  StageResult result = valueOf(evaluator.evaluate(schedule));
  ASSERT_EQ(result.segments.size(), 1u);
  EXPECT_NEAR(result.segments[0].secondsPerLayer, 1674.856 * us, 0.001 * us);
  EXPECT_NEAR(result.stageSeconds, interleavedLayerSeconds(t0, t1), 1e-12);
  // sb1's GPU work waits for its attention of the layer before.
  TaskId pim1 = taskNamed(schedule, "sb1 attention decode");
  TaskId fc1 = taskNamed(schedule, "sb1 fc");
  EXPECT_DOUBLE_EQ(result.tasks[fc1].startSeconds,
                   result.tasks[pim1].endSeconds);
}

// Data-parallel replicas share the one DIMM-PIM of the node: with TP2 x DP4
// each device's decode attention still takes 8 x 10.345 = 82.762 us (as
// with TP8 above); TP2 alone would share it 2 ways: 2 x 10.345 = 20.690 us.
TEST(SubBatchInterleavingTest, ReplicasOfANodeShareTheDimmPim) {
  hw::System dgx = loadBundled("dgx-a100-dimm-pim");
  hw::System dp4 = valueOf(dgx.withTopology(2, 1, 4));
  hw::System tp2 = valueOf(dgx.withTopology(2, 1));
  SubBatch first;
  first.decodeContexts.assign(4, 1024);
  for (auto [system, expected] :
       {std::pair<const hw::System *, double>{&dp4, 82.762},
        std::pair<const hw::System *, double>{&tp2, 20.690}}) {
    std::optional<CostModelPredictor> predictor = predictorFor(*system);
    ASSERT_TRUE(predictor);
    SubBatchTimes times = valueOf(predictor->predict(first));
    EXPECT_NEAR(times.decodeAttentionSeconds, expected * us, 0.001 * us);
  }
}

// The trace has a gpu, a dimm_pim and a pcie track, named as the schedule
// JSON names its streams (the device file's unit and link names).
TEST(SubBatchInterleavingTest, TraceTracksAreGpuDimmPimAndPcie) {
  hw::System dgx = loadBundled("dgx-a100-dimm-pim");
  std::optional<CostModelPredictor> predictor = predictorFor(dgx);
  ASSERT_TRUE(predictor);
  SubBatch first, second;
  first.prefillTokens = {512};
  first.decodeContexts.assign(4, 1024);
  second.decodeContexts.assign(4, 1024);
  Schedule schedule = valueOf(buildSubBatchSchedule(*predictor, first, second));
  StageResult result = valueOf(StageEvaluator(dgx).evaluate(schedule));
  llvm::json::Value trace = chromeTraceJSON(dgx, schedule, result);
  std::vector<std::string> tracks;
  for (const llvm::json::Value &event :
       *trace.getAsObject()->getArray("traceEvents"))
    if (*event.getAsObject()->getString("name") == "thread_name")
      tracks.push_back(
          event.getAsObject()->getObject("args")->getString("name")->str());
  EXPECT_EQ(tracks, (std::vector<std::string>{"gpu", "dimm_pim", "pcie4"}));
  // 512 prompt tokens x 2 x 32 KV heads x 128 x 2 B = 8 MiB of prefill KV.
  TaskId kv = taskNamed(schedule, "sb0 prefill kv");
  EXPECT_DOUBLE_EQ(schedule.tasks[kv].transfer->bytes, 8388608);
}

// Baselines on the same machinery: Bank-PIM in the GPU's HBM needs no PCIe
// (and its decode attention is priced by the evaluator, sharing the HBM);
// rank-level PIM keeps no rankset overlap: T_PIM = W + C.
TEST(SubBatchInterleavingTest, HbmPimAndRankPimBaselines) {
  SubBatch batch;
  batch.decodeContexts.assign(8, 2048);

  hw::System hbmPim = loadBundled("dgx-a100-hbm-pim");
  std::optional<CostModelPredictor> onHbm = predictorFor(hbmPim);
  ASSERT_TRUE(onHbm);
  EXPECT_EQ(onHbm->attentionUnit().kind, hw::UnitKind::BankPim);
  EXPECT_EQ(onHbm->link(), nullptr);
  SubBatchTimes hbm = valueOf(onHbm->predict(batch));
  EXPECT_EQ(hbm.transferSeconds, 0);
  EXPECT_EQ(hbm.pimSeconds, hbm.decodeAttentionSeconds);
  Schedule schedule = valueOf(buildSubBatchSchedule(*onHbm, batch, batch));
  EXPECT_FALSE(schedule.findStream("pcie4"));
  EXPECT_FALSE(
      schedule.tasks[taskNamed(schedule, "sb0 attention decode")].fixedSeconds);

  hw::System rankPim = loadBundled("dgx-a100-rank-pim");
  std::optional<CostModelPredictor> onRanks = predictorFor(rankPim);
  ASSERT_TRUE(onRanks);
  EXPECT_EQ(onRanks->attentionUnit().kind, hw::UnitKind::RankPim);
  EXPECT_EQ(onRanks->ranksets(), 1u);
  SubBatchTimes ranks = valueOf(onRanks->predict(batch));
  EXPECT_DOUBLE_EQ(ranks.pimSeconds,
                   ranks.decodeAttentionSeconds + ranks.transferSeconds);

  hw::System h100 = loadBundled("h100");
  EXPECT_CONTAINS(
      toString(CostModelPredictor::create(h100, mhaShape()).takeError()),
      "no unit to hold the KV cache");
}

/// Linear times: T_GPU = gpuFixed + tokens, T_PIM = 10 x decode requests.
class LinearPredictor : public SubBatchPredictor {
public:
  explicit LinearPredictor(double gpuFixed) : gpuFixed(gpuFixed) {}
  llvm::Expected<SubBatchTimes> predict(const SubBatch &batch) const override {
    SubBatchTimes times;
    times.gpuSeconds = gpuFixed + double(batch.tokens());
    times.pimSeconds = 10.0 * batch.decodeContexts.size();
    return times;
  }

private:
  double gpuFixed;
};

// Prompts [50, 50], 60 decode candidates at context 10, 4 at a time.
// After one prefill each: T_GPU = 150 both, T_PIM = 0. Each round adds 4
// decodes to each sub-batch while T_PIM(i) <= T_GPU(other): with d each,
// T_PIM = 10 d and T_GPU = 150 + d. Before round 5, d = 16: 160 <= 166,
// so both reach d = 20 (T_PIM 200 > T_GPU 170) and stop; 20 candidates
// wait. Step: max(170, 200) + max(170, 200) = 400.
TEST(SubBatchInterleavingTest, FormationAddsDecodesUntilPimExceedsGpu) {
  LinearPredictor predictor(100);
  std::vector<uint64_t> decodes(60, 10);
  FormationOptions options;
  options.decodeIncrement = 4;
  SubBatchPlan plan =
      valueOf(formSubBatches(predictor, {50, 50}, decodes, options));
  EXPECT_EQ(plan.subBatches[0].prefillTokens,
            (llvm::SmallVector<uint64_t, 4>{50}));
  EXPECT_EQ(plan.subBatches[1].prefillTokens,
            (llvm::SmallVector<uint64_t, 4>{50}));
  EXPECT_EQ(plan.subBatches[0].decodeContexts.size(), 20u);
  EXPECT_EQ(plan.subBatches[1].decodeContexts.size(), 20u);
  EXPECT_EQ(plan.decodeRequests[0].front(), 0u);
  EXPECT_EQ(plan.decodeRequests[1].front(), 4u);
  EXPECT_FALSE(plan.kvMemoryFull);
  EXPECT_FALSE(plan.chunkedPrefillTokens);
  EXPECT_DOUBLE_EQ(plan.layerSeconds, 400);
}

// KV memory for the prompts (50 + 50 B at 1 B per token) and 8 decodes of
// 11 B: 188 B. Round 1 adds 4 + 4 decodes; the next increment does not fit.
// T_GPU = 10 + 54 = 64 per sub-batch, T_PIM = 40: the PIM idles. The last
// prefill (sb1) is chunked to the largest t with 10 + 4 + t <= 40: t = 26.
// Step: max(64, 40) + max(40, 40) = 104.
TEST(SubBatchInterleavingTest, FullMemoryChunksTheLastPrefill) {
  LinearPredictor predictor(10);
  std::vector<uint64_t> decodes(60, 10);
  FormationOptions options;
  options.decodeIncrement = 4;
  options.kvCapacityBytes = 188;
  options.kvBytesPerToken = 1;
  SubBatchPlan plan =
      valueOf(formSubBatches(predictor, {50, 50}, decodes, options));
  EXPECT_TRUE(plan.kvMemoryFull);
  EXPECT_EQ(plan.subBatches[0].decodeContexts.size(), 4u);
  EXPECT_EQ(plan.subBatches[1].decodeContexts.size(), 4u);
  ASSERT_TRUE(plan.chunkedPrefillTokens);
  EXPECT_EQ(*plan.chunkedPrefillTokens, 26u);
  EXPECT_EQ(plan.subBatches[1].prefillTokens.back(), 26u);
  EXPECT_DOUBLE_EQ(plan.times[1].gpuSeconds, 40);
  EXPECT_DOUBLE_EQ(plan.layerSeconds, 104);
  EXPECT_DOUBLE_EQ(plan.kvBytes, 188 - 24);
}

// As the serving loop uses it: prompts [50, 50, 30] and 60 decodes at
// context 10, 4 at a time, every request placed. The third prompt goes to
// sb0 (T_GPU 150 = 150, the first wins): T_GPU = 180 + d0 and 150 + d1.
// Decodes go 4 at a time while T_PIM(i) <= T_GPU(other): (20, 20), then
// sb1 once more (200 <= 200): (20, 24). Now 200 > 174 and 240 > 200: the
// PIM bounds the step, so the rest go to the smaller T_PIM, sb0 on a tie:
// (24, 24), (28, 24), (28, 28), (32, 28). T_GPU = 212 and 178, T_PIM = 320
// and 280; step max(212, 280) + max(178, 320) = 600.
TEST(SubBatchInterleavingTest, FormationCanPlaceEveryRequest) {
  LinearPredictor predictor(100);
  std::vector<uint64_t> decodes(60, 10);
  FormationOptions options;
  options.decodeIncrement = 4;
  options.placeEveryRequest = true;
  SubBatchPlan plan =
      valueOf(formSubBatches(predictor, {50, 50, 30}, decodes, options));
  EXPECT_EQ(plan.subBatches[0].prefillTokens,
            (llvm::SmallVector<uint64_t, 4>{50, 30}));
  EXPECT_EQ(plan.subBatches[1].prefillTokens,
            (llvm::SmallVector<uint64_t, 4>{50}));
  EXPECT_EQ(plan.prefillRequests[0], (llvm::SmallVector<uint32_t, 4>{0, 2}));
  EXPECT_EQ(plan.subBatches[0].decodeContexts.size(), 32u);
  EXPECT_EQ(plan.subBatches[1].decodeContexts.size(), 28u);
  EXPECT_DOUBLE_EQ(plan.times[0].gpuSeconds, 212);
  EXPECT_DOUBLE_EQ(plan.times[1].pimSeconds, 280);
  EXPECT_DOUBLE_EQ(plan.layerSeconds, 600);
  EXPECT_FALSE(plan.chunkedPrefillTokens);
}

TEST(SubBatchInterleavingTest, DecodeIncrementFollowsTheAttentionKind) {
  EXPECT_EQ(defaultDecodeIncrement(mhaShape().attention), 1u);
  EXPECT_EQ(defaultDecodeIncrement(
                makeDecoderLayerShape(8192, 64, 8, 128, 24576, true, 80, 4)
                    .attention),
            16u);
  // 64 heads / 4 = 16 per device, 8 KV heads / 4 = 2: 2 x 2 x 128 x 2 B x
  // 80 layers = 81,920 B per token.
  EXPECT_DOUBLE_EQ(makeDecoderLayerShape(8192, 64, 8, 128, 24576, true, 80, 4)
                       .kvBytesPerToken(),
                   81920);
}

} // namespace
