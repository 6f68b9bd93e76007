//===- CostModel.h - time and energy of one kernel on one unit --*- C++ -*-===//
//
// estimate() dispatches on the unit kind:
//   gpu, xpu       roofline: max(flops / (peak x eff), bytes / (bw x eta))
//                  plus the kernel launch overhead          (Roofline.cpp)
//   logic_pim,     bank bundles at tCCD_L, capped by the logic-die TSVs;
//   bankgroup_pim  same bundles, no TSV crossing            (LogicPIM.cpp)
//   bank_pim       every HBM bank at tCCD_L                 (BankPIM.cpp)
//   dimm_pim,      every DDR chip bank at tCCD_L; one rank
//   rank_pim       at channel rate per rank                 (DimmPIM.cpp)
// PIM bandwidth comes from the memory organisation and timing, with row
// activations where the layout exposes them (DramTiming.cpp); PIM compute is
// count x clock x FLOPs/cycle. Energy: Energy.cpp. Transfers and
// collectives: Collectives.h.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_COSTMODEL_COSTMODEL_H
#define DUPLEX_COSTMODEL_COSTMODEL_H

#include "duplex/CostModel/Cost.h"
#include "duplex/CostModel/Kernels.h"
#include "duplex/Hardware/System.h"

#include "llvm/Support/Error.h"

#include <optional>

namespace duplex::cost {

/// Time and energy of `workload` on `unit`. Fails when the unit lists no
/// peak for workload.computeType.
llvm::Expected<Cost> estimate(const hw::System &system, const hw::Unit &unit,
                              const Workload &workload);

/// estimate() of a kernel shape (GemmShape, DecodeAttention, ExpertFfn, ...).
template <typename Shape>
llvm::Expected<Cost> estimate(const hw::System &system, const hw::Unit &unit,
                              const Shape &shape) {
  llvm::Expected<Workload> workload = workloadOf(shape);
  if (!workload)
    return workload.takeError();
  return estimate(system, unit, *workload);
}

/// Which rates to quote: Peak is the datasheet (GPU/xPU) or the DRAM
/// organisation's column rate (PIM); Sustained applies the GPU/xPU
/// efficiencies and, for PIM, the row cycle of a long full-row stream.
enum class Rate { Peak, Sustained };

/// Bytes per second `unit` streams from its memory.
double memoryBytesPerSecond(const hw::System &system, const hw::Unit &unit,
                            Rate rate = Rate::Peak);

/// FLOPs per second of `unit` for `type` (Sustained: x compute efficiency).
llvm::Expected<double> computeFlopsPerSecond(const hw::Unit &unit,
                                             hw::DType type,
                                             Rate rate = Rate::Peak);

/// The Op/B (FLOP per byte) at which compute time equals memory time.
llvm::Expected<double> ridgePoint(const hw::System &system,
                                  const hw::Unit &unit, hw::DType type,
                                  Rate rate = Rate::Peak);

/// Where two units' rooflines cross: below opsPerByte one of them is faster,
/// above it the other. No crossing (one unit is never slower) leaves
/// opsPerByte empty and names the faster unit in both fields.
struct BreakEven {
  std::optional<double> opsPerByte;
  const hw::Unit *fasterBelow = nullptr;
  const hw::Unit *fasterAbove = nullptr;
};

/// Break-even Op/B of `first` and `second` (fixed overheads left out: they
/// do not depend on Op/B).
llvm::Expected<BreakEven> breakEven(const hw::System &system,
                                    const hw::Unit &first,
                                    const hw::Unit &second, hw::DType type,
                                    Rate rate = Rate::Peak);

} // namespace duplex::cost

#endif // DUPLEX_COSTMODEL_COSTMODEL_H
