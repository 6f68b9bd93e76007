//===- Pricing.h - cost-model time and energy of a task's work --*- C++ -*-===//
//
// The bridge from schedule tasks to the cost model. A kernel's time is kept
// as its compute, memory and fixed parts so the stage evaluator can reprice
// the memory part when another unit shares the memory (SharedMemory.h).
//
// As in the partitioner (Analysis/Placement.h), a unit in the host (DIMM-PIM)
// serves every device of its node with the same hardware, so one device's
// share of work takes devices-per-node times as long there; its energy is
// that device's work only. All results are per device.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SIM_PRICING_H
#define DUPLEX_SIM_PRICING_H

#include "duplex/CostModel/Cost.h"
#include "duplex/Hardware/System.h"
#include "duplex/Sim/Schedule.h"

#include "llvm/Support/Error.h"

namespace duplex::cost {
class CostCache;
} // namespace duplex::cost

namespace duplex::sim {

/// One kernel on one unit.
struct KernelTime {
  double computeSeconds = 0;
  double memorySeconds = 0;
  double overheadSeconds = 0; ///< Kernel launch: no memory traffic.
  /// hw::Calibration::computeMemoryUnhidden of the unit.
  double unhiddenFraction = 0;
  /// DRAM and compute energy (static energy is charged per stage).
  double dynamicJoules = 0;
  double dramJoules = 0; ///< The DRAM part of dynamicJoules.
  double flops = 0;
  double bytes = 0;

  double seconds() const {
    return cost::rooflineSeconds(computeSeconds, memorySeconds,
                                 unhiddenFraction) +
           overheadSeconds;
  }
  /// Duration when the unit gets `share` (0, 1] of its memory bandwidth.
  double secondsWithBandwidthShare(double share) const {
    return cost::rooflineSeconds(computeSeconds, memorySeconds / share,
                                 unhiddenFraction) +
           overheadSeconds;
  }
};

/// `kernel` on `unit` (see the file comment for host units); through
/// `cache` when given (the same result, memoised).
llvm::Expected<KernelTime> priceKernel(const hw::System &system,
                                       const hw::Unit &unit,
                                       const Kernel &kernel,
                                       cost::CostCache *cache = nullptr);

/// Appends priceKernel of each of `kernels` to `times`.
llvm::Error priceKernels(const hw::System &system, const hw::Unit &unit,
                         llvm::ArrayRef<Kernel> kernels,
                         llvm::SmallVectorImpl<KernelTime> &times,
                         cost::CostCache *cache = nullptr);

/// Kernels run back to back: their seconds() and other fields summed.
struct WorkTime {
  double seconds = 0;
  double dynamicJoules = 0;
  double flops = 0;
  double bytes = 0;
};
llvm::Expected<WorkTime> priceWork(const hw::System &system,
                                   const hw::Unit &unit,
                                   llvm::ArrayRef<Kernel> kernels);

/// `transfer` on `link`; Cost::joules is this device's share of the link
/// energy.
cost::Cost priceTransfer(const hw::Link &link, const Transfer &transfer);

} // namespace duplex::sim

#endif // DUPLEX_SIM_PRICING_H
