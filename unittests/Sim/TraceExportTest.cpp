//===- TraceExportTest.cpp - Chrome trace and schedule JSON shape ---------===//

#include "SimTestUtils.h"

#include "duplex/Sim/StageEvaluator.h"
#include "duplex/Sim/StageSchedule.h"
#include "duplex/Sim/TraceExport.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <map>

using namespace duplex;
using namespace duplex::sim;
using namespace duplex::sim::testing;

namespace {

struct Evaluated {
  hw::System system;
  Schedule schedule;
  StageResult result;
};

Evaluated mixedStage() {
  Evaluated out{loadBundled("duplex"), {}, {}};
  StageScheduleOptions options;
  options.decoderLayers = 32;
  out.schedule = valueOf(buildStageSchedule(
      out.system, mixtralItems(mixedMixtralStage()), options));
  StageEvaluator evaluator(out.system);
  out.result = valueOf(evaluator.evaluate(out.schedule));
  return out;
}

/// `text` parsed as JSON; null (and a test failure) if it is not JSON.
llvm::json::Value parsed(llvm::StringRef text) {
  llvm::Expected<llvm::json::Value> value = llvm::json::parse(text);
  if (!value) {
    ADD_FAILURE() << llvm::toString(value.takeError());
    return nullptr;
  }
  return std::move(*value);
}

/// The trace as printed, parsed back: what Perfetto would read.
llvm::json::Value printedTrace(const Evaluated &stage) {
  std::string text;
  llvm::raw_string_ostream os(text);
  writeChromeTrace(os, stage.system, stage.schedule, stage.result);
  return parsed(text);
}

// One track per unit named after the unit kind, one "X" slice per task in
// microseconds; the prefill slice on the xpu track overlaps the decode
// slice on the logic_pim track.
TEST(TraceExportTest, TracksAreNamedAfterUnitKinds) {
  Evaluated stage = mixedStage();
  llvm::json::Value trace = printedTrace(stage);
  const llvm::json::Array *events =
      trace.getAsObject()->getArray("traceEvents");
  ASSERT_TRUE(events);

  std::map<int64_t, std::string> tracks;
  std::map<std::string, const llvm::json::Object *> slices;
  size_t taskSlices = 0;
  for (const llvm::json::Value &value : *events) {
    const llvm::json::Object &event = *value.getAsObject();
    llvm::StringRef ph = *event.getString("ph");
    if (ph == "M" && *event.getString("name") == "thread_name")
      tracks[*event.getInteger("tid")] =
          event.getObject("args")->getString("name")->str();
    if (ph == "X" && *event.getString("cat") != "repeat" &&
        *event.getString("cat") != "overhead") {
      ++taskSlices;
      slices[event.getString("name")->str()] = &event;
    }
  }
  EXPECT_EQ(tracks,
            (std::map<int64_t, std::string>{{1, "xpu"}, {2, "logic_pim"}}));
  EXPECT_EQ(taskSlices, stage.schedule.tasks.size());

  const llvm::json::Object *prefill = slices["llm.attention #1 prefill"];
  const llvm::json::Object *decode = slices["llm.attention #1 decode"];
  ASSERT_TRUE(prefill && decode);
  EXPECT_EQ(*prefill->getInteger("tid"), 1);
  EXPECT_EQ(*decode->getInteger("tid"), 2);
  double prefillStart = *prefill->getNumber("ts");
  double prefillEnd = prefillStart + *prefill->getNumber("dur");
  double decodeStart = *decode->getNumber("ts");
  double decodeEnd = decodeStart + *decode->getNumber("dur");
  EXPECT_LT(prefillStart, decodeEnd);
  EXPECT_LT(decodeStart, prefillEnd);
  // Microseconds.
  TaskId id = taskNamed(stage.schedule, "llm.attention #1 prefill");
  EXPECT_NEAR(*prefill->getNumber("dur"),
              stage.result.tasks[id].seconds() * 1e6, 1e-9);
  const llvm::json::Object *args = prefill->getObject("args");
  EXPECT_EQ(*args->getString("category"), "attention_prefill");
  EXPECT_GT(*args->getNumber("flops"), 0);
  EXPECT_GT(*args->getNumber("bytes"), 0);
}

// The 32-layer segment shows layers 2-32 on each track it uses, after the
// first layer's slices.
// Layers 2..N repeat layer 1's tasks on their own tracks: each track's
// repeat slices add up to (N - 1) x its layer-1 busy time, so a unit idle in
// layer 1 stays idle (the logic_pim at 0.19% was drawn busy for the
// whole repeat).
TEST(TraceExportTest, RepeatedLayersRepeatEachTracksBusyIntervals) {
  Evaluated stage = mixedStage();
  llvm::json::Value trace = printedTrace(stage);
  std::map<int64_t, double> drawn, expected;
  size_t repeats = 0, expectedRepeats = 0;
  for (const SegmentTiming &segment : stage.result.segments)
    for (TaskId id = segment.begin; id < segment.end; ++id) {
      const Task &task = stage.schedule.tasks[id];
      double seconds = stage.result.tasks[id].seconds();
      if (task.stream == kNoStream || seconds <= 0)
        continue;
      expected[task.stream + 1] += seconds * double(segment.layers - 1);
      expectedRepeats += segment.layers - 1;
    }
  ASSERT_GT(expectedRepeats, 0u);
  for (const llvm::json::Value &value :
       *trace.getAsObject()->getArray("traceEvents")) {
    const llvm::json::Object &event = *value.getAsObject();
    if (!event.getString("cat") || *event.getString("cat") != "repeat")
      continue;
    ++repeats;
    int64_t layer = *event.getObject("args")->getInteger("layer");
    EXPECT_GE(layer, 2);
    EXPECT_LE(layer, 32);
    drawn[*event.getInteger("tid")] += *event.getNumber("dur") * 1e-6;
  }
  EXPECT_EQ(repeats, expectedRepeats);
  ASSERT_EQ(drawn.size(), expected.size());
  for (auto [tid, seconds] : expected)
    EXPECT_NEAR(drawn[tid], seconds, 1e-9 * seconds) << "track " << tid;
}

TEST(TraceExportTest, ScheduleJSONListsStartAndEndPerTask) {
  Evaluated stage = mixedStage();
  std::string text;
  llvm::raw_string_ostream os(text);
  writeScheduleJSON(os, stage.system, stage.schedule, stage.result);
  llvm::json::Value json = parsed(text);
  const llvm::json::Object &root = *json.getAsObject();
  EXPECT_EQ(*root.getString("system"), "duplex");
  EXPECT_DOUBLE_EQ(*root.getNumber("stage_seconds"), stage.result.stageSeconds);
  const llvm::json::Array &tasks = *root.getArray("tasks");
  ASSERT_EQ(tasks.size(), stage.schedule.tasks.size());
  TaskId decode = taskNamed(stage.schedule, "llm.attention #1 decode");
  const llvm::json::Object &task = *tasks[decode].getAsObject();
  EXPECT_EQ(*task.getString("stream"), "logic_pim");
  EXPECT_DOUBLE_EQ(*task.getNumber("start_seconds"),
                   stage.result.tasks[decode].startSeconds);
  EXPECT_DOUBLE_EQ(*task.getNumber("end_seconds"),
                   stage.result.tasks[decode].endSeconds);
  EXPECT_EQ(*task.getString("slice"), "requests=2..63");
  EXPECT_EQ(task.getArray("deps")->size(), 1u);
  // Deterministic: printing twice gives the same bytes.
  std::string again;
  llvm::raw_string_ostream os2(again);
  writeScheduleJSON(os2, stage.system, stage.schedule, stage.result);
  EXPECT_EQ(text, again);
}

} // namespace
