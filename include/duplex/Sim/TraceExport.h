//===- TraceExport.h - Chrome trace and schedule JSON of a stage -*- C++ -*-=//
//
// Chrome trace-event JSON (Perfetto and chrome://tracing open it): one
// process for the stage, one track (tid) per stream named after its
// resource's kind (`xpu`, `logic_pim`, `gpu`, `dimm_pim`, `pcie`, ...), one
// complete ("ph": "X") slice per task in microseconds, with its category,
// unit, FLOPs, bytes, energy, layers and slice in `args`. A repeated segment
// shows its first layer task by task, then one "layers 2-N" slice per busy
// track for the rest; the per-step and per-layer overhead closes the host
// processor's track. A barrier on no stream is an instant event.
//
// The schedule JSON lists every task with its start and end time, duration,
// dependencies (task ids), slice and cost, plus per-stream busy time, the
// segments and the totals.
//
// The writers print to a raw_ostream; callers write files atomically
// (Support/Output.h). Output is deterministic (keys sorted, task order).
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SIM_TRACEEXPORT_H
#define DUPLEX_SIM_TRACEEXPORT_H

#include "duplex/Hardware/System.h"
#include "duplex/Sim/Schedule.h"
#include "duplex/Sim/StageEvaluator.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace duplex::sim {

/// `result` must come from evaluating `schedule` on `system`.
llvm::json::Value chromeTraceJSON(const hw::System &system,
                                  const Schedule &schedule,
                                  const StageResult &result);
void writeChromeTrace(llvm::raw_ostream &os, const hw::System &system,
                      const Schedule &schedule, const StageResult &result);

llvm::json::Value scheduleJSON(const hw::System &system,
                               const Schedule &schedule,
                               const StageResult &result);
void writeScheduleJSON(llvm::raw_ostream &os, const hw::System &system,
                       const Schedule &schedule, const StageResult &result);

} // namespace duplex::sim

#endif // DUPLEX_SIM_TRACEEXPORT_H
