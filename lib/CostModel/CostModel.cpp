//===- CostModel.cpp - dispatch by unit kind, ridge points ----------------===//

#include "duplex/CostModel/CostModel.h"

#include "UnitModels.h"
#include "duplex/CostModel/Energy.h"

#include "llvm/Support/ErrorHandling.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace duplex::cost {

using namespace detail;
using hw::UnitKind;

static MemoryTime memoryTime(const hw::Unit &unit, const hw::Memory &memory,
                             const Workload &workload) {
  switch (unit.kind) {
  case UnitKind::Gpu:
  case UnitKind::Xpu:
    return rooflineMemoryTime(unit, memory, workload);
  case UnitKind::LogicPim:
  case UnitKind::BankGroupPim:
    return bundlePimMemoryTime(unit, memory, workload);
  case UnitKind::BankPim:
    return bankPimMemoryTime(memory, workload);
  case UnitKind::DimmPim:
    return dimmPimMemoryTime(memory, workload);
  case UnitKind::RankPim:
    return rankPimMemoryTime(memory, workload);
  }
  llvm_unreachable("unknown UnitKind");
}

double memoryBytesPerSecond(const hw::System &system, const hw::Unit &unit,
                            Rate rate) {
  const hw::Memory &memory = system.memoryOf(unit);
  switch (unit.kind) {
  case UnitKind::Gpu:
  case UnitKind::Xpu:
    return rooflineBytesPerSecond(unit, memory, rate);
  case UnitKind::LogicPim:
  case UnitKind::BankGroupPim:
    return bundlePimBytesPerSecond(unit, memory, rate);
  case UnitKind::BankPim:
    return bankPimBytesPerSecond(memory, rate);
  case UnitKind::DimmPim:
    return dimmPimBytesPerSecond(memory, rate);
  case UnitKind::RankPim:
    return rankPimBytesPerSecond(memory);
  }
  llvm_unreachable("unknown UnitKind");
}

Expected<double> computeFlopsPerSecond(const hw::Unit &unit, hw::DType type,
                                       Rate rate) {
  Expected<double> peak = unit.peakFlopsPerSecond(type);
  if (!peak || rate == Rate::Peak)
    return peak;
  // PIM units are sized to their bandwidth and run at their peak.
  return hw::isPim(unit.kind) ? *peak
                              : *peak * unit.calibration.computeEfficiency;
}

Expected<Cost> estimate(const hw::System &system, const hw::Unit &unit,
                        const Workload &workload) {
  Expected<double> flopsPerSecond =
      computeFlopsPerSecond(unit, workload.computeType, Rate::Sustained);
  if (!flopsPerSecond)
    return flopsPerSecond.takeError();
  const hw::Memory &memory = system.memoryOf(unit);
  MemoryTime memoryUse = memoryTime(unit, memory, workload);

  Cost cost;
  cost.flops = workload.flops;
  cost.bytes = workload.bytes();
  cost.computeSeconds = workload.flops / *flopsPerSecond;
  cost.memorySeconds = memoryUse.seconds;
  cost.overheadSeconds = unit.calibration.kernelLaunchSeconds;
  cost.seconds = rooflineSeconds(cost.computeSeconds, cost.memorySeconds,
                                 unit.calibration.computeMemoryUnhidden) +
                 cost.overheadSeconds;
  cost.rowActivations = memoryUse.rowActivations;

  cost.dramJoules = accessJoules(memory, unit.accessPath(), workload.readBytes,
                                 workload.writeBytes) +
                    activationJoules(memory, memoryUse.rowActivations);
  cost.computeJoules = computeJoules(unit, workload.flops);
  cost.staticJoules = staticJoules(unit, cost.seconds);
  cost.joules = cost.dramJoules + cost.computeJoules + cost.staticJoules;
  return cost;
}

Expected<double> ridgePoint(const hw::System &system, const hw::Unit &unit,
                            hw::DType type, Rate rate) {
  Expected<double> flopsPerSecond = computeFlopsPerSecond(unit, type, rate);
  if (!flopsPerSecond)
    return flopsPerSecond.takeError();
  return *flopsPerSecond / memoryBytesPerSecond(system, unit, rate);
}

namespace {
/// Roofline seconds per byte at `opsPerByte`.
struct Roofline {
  double flopsPerSecond;
  double bytesPerSecond;
  double secondsPerByte(double opsPerByte) const {
    return std::max(opsPerByte / flopsPerSecond, 1 / bytesPerSecond);
  }
};
} // namespace

/// The unit that is strictly faster at `opsPerByte`, or null on a tie.
static const hw::Unit *fasterAt(double opsPerByte, const Roofline &first,
                                const hw::Unit &firstUnit,
                                const Roofline &second,
                                const hw::Unit &secondUnit) {
  double a = first.secondsPerByte(opsPerByte);
  double b = second.secondsPerByte(opsPerByte);
  if (std::abs(a - b) <= 1e-9 * std::max(a, b))
    return nullptr;
  return a < b ? &firstUnit : &secondUnit;
}

Expected<BreakEven> breakEven(const hw::System &system, const hw::Unit &first,
                              const hw::Unit &second, hw::DType type,
                              Rate rate) {
  Expected<double> firstFlops = computeFlopsPerSecond(first, type, rate);
  if (!firstFlops)
    return firstFlops.takeError();
  Expected<double> secondFlops = computeFlopsPerSecond(second, type, rate);
  if (!secondFlops)
    return secondFlops.takeError();
  Roofline a{*firstFlops, memoryBytesPerSecond(system, first, rate)};
  Roofline b{*secondFlops, memoryBytesPerSecond(system, second, rate)};

  // Both curves are max(x / F, 1 / B); they can only meet where one unit's
  // compute line meets the other's memory line.
  SmallVector<double, 2> candidates = {a.flopsPerSecond / b.bytesPerSecond,
                                       b.flopsPerSecond / a.bytesPerSecond};
  llvm::sort(candidates);
  BreakEven result;
  for (double x : candidates) {
    if (fasterAt(x, a, first, b, second))
      continue; // Not a meeting point.
    const hw::Unit *below = fasterAt(x / 2, a, first, b, second);
    const hw::Unit *above = fasterAt(x * 2, a, first, b, second);
    if (below && above && below != above) {
      result.opsPerByte = x;
      result.fasterBelow = below;
      result.fasterAbove = above;
      return result;
    }
  }
  // No crossing: the same unit (or neither, if identical) wins everywhere.
  const hw::Unit *faster =
      fasterAt(candidates.front() / 2, a, first, b, second);
  if (!faster)
    faster = fasterAt(candidates.back() * 2, a, first, b, second);
  result.fasterBelow = result.fasterAbove = faster;
  return result;
}

} // namespace duplex::cost
