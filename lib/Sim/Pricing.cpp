//===- Pricing.cpp - cost-model time and energy of a task's work ----------===//

#include "duplex/Sim/Pricing.h"

#include "duplex/CostModel/Collectives.h"
#include "duplex/CostModel/CostCache.h"
#include "duplex/CostModel/CostModel.h"

using namespace llvm;

namespace duplex::sim {

Expected<KernelTime> priceKernel(const hw::System &system, const hw::Unit &unit,
                                 const Kernel &kernel, cost::CostCache *cache) {
  Expected<cost::Cost> cost = cost::estimateKernel(system, unit, kernel, cache);
  if (!cost)
    return cost.takeError();
  // A host unit works through every device's share in turn.
  double devices = system.devicesSharing(unit);
  KernelTime time;
  time.computeSeconds = cost->computeSeconds * devices;
  time.memorySeconds = cost->memorySeconds * devices;
  time.overheadSeconds = cost->overheadSeconds * devices;
  time.unhiddenFraction = unit.calibration.computeMemoryUnhidden;
  time.dynamicJoules = cost->dramJoules + cost->computeJoules;
  time.dramJoules = cost->dramJoules;
  time.flops = cost->flops;
  time.bytes = cost->bytes;
  return time;
}

Error priceKernels(const hw::System &system, const hw::Unit &unit,
                   ArrayRef<Kernel> kernels, SmallVectorImpl<KernelTime> &times,
                   cost::CostCache *cache) {
  for (const Kernel &kernel : kernels) {
    Expected<KernelTime> time = priceKernel(system, unit, kernel, cache);
    if (!time)
      return time.takeError();
    times.push_back(*time);
  }
  return Error::success();
}

Expected<WorkTime> priceWork(const hw::System &system, const hw::Unit &unit,
                             ArrayRef<Kernel> kernels) {
  WorkTime total;
  for (const Kernel &kernel : kernels) {
    Expected<KernelTime> time = priceKernel(system, unit, kernel);
    if (!time)
      return time.takeError();
    total.seconds += time->seconds();
    total.dynamicJoules += time->dynamicJoules;
    total.flops += time->flops;
    total.bytes += time->bytes;
  }
  return total;
}

cost::Cost priceTransfer(const hw::Link &link, const Transfer &transfer) {
  cost::Cost cost;
  switch (transfer.kind) {
  case CollectiveKind::PointToPoint:
    return cost::pointToPoint(link, transfer.bytes);
  case CollectiveKind::AllReduce:
    cost = cost::ringAllReduce(link, transfer.bytes, transfer.devices);
    break;
  case CollectiveKind::AllGather:
    cost = cost::ringAllGather(link, transfer.bytes, transfer.devices);
    break;
  case CollectiveKind::AllToAll:
    cost = cost::allToAll(link, transfer.bytes, transfer.devices);
    break;
  }
  // Collectives count every device's traffic; report one device's share.
  double devices = std::max(1u, transfer.devices);
  cost.linkJoules /= devices;
  cost.joules /= devices;
  return cost;
}

} // namespace duplex::sim
