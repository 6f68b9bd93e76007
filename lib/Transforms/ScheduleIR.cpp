//===- ScheduleIR.cpp - dx.schedule <-> sim::Schedule ---------------------===//

#include "duplex/Transforms/ScheduleIR.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace duplex;

/// Six significant digits: what MLIR prints as a plain decimal (longer
/// values print as hexadecimal bit patterns), and ample for a timeline.
static FloatAttr readable(Builder &builder, double value) {
  if (value == 0 || !std::isfinite(value))
    return builder.getF64FloatAttr(value);
  double scale = std::pow(10.0, 5 - std::floor(std::log10(std::fabs(value))));
  return builder.getF64FloatAttr(std::round(value * scale) / scale);
}

dx::ScheduleOp duplex::emitScheduleIR(OpBuilder &builder, Location loc,
                                      const hw::System &system,
                                      const sim::Schedule &schedule,
                                      const sim::StageResult *timing,
                                      const ScheduleIRInfo &info) {
  MLIRContext *context = builder.getContext();
  SmallVector<Attribute> units;
  for (const sim::Stream &stream : schedule.streams)
    units.push_back(builder.getStringAttr(stream.resource));
  auto op = dx::ScheduleOp::create(
      builder, loc, builder.getStringAttr(info.symbol),
      builder.getArrayAttr(units),
      info.mode.empty() ? StringAttr() : builder.getStringAttr(info.mode),
      info.stage.empty() ? StringAttr() : builder.getStringAttr(info.stage),
      schedule.decoderLayers ? builder.getI64IntegerAttr(schedule.decoderLayers)
                             : IntegerAttr(),
      timing ? readable(builder, timing->stageSeconds) : FloatAttr());
  OpBuilder::InsertionGuard guard(builder);
  builder.createBlock(&op.getBody());

  Type token = dx::TokenType::get(context);
  SmallVector<Value> done;
  for (auto [id, task] : llvm::enumerate(schedule.tasks)) {
    SmallVector<Value> after;
    for (sim::TaskId dependency : task.deps)
      after.push_back(done[dependency]);
    if (task.isBarrier() && task.stream == sim::kNoStream) {
      auto sync = dx::SyncOp::create(builder, loc, token, after,
                                     builder.getI64IntegerAttr(task.layers));
      done.push_back(sync.getDone());
      continue;
    }
    const sim::TaskTiming *taskTiming = timing ? &timing->tasks[id] : nullptr;
    double seconds = taskTiming          ? taskTiming->seconds()
                     : task.fixedSeconds ? *task.fixedSeconds
                                         : 0.0;
    auto taskOp = dx::TaskOp::create(
        builder, loc, token, builder.getStringAttr(task.name),
        builder.getStringAttr(schedule.streams[task.stream].resource), after,
        builder.getStringAttr(sim::toString(task.category)),
        readable(builder, seconds), builder.getI64IntegerAttr(task.layers),
        task.slice.kind == sim::SliceKind::Whole
            ? StringAttr()
            : builder.getStringAttr(sim::toString(task.slice)),
        /*op=*/IntegerAttr(),
        taskTiming ? readable(builder, taskTiming->flops) : FloatAttr(),
        taskTiming ? readable(builder, taskTiming->bytes) : FloatAttr(),
        taskTiming ? readable(builder, taskTiming->dynamicJoules) : FloatAttr(),
        taskTiming ? readable(builder, taskTiming->startSeconds) : FloatAttr(),
        taskTiming ? readable(builder, taskTiming->endSeconds) : FloatAttr());
    done.push_back(taskOp.getDone());
  }
  return op;
}

FailureOr<sim::Schedule> duplex::scheduleFromIR(dx::ScheduleOp op) {
  sim::Schedule schedule;
  schedule.name = op.getSymName().str();
  schedule.decoderLayers = op.getDecoderLayers().value_or(0);
  for (Attribute unit : op.getUnits())
    schedule.streamFor(cast<StringAttr>(unit).getValue());
  // Graph regions may name a dependency before it is defined: number every
  // op first.
  DenseMap<Value, sim::TaskId> ids;
  for (auto [id, nested] : llvm::enumerate(op.getBody().front()))
    ids[nested.getResult(0)] = sim::TaskId(id);
  for (Operation &nested : op.getBody().front()) {
    sim::Task task;
    ValueRange after;
    if (auto sync = dyn_cast<dx::SyncOp>(nested)) {
      task.name = "sync";
      task.stream = sim::kNoStream;
      task.layers = sync.getLayers();
      after = sync.getAfter();
    } else {
      auto taskOp = cast<dx::TaskOp>(nested);
      task.name = taskOp.getName().str();
      task.stream = schedule.streamFor(taskOp.getUnit());
      std::optional<sim::TaskCategory> category =
          sim::parseTaskCategory(taskOp.getCategory());
      if (!category)
        return taskOp.emitOpError("has an unknown category");
      task.category = *category;
      task.fixedSeconds = taskOp.getSeconds().convertToDouble();
      task.layers = taskOp.getLayers();
      if (std::optional<StringRef> slice = taskOp.getSlice()) {
        llvm::Expected<sim::Slice> parsed = sim::parseSlice(*slice);
        if (!parsed)
          return taskOp.emitOpError(llvm::toString(parsed.takeError()));
        task.slice = std::move(*parsed);
      }
      after = taskOp.getAfter();
    }
    for (Value dependency : after)
      task.deps.push_back(ids.lookup(dependency));
    schedule.addTask(std::move(task));
  }
  return schedule;
}

void duplex::annotateTiming(dx::ScheduleOp op, const sim::StageResult &result) {
  Builder builder(op.getContext());
  op.setSecondsAttr(readable(builder, result.stageSeconds));
  for (auto [id, nested] : llvm::enumerate(op.getBody().front())) {
    auto task = dyn_cast<dx::TaskOp>(nested);
    if (!task)
      continue;
    task.setStartAttr(readable(builder, result.tasks[id].startSeconds));
    task.setEndAttr(readable(builder, result.tasks[id].endSeconds));
  }
}
