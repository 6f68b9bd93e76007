//===- StageEvaluatorTest.cpp - timelines, shared HBM, layers, energy -----===//
//
// duplex.json numbers used below: xPU 989.4 TFLOPS fp16 x 0.5 efficiency,
// 3.35 TB/s x 0.8 eta = 2.68 TB/s, 5 us per kernel, 3000 us per step,
// 100 us per layer, 80 W static; Logic-PIM 160 units x 650 MHz x 1024
// FLOPs = 106.5 TFLOPS, 0.05 W each; HBM3 with 4 bundles per pseudo-channel
// (1 active for PIM), tCCD_L 3.057 ns, logic-die TSVs 4 x 3.35 = 13.4 TB/s.
//
//===----------------------------------------------------------------------===//

#include "SimTestUtils.h"

#include "duplex/Sim/StageEvaluator.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace duplex;
using namespace duplex::sim;
using namespace duplex::sim::testing;

namespace {

constexpr double us = 1e-6;

EvaluateOptions noOverheads() {
  EvaluateOptions options;
  options.includeOverheads = false;
  return options;
}

// xpu: a [0, 3) then c [3, 5); logic_pim: b waits for a, runs [3, 8).
TEST(StageEvaluatorTest, ListSchedulingFollowsDepsAndStreamOrder) {
  hw::System duplex = loadBundled("duplex");
  Schedule schedule;
  TaskId a = addFixed(schedule, "a", "xpu", 3 * us);
  TaskId b = addFixed(schedule, "b", "logic_pim", 5 * us, {a});
  TaskId c = addFixed(schedule, "c", "xpu", 2 * us);
  StageEvaluator evaluator(duplex, noOverheads());
  StageResult result = valueOf(evaluator.evaluate(schedule));
  EXPECT_NEAR(result.tasks[a].startSeconds, 0, 1e-15);
  EXPECT_NEAR(result.tasks[c].startSeconds, 3 * us, 1e-15);
  EXPECT_NEAR(result.tasks[c].endSeconds, 5 * us, 1e-15);
  EXPECT_NEAR(result.tasks[b].startSeconds, 3 * us, 1e-15);
  EXPECT_NEAR(result.tasks[b].endSeconds, 8 * us, 1e-15);
  EXPECT_NEAR(result.stageSeconds, 8 * us, 1e-15);
  EXPECT_NEAR(result.units[0].busySeconds, 5 * us, 1e-15);
  EXPECT_NEAR(result.units[1].busySeconds, 5 * us, 1e-15);
}

// A barrier (no work) on the xPU holds the stream until both deps are done:
// d waits for the 4 us PIM task although it has no dependency itself.
TEST(StageEvaluatorTest, BarrierHoldsItsStream) {
  hw::System duplex = loadBundled("duplex");
  Schedule schedule;
  TaskId a = addFixed(schedule, "a", "xpu", 1 * us);
  TaskId b = addFixed(schedule, "b", "logic_pim", 4 * us);
  Task barrier;
  barrier.name = "sync";
  barrier.stream = schedule.streamFor("xpu");
  barrier.deps = {a, b};
  TaskId sync = schedule.addTask(barrier);
  TaskId d = addFixed(schedule, "d", "xpu", 1 * us);
  StageEvaluator evaluator(duplex, noOverheads());
  StageResult result = valueOf(evaluator.evaluate(schedule));
  EXPECT_NEAR(result.tasks[sync].endSeconds, 4 * us, 1e-15);
  EXPECT_NEAR(result.tasks[d].startSeconds, 4 * us, 1e-15);
  EXPECT_NEAR(result.stageSeconds, 5 * us, 1e-15);
}

// A stream-less barrier (dx.sync) ends when its last dependency does and
// holds no stream: c on the xPU waits for it (4 us) while d, next on the
// xPU after nothing, is not held back by it.
TEST(StageEvaluatorTest, StreamlessBarrierJoinsWithoutAStream) {
  hw::System duplex = loadBundled("duplex");
  Schedule schedule;
  TaskId a = addFixed(schedule, "a", "xpu", 1 * us);
  TaskId b = addFixed(schedule, "b", "logic_pim", 4 * us);
  Task barrier;
  barrier.name = "join";
  barrier.stream = kNoStream;
  barrier.deps = {a, b};
  TaskId join = schedule.addTask(barrier);
  TaskId c = addFixed(schedule, "c", "logic_pim", 2 * us, {join});
  TaskId d = addFixed(schedule, "d", "xpu", 1 * us);
  StageEvaluator evaluator(duplex, noOverheads());
  StageResult result = valueOf(evaluator.evaluate(schedule));
  EXPECT_NEAR(result.tasks[join].startSeconds, 4 * us, 1e-15);
  EXPECT_NEAR(result.tasks[join].endSeconds, 4 * us, 1e-15);
  EXPECT_NEAR(result.tasks[c].startSeconds, 4 * us, 1e-15);
  EXPECT_NEAR(result.tasks[d].startSeconds, 1 * us, 1e-15);
  EXPECT_NEAR(result.stageSeconds, 6 * us, 1e-15);
}

// Layer groups: embed (1 layer, 2 us), a 32-layer group of 3 + 1 us serial
// tasks (4 us per layer), a 1-layer head of 5 us:
//   work = 2 + 32 x 4 + 5 = 135 us;
//   overheads = 3000 us per step + 32 layers x 100 us = 6200 us.
Schedule layeredStage() {
  Schedule schedule;
  schedule.decoderLayers = 32;
  addFixed(schedule, "embed", "xpu", 2 * us, {}, 1);
  TaskId qkv = addFixed(schedule, "qkv", "xpu", 3 * us, {}, 32);
  addFixed(schedule, "attn", "logic_pim", 1 * us, {qkv}, 32);
  addFixed(schedule, "head", "xpu", 5 * us, {}, 1);
  return schedule;
}

TEST(StageEvaluatorTest, RepeatedLayersAndCalibrationOverheads) {
  hw::System duplex = loadBundled("duplex");
  Schedule schedule = layeredStage();
  StageEvaluator evaluator(duplex);
  StageResult result = valueOf(evaluator.evaluate(schedule));
  EXPECT_NEAR(result.workSeconds, 135 * us, 1e-12);
  EXPECT_NEAR(result.overheadSeconds, 6200 * us, 1e-12);
  EXPECT_NEAR(result.stageSeconds, 6335 * us, 1e-12);
  ASSERT_EQ(result.segments.size(), 3u);
  EXPECT_NEAR(result.segments[1].secondsPerLayer, 4 * us, 1e-15);
  EXPECT_NEAR(result.segments[2].startSeconds, 130 * us, 1e-12);
  // The xPU is busy 2 + 32 x 3 + 5 = 103 us, Logic-PIM 32 x 1 us.
  EXPECT_NEAR(result.units[0].busySeconds, 103 * us, 1e-12);
  EXPECT_NEAR(result.units[1].busySeconds, 32 * us, 1e-12);
}

// The same stage with half of the overhead running alongside the kernels:
// it hides behind the 135 us of work, 6200 - 0.5 x 135 = 6132.5 us. With
// all of it overlapping and only 1 us per layer (32 us < 135 us of work),
// the overhead is a floor the work already exceeds: the stage takes 135 us.
TEST(StageEvaluatorTest, OverlappingOverheadHidesBehindTheWork) {
  hw::System duplex = loadBundled("duplex");
  Schedule schedule = layeredStage();
  duplex.units[0].calibration.overheadOverlap = 0.5;
  {
    StageEvaluator evaluator(duplex);
    StageResult result = valueOf(evaluator.evaluate(schedule));
    EXPECT_NEAR(result.overheadSeconds, 6132.5 * us, 1e-12);
    EXPECT_NEAR(result.stageSeconds, 6267.5 * us, 1e-12);
  }
  duplex.units[0].calibration.overheadOverlap = 1;
  duplex.units[0].calibration.perStepSeconds = 0;
  duplex.units[0].calibration.perLayerSeconds = 1 * us;
  StageEvaluator evaluator(duplex);
  StageResult result = valueOf(evaluator.evaluate(schedule));
  EXPECT_NEAR(result.overheadSeconds, 0, 1e-15);
  EXPECT_NEAR(result.stageSeconds, 135 * us, 1e-12);
}

// Two memory-bound GEMVs 1 x 4096 x 4096 fp16 (33,570,816 B each) at once,
// one on each unit of the shared HBM.
//   xPU alone:  memory 33,570,816 / 2.68e12 = 12.5264 us, compute 0.068 us,
//               + 5 us launch = 17.5264 us; demand 2.680 TB/s.
//   PIM alone:  bundle rows of 8 banks x 1 KB = 8 KB, 32 columns x tCCD_L
//               3.0570 ns = 97.824 ns per row; (4096 + 2) rows / 160
//               bundles x 97.824 ns = 2.50551 us (TSVs: 2.50529 us), compute
//               0.315 us, + 5 us = 7.50551 us; demand 13.399 TB/s.
//   Shared:     the TSVs (13.4 TB/s) carry both: f = 13.4 / 16.079 = 0.83338.
//               PIM: 2.50551 / f + 5 = 8.00646 us -> rate 0.937432;
//               xPU: 12.5264 / f + 5 = 20.0308 us -> rate 0.874973.
//   Timeline:   PIM ends at 8.00646 us; the xPU has done 8.00646 x 0.874973
//               = 7.00544 us of its 17.5264, the rest alone: ends at
//               8.00646 + 10.5210 = 18.5275 us.
TEST(StageEvaluatorTest, OverlappingMemoryBoundTasksSplitTheTSVs) {
  hw::System duplex = loadBundled("duplex");
  // Weights spread over every bundle section, so PIM rows stream back to
  // back (duplex.json keeps an expert in one section; the GEMV here is not).
  duplex.memories[0].hbm->bankBundle->sectionsPerWeightStream = 0;
  Schedule schedule;
  TaskId onXpu =
      addKernel(schedule, "gemv xpu", "xpu", cost::GemmShape{1, 4096, 4096});
  TaskId onPim = addKernel(schedule, "gemv pim", "logic_pim",
                           cost::GemmShape{1, 4096, 4096});

  StageEvaluator independent(duplex, {MemorySharing::Independent, false});
  StageResult alone = valueOf(independent.evaluate(schedule));
  EXPECT_NEAR(alone.tasks[onXpu].endSeconds, 17.5264 * us, 0.0005 * us);
  EXPECT_NEAR(alone.tasks[onPim].endSeconds, 7.5055 * us, 0.0005 * us);

  StageEvaluator shared(duplex, noOverheads());
  StageResult result = valueOf(shared.evaluate(schedule));
  EXPECT_NEAR(result.tasks[onPim].endSeconds, 8.0065 * us, 0.0005 * us);
  EXPECT_NEAR(result.tasks[onXpu].endSeconds, 18.5275 * us, 0.0005 * us);
  EXPECT_NEAR(result.tasks[onXpu].standaloneSeconds, 17.5264 * us, 0.0005 * us);
}

// The xPU's own bank bundles: 3 of 4 per pseudo-channel, 160 x 3 x 8 banks
// x 32 B / 3.057 ns = 40.2 TB/s, far above its 3.35 TB/s PHY; the shared
// stage is the TSVs at 4 x 3.35 TB/s.
TEST(StageEvaluatorTest, SharedMemoryModelComesFromTheOrganisation) {
  hw::System duplex = loadBundled("duplex");
  SharedMemoryModel model = buildSharedMemoryModel(duplex);
  EXPECT_NEAR(model.sharedBytesPerSecond[0], 13.4e12, 1e6);
  EXPECT_NEAR(model.unitCapBytesPerSecond[0], 40.196e12, 0.001e12);
  EXPECT_TRUE(std::isinf(model.unitCapBytesPerSecond[1]));
  // A GPU alone on its HBM shares nothing.
  hw::System h100 = loadBundled("h100");
  EXPECT_TRUE(std::isinf(buildSharedMemoryModel(h100).sharedBytesPerSecond[0]));
}

// One GEMV 1 x 4096 x 4096 on the xPU:
//   DRAM 33,570,816 B x 8 x 3.48 pJ = 934.61 uJ; rows 33,570,816 / 1024 =
//   32,784 x 0.909 nJ = 29.80 uJ; MACs 16,777,216 x 0.23 pJ = 3.86 uJ
//   -> 968.27 uJ dynamic.
//   Static: (80 W + 160 x 0.05 W) x 17.5264 us = 88 W x 17.5264 us =
//   1542.3 uJ.
TEST(StageEvaluatorTest, EnergyIsKernelEnergyPlusStaticPower) {
  hw::System duplex = loadBundled("duplex");
  Schedule schedule;
  addKernel(schedule, "gemv", "xpu", cost::GemmShape{1, 4096, 4096});
  StageEvaluator evaluator(duplex, noOverheads());
  StageResult result = valueOf(evaluator.evaluate(schedule));
  EXPECT_NEAR(result.dynamicJoules, 968.27e-6, 0.01e-6);
  EXPECT_NEAR(result.staticJoules, 1542.3e-6, 0.1e-6);
  EXPECT_NEAR(result.units[1].staticJoules, 8 * 17.5264e-6, 0.001e-6);
  EXPECT_NEAR(result.categoryJoules[unsigned(TaskCategory::Other)], 968.27e-6,
              0.01e-6);
}

// 1 MB over PCIe 5 (63 GB/s, 2 us): 1e6 / 63e9 + 2 us = 17.873 us.
TEST(StageEvaluatorTest, TransfersRunOnLinkStreams) {
  hw::System duplex = loadBundled("duplex");
  Schedule schedule;
  Task copy;
  copy.name = "kv to host";
  copy.category = TaskCategory::Communication;
  copy.stream = schedule.streamFor("pcie5");
  copy.transfer = Transfer{CollectiveKind::PointToPoint, 1e6, 1};
  TaskId id = schedule.addTask(copy);
  StageEvaluator evaluator(duplex, noOverheads());
  StageResult result = valueOf(evaluator.evaluate(schedule));
  EXPECT_NEAR(result.tasks[id].endSeconds, 17.873 * us, 0.001 * us);
  EXPECT_NEAR(result.links[1].busySeconds, 17.873 * us, 0.001 * us);
  EXPECT_NEAR(result.categorySecondsOf(TaskCategory::Communication),
              17.873 * us, 0.001 * us);
}

TEST(StageEvaluatorTest, MalformedSchedulesAreErrorsNotCrashes) {
  hw::System duplex = loadBundled("duplex");
  StageEvaluator evaluator(duplex);
  Schedule cyclic;
  addFixed(cyclic, "a", "xpu", 1 * us, {1});
  addFixed(cyclic, "b", "xpu", 1 * us);
  EXPECT_CONTAINS(toString(evaluator.evaluate(cyclic).takeError()),
                  "dependency cycle");
  Schedule outOfRange;
  addFixed(outOfRange, "a", "xpu", 1 * us, {7});
  EXPECT_CONTAINS(toString(evaluator.evaluate(outOfRange).takeError()),
                  "task 'a' depends on task #7");
}

// Re-evaluating with the same evaluator and result gives the same numbers.
TEST(StageEvaluatorTest, ReusedEvaluatorIsDeterministic) {
  hw::System duplex = loadBundled("duplex");
  Schedule schedule;
  TaskId a = addKernel(schedule, "x", "xpu", cost::GemmShape{8, 4096, 4096});
  addKernel(schedule, "p", "logic_pim", cost::GemmShape{1, 4096, 14336}, {a});
  addKernel(schedule, "q", "xpu", cost::GemmShape{1, 4096, 4096});
  StageEvaluator evaluator(duplex);
  StageResult first, second;
  expectSuccess(evaluator.evaluate(schedule, first));
  expectSuccess(evaluator.evaluate(schedule, second));
  EXPECT_EQ(first.stageSeconds, second.stageSeconds);
  EXPECT_EQ(first.joules(), second.joules());
}

} // namespace
