//===- StageSchedule.cpp - Duplex co-processing schedules of a stage ------===//

#include "duplex/Sim/StageSchedule.h"

#include "ScheduleBuilder.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ErrorHandling.h"

using namespace llvm;

namespace duplex::sim {

StringRef toString(CoprocessMode mode) {
  switch (mode) {
  case CoprocessMode::None:
    return "none";
  case CoprocessMode::PE:
    return "pe";
  case CoprocessMode::PEET:
    return "pe-et";
  case CoprocessMode::TwoMiniBatch:
    return "two-mini-batch";
  }
  llvm_unreachable("unknown CoprocessMode");
}

std::optional<CoprocessMode> parseCoprocessMode(StringRef text) {
  return StringSwitch<std::optional<CoprocessMode>>(text)
      .Case("none", CoprocessMode::None)
      .Case("pe", CoprocessMode::PE)
      .Case("pe-et", CoprocessMode::PEET)
      .Case("two-mini-batch", CoprocessMode::TwoMiniBatch)
      .Default(std::nullopt);
}

StringRef coprocessModeSpellings() { return "none, pe, pe-et, two-mini-batch"; }

StringRef toString(WorkPart part) {
  switch (part) {
  case WorkPart::Whole:
    return "whole";
  case WorkPart::Prefill:
    return "prefill";
  case WorkPart::Decode:
    return "decode";
  }
  llvm_unreachable("unknown WorkPart");
}

namespace {
using detail::Chain;
using detail::ScheduleBuilder;
using detail::TaskIds;

/// Consecutive items of one op.
SmallVector<ArrayRef<WorkItem>, 32> groupByOp(ArrayRef<WorkItem> items) {
  SmallVector<ArrayRef<WorkItem>, 32> groups;
  size_t begin = 0;
  for (size_t i = 1; i <= items.size(); ++i)
    if (i == items.size() || items[i].opIndex != items[begin].opIndex) {
      groups.push_back(items.slice(begin, i - begin));
      begin = i;
    }
  return groups;
}

/// Appends one op's tasks to `chain`: serially (units one at a time) unless
/// `coprocess`.
Error emitOp(ScheduleBuilder &builder, Chain &chain, ArrayRef<WorkItem> parts,
             bool coprocess) {
  for (const WorkItem &part : parts)
    if (part.layers != parts.front().layers)
      return createStringError(
          inconvertibleErrorCode(),
          "the parts of '%s' repeat different layer counts (%llu, %llu)",
          builder.baseName(chain, part).c_str(),
          (unsigned long long)parts.front().layers,
          (unsigned long long)part.layers);
  builder.beginOp(chain, parts.front().layers);
  TaskIds deps = chain.frontier;

  bool attention = llvm::any_of(
      parts, [](const WorkItem &part) { return part.part != WorkPart::Whole; });
  if (attention) {
    Expected<TaskIds> after =
        detail::emitAttention(builder, chain, parts, deps, coprocess);
    if (!after)
      return after.takeError();
    chain.frontier = std::move(*after);
    return Error::success();
  }
  for (const WorkItem &part : parts) {
    if (part.kernels.empty())
      continue;
    if (Error error = builder.emitAllToAll(chain, part, deps, "dispatch"))
      return error;
    if (part.category == TaskCategory::MoE && !part.tokensPerExpert.empty()) {
      Expected<TaskIds> done =
          detail::emitMoE(builder, chain, part, deps, coprocess);
      if (!done)
        return done.takeError();
      deps = std::move(*done);
    } else {
      Expected<TaskId> task = builder.emitOnUnit(chain, part, "", part.kernels,
                                                 part.unit, deps, Slice());
      if (!task)
        return task.takeError();
      deps.assign(1, *task);
    }
    if (Error error = builder.emitAllToAll(chain, part, deps, "combine"))
      return error;
    if (Error error = builder.emitAllReduce(chain, part, deps))
      return error;
  }
  chain.frontier = std::move(deps);
  return Error::success();
}
} // namespace

Expected<Schedule> buildStageSchedule(const hw::System &system,
                                      ArrayRef<WorkItem> items,
                                      const StageScheduleOptions &options) {
  if (options.mode == CoprocessMode::TwoMiniBatch)
    return createStringError(inconvertibleErrorCode(),
                             "the two-mini-batch schedule needs the work of "
                             "each half batch (buildTwoMiniBatchSchedule)");
  Schedule schedule;
  schedule.name = options.name;
  schedule.decoderLayers = options.decoderLayers;
  // Most items become one task, MoE and transfers a few.
  schedule.tasks.reserve(2 * items.size() + 8);
  ExpertTableCache localTables(system);
  ScheduleBuilder builder(system, schedule,
                          options.expertTables ? *options.expertTables
                                               : localTables);
  builder.nameTasks = options.nameTasks;
  bool coprocess = options.mode != CoprocessMode::None;
  Chain chain;
  for (ArrayRef<WorkItem> parts : groupByOp(items))
    if (Error error = emitOp(builder, chain, parts, coprocess))
      return std::move(error);
  return schedule;
}

Expected<Schedule>
buildTwoMiniBatchSchedule(const hw::System &system, ArrayRef<WorkItem> first,
                          ArrayRef<WorkItem> second,
                          const StageScheduleOptions &options) {
  SmallVector<ArrayRef<WorkItem>, 32> firstOps = groupByOp(first);
  SmallVector<ArrayRef<WorkItem>, 32> secondOps = groupByOp(second);
  if (firstOps.size() != secondOps.size())
    return createStringError(inconvertibleErrorCode(),
                             "the half batches have %zu and %zu ops; they "
                             "must run the same model",
                             firstOps.size(), secondOps.size());
  Schedule schedule;
  schedule.name = options.name;
  schedule.decoderLayers = options.decoderLayers;
  ExpertTableCache localTables(system);
  ScheduleBuilder builder(system, schedule,
                          options.expertTables ? *options.expertTables
                                               : localTables);
  builder.nameTasks = options.nameTasks;
  Chain chains[2];
  chains[0].prefix = "mb0: ";
  chains[1].prefix = "mb1: ";
  // Op by op, first half then second: on each stream the halves alternate,
  // so one half's PIM op can overlap the other's xPU op.
  for (size_t op = 0; op < firstOps.size(); ++op) {
    if (firstOps[op].front().layers != secondOps[op].front().layers)
      return createStringError(
          inconvertibleErrorCode(),
          "op #%u repeats %llu layers in one half batch "
          "and %llu in the other",
          firstOps[op].front().opIndex,
          (unsigned long long)firstOps[op].front().layers,
          (unsigned long long)secondOps[op].front().layers);
    if (Error error = emitOp(builder, chains[0], firstOps[op], false))
      return std::move(error);
    if (Error error = emitOp(builder, chains[1], secondOps[op], false))
      return std::move(error);
  }
  return schedule;
}

} // namespace duplex::sim
