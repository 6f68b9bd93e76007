//===- ScheduleTest.cpp - schedule validation: units, cycles, layers ------===//

#include "SimTestUtils.h"

#include "duplex/Sim/Schedule.h"

#include "gtest/gtest.h"

using namespace duplex;
using namespace duplex::sim;
using namespace duplex::sim::testing;

namespace {

TEST(ScheduleTest, ValidScheduleBindsUnitsAndLinks) {
  hw::System duplex = loadBundled("duplex");
  Schedule schedule;
  TaskId a = addFixed(schedule, "qkv", "xpu", 1e-6);
  TaskId b = addFixed(schedule, "attn", "logic_pim", 1e-6, {a});
  addFixed(schedule, "copy", "pcie5", 1e-6, {b});
  expectSuccess(validate(duplex, schedule));
  llvm::Expected<llvm::SmallVector<Resource, 4>> bound =
      bindStreams(duplex, schedule);
  ASSERT_TRUE(bool(bound)) << llvm::toString(bound.takeError());
  ASSERT_EQ(bound->size(), 3u);
  EXPECT_EQ((*bound)[1].kind, Resource::Kind::Unit);
  EXPECT_EQ(resourceKindName(duplex, (*bound)[1]), "logic_pim");
  EXPECT_EQ((*bound)[2].kind, Resource::Kind::Link);
  EXPECT_EQ(resourceKindName(duplex, (*bound)[2]), "pcie");
}

TEST(ScheduleTest, TaskOnAUnitTheSystemLacksIsNamed) {
  hw::System h100 = loadBundled("h100");
  Schedule schedule;
  TaskId a = addFixed(schedule, "qkv", "gpu", 1e-6);
  addFixed(schedule, "decode attention", "logic_pim", 1e-6, {a});
  std::string message = errorOf(validate(h100, schedule));
  EXPECT_CONTAINS(message, "task 'decode attention' runs on 'logic_pim', "
                           "which system 'h100' lacks");
  EXPECT_CONTAINS(message, "units: gpu");
}

TEST(ScheduleTest, DependencyCycleIsNamed) {
  hw::System duplex = loadBundled("duplex");
  Schedule schedule;
  addFixed(schedule, "a", "xpu", 1e-6, {2});
  addFixed(schedule, "b", "logic_pim", 1e-6, {0});
  addFixed(schedule, "c", "logic_pim", 1e-6, {1});
  std::string message = errorOf(validate(duplex, schedule));
  EXPECT_CONTAINS(message, "dependency cycle");
  // In the order they would run, from where the search closed the loop.
  EXPECT_CONTAINS(message, "'b' -> 'c' -> 'a' -> 'b'");
}

// a depends on b, but b comes after a on the xPU stream: b waits for a's
// turn on the stream and a waits for b.
TEST(ScheduleTest, StreamOrderCycleIsNamed) {
  hw::System duplex = loadBundled("duplex");
  Schedule schedule;
  addFixed(schedule, "a", "xpu", 1e-6, {1});
  addFixed(schedule, "b", "xpu", 1e-6);
  std::string message = errorOf(validate(duplex, schedule));
  EXPECT_CONTAINS(message, "dependency cycle");
  EXPECT_CONTAINS(message, "stream 'xpu' order");
}

TEST(ScheduleTest, KernelOnALinkIsRejected) {
  hw::System duplex = loadBundled("duplex");
  Schedule schedule;
  addKernel(schedule, "gemv", "pcie5", cost::GemmShape{1, 64, 64});
  EXPECT_CONTAINS(errorOf(validate(duplex, schedule)),
                  "task 'gemv' has kernels but runs on link 'pcie5'");
}

TEST(ScheduleTest, DependencyOnALaterLayerGroupIsRejected) {
  hw::System duplex = loadBundled("duplex");
  Schedule schedule;
  addFixed(schedule, "embed", "xpu", 1e-6, {1}, 1);
  addFixed(schedule, "layer", "xpu", 1e-6, {}, 32);
  EXPECT_CONTAINS(errorOf(validate(duplex, schedule)),
                  "task 'embed' depends on 'layer'");
}

TEST(ScheduleTest, SegmentsFollowLayerCounts) {
  Schedule schedule;
  addFixed(schedule, "embed", "xpu", 1e-6, {}, 1);
  addFixed(schedule, "qkv", "xpu", 1e-6, {}, 32);
  addFixed(schedule, "moe", "xpu", 1e-6, {}, 32);
  addFixed(schedule, "head", "xpu", 1e-6, {}, 1);
  llvm::SmallVector<Segment, 4> segments;
  computeSegments(schedule, segments);
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(segments[1].begin, 1u);
  EXPECT_EQ(segments[1].end, 3u);
  EXPECT_EQ(segments[1].layers, 32u);
}

// The dx IR's slice text: runs of three or more as inclusive ranges.
TEST(ScheduleTest, SlicesPrintAndParseAsTheIRWritesThem) {
  Slice experts{SliceKind::Experts, {0, 3, 5}};
  EXPECT_EQ(toString(experts), "experts=0,3,5");
  Slice requests{SliceKind::Requests, {0, 1, 2, 3, 7, 8, 10, 11, 12}};
  EXPECT_EQ(toString(requests), "requests=0..3,7,8,10..12");
  Slice parsed = valueOf(parseSlice("requests=0..3,7,8,10..12"));
  EXPECT_EQ(parsed.kind, SliceKind::Requests);
  EXPECT_EQ(parsed.indices, requests.indices);
  EXPECT_EQ(toString(Slice()), "");
  EXPECT_CONTAINS(toString(parseSlice("layers=1").takeError()),
                  "expected experts=, requests= or heads=");
  EXPECT_CONTAINS(toString(parseSlice("heads=4..2").takeError()),
                  "runs backwards");
}

// A barrier on no stream (dx.sync) joins its dependencies without holding
// a stream; with work it is an error.
TEST(ScheduleTest, StreamlessBarriersOnlyJoin) {
  hw::System duplex = loadBundled("duplex");
  Schedule schedule;
  TaskId a = addFixed(schedule, "a", "xpu", 1e-6);
  TaskId b = addFixed(schedule, "b", "logic_pim", 1e-6);
  Task sync;
  sync.name = "join";
  sync.stream = kNoStream;
  sync.deps = {a, b};
  schedule.addTask(sync);
  expectSuccess(validate(duplex, schedule));
  sync.fixedSeconds = 1e-6;
  schedule.addTask(sync);
  EXPECT_CONTAINS(errorOf(validate(duplex, schedule)),
                  "task 'join' has work but no stream");
}

TEST(ScheduleTest, NamesRoundTrip) {
  for (unsigned i = 0; i < kNumTaskCategories; ++i) {
    auto category = TaskCategory(i);
    EXPECT_EQ(parseTaskCategory(toString(category)), category);
  }
  EXPECT_EQ(parseCollectiveKind("all_reduce"), CollectiveKind::AllReduce);
  EXPECT_EQ(parseSliceKind("experts"), SliceKind::Experts);
  EXPECT_FALSE(parseTaskCategory("attention"));
}

} // namespace
