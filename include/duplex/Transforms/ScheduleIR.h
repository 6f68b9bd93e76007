//===- ScheduleIR.h - dx.schedule <-> sim::Schedule -------------*- C++ -*-===//
//
// The schedule IR is the readable, lit-testable form of the Sim library's
// schedules: a dx.task per task (on its unit or link, after its
// dependencies), a dx.sync per barrier that holds no stream.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_TRANSFORMS_SCHEDULEIR_H
#define DUPLEX_TRANSFORMS_SCHEDULEIR_H

#include "duplex/Dialect/Dx/IR/DxOps.h"
#include "duplex/Sim/Schedule.h"
#include "duplex/Sim/StageEvaluator.h"

#include "mlir/IR/Builders.h"

namespace duplex {

struct ScheduleIRInfo {
  std::string symbol = "stage";
  std::string mode;
  std::string stage;
};

/// Emits `schedule` as a dx.schedule at the builder's insertion point.
/// With `timing`, tasks carry their evaluated start/end (first layer) and
/// the schedule its stage time; each task's `seconds` is its evaluated
/// duration, so re-evaluating the IR gives the same timeline.
dx::ScheduleOp emitScheduleIR(mlir::OpBuilder &builder, mlir::Location loc,
                              const hw::System &system,
                              const sim::Schedule &schedule,
                              const sim::StageResult *timing,
                              const ScheduleIRInfo &info);

/// The Sim form of a dx.schedule: every task takes its `seconds`. Errors
/// (an unknown category or slice) are emitted on the offending op.
mlir::FailureOr<sim::Schedule> scheduleFromIR(dx::ScheduleOp op);

/// Writes the evaluated `result` back onto `op`'s tasks (start, end) and
/// the op (seconds).
void annotateTiming(dx::ScheduleOp op, const sim::StageResult &result);

} // namespace duplex

#endif // DUPLEX_TRANSFORMS_SCHEDULEIR_H
