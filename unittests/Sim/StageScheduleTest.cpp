//===- StageScheduleTest.cpp - co-processing modes on Mixtral stages ------===//

#include "SimTestUtils.h"

#include "duplex/Sim/StageEvaluator.h"
#include "duplex/Sim/StageSchedule.h"

#include "gtest/gtest.h"

using namespace duplex;
using namespace duplex::sim;
using namespace duplex::sim::testing;

namespace {

StageScheduleOptions withMode(CoprocessMode mode) {
  StageScheduleOptions options;
  options.mode = mode;
  options.decoderLayers = 32;
  return options;
}

bool overlap(const TaskTiming &a, const TaskTiming &b) {
  return a.startSeconds < b.endSeconds && b.startSeconds < a.endSeconds;
}

// Mixed stage under pe: after the QKV projection both attention parts
// start at once, prefill on the xPU and decode on Logic-PIM, and overlap.
// Under none the decode part waits for the prefill part.
TEST(StageScheduleTest, MixedStageOverlapsPrefillAndDecodeAttention) {
  hw::System duplex = loadBundled("duplex");
  std::vector<WorkItem> items = mixtralItems(mixedMixtralStage());
  StageEvaluator evaluator(duplex);

  Schedule pe =
      valueOf(buildStageSchedule(duplex, items, withMode(CoprocessMode::PE)));
  expectSuccess(validate(duplex, pe));
  StageResult result = valueOf(evaluator.evaluate(pe));
  TaskId qkv = taskNamed(pe, "llm.linear qkv #0");
  TaskId prefill = taskNamed(pe, "llm.attention #1 prefill");
  TaskId decode = taskNamed(pe, "llm.attention #1 decode");
  EXPECT_EQ(pe.streams[pe.tasks[prefill].stream].resource, "xpu");
  EXPECT_EQ(pe.streams[pe.tasks[decode].stream].resource, "logic_pim");
  EXPECT_DOUBLE_EQ(result.tasks[prefill].startSeconds,
                   result.tasks[qkv].endSeconds);
  EXPECT_DOUBLE_EQ(result.tasks[decode].startSeconds,
                   result.tasks[qkv].endSeconds);
  EXPECT_TRUE(overlap(result.tasks[prefill], result.tasks[decode]));
  // The slices: prefill requests 0-1, decode requests 2-63.
  EXPECT_EQ(pe.tasks[prefill].slice.kind, SliceKind::Requests);
  EXPECT_EQ(pe.tasks[prefill].slice.indices.size(), 2u);
  EXPECT_EQ(pe.tasks[decode].slice.indices.front(), 2u);
  EXPECT_EQ(pe.tasks[decode].slice.indices.back(), 63u);

  Schedule none =
      valueOf(buildStageSchedule(duplex, items, withMode(CoprocessMode::None)));
  StageResult serial = valueOf(evaluator.evaluate(none));
  TaskId prefillNone = taskNamed(none, "llm.attention #1 prefill");
  TaskId decodeNone = taskNamed(none, "llm.attention #1 decode");
  EXPECT_DOUBLE_EQ(serial.tasks[decodeNone].startSeconds,
                   serial.tasks[prefillNone].endSeconds);
  EXPECT_LT(result.stageSeconds, serial.stageSeconds);
}

// Decode-only stage, 16 tokens per expert, MoE placed on Logic-PIM. Under
// pe the experts split 2 on the xPU, 6 on Logic-PIM (ExpertCoprocessing
// test), both after the router and overlapping; the xPU then reduces the
// PIM experts' partial sums. Under none the whole MoE runs on Logic-PIM
// and the reduction follows on the xPU.
TEST(StageScheduleTest, DecodeStageSplitsExpertsAcrossUnits) {
  hw::System duplex = loadBundled("duplex");
  std::vector<WorkItem> items = mixtralItems(decodeMixtralStage());
  StageEvaluator evaluator(duplex);

  Schedule pe =
      valueOf(buildStageSchedule(duplex, items, withMode(CoprocessMode::PE)));
  StageResult result = valueOf(evaluator.evaluate(pe));
  TaskId router = taskNamed(pe, "llm.moe #3 router");
  TaskId onXpu = taskNamed(pe, "llm.moe #3 experts xpu");
  TaskId onPim = taskNamed(pe, "llm.moe #3 experts logic_pim");
  TaskId reduce = taskNamed(pe, "llm.moe #3 reduce");
  EXPECT_EQ(pe.tasks[onXpu].slice.indices.size(), 2u);
  EXPECT_EQ(pe.tasks[onPim].slice.indices.size(), 6u);
  EXPECT_EQ(pe.tasks[onPim].slice.kind, SliceKind::Experts);
  EXPECT_DOUBLE_EQ(result.tasks[onPim].startSeconds,
                   result.tasks[router].endSeconds);
  EXPECT_TRUE(overlap(result.tasks[onXpu], result.tasks[onPim]));
  EXPECT_GE(result.tasks[reduce].startSeconds, result.tasks[onPim].endSeconds);
  EXPECT_GE(result.tasks[reduce].startSeconds, result.tasks[onXpu].endSeconds);
  // Both units read the shared HBM at once, but at 16 tokens the PIM
  // experts are compute bound: 352.6 MB per 52.93 us = 6.66 TB/s, plus the
  // xPU's 2.68 TB/s, stays below the 13.4 TB/s TSVs. Nobody slows down.
  EXPECT_NEAR(result.tasks[onXpu].seconds(),
              result.tasks[onXpu].standaloneSeconds, 1e-15);
  EXPECT_NEAR(result.tasks[onXpu].seconds(), 2 * 136.56e-6, 0.01e-6);

  Schedule none =
      valueOf(buildStageSchedule(duplex, items, withMode(CoprocessMode::None)));
  StageResult serial = valueOf(evaluator.evaluate(none));
  TaskId moe = taskNamed(none, "llm.moe #3");
  TaskId reduceNone = taskNamed(none, "llm.moe #3 reduce");
  EXPECT_EQ(none.streams[none.tasks[moe].stream].resource, "logic_pim");
  EXPECT_EQ(none.streams[none.tasks[reduceNone].stream].resource, "xpu");
  EXPECT_DOUBLE_EQ(serial.tasks[reduceNone].startSeconds,
                   serial.tasks[moe].endSeconds);
  EXPECT_LT(result.stageSeconds, serial.stageSeconds);
}

// Two half batches of the decode stage: each half's chain is serial, but
// the halves alternate on both streams, so while the first half's decode
// attention runs on Logic-PIM the second half's QKV runs on the xPU. Each
// half reads every FC weight again: the QKV bytes of the halves sum to
// about twice the one-batch QKV bytes (weights 50.3 MB dominate).
TEST(StageScheduleTest, TwoMiniBatchesAlternateBetweenUnits) {
  hw::System duplex = loadBundled("duplex");
  MixtralStage half = decodeMixtralStage();
  half.contexts.assign(32, 1024);
  half.tokensPerExpert.assign(8, 8);
  std::vector<WorkItem> items = mixtralItems(half);
  Schedule schedule = valueOf(buildTwoMiniBatchSchedule(
      duplex, items, items, withMode(CoprocessMode::TwoMiniBatch)));
  expectSuccess(validate(duplex, schedule));
  StageEvaluator evaluator(duplex);
  StageResult result = valueOf(evaluator.evaluate(schedule));
  TaskId firstAttention = taskNamed(schedule, "mb0: llm.attention #1 decode");
  TaskId secondQkv = taskNamed(schedule, "mb1: llm.linear qkv #0");
  EXPECT_TRUE(overlap(result.tasks[firstAttention], result.tasks[secondQkv]));

  Schedule whole = valueOf(buildStageSchedule(
      duplex, mixtralItems(decodeMixtralStage()), withMode(CoprocessMode::PE)));
  StageResult one = valueOf(evaluator.evaluate(whole));
  double halvesBytes =
      result.tasks[secondQkv].bytes +
      result.tasks[taskNamed(schedule, "mb0: llm.linear qkv #0")].bytes;
  double oneBytes = one.tasks[taskNamed(whole, "llm.linear qkv #0")].bytes;
  EXPECT_GT(halvesBytes, 1.9 * oneBytes);
  llvm::Expected<Schedule> refused =
      buildStageSchedule(duplex, items, withMode(CoprocessMode::TwoMiniBatch));
  EXPECT_CONTAINS(toString(refused.takeError()), "the work of each half");
}

// A part in host memory (DIMM-PIM) gets its inputs copied over PCIe before
// and its output after; an all-reduce follows on NVLink.
TEST(StageScheduleTest, HostPlacedPartsCopyOverThePcieLink) {
  hw::System dgx = loadBundled("dgx-a100-dimm-pim");
  WorkItem attention;
  attention.label = "llm.attention";
  attention.part = WorkPart::Decode;
  attention.category = TaskCategory::AttentionDecode;
  attention.kernels.push_back(
      cost::DecodeAttention{{72, 72, 128}, {{4096, 1}}});
  attention.unit = 1; // dimm_pim
  attention.inputTransferBytes = 1e6;
  attention.outputTransferBytes = 5e5;
  attention.allReduceBytes = 1e6;
  attention.allReduceDevices = 8;
  Schedule schedule = valueOf(
      buildStageSchedule(dgx, {attention}, withMode(CoprocessMode::None)));
  ASSERT_EQ(schedule.tasks.size(), 4u);
  EXPECT_EQ(schedule.streams[schedule.tasks[0].stream].resource, "pcie4");
  EXPECT_EQ(schedule.streams[schedule.tasks[1].stream].resource, "dimm_pim");
  EXPECT_EQ(schedule.streams[schedule.tasks[2].stream].resource, "pcie4");
  EXPECT_EQ(schedule.streams[schedule.tasks[3].stream].resource, "nvlink3");
  EXPECT_EQ(schedule.tasks[3].transfer->kind, CollectiveKind::AllReduce);
  StageEvaluator evaluator(dgx);
  StageResult result = valueOf(evaluator.evaluate(schedule));
  // 1 MB / 31.5 GB/s + 2 us = 33.746 us for the copy in.
  EXPECT_NEAR(result.tasks[0].seconds(), 33.746e-6, 0.001e-6);
  EXPECT_DOUBLE_EQ(result.tasks[1].startSeconds, result.tasks[0].endSeconds);
}

TEST(StageScheduleTest, ModeNames) {
  EXPECT_EQ(parseCoprocessMode("pe-et"), CoprocessMode::PEET);
  EXPECT_EQ(toString(CoprocessMode::TwoMiniBatch), "two-mini-batch");
  EXPECT_FALSE(parseCoprocessMode("duplex"));
}

} // namespace
