//===- ScheduleBuilder.h - shared steps of the schedule builders -*- C++ -*-=//
//
// Internal to lib/Sim. A chain is one serial thread of work (the stage, or
// one half batch); its frontier is the tasks its next op waits for. The
// frontier resets where the layer count changes: the segment barrier
// (Schedule.h) already orders those tasks.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_LIB_SIM_SCHEDULEBUILDER_H
#define DUPLEX_LIB_SIM_SCHEDULEBUILDER_H

#include "duplex/Sim/ExpertCoprocessing.h"
#include "duplex/Sim/Schedule.h"
#include "duplex/Sim/StageSchedule.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <string>

namespace duplex::sim::detail {

struct Chain {
  llvm::SmallVector<TaskId, 4> frontier;
  uint64_t layers = 0;
  std::string prefix; ///< Task name prefix ("mb0: ").
};

using TaskIds = llvm::SmallVector<TaskId, 4>;

class ScheduleBuilder {
public:
  ScheduleBuilder(const hw::System &system, Schedule &schedule,
                  ExpertTableCache &tables)
      : system(system), schedule(schedule), tables(tables) {}

  /// Starts an op of `layers` layers on `chain`.
  void beginOp(Chain &chain, uint64_t layers);

  /// "<prefix><label> #<opIndex>", or nothing when tasks go unnamed.
  std::string baseName(const Chain &chain, const WorkItem &item) const;
  /// `name` followed by `rest`, or nothing when tasks go unnamed.
  std::string extend(const std::string &name, const llvm::Twine &rest) const {
    return nameTasks ? (name + rest).str() : std::string();
  }

  /// A string per task is a tenth of building a schedule; a schedule built
  /// only to be evaluated (StageScheduleOptions::nameTasks) goes without.
  bool nameTasks = true;

  /// Starts a task at the end of the schedule, on `resource`'s stream, and
  /// returns it for the caller to fill in before it starts another (the
  /// reference moves when the list grows). Built in place: a Task is large,
  /// its kernels sit inline.
  Task &startTask(llvm::StringRef resource, std::string name,
                  TaskCategory category, llvm::ArrayRef<TaskId> deps,
                  uint64_t layers);
  /// The task started last.
  TaskId lastTask() const { return TaskId(schedule.tasks.size() - 1); }
  /// `kernels` of `item` on unit `unitIndex` after `deps`; a unit in host
  /// memory gets the item's inputs copied there first and its output copied
  /// back. Returns the last task.
  llvm::Expected<TaskId>
  emitOnUnit(const Chain &chain, const WorkItem &item, llvm::StringRef suffix,
             llvm::ArrayRef<Kernel> kernels, unsigned unitIndex,
             llvm::ArrayRef<TaskId> deps, const Slice &slice);
  /// The cross-node all-to-all of `item` (dispatch or combine) after
  /// `frontier`, which it then replaces; nothing when the item has none.
  llvm::Error emitAllToAll(const Chain &chain, const WorkItem &item,
                           TaskIds &frontier, llvm::StringRef what);
  /// The item's all-reduce after `frontier`, which it then replaces;
  /// nothing when the item has none.
  llvm::Error emitAllReduce(const Chain &chain, const WorkItem &item,
                            TaskIds &frontier);
  unsigned indexOf(const hw::Unit &unit) const {
    return &unit - system.units.begin();
  }

  const hw::System &system;
  Schedule &schedule;
  ExpertTableCache &tables;
};

/// The ops of an attention (its prefill and decode parts), side by side when
/// `concurrent`, else one after the other. AttentionCoprocessing.cpp.
llvm::Expected<TaskIds> emitAttention(ScheduleBuilder &builder, Chain &chain,
                                      llvm::ArrayRef<WorkItem> parts,
                                      llvm::ArrayRef<TaskId> deps,
                                      bool concurrent);

/// A MoE part: split between the xPU and PIM when `coprocess`, else on its
/// placed unit (plus the partial-sum reduction when that is a PIM).
/// ExpertCoprocessing.cpp.
llvm::Expected<TaskIds> emitMoE(ScheduleBuilder &builder, const Chain &chain,
                                const WorkItem &item,
                                llvm::ArrayRef<TaskId> deps, bool coprocess);

} // namespace duplex::sim::detail

#endif // DUPLEX_LIB_SIM_SCHEDULEBUILDER_H
