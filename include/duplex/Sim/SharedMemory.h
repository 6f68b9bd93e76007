//===- SharedMemory.h - bandwidth of units that share a memory --*- C++ -*-===//
//
// When the xPU (or GPU) and a PIM unit of the same memory are busy at once,
// what memory bandwidth does each get? The model follows the data path of
// the memory organisation:
//
//  * Bank side. Duplex's bank bundles split each pseudo-channel's banks:
//    N = ranks x banksPerBankGroup / bundle.banksPerBankGroup bundles (4 on
//    HBM3), of which the PIM path reads A = activeBundlesPerPseudoChannel
//    (1). The paper's layout puts the PIM's and the xPU's data in different
//    bundle sections, so the PIM keeps its A bundles and the xPU is left the
//    other N - A: the xPU's rate is capped by those bundles' column rate,
//    (N - A) x pseudo-channels x bundle banks x bytes per column / tCCD_L.
//    (On HBM3 that is 40 TB/s, far above the 3.35 TB/s PHY: no cap.)
//    PIM without bundles (Bank-PIM, DIMM-PIM) occupies every bank: the banks'
//    column rate is then a stage both units share.
//  * TSVs. Logic-PIM reads through the base die's TSVs, whose capacity is
//    logic_die_bandwidth_multiplier x the external bandwidth (4 x 3.35 TB/s);
//    the xPU's bytes cross the same TSVs on their way to the PHY. The TSVs
//    are the stage both share. BankGroup-PIM stays on the DRAM die: no
//    shared stage.
//
// Split rule at a shared stage of capacity C: the busy tasks' demands d_i
// (bytes / standalone seconds) are scaled by f = min(1, C / sum d_i), and
// further by the unit's own cap (bank side) where one applies. A task whose
// memory gets share f takes max(compute, memory / f) + launch per kernel.
// Duplex, both memory-bound: xPU 2.68 TB/s + Logic-PIM 13.4 TB/s exceed the
// 13.4 TB/s TSVs, so both run at 13.4 / 16.08 = 0.83 of their rate.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SIM_SHAREDMEMORY_H
#define DUPLEX_SIM_SHAREDMEMORY_H

#include "duplex/Hardware/System.h"

#include "llvm/ADT/SmallVector.h"

namespace duplex::sim {

struct SharedMemoryModel {
  /// Per memory (System::memories): bytes per second of the stage every
  /// unit on it crosses; infinity when they share none.
  llvm::SmallVector<double, 2> sharedBytesPerSecond;
  /// Per unit (System::units): bytes per second its own bank bundles supply
  /// while another unit of its memory is busy; infinity when not limited.
  llvm::SmallVector<double, 4> unitCapBytesPerSecond;
};

/// The model of every memory of `system` (see the file comment).
SharedMemoryModel buildSharedMemoryModel(const hw::System &system);

/// The bandwidth share of a task demanding `demandBytesPerSecond` on a unit
/// capped at `unitCapBytesPerSecond`, while the busy units of its memory
/// demand `totalDemandBytesPerSecond` of a stage of `sharedBytesPerSecond`.
double bandwidthShare(double sharedBytesPerSecond,
                      double totalDemandBytesPerSecond,
                      double unitCapBytesPerSecond,
                      double demandBytesPerSecond);

} // namespace duplex::sim

#endif // DUPLEX_SIM_SHAREDMEMORY_H
