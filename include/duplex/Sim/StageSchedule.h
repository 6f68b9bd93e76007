//===- StageSchedule.h - Duplex co-processing schedules of a stage -*- C++ -*-//
//
// Builds the Schedule of one serving stage from placed work (what the
// partitioner decided: each op part on a unit) under a co-processing mode
// (Duplex paper, "Co-processing"; `--coprocess` on duplexc):
//
//   none    units one at a time: every op part on its placed unit, one
//           after another (the paper's "Duplex").
//   pe      expert co-processing (ExpertCoprocessing.h) and attention
//           co-processing: the prefill and decode parts of an attention op
//           run at once on their units ("Duplex+PE").
//   pe-et   as pe; the caller has made the experts tensor parallel inside a
//           node (WorkContext::expertParallel = 1, so every device holds a
//           1/TP slice of every expert) and passes their all-reduce
//           ("Duplex+PE+ET").
//   two-mini-batch
//           the alternative the paper rejects: the batch in two halves whose
//           serial chains alternate between the units; each half batches
//           FC/MoE half as well and reads the weights again
//           (buildTwoMiniBatchSchedule()).
//
// Every mode keeps the partitioner's transfers (a part on a unit in host
// memory copies its inputs there and its output back over the host link)
// and the all-reduce a caller attaches to row-parallel outputs. A MoE part
// on a PIM unit is followed by the xPU's reduction of its partial sums.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SIM_STAGESCHEDULE_H
#define DUPLEX_SIM_STAGESCHEDULE_H

#include "duplex/Hardware/System.h"
#include "duplex/Sim/ExpertCoprocessing.h"
#include "duplex/Sim/Schedule.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace duplex::sim {

enum class CoprocessMode { None, PE, PEET, TwoMiniBatch };

/// "none", "pe", "pe-et", "two-mini-batch".
llvm::StringRef toString(CoprocessMode mode);
std::optional<CoprocessMode> parseCoprocessMode(llvm::StringRef text);
llvm::StringRef coprocessModeSpellings();

/// Mirrors llm::WorkPart.
enum class WorkPart { Whole, Prefill, Decode };
llvm::StringRef toString(WorkPart part);

/// One placed part of one op for one stage: a PlacedRecord in plain C++.
/// Items of one op (the prefill and decode parts of an attention) are
/// consecutive and share opIndex.
struct WorkItem {
  std::string label; ///< "llm.moe", "llm.linear output".
  unsigned opIndex = 0;
  WorkPart part = WorkPart::Whole;
  TaskCategory category = TaskCategory::Other;
  /// As llm::OpWork. MoE: router GEMMs first, then one ExpertFfn per expert
  /// with tokens (in expert order), then the shared experts.
  llvm::SmallVector<Kernel, 4> kernels;
  /// MoE only: tokens each local expert receives (zeros included).
  llvm::SmallVector<uint64_t, 16> tokensPerExpert;
  uint64_t layers = 1;
  unsigned unit = 0; ///< Index into System::units.
  /// Bytes copied to the unit and back over the host link (PlacedRecord's).
  double inputTransferBytes = 0;
  double outputTransferBytes = 0;
  /// An all-reduce of the output after the part (row-parallel outputs of
  /// tensor-parallel layers, MoE outputs); bytes each device holds.
  double allReduceBytes = 0;
  unsigned allReduceDevices = 1;
  /// Expert parallelism across nodes: the tokens routed to experts on other
  /// nodes go there before the part (dispatch) and their outputs come back
  /// after it (combine), each an all-to-all of these bytes per device over
  /// `allToAllDevices` devices on the inter-node link.
  double allToAllBytes = 0;
  unsigned allToAllDevices = 1;
};

struct StageScheduleOptions {
  CoprocessMode mode = CoprocessMode::PE;
  std::string name = "stage";
  /// Schedule::decoderLayers (per-layer overhead).
  uint64_t decoderLayers = 0;
  /// Expert time tables kept across stages; a temporary cache when null.
  ExpertTableCache *expertTables = nullptr;
  /// Give every task a name (for export and messages); a schedule built
  /// only to be evaluated may go without.
  bool nameTasks = true;
};

/// The schedule of `items` under options.mode (none, pe or pe-et).
llvm::Expected<Schedule>
buildStageSchedule(const hw::System &system, llvm::ArrayRef<WorkItem> items,
                   const StageScheduleOptions &options);

/// The two-mini-batch alternative: `first` and `second` are the work of the
/// two half batches (same ops, same order). Each half runs its ops one after
/// another on their placed units; the halves interleave on every stream, so
/// one half's PIM work overlaps the other's xPU work.
llvm::Expected<Schedule> buildTwoMiniBatchSchedule(
    const hw::System &system, llvm::ArrayRef<WorkItem> first,
    llvm::ArrayRef<WorkItem> second, const StageScheduleOptions &options);

/// The PIM unit that shares `xpu`'s memory and runs expert FFNs (Logic-PIM,
/// BankGroup-PIM or Bank-PIM), or null.
const hw::Unit *findExpertPim(const hw::System &system, const hw::Unit &xpu);

} // namespace duplex::sim

#endif // DUPLEX_SIM_STAGESCHEDULE_H
